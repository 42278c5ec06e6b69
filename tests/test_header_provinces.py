"""Issuers of two-column headers, for every province and central city.

The left column ("ỦY BAN NHÂN DÂN" / "TỈNH THANH HÓA") is printed beside
the national motto, so a line holds the end of a province's name and the
start of the motto ("... THANH HÓA      Độc lập - Tự do - Hạnh phúc").
Province names end in words of the motto ("HÓA", "NAM") or in a head word
("PHÒNG"): none may be cut off. The names are the 63 provinces and cities
before 1 July 2025 (as in the old documents' headers).
"""

from __future__ import annotations

import pytest

from docparse.header import extract_header
from docparse.lines import lines_from_text
from docparse.segment import split_documents

PROVINCES = [
    "An Giang", "Bà Rịa - Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh", "Bến Tre",
    "Bình Định", "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Đắk Lắk",
    "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam", "Hà Tĩnh",
    "Hải Dương", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum",
    "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An", "Ninh Bình",
    "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh",
    "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa",
    "Thừa Thiên Huế", "Tiền Giang", "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
]
CITIES = ["Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ"]

# The left column beside the motto, as the seeds print it (002's plan, 000's slip).
COMMITTEE = """ ỦY BAN NHÂN DÂN                 CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
 {level} {name}                     Độc lập - Tự do - Hạnh phúc
Số: 15/KH-UBND                    {place}, ngày 05 tháng 3 năm 2021
KẾ HOẠCH
Triển khai thực hiện Nghị định số 87/2020/NĐ-CP
I. MỤC ĐÍCH, YÊU CẦU
"""
# The office of the committee: three lines, the name beside the motto's first line.
OFFICE = """UBND {level} {name}          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
VĂN PHÒNG                 Độc lập - Tự do - Hạnh phúc
Số: 7049/PC-VP                    {place}, ngày 09 tháng 11 năm 2020
PHIẾU CHUYỂN
Về việc chuyển Quyết định số 2168/QĐ-BTP
"""


def _issuer(text: str) -> str | None:
    seg = split_documents(lines_from_text(text))[0]
    return extract_header(seg).issuer


def _cases() -> list:
    out = [pytest.param("TỈNH", p, f"Ủy ban nhân dân tỉnh {p}", id=p) for p in PROVINCES]
    out += [pytest.param("THÀNH PHỐ", c, f"Ủy ban nhân dân thành phố {c}", id=f"TP {c}") for c in CITIES]
    return out


@pytest.mark.parametrize(("level", "name", "expected"), _cases())
def test_committee_of_each_province(level, name, expected):
    assert len(PROVINCES) + len(CITIES) == 63
    text = COMMITTEE.format(level=level, name=name.upper(), place=name)
    assert _issuer(text) == expected


@pytest.mark.parametrize(("level", "name", "expected"), [
    ("TỈNH", "THANH HÓA", "Văn phòng Ủy ban nhân dân tỉnh Thanh Hóa"),
    ("TỈNH", "HÀ NAM", "Văn phòng Ủy ban nhân dân tỉnh Hà Nam"),
    ("TỈNH", "KHÁNH HÒA", "Văn phòng Ủy ban nhân dân tỉnh Khánh Hòa"),
    ("TỈNH", "QUẢNG NAM", "Văn phòng Ủy ban nhân dân tỉnh Quảng Nam"),
    ("THÀNH PHỐ", "HẢI PHÒNG", "Văn phòng Ủy ban nhân dân thành phố Hải Phòng"),
    ("THÀNH PHỐ", "ĐÀ NẴNG", "Văn phòng Ủy ban nhân dân thành phố Đà Nẵng"),
])
def test_office_under_the_committee(level, name, expected):
    assert _issuer(OFFICE.format(level=level, name=name, place=name.title())) == expected
