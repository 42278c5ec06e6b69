"""Bundle rules: what the documents of one file say about each other."""

from __future__ import annotations

import pytest

from docparse.pipeline import parse_text

SLIP = """UBND TỈNH {prov}
VĂN PHÒNG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Số: {slip}
{place}, ngày 10 tháng 4 năm 2024
PHIẾU CHUYỂN
Về việc chuyển Quyết định số {num} ngày {cdate} của {body}
Văn phòng nhận được Quyết định số {num} ngày {cdate} của {body} (đính kèm văn bản).
Nơi nhận:
- Các sở, ban, ngành;
- Lưu: VT.
CHÁNH VĂN PHÒNG
Nguyễn Văn An
{body_caps}
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Số: {misread}
Hà Nội, ngày   tháng {month} năm 2024
QUYẾT ĐỊNH
Về việc ban hành Kế hoạch
Căn cứ Luật Tổ chức Chính phủ;
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Kế hoạch.
Nơi nhận:
- Như Điều 1;
- Lưu: VT.
BỘ TRƯỞNG
Trần Văn Bình
"""


@pytest.mark.parametrize(("fields", "number", "date"), [
    # The decision's own number misread by one digit; both slip mentions agree.
    ({"num": "512/QĐ-BTP", "misread": "518/QĐ-BTP", "cdate": "03/4/2024", "month": "4",
      "body": "Bộ Tư pháp", "body_caps": "BỘ TƯ PHÁP", "prov": "AN GIANG", "slip": "15/PC-VP",
      "place": "An Giang"}, "512/QĐ-BTP", "2024-04-03"),
    ({"num": "1207/QĐ-BNV", "misread": "1201/QĐ-BNV", "cdate": "28/3/2024", "month": "3",
      "body": "Bộ Nội vụ", "body_caps": "BỘ NỘI VỤ", "prov": "CÀ MAU", "slip": "221/PC-VP",
      "place": "Cà Mau"}, "1207/QĐ-BNV", "2024-03-28"),
])
def test_bundle_settles_number_and_date(fields, number, date):
    docs = parse_text(SLIP.format(**fields))
    assert [d.header.doc_type for d in docs] == ["Phiếu chuyển", "Quyết định"]
    decision = docs[1].header
    assert decision.number == number
    assert decision.date == date  # blank day in the print, completed from the slip's citation


def test_distinct_numbers_are_not_merged():
    fields = {"num": "512/QĐ-BTP", "misread": "587/QĐ-BTP", "cdate": "03/4/2024", "month": "4",
              "body": "Bộ Tư pháp", "body_caps": "BỘ TƯ PHÁP", "prov": "AN GIANG", "slip": "15/PC-VP",
              "place": "An Giang"}
    docs = parse_text(SLIP.format(**fields))
    assert docs[1].header.number == "587/QĐ-BTP"
    assert docs[1].header.date == "2024-04"
