"""Citations (docparse.citations) and references (docparse.references).

Table-driven: each rule has at least two real examples, quoted from the
seeds (``corpus/seeds``) and from the public documents of ``corpus/dev/tl``
(file stem in the case id). Then an end-to-end check per seed against its
gold references.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from docparse import rules
from docparse.citations import canonical_number, find_citations, is_number, symbol_type
from docparse.lines import lines_from_text, paragraphs
from docparse.model import Header
from docparse.normalize import fold, normalize_text
from docparse.references import RELATIONS, extract_references, paragraph_relations

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

FIELDS = ("doc_type", "number", "date", "issuer", "title", "year")


# ---------------------------------------------------------------- factories


def cit(doc_type: str | None, number: str | None, date: str | None = None, issuer: str | None = None,
        title: str | None = None, year: int | None = None) -> dict[str, Any]:
    """An expected citation (the fields compared)."""
    return {"doc_type": doc_type, "number": number, "date": date, "issuer": issuer, "title": title, "year": year}


def law(title: str, year: int | None, date: str | None = None, number: str | None = None) -> dict[str, Any]:
    return cit("Luật", number, date=date, title=title, year=year)


def ref(doc_type: str | None, number: str | None, relation: str, date: str | None = None,
        issuer: str | None = None, title: str | None = None, year: int | None = None) -> dict[str, Any]:
    """An expected reference, in the GOLD.md shape (``Reference.to_json``)."""
    out: dict[str, Any] = {"doc_type": doc_type, "number": number}
    if number is None:
        out.update({"title": title, "year": year})
    out.update({"date": date, "issuer": issuer, "relation": relation})
    return out


def found(text: str) -> list[dict[str, Any]]:
    text = normalize_text(text)
    out = []
    for c in find_citations(text):
        got = {k: getattr(c, k) for k in FIELDS}
        if c.number is not None and c.doc_type not in ("Luật", "Bộ luật"):
            got["year"] = None  # year is a law's field
        out.append(got)
    return out


def refs_of(text: str, header: Header | None = None) -> list[dict[str, Any]]:
    return [r.to_json() for r in extract_references(lines_from_text(text), header or Header())]


def rels(text: str, **kw: bool) -> list[tuple[str | None, str]]:
    text = normalize_text(text)
    cits = find_citations(text)
    return [(c.number or c.title, r) for c, r in zip(cits, paragraph_relations(text, cits, **kw), strict=True)]


# ------------------------------------------------------- FINDING: numbers

NUMBER_CASES = [
    # normative number N/YYYY/TYPE-BODY with "<type> số", date and issuer
    ("normative-001", "Thực hiện Luật Hộ tịch năm 2014, Nghị định số 123/2015/NĐ-CP ngày 15/11/2015 của Chính phủ "
     "quy định chi tiết một số điều và biện pháp thi hành Luật Hộ tịch;",
     [law("Luật Hộ tịch", 2014), cit("Nghị định", "123/2015/NĐ-CP", "2015-11-15", "Chính phủ")]),
    ("normative-005d8820", "Căn cứ điểm a khoản 3 Điều 30 Nghị định số 181/2025/NĐ-CP ngày 01/7/2025 của Chính phủ "
     "quy định về hoàn thuế đối với dự án đầu tư;",
     [cit("Nghị định", "181/2025/NĐ-CP", "2025-07-01", "Chính phủ")]),
    # ordinary number N/TYPE-BODY; date written in words
    ("ordinary-000", "Văn phòng UBND tỉnh nhận được Quyết định số 2168/QĐ-BTP ngày 26 tháng 10 năm 2020 của Bộ Tư "
     "pháp về việc ban hành Kế hoạch triển khai thực hiện Nghị định số 87/2020/NĐ-CP ngày 28 tháng 7 năm 2020 của "
     "Chính phủ quy định về Cơ sở dữ liệu hộ tịch điện tử, đăng ký hộ tịch trực tuyến (đính kèm văn bản).",
     [cit("Quyết định", "2168/QĐ-BTP", "2020-10-26", "Bộ Tư pháp"),
      cit("Nghị định", "87/2020/NĐ-CP", "2020-07-28", "Chính phủ")]),
    ("ordinary-43ce594e", "Theo đề nghị của Giám đốc Sở Tài chính tỉnh Bắc Ninh tại Tờ trình số 287/TTr-STC ngày "
     "11/11/2025.",
     [cit("Tờ trình", "287/TTr-STC", "2025-11-11")]),
    # công văn N/BODY-UNIT
    ("congvan-001", "Dữ liệu hộ tịch do cấp nào tạo lập (đăng ký) thì cấp đó thực hiện việc cập nhật, số hóa (*theo "
     "hướng dẫn thực hiện số hóa Sổ hộ tịch ban hành kèm theo Công văn số 1437/BTP-CNTT ngày 25/4/2019 của Bộ Tư "
     "pháp*).",
     [cit("Công văn", "1437/BTP-CNTT", "2019-04-25", "Bộ Tư pháp")]),
    ("congvan-005d8820", "Cục Thuế nhận được công văn số 324/QTR-KTr2 ngày 22/7/2025 của Thuế tỉnh Quảng Trị về việc "
     "hướng dẫn góp vốn điều lệ.",
     [cit("Công văn", "324/QTR-KTr2", "2025-07-22", "Thuế tỉnh Quảng Trị")]),
    # generic "văn bản": the type comes from the symbol
    ("generic-020bddd0", "Theo đề nghị của Sở Ngoại vụ tại Văn bản số 1605/TTr-SNgV ngày 06/11/2025; ý kiến thẩm "
     "định của Sở Tư pháp tại Báo cáo số 3247/BC-STP ngày 06/11/2025;",
     [cit("Tờ trình", "1605/TTr-SNgV", "2025-11-06"), cit("Báo cáo", "3247/BC-STP", "2025-11-06")]),
    ("generic-1ea5e769", "Theo đề nghị của Giám đốc Sở Y tế tại văn bản số 4521/TTr-SYT ngày 26/11/2025.",
     [cit("Tờ trình", "4521/TTr-SYT", "2025-11-26")]),
    # party documents N-TYPE/BODY
    ("party-2edf5927", "Căn cứ Nghị quyết số 57-NQ/TW ngày 22 tháng 12 năm 2024 của Bộ Chính trị về đột phá phát "
     "triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia;",
     [cit("Nghị quyết", "57-NQ/TW", "2024-12-22", "Bộ Chính trị")]),
    ("party-296e373d", "Tỉnh thực hiện theo chỉ đạo của Tổng Bí thư Tô Lâm tại Thông báo số 75-TB/VPTW ngày 04 tháng "
     "8 năm 2025; chủ động làm việc với Bộ Xây dựng",
     [cit("Thông báo", "75-TB/VPTW", "2025-08-04")]),
    ("party-0d99145e", "[2] Bộ Chính trị, Ban Bí thư đã có Kết luận số 212-KL/TW ngày 18/11/2025, trong đó yêu cầu",
     [cit("Kết luận", "212-KL/TW", "2025-11-18")]),
    # a type word without "số"
    ("nosố-04e4130e", "Căn cứ Quyết định 3578/QĐ-BKHCN ngày 07/11/2025 của Bộ trưởng Bộ Khoa học và Công nghệ về "
     "việc công bố thủ tục hành chính mới ban hành",
     [cit("Quyết định", "3578/QĐ-BKHCN", "2025-11-07", "Bộ Khoa học và Công nghệ")]),
    ("nosố-514184bd", "theo quy định của pháp luật về NSNN; Nghị định 27/2022/NĐ-CP ; Nghị định 38/2023/NĐ-CP ;",
     [cit("Nghị định", "27/2022/NĐ-CP"), cit("Nghị định", "38/2023/NĐ-CP")]),
    # short type names of doc_types.yaml cite_aliases ("NĐ số", "QĐ số")
    ("alias-004", "Theo Kế hoạch triển khai NĐ số 59/2022/NĐ-CP và Kế hoạch triển khai NĐ số 104/2022/NĐ-CP",
     [cit("Nghị định", "59/2022/NĐ-CP"), cit("Nghị định", "104/2022/NĐ-CP")]),
    ("alias-55f3a3d0", "Cắt giảm thời gian giải quyết từ 30 ngày xuống 15 ngày theo QĐ số 2490/QĐ- BNN ngày "
     "01/7/2025",
     [cit("Quyết định", "2490/QĐ-BNN", "2025-07-01")]),
    # a bare sequence number only right after "<type> số", and with a date
    ("bare-004", "phối hợp với Bộ Công an hướng dẫn, hỗ trợ các địa phương chưa có điều kiện thực hiện Kế hoạch số "
     "hóa, triển khai nhập dữ liệu từ Sổ hộ tịch trên nền Cơ sở dữ liệu quốc gia về dân cư theo Quy trình số 1292 "
     "ngày 20/12/2022.",
     [cit("Quy trình", "1292", "2022-12-20")]),
    ("bare-5298da2a-none", "Quy trình số 01", []),
    # missing hyphen repaired when the symbol opens with a type abbreviation
    ("hyphen-004", "và Quyết định số 149/QĐBTP ngày 28/01/2022 của Bộ Tư pháp ban hành Kế hoạch hành động",
     [cit("Quyết định", "149/QĐ-BTP", "2022-01-28", "Bộ Tư pháp")]),
    ("hyphen-1ea5e769", "hướng dẫn thi hành một số nội dung của Nghị định số 118/2025/NĐCP ngày 09/6/2025 của Chính "
     "phủ về thực hiện thủ tục hành chính theo cơ chế một cửa",
     [cit("Nghị định", "118/2025/NĐ-CP", "2025-06-09", "Chính phủ")]),
    # spaces inside a printed number
    ("spaces-0beedb7b", "(Kèm theo Quyết định số 3565 /QĐ -UBND ngày 21 tháng 11 năm 2025 của Chủ tịch UBND "
     "thành phố Cần Thơ)",
     [cit("Quyết định", "3565/QĐ-UBND", "2025-11-21", "Ủy ban nhân dân thành phố Cần Thơ")]),
    ("spaces-02b9be77", "Thực hiện Thông tư số 74/2013/TT- BTC, ngày 04/6/2013 của Bộ Tài chính quy định các khoản "
     "chi phí",
     [cit("Thông tư", "74/2013/TT-BTC", "2013-06-04", "Bộ Tài chính")]),
    # capitals: symbol groups spelled from the tables ("TTG" → "TTg")
    ("caps-004", "BAN HÀNH KẾ HOẠCH TRIỂN KHAI THỰC HIỆN QUYẾT ĐỊNH SỐ 06/QĐ-TTG NGÀY 06/01/2022 CỦA THỦ TƯỚNG "
     "CHÍNH PHỦ PHÊ DUYỆT “ĐỀ ÁN PHÁT TRIỂN ỨNG DỤNG DỮ LIỆU VỀ DÂN CƯ”",
     [cit("Quyết định", "06/QĐ-TTg", "2022-01-06", "Thủ tướng Chính phủ")]),
    ("caps-14d45619", "QUYẾT ĐỊNH BÃI BỎ QUYẾT ĐỊNH SỐ 636/QĐ-UBND NGÀY 17/3/2025 CỦA UBND TỈNH QUẢNG NAM VỀ VIỆC "
     "TRIỂN KHAI THỰC HIỆN MUA SẮM TRANG THIẾT BỊ",
     [cit("Quyết định", "636/QĐ-UBND", "2025-03-17", "Ủy ban nhân dân tỉnh Quảng Nam")]),
    # a word glued to the symbol by a lost line break
    ("glued-514184bd", "Thông tư 55/2023/TT-BTC quy định quản lý, sử dụng và quyết toán kinh phí sự nghiệp được sửa "
     "đổi bởi Thông tư 75/2024/TT-BTCQuy định mới về lập dự toán",
     [cit("Thông tư", "55/2023/TT-BTC"), cit("Thông tư", "75/2024/TT-BTC")]),
    ("glued-none-004", "Nghị định số 104/NĐ-CP ngày 21/12/2022 của Chính phủ sửa đổi, bổ sung một số điều",
     [cit("Nghị định", "104/NĐ-CP", "2022-12-21", "Chính phủ")]),
]

NOT_CITATIONS = [
    # "Đề án 06/CP": the symbol has no hyphen and no type abbreviation
    ("deán-004", "Hoàn thiện thể chế, chính sách thực hiện Đề án 06/CP"),
    ("deán-004b", "Tăng cường bám sát cơ sở để tháo gỡ các khó khăn, vướng mắc, đôn đốc thực hiện các nhiệm vụ được "
     "giao của Đề án 06/CP;"),
    # "số" followed by a word, articles, clauses
    ("sốhóa-000", "- Ban hành, bố trí nguồn lực triển khai thực hiện Kế hoạch số hóa, chuyển đổi, chuẩn hóa dữ liệu "
     "hộ tịch của địa phương, cập nhật vào Cơ sở dữ liệu hộ tịch điện tử toàn quốc theo đúng thời hạn;"),
    ("sốhóa-004", "Thực hiện số hóa hồ sơ, kết quả giải quyết thủ tục hành chính theo đúng tiến độ Kế hoạch thực hiện "
     "Đề án 06/CP"),
    # forms, phone numbers, dates, header number lines
    ("form-4d24ae4c", "Số thuế phải nộp tháng 01/2025 (trên tờ khai 05/KK-TNCN) Số thuế phải nộp tháng 02/2025"),
    ("phone-04e4130e", "Địa chỉ: Đường Kim Đồng, phường Việt Trì, tỉnh Phú Thọ. ĐT: 0210.3868098"),
    ("phone-3870cd0c", "Chuyên viên Phòng Giáo dục Thường xuyên - Nghề nghiệp và Đại học, số điện thoại: "
     "0906.040.219; hộp thư điện tử"),
    ("date-000", "- Thời gian hoàn thành: trình cấp có thẩm quyền phê duyệt trước ngày 31/12/2020."),
    ("header-000", "Số: 7049/PC-VP"),
    ("header-265ff514", "Số 221-KL/TW"),
    ("blank-002", "(Ban hành kèm theo Quyết định số        /QĐ-UBND  ngày      tháng 3 năm 2021"),
    # six digits: OCR glued "số" (read "56") to the number
    ("ocrglue-003", "(Ban hanh kém theo Quyét dinh 562168 /OD-BTP"),
]


@pytest.mark.parametrize("text,expected", [c[1:] for c in NUMBER_CASES], ids=[c[0] for c in NUMBER_CASES])
def test_numbers(text: str, expected: list[dict[str, Any]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize("text", [c[1] for c in NOT_CITATIONS], ids=[c[0] for c in NOT_CITATIONS])
def test_not_citations(text: str) -> None:
    assert found(text) == []


# ------------------------------------------------------- FINDING: issuers

ISSUER_CASES = [
    # a position before the body is dropped
    ("position-000", "*(Ban hành kèm theo Quyết định số 2168/QĐ-BTP ngày 26 tháng 10 năm 2020 của Bộ trưởng Bộ Tư "
     "pháp)*", "Bộ Tư pháp"),
    ("position-43ce594e", "Căn cứ Thông tư số 02/2017/TT-VPCP ngày 31/10/2017 của Bộ trưởng, Chủ nhiệm Văn phòng "
     "Chính phủ hướng dẫn về nghiệp vụ kiểm soát thủ tục hành chính;", "Văn phòng Chính phủ"),
    # "Chủ tịch UBND tỉnh X" → the committee; "(cũ)" ends the name
    ("chairman-43ce594e", "chức năng quản lý của Sở Tài chính: số 761/QĐ-UBND ngày 05/5/2025 của Chủ tịch UBND tỉnh "
     "Bắc Ninh (cũ);", "Ủy ban nhân dân tỉnh Bắc Ninh"),
    ("chairman-55f3a3d0", "(Kèm theo Quyết định số 1949/QĐ-UBND ngày 18 tháng 11 năm 2025 của Chủ tịch Ủy ban nhân "
     "dân tỉnh Cao Bằng)", "Ủy ban nhân dân tỉnh Cao Bằng"),
    # a field with a comma inside the name
    ("comma-094432765", "Căn cứ Quyết định số 4347/QĐ-BVHTTDL ngày 14/11/2025 của Bộ trưởng Bộ Văn hóa, Thể thao và "
     "Du lịch về việc công bố thủ tục hành chính", "Bộ Văn hóa, Thể thao và Du lịch"),
    ("comma-0beedb7b", "Căn cứ Quyết định số 3212/QĐ-BKHCN ngày 17 tháng 10 năm 2025 của Bộ trưởng Bộ Khoa học và "
     "Công nghệ về việc công bố", "Bộ Khoa học và Công nghệ"),
    # the name stops at the trích yếu ("quy định", "phê duyệt", "về"...)
    ("stop-004", "Căn cứ Quyết định số 422/QĐ-TTg ngày 04/04/2022 của Thủ tướng Chính phủ phê duyệt Danh mục dịch vụ "
     "công trực tuyến tích hợp", "Thủ tướng Chính phủ"),
    ("stop-0f2d0646", "Căn cứ Nghị định số 146/2025/NĐ-CP ngày 12 tháng 6 năm 2025 của Chính phủ quy định về phân "
     "quyền, phân cấp", "Chính phủ"),
    # a province without its name stays relative (resolved in references)
    ("relative-002", "Quyết định số 1674/QĐ-UBND ngày 16/5/2019 của UBND tỉnh ban hành Kế hoạch triển khai thực "
     "hiện cập nhật, số hóa dữ liệu hộ tịch lịch sử", "Ủy ban nhân dân tỉnh"),
    ("relative-1cde9b90", "Quy định về bồi thường, hỗ trợ và tái định cư khi Nhà nước thu hồi đất trên địa bàn tỉnh "
     "Quảng Ninh ban hành kèm theo Quyết định số 40/2024/QĐ-UBND ngày 04/10/2024 của UBND tỉnh.",
     "Ủy ban nhân dân tỉnh"),
    # same fold, different word: "Hải quan" is not "Hải quận", "Nam" is not "năm"
    ("collision-4768df91", "được hướng dẫn tại công văn số 1238/GSQL-GQ2 ngày 29/7/2024 của Tổng cục Hải quan (nay "
     "là Cục Hải quan).", "Tổng cục Hải quan"),
    ("collision-14d45619", "Bãi bỏ Quyết định số 636/QĐ-UBND ngày 17/3/2025 của UBND tỉnh Quảng Nam về việc triển "
     "khai thực hiện mua sắm", "Ủy ban nhân dân tỉnh Quảng Nam"),
]


@pytest.mark.parametrize("text,issuer", [c[1:] for c in ISSUER_CASES], ids=[c[0] for c in ISSUER_CASES])
def test_issuers(text: str, issuer: str) -> None:
    got = found(text)
    assert len(got) == 1
    assert got[0]["issuer"] == issuer


# ---------------------------------------------------------- FINDING: laws

LAW_CASES = [
    # without number: name + "năm YYYY", + date, + bare year
    ("year-001", "Thực hiện Luật Hộ tịch năm 2014, Nghị định số 123/2015/NĐ-CP",
     [law("Luật Hộ tịch", 2014), cit("Nghị định", "123/2015/NĐ-CP")]),
    ("year-04e4130e", "- Luật Khoa học, công nghệ và đổi mới sáng tạo năm 2025.",
     [law("Luật Khoa học, công nghệ và đổi mới sáng tạo", 2025)]),
    ("bareyear-55f3a3d0", "- Luật Tài nguyên nước 2023.", [law("Luật Tài nguyên nước", 2023)]),
    ("date-002", "Căn cứ Luật Hộ tịch ngày 20/11/2014;", [law("Luật Hộ tịch", 2014, "2014-11-20")]),
    ("date-295bcce4", "Căn cứ Luật Thống kê ngày 23 tháng 11 năm 2015;", [law("Luật Thống kê", 2015, "2015-11-23")]),
    # an amending law is ONE law, its whole name being the title
    ("amending-002", "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015; Luật sửa đổi, bổ sung một số điều "
     "của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22/11/2019;",
     [law("Luật Tổ chức chính quyền địa phương", 2015, "2015-06-19"),
      law("Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương",
          2019, "2019-11-22")]),
    ("amending-24c6583a", "Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Chứng khoán, Luật Kế toán, Luật Kiểm "
     "toán độc lập, Luật Ngân sách nhà nước, Luật Quản lý, sử dụng tài sản công, Luật Quản lý thuế, Luật Thuế thu "
     "nhập cá nhân, Luật Dự trữ quốc gia, Luật xử lý vi phạm hành chính ngày 29 tháng 11 năm 2024;",
     [law("Luật sửa đổi, bổ sung một số điều của Luật Chứng khoán, Luật Kế toán, Luật Kiểm toán độc lập, Luật Ngân "
          "sách nhà nước, Luật Quản lý, sử dụng tài sản công, Luật Quản lý thuế, Luật Thuế thu nhập cá nhân, Luật "
          "Dự trữ quốc gia, Luật xử lý vi phạm hành chính", 2024, "2024-11-29")]),
    # with number: keyed by the number, title kept
    ("numbered-005d8820", "Căn cứ tại Điều 34 Luật Doanh nghiệp số 59/2020/QH14 quy định về tài sản góp vốn;",
     [law("Luật Doanh nghiệp", 2020, number="59/2020/QH14")]),
    ("numbered-0326977b", "Căn cứ Luật Ban hành văn bản quy phạm pháp luật số 64/2025/QH15 được sửa đổi, bổ sung bởi "
     "Luật số 87/2025/QH15;",
     [law("Luật Ban hành văn bản quy phạm pháp luật", 2025, number="64/2025/QH15"),
      law(None, 2025, number="87/2025/QH15")]),  # type: ignore[arg-type]
    # unanchored names are not citations by themselves
    ("unanchored-001", "phù hợp với yêu cầu đăng ký và quản lý hộ tịch theo quy định của Luật Hộ tịch;", []),
    ("unanchored-46482d81", "Theo đề nghị của Giám đốc Sở Nông nghiệp và Môi trường; Luật Đất đai;", []),
]


@pytest.mark.parametrize("text,expected", [c[1:] for c in LAW_CASES], ids=[c[0] for c in LAW_CASES])
def test_laws(text: str, expected: list[dict[str, Any]]) -> None:
    assert found(text) == expected


# --------------------------------------------------------- FINDING: lists

LIST_CASES = [
    ("intro-43ce594e", "Căn cứ các Nghị định của Chính phủ: số 63/2010/NĐ-CP ngày 08/6/2010 về kiểm soát thủ tục "
     "hành chính; số 48/2013/NĐ-CP ngày 14/5/2013 và số 92/2017/NĐ-CP ngày 07/8/2017 sửa đổi, bổ sung một số điều "
     "của các Nghị định liên quan đến kiểm soát thủ tục hành chính; số 118/2025/NĐ-CP ngày 09/6/2025 về thực hiện "
     "thủ tục hành chính theo cơ chế một cửa",
     [cit("Nghị định", "63/2010/NĐ-CP", "2010-06-08", "Chính phủ"),
      cit("Nghị định", "48/2013/NĐ-CP", "2013-05-14", "Chính phủ"),
      cit("Nghị định", "92/2017/NĐ-CP", "2017-08-07", "Chính phủ"),
      cit("Nghị định", "118/2025/NĐ-CP", "2025-06-09", "Chính phủ")]),
    ("shared-15e6fb3d", "tiếp theo các Công điện số 217/CĐ-TTg, 218/CĐ-TTg, 219/CĐ-TTg và 222/CĐ-TTg ngày "
     "19/11/2025, Thủ tướng Chính phủ yêu cầu:",
     [cit("Công điện", "217/CĐ-TTg"), cit("Công điện", "218/CĐ-TTg"), cit("Công điện", "219/CĐ-TTg"),
      cit("Công điện", "222/CĐ-TTg", "2025-11-19")]),
    ("symbols-04e0c7e1", "Xét đề nghị của Bộ trưởng Bộ Công an tại các văn bản số 554/TTr-BCA ngày 12 tháng 9 năm "
     "2025, số 2529/BC-BCA ngày 03 tháng 10 năm 2025, số 2892/BC-BCA ngày 14 tháng 11 năm 2025;",
     [cit("Tờ trình", "554/TTr-BCA", "2025-09-12"), cit("Báo cáo", "2529/BC-BCA", "2025-10-03"),
      cit("Báo cáo", "2892/BC-BCA", "2025-11-14")]),
    # the issuer at the end of a list issued every member
    ("issuer-5dbaef1b", "theo các Nghị quyết số 347/NQ-CP ngày 24 tháng 10 năm 2025, số 380/NQ-CP ngày 25 tháng 11 "
     "năm 2025 của Chính phủ và các Công điện",
     [cit("Nghị quyết", "347/NQ-CP", "2025-10-24", "Chính phủ"),
      cit("Nghị quyết", "380/NQ-CP", "2025-11-25", "Chính phủ")]),
    ("issuer-4768df91", "được hướng dẫn tại các công văn số 695/TCHQ-GSQL ngày 05/02/2021, 4032/TCHQ-GSQL ngày "
     "16/8/2021 và 1238/GSQL-GQ2 ngày 29/7/2024 của Tổng cục Hải quan (nay là Cục Hải quan).",
     [cit("Công văn", "695/TCHQ-GSQL", "2021-02-05", "Tổng cục Hải quan"),
      cit("Công văn", "4032/TCHQ-GSQL", "2021-08-16", "Tổng cục Hải quan"),
      cit("Công văn", "1238/GSQL-GQ2", "2024-07-29", "Tổng cục Hải quan")]),
    ("colon-514184bd", "các Quyết định: số 1719/QĐ-TTg , số 920/QĐ-TTg , số 90/QĐ-TTg",
     [cit("Quyết định", "1719/QĐ-TTg"), cit("Quyết định", "920/QĐ-TTg"), cit("Quyết định", "90/QĐ-TTg")]),
]


@pytest.mark.parametrize("text,expected", [c[1:] for c in LIST_CASES], ids=[c[0] for c in LIST_CASES])
def test_lists(text: str, expected: list[dict[str, Any]]) -> None:
    assert found(text) == expected


# ------------------------------------------- FINDING: text without diacritics

FOLD_CASES = [
    ("ocr-003", "hoach trién khai thwe hién Nghi dinh s0 87/2020/ND-CP quy dinh vé co s&",
     [cit("Nghị định", "87/2020/NĐ-CP")]),
    ("ocr-003b", "Pé trlen khai Nghi dinh s6 87/2020/ND-CP ngay 28/7/2020 cua Chinh pht",
     [cit("Nghị định", "87/2020/NĐ-CP", "2020-07-28")]),
    ("ascii-brief", "Quyet dinh so 2168/QD-BTP ngay 26/10/2020 cua Bo Tu phap",
     [cit("Quyết định", "2168/QĐ-BTP", "2020-10-26", "Bộ Tư pháp")]),
    ("english-39db3d8c", "Pursuant to the Government's Decree No. 120/2016/ND-CP dated August 23, 2016",
     [cit("Nghị định", "120/2016/NĐ-CP")]),
]


@pytest.mark.parametrize("text,expected", [c[1:] for c in FOLD_CASES], ids=[c[0] for c in FOLD_CASES])
def test_fold(text: str, expected: list[dict[str, Any]]) -> None:
    assert found(text) == expected


def test_spans_index_the_text() -> None:
    text = normalize_text("Căn cứ Nghị định số 87/2020/NĐ-CP ngày 28/7/2020 của Chính phủ quy định về")
    (c,) = find_citations(text)
    assert text[c.span[0]:c.span[1]] == c.text == "Nghị định số 87/2020/NĐ-CP ngày 28/7/2020 của Chính phủ"


@pytest.mark.parametrize("raw,canon,doc_type", [
    ("149/QĐBTP", "149/QĐ-BTP", "Quyết định"),
    ("87/2020/ND-CP", "87/2020/NĐ-CP", "Nghị định"),
    ("87/2020/NĐCP", "87/2020/NĐ-CP", "Nghị định"),
    ("06/QĐ-TTG", "06/QĐ-TTg", "Quyết định"),
    ("37 /2023/TT - BGTVT", "37/2023/TT-BGTVT", "Thông tư"),
    ("11-CT/TU", "11-CT/TU", "Chỉ thị"),
    ("59/2020/QH14", "59/2020/QH14", None),
    ("1437/BTP-CNTT", "1437/BTP-CNTT", None),
])
def test_canonical_number(raw: str, canon: str, doc_type: str | None) -> None:
    assert canonical_number(raw) == canon
    assert symbol_type(canon) == doc_type


@pytest.mark.parametrize("text,ok", [
    ("2168/QĐ-BTP", True), ("87/2020/NĐ-CP", True), ("11-CT/TU", True), ("59/2020/QH14", True),
    ("/QĐ-UBND", False),  # a draft's blank number (gold 002)
    ("562168/OD-BTP", False),  # OCR glue (seed 003)
    ("06/CP", False),  # "Đề án 06/CP" (seed 004)
])
def test_is_number(text: str, ok: bool) -> None:
    assert is_number(text) is ok


def test_fold_table_is_the_per_character_fold() -> None:
    """The translate-table fold gives what folding each character gives."""
    from docparse.normalize import _fold_char

    for path in sorted((CORPUS / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert fold(text) == "".join(c.lower() if c.isascii() else _fold_char(c) for c in text)


# ---------------------------------------------------------------- RELATIONS

RELATION_CASES = [
    # transmits: a slip forwards what follows a forwarding verb
    ("transmits-000-subject", "Về việc chuyển Quyết định số 2168/QĐ-BTP ngày 26/10/2020 ban hành kế hoạch triển khai "
     "thực hiện Nghị định số 87/2020/NĐ-CP quy định về cơ sở dữ liệu hộ tịch điện tử, đăng ký hộ tịch trực tuyến",
     {"forwarding": True}, [("2168/QĐ-BTP", "transmits"), ("87/2020/NĐ-CP", "mentions")]),
    ("transmits-000-body", "Văn phòng UBND tỉnh nhận được Quyết định số 2168/QĐ-BTP ngày 26 tháng 10 năm 2020 của Bộ "
     "Tư pháp về việc ban hành Kế hoạch triển khai thực hiện Nghị định số 87/2020/NĐ-CP ngày 28 tháng 7 năm 2020 của "
     "Chính phủ", {"forwarding": True}, [("2168/QĐ-BTP", "transmits"), ("87/2020/NĐ-CP", "mentions")]),
    ("transmits-005d8820-not-a-slip", "Cục Thuế nhận được công văn số 324/QTR-KTr2 ngày 22/7/2025 của Thuế tỉnh Quảng "
     "Trị về việc hướng dẫn góp vốn điều lệ.", {}, [("324/QTR-KTr2", "mentions")]),
    # basis: a "Căn cứ" paragraph, everything in it
    ("basis-cancu-004", "Căn cứ Quyết định số 149/QĐ-BTP ngày 28/01/2022 của Bộ Tư pháp ban hành Kế hoạch hành động "
     "thực hiện Quyết định số 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng Chính phủ;", {},
     [("149/QĐ-BTP", "basis"), ("06/QĐ-TTg", "basis")]),
    ("basis-cancu-0326977b", "Căn cứ Nghị định số 03/2017/NĐ-CP (đã được sửa đổi, bổ sung tại Nghị định số "
     "145/2024/NĐ-CP) của Chính phủ về kinh doanh casino;", {},
     [("03/2017/NĐ-CP", "basis"), ("145/2024/NĐ-CP", "basis")]),
    # basis: a paragraph opening with "Thực hiện"
    ("basis-thuchien-001", "Thực hiện Luật Hộ tịch năm 2014, Nghị định số 123/2015/NĐ-CP ngày 15/11/2015 của Chính "
     "phủ quy định chi tiết một số điều và biện pháp thi hành Luật Hộ tịch; Thông tư số 15/2015/TT-BTP ngày "
     "16/11/2015 của Bộ Tư pháp", {},
     [("Luật Hộ tịch", "basis"), ("123/2015/NĐ-CP", "basis"), ("15/2015/TT-BTP", "basis")]),
    ("basis-thuchien-2d737276", "Thực hiện Nghị định số 94/2022/NĐ-CP ngày 07/11/2022 của Chính phủ quy định nội dung "
     "chi tiêu thống kê thuộc hệ thống chỉ tiêu thống kê quốc gia và Nghị định số 62/2024/NĐ-CP ngày 07/6/2024 của "
     "Chính phủ sửa đổi, bổ sung một số điều", {}, [("94/2022/NĐ-CP", "basis"), ("62/2024/NĐ-CP", "basis")]),
    # ... but not "Thực hiện theo quy định tại" (how a task is done) nor a list item
    ("basis-thuchien-theo-02b9be77", "Thực hiện theo quy định tại Nghị quyết số 05/2025/NQ- HĐND ngày 29/4/2025 của "
     "Hội đồng Nhân dân Thành phố Hà Nội quy định mức chi công tác phí", {}, [("05/2025/NQ-HĐND", "mentions")]),
    ("basis-thuchien-bullet-5a80798b", "- Thực hiện xem xét giải quyết các ý kiến phản ánh về nội dung đã công khai "
     "(nếu có) Gửi Phiếu chuyển thông tin theo Mẫu số 19 ban hành kèm theo Nghị định số 151/2025/NĐ-CP", {},
     [("151/2025/NĐ-CP", "mentions")]),
    # basis: "căn cứ" inside a sentence
    ("basis-midcue-478446b5", "Điều 2. Giao Thuế thành phố Hà Nội căn cứ giá thóc được phê duyệt tại Quyết định số "
     "3842/QĐ-UBND ngày 17/7/2025 của UBND thành phố Hà Nội để hướng dẫn việc thu thuế", {},
     [("3842/QĐ-UBND", "basis")]),
    ("basis-midcue-5a80798b", "sẽ thực hiện tiếp nhận trực tuyến căn cứ theo Quyết định số 3907/QĐ-BNNMT ngày 23 "
     "tháng 9 năm 2025 của Bộ trưởng Bộ Nông nghiệp và Môi trường", {}, [("3907/QĐ-BNNMT", "basis")]),
    # implements: the subject names it after an implementing cue
    ("implements-000", "Triển khai thực hiện Nghị định số 87/2020/NĐ-CP ngày 28 tháng 7 năm 2020 của Chính phủ quy "
     "định về Cơ sở dữ liệu hộ tịch điện tử, đăng ký hộ tịch trực tuyến", {"subject": True},
     [("87/2020/NĐ-CP", "implements")]),
    ("implements-004", "Ban hành Kế hoạch triển khai thực hiện Quyết định số 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng "
     "Chính phủ phê duyệt “Đề án phát triển ứng dụng dữ liệu về dân cư”", {"subject": True},
     [("06/QĐ-TTg", "implements")]),
    # attached_to: the issuing line under a plan's title
    ("attached-000", "*(Ban hành kèm theo Quyết định số 2168/QĐ-BTP ngày 26 tháng 10 năm 2020 của Bộ trưởng Bộ Tư "
     "pháp)*", {}, [("2168/QĐ-BTP", "attached_to")]),
    ("attached-004", "(Phê duyệt kèm theo Quyết định số 148/QĐ-BTP ngày 9 tháng 02 năm 2023 của Bộ trưởng Bộ Tư pháp)",
     {}, [("148/QĐ-BTP", "attached_to")]),
    ("attached-265ff514", "(Kèm theo Báo cáo số 565-BC/BTCTW, ngày 27/11/2025 của Ban Tổ chức Trung ương).", {},
     [("565-BC/BTCTW", "attached_to")]),
    ("attached-inline-55f3a3d0", "PHỤ LỤC I DANH MỤC THỦ TỤC HÀNH CHÍNH ĐƯỢC CHUẨN HÓA TRONG LĨNH VỰC TÀI NGUYÊN NƯỚC "
     "(Kèm theo Quyết định số 1949/QĐ-UBND ngày 18 tháng 11 năm 2025 của Chủ tịch Ủy ban nhân dân tỉnh Cao Bằng)",
     {}, [("1949/QĐ-UBND", "attached_to")]),
    # ... "ban hành kèm theo" inside a sentence is a mention (gold 001)
    ("attached-not-001", "(*theo hướng dẫn thực hiện số hóa Sổ hộ tịch ban hành kèm theo Công văn số 1437/BTP-CNTT "
     "ngày 25/4/2019 của Bộ Tư pháp*).", {}, [("1437/BTP-CNTT", "mentions")]),
    ("attached-not-1cde9b90", "Điều 1. Sửa đổi, bổ sung một số điều của Quy định về bồi thường, hỗ trợ và tái định cư "
     "khi Nhà nước thu hồi đất trên địa bàn tỉnh Quảng Ninh ban hành kèm theo Quyết định số 40/2024/QĐ-UBND ngày "
     "04/10/2024 của UBND tỉnh", {}, [("40/2024/QĐ-UBND", "mentions")]),
    # mentions: "Theo đề nghị ... tại Tờ trình", "Xét đề nghị"
    ("mentions-43ce594e", "Theo đề nghị của Giám đốc Sở Tài chính tỉnh Bắc Ninh tại Tờ trình số 287/TTr-STC ngày "
     "11/11/2025.", {}, [("287/TTr-STC", "mentions")]),
    ("mentions-00e8b0e4", "Theo đề nghị của Giám đốc Sở Công Thương tại Tờ trình số 131/TTr-SCT ngày 24/11/2025; ý "
     "kiến của các thành viên UBND tỉnh.", {}, [("131/TTr-SCT", "mentions")]),
]


@pytest.mark.parametrize("text,kw,expected", [c[1:] for c in RELATION_CASES], ids=[c[0] for c in RELATION_CASES])
def test_relations(text: str, kw: dict[str, bool], expected: list[tuple[str, str]]) -> None:
    assert rels(text, **kw) == expected


def test_relation_order_matches_gold() -> None:
    assert tuple(rules.load("references")["relations"]["order"]) == RELATIONS


# ----------------------------------------------------------------- RESOLVING


def test_slip_transmits_only_in_a_slip() -> None:
    text = ("PHIẾU CHUYỂN\n\nVề việc chuyển Quyết định số 2168/QĐ-BTP ngày 26/10/2020 ban hành kế hoạch triển khai "
            "thực hiện Nghị định số 87/2020/NĐ-CP quy định về cơ sở dữ liệu hộ tịch điện tử, đăng ký hộ tịch trực "
            "tuyến\n")
    subject = text.split("\n\n")[1][len("Về việc "):].strip()
    slip = Header(doc_type="Phiếu chuyển", number="7049/PC-VP", subject=subject)
    got = {r["number"]: r["relation"] for r in refs_of(text, slip)}
    assert got == {"2168/QĐ-BTP": "transmits", "87/2020/NĐ-CP": "mentions"}


def test_short_and_full_number_merge_004() -> None:
    text = ("Triển khai thi hành Nghị định số 59/2022/NĐ-CP ngày 05/9/2022 của Chính phủ quy định về định danh và "
            "xác thực điện tử; Nghị định số 104/NĐ-CP ngày 21/12/2022 của Chính phủ sửa đổi, bổ sung một số điều\n"
            "Triển khai thực hiện các nhiệm vụ của Bộ được giao tại Nghị định số 59/2022/NĐ-CP và Nghị định số "
            "104/2022/NĐ-CP\n")
    assert refs_of(text) == [
        ref("Nghị định", "59/2022/NĐ-CP", "mentions", "2022-09-05", "Chính phủ"),
        ref("Nghị định", "104/2022/NĐ-CP", "mentions", "2022-12-21", "Chính phủ"),
    ]


def test_law_named_again_without_year_001() -> None:
    text = ("Thực hiện Luật Hộ tịch năm 2014, Nghị định số 123/2015/NĐ-CP ngày 15/11/2015 của Chính phủ quy định "
            "chi tiết một số điều và biện pháp thi hành Luật Hộ tịch;\n\n"
            "- Việc triển khai thực hiện cần ... phù hợp với yêu cầu đăng ký và quản lý hộ tịch theo quy định của "
            "Luật Hộ tịch;\n")
    assert refs_of(text) == [
        ref("Luật", None, "basis", title="Luật Hộ tịch", year=2014),
        ref("Nghị định", "123/2015/NĐ-CP", "basis", "2015-11-15", "Chính phủ"),
    ]


def test_law_named_again_merges_into_its_number_39db3d8c() -> None:
    text = ("Căn cứ Luật Quản lý thuế số 38/2019/QH14;\n"
            "Căn cứ Nghị định số 126/2020/NĐ-CP ngày 19 tháng 10 năm 2020 của Chính phủ quy định chi tiết một số "
            "điều của Luật Quản lý thuế;\n")
    assert [r["number"] for r in refs_of(text)] == ["38/2019/QH14", "126/2020/NĐ-CP"]


@pytest.mark.parametrize("text,own", [
    # the annex line of the document itself (dev 55f3a3d0)
    ("(Kèm theo Quyết định số 1949/QĐ-UBND ngày 18 tháng 11 năm 2025 của Chủ tịch Ủy ban nhân dân tỉnh Cao Bằng)",
     "1949/QĐ-UBND"),
    # a document quoting its own number (dev 265ff514 header "Số 221-KL/TW")
    ("Số 221-KL/TW\nBộ Chính trị, Ban Bí thư đã có Kết luận số 221-KL/TW", "221-KL/TW"),
])
def test_own_number_dropped(text: str, own: str) -> None:
    assert refs_of(text, Header(number=own)) == []


@pytest.mark.parametrize("text,issuer,expected", [
    ("Quyết định số 1674/QĐ-UBND ngày 16/5/2019 của UBND tỉnh ban hành Kế hoạch", "Ủy ban nhân dân tỉnh Bình Định",
     "Ủy ban nhân dân tỉnh Bình Định"),  # gold 002
    ("ban hành kèm theo Quyết định số 40/2024/QĐ-UBND ngày 04/10/2024 của UBND tỉnh.",
     "Ủy ban nhân dân tỉnh Quảng Ninh", "Ủy ban nhân dân tỉnh Quảng Ninh"),  # dev 1cde9b90
    ("Quyết định số 1674/QĐ-UBND ngày 16/5/2019 của UBND tỉnh ban hành Kế hoạch", "Bộ Tư pháp",
     "Ủy ban nhân dân tỉnh"),  # not a provincial issuer: left as written
])
def test_relative_issuer(text: str, issuer: str, expected: str) -> None:
    (r,) = refs_of(text, Header(issuer=issuer))
    assert r["issuer"] == expected


def test_date_and_issuer_stay_null_004() -> None:
    text = "Hướng dẫn, đôn đốc các địa phương đẩy nhanh việc số hóa sổ hộ tịch theo quy định của Nghị định số " \
           "87/2020/NĐ-CP; phối hợp với Bộ Công an"
    assert refs_of(text) == [ref("Nghị định", "87/2020/NĐ-CP", "mentions")]


def test_attached_from_header() -> None:
    h = Header(doc_type="Kế hoạch", attached_to="2168/QĐ-BTP", attached_date="2020-10-26",
               attached_issuer="Bộ Tư pháp")
    text = "Để triển khai Nghị định số 87/2020/NĐ-CP ngày 28/7/2020 của Chính phủ quy định về Cơ sở dữ liệu"
    assert refs_of(text, h) == [
        ref("Quyết định", "2168/QĐ-BTP", "attached_to", "2020-10-26", "Bộ Tư pháp"),
        ref("Nghị định", "87/2020/NĐ-CP", "mentions", "2020-07-28", "Chính phủ"),
    ]
    # a draft decision with a blank number is not a reference (gold 002), nor OCR glue (seed 003)
    for att in ("/QĐ-UBND", "562168/OD-BTP"):
        assert refs_of(text, Header(doc_type="Kế hoạch", attached_to=att)) == [
            ref("Nghị định", "87/2020/NĐ-CP", "mentions", "2020-07-28", "Chính phủ")]


# -------------------------------------------------------- end to end, seeds

#: First line (1-based) of every document after the first, found by hand:
#: the title or header line of each bundled document.
SEED_BOUNDS = {
    "000_4b7a79e30ef802cc": [37],  # "Hà Nội, ngày tháng 10 năm 2020" above "KẾ HOẠCH"
    "001_4d3cbe0d2efac68f": [],
    "002_e58256e926890cfb": [100],  # " ỦY BAN NHÂN DÂN   CỘNG HÒA ..." above the plan
    "003_5bbd1d5b7062e50c": [27, 88],  # " BO TU PHAP CONG HOA ..." (decision, plan)
    "004_1cd2fb9aa37a7db0": [38],  # "KẾ HOẠCH"
}
FLOORS = {"f1": 0.95, "relation": 0.9}
OCR_SEED = "003_5bbd1d5b7062e50c"


def _key(r: dict[str, Any]) -> str:
    if r.get("number"):
        return r["number"].upper()
    return f"{fold(r['title'])}|{r.get('year')}"


def seed_scores(stem: str) -> tuple[float, float]:
    text = (CORPUS / "seeds" / f"{stem}.txt").read_text(encoding="utf-8")
    gold = json.loads((CORPUS / "gold" / f"{stem}.json").read_text(encoding="utf-8"))
    raw = text.split("\n")
    cuts = [0] + [b - 1 for b in SEED_BOUNDS[stem]] + [len(raw)]
    assert len(cuts) - 1 == len(gold["documents"])
    tp = fp = fn = same = 0
    for i, doc in enumerate(gold["documents"]):
        header = Header(doc_type=doc["doc_type"], number=doc["number"], issuer=doc["issuer"],
                        subject=doc["subject"], attached_to=doc["attached_to"])
        got = {_key(r): r for r in refs_of("\n".join(raw[cuts[i]:cuts[i + 1]]), header)}
        want = {_key(r): r for r in doc["references"]}
        both = set(got) & set(want)
        tp += len(both)
        fp += len(set(got) - set(want))
        fn += len(set(want) - set(got))
        same += sum(got[k]["relation"] == want[k]["relation"] for k in both)
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
    return f1, (same / tp if tp else 0.0)


@pytest.mark.parametrize("stem", sorted(SEED_BOUNDS))
def test_seed_end_to_end(stem: str) -> None:
    f1, relation = seed_scores(stem)
    print(f"{stem}: reference F1 by number {f1:.3f}, relation accuracy {relation:.3f}")
    if stem == OCR_SEED:  # OCR copy of 000 + its decision: reported, low floor only
        assert f1 >= 0.6
        return
    assert f1 >= FLOORS["f1"]
    assert relation >= FLOORS["relation"]


def test_seed_gold_fields_001() -> None:
    """Seed 001 is one document: the whole gold list, dates and issuers included."""
    stem = "001_4d3cbe0d2efac68f"
    gold = json.loads((CORPUS / "gold" / f"{stem}.json").read_text(encoding="utf-8"))["documents"][0]
    header = Header(doc_type=gold["doc_type"], number=gold["number"], issuer=gold["issuer"], subject=gold["subject"])
    got = refs_of((CORPUS / "seeds" / f"{stem}.txt").read_text(encoding="utf-8"), header)
    assert got == gold["references"]


# --------------------------------------------------------------- performance


def test_speed() -> None:
    """Finding citations costs a few ms for a 10-page document (~30 000 characters)."""
    paras = []
    for path in sorted((CORPUS / "seeds").glob("*.txt")):
        paras += [p.text for p in paragraphs(lines_from_text(path.read_text(encoding="utf-8")))]
    chars = sum(map(len, paras))
    find_citations("Nghị định số 87/2020/NĐ-CP")  # load the rules once
    t = time.perf_counter()
    for _ in range(3):
        for p in paras:
            find_citations(p)
    per_30k = (time.perf_counter() - t) / 3 / chars * 30_000
    assert per_30k < 0.05  # seconds; measured ~3 ms, generous for busy machines
