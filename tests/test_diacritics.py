"""Scans that lost their diacritics, read by the same rules as clean text.

The pipeline respells a scanned document as a whole before reading it
(:func:`docparse.pipeline._respelled`): the restorer twice (the second time
with the document's own first reading as a cache), then known phrases
(gazetteer names, field labels, the caller's names, the document's own
repeated names), then numbers the scan broke. Values come out in their
proper spelling; spans still point at the text as printed.

The OCR texts here are NOT seed 003: they are other decisions, plans and
slips (a Hà Tĩnh department's decision, a Cà Mau slip forwarding a Bộ Nội
vụ decision and its plan) damaged the way scans damage Vietnamese: marks
lost or misread ("sé", "ciia", "Quyét"), "s6"/"sé"/"$5"/"56" for "số",
"Pitu"/"Pidu"/"Piéu" for "Điều", "B6"/"BQ" for "Bộ", "¢6" for "có", digits
in words ("16p", "4n"), numbers broken by spaces.
"""

from __future__ import annotations

import pytest
from rapidfuzz import fuzz

from docparse.citations import repair_ocr_numbers
from docparse.normalize import normalize_text
from docparse.pipeline import parse_text
from docparse.restore import (
    Known,
    apply_aligned,
    document_phrases,
    phrase_book,
    restore,
    restore_aligned,
    snap_phrases,
)

# A department's decision, scanned (not seed 003: another issuer, another subject).
DECISION = """UBND TINH HA TINH CONG HOA XA HQI CHU NGHIA VIET NAM
SO TU PHAP Pdc lap - Tw do - Hanh phiic
sé: 152 /QD-STP Ha Tinh, ngay 05 thdng 3 ndm 2021
QUYET PINH
Vé viéc ban hanh Ké hoach phé bién, gido duc phap luat ndm 2021
GIAM POC SO TU PHAP TINH HA TINH
Cén cir Nghi dinh s6 28/201 3/ND-CP ngay 04 thang 4 ndm 2013 ciia Chinh phu quy dinh chi tiét mdt s6 diéu cua Luat;
Can cur Quyét dinh 56 2 15/QD-UBND ngay 10 thang 1 nam 2021 ciia UBND tinh Ha Tinh vé viéc giao chi tiéu;
Theo dé nghi ciia Truéng phong Phé bién, gido duc phap luat.
QUYET DINH:
Pitu 1. Ban hanh kém theo Quyét dinh nay Ké hoach phé bién, gido duc phap luat ndm 2021.
Pidu 2. Quyét dinh nay c6 hiéu lyc thi hanh ké tir ngay ky.
Pitu 3. Chanh Van phong, Truéng cac phong, don vi thudc S& chiu trach nhiém thi hanh Quyét dinh nay./.
Noi nhan:
- Nhu Piéu 3;
- UBND tinh (dé b/c);
- Luu: VT.
GIAM POC
Nguyén Van Hung
"""

# A slip forwarding a ministry decision, the decision (its own number misread
# "1201"), and the plan it issues (its attachment line garbled: "561207",
# month "19"), all scanned.
BUNDLE = """UBND TINH CA MAU CONG HOA XA HQI CHU NGHIA VIET NAM
VAN PHONG Pdc lap - Tw do - Hanh phiic
sé: 221 /pPC-VP Ca Mau, ngay 02 thdng 4 ndm 2024
PHIEU CHUYEN
Vé viée chuyen Quyét dinh sb 1207/QB-BNV ngay 28/3/2024 ban hanh ké hoach cai cach hanh chinh

Vin phong UBND tinh nhén duorc Quyét dinh sb 1207/QD-BNV ngay 28 thang 3 ndm 2024 ciia B6 Noi vu \
vé viéc ban hanh K& hoach cai cach hanh chinh ndm 2024 (dinh kém vin ban).

Van phong UBND tinh kinh chuyén vin ban néu trén dén cac so, ban, nganh cép tinh dé biét, trién khai thyc hién./.
Noinhign: CHANH VAN PHONG
- Céc s&, ban, nganh cdp tinh;
- Luuw: VT.
 BO NOI VU CONG HOA XA HQI CHU NGHIA VIET NAM
Poc ldp - Tw do - Hanh phuc
$5:1201QD-BNV Ha Ngi, ngay  thang 3 ndm 2024
QUYET PINH
Ban hanh Ké hoach cai cach hanh chinh ndm 2024

BQ TRUGNG Bo NOI VU

Cén cir Nghi dinh s6 63/2022/ND-CP ngay 12 thang 9 ndm 2022 cua Chinh phu quy dinh chirc nang, nhiém vy cia B6 Noi vu;
QUYET DINH:
Pitu 1. Ban hanh kém theo Quyét dinh niy Ké hoach cai cach hanh chinh ndm 2024.
Pitu 2. Quyét dinh ndy c6 hiéu lyc thi hanh ké tir ngay ky.
Noi nhin:
- Nhu Piéu 2;
- Luu: VT.
 BO NOI VU CONG HOA XA HQI CHU NGHIA VIET NAM
Doc 1ap - Tw do - Hanh phic
Ha Ngi, ngay  thang 3 nam 2024
KE HOACH
Cai cach hanh chinh ndm 2024
(Ban hanh kém theo Quyét dinh 561207 /OD-BNV
ngay28 thang 19 ndm 2024 cia Bé trudng Bo Noi vu)
I. MUC PICH, YEU CAU
1. Muc dich
- Pay manh cai cach hanh chinh.
"""


@pytest.fixture(scope="module")
def decision():
    [doc] = parse_text(DECISION)
    return doc


@pytest.fixture(scope="module")
def bundle():
    return parse_text(BUNDLE)


# ------------------------------------------------------------ whole documents
@pytest.mark.parametrize(("field", "expected"), [
    ("doc_type", "Quyết định"),
    ("number", "152/QĐ-STP"),  # "sé: 152 /QD-STP"
    ("issuer", "Sở Tư pháp tỉnh Hà Tĩnh"),  # "UBND TINH HA TINH" / "SO TU PHAP"
    ("place", "Hà Tĩnh"),
    ("date", "2021-03-05"),  # "ngay 05 thdng 3 ndm 2021"
    ("recipients", ["Như Điều 3", "UBND tỉnh (để b/c)"]),  # "Nhu Piéu 3"
])
def test_ocr_decision_header(decision, field, expected):
    assert getattr(decision.header, field) == expected


def test_ocr_decision_subject_and_signer(decision):
    h = decision.header
    assert fuzz.ratio(h.subject, "ban hành Kế hoạch phổ biến, giáo dục pháp luật năm 2021") >= 90
    assert (h.signer.name, h.signer.title) == ("Nguyễn Văn Hưng", "Giám đốc")


@pytest.mark.parametrize(("number", "date", "issuer", "relation"), [
    # "Nghi dinh s6 28/201 3/ND-CP ... ciia Chinh phu": the year group broken by a space
    ("28/2013/NĐ-CP", "2013-04-04", "Chính phủ", "basis"),
    # "Quyét dinh 56 2 15/QD-UBND ... ciia UBND tinh Ha Tinh": "số" read "56", the sequence broken
    ("215/QĐ-UBND", "2021-01-10", "Ủy ban nhân dân tỉnh Hà Tĩnh", "basis"),
])
def test_ocr_decision_references(decision, number, date, issuer, relation):
    ref = next(r for r in decision.references if r.number == number)
    assert (ref.date, ref.issuer, ref.relation) == (date, issuer, relation)


@pytest.mark.parametrize(("k", "field", "expected"), [
    (0, "subject", "chuyển Quyết định số 1207/QĐ-BNV ngày 28/3/2024 ban hành kế hoạch cải cách hành chính"),
    (0, "issuer", "Văn phòng Ủy ban nhân dân tỉnh Cà Mau"),
    # the decision's own number, read "1201", settled by the two mentions of the slip
    (1, "number", "1207/QĐ-BNV"),
    # its date, left blank by the print ("ngay  thang 3"), completed from the slip's citation
    (1, "date", "2024-03-28"),
    (1, "subject", "Ban hành Kế hoạch cải cách hành chính năm 2024"),
    # the plan: its attachment line garbled ("561207 /OD-BNV", month "19"); issued with the decision
    (2, "attached_to", "1207/QĐ-BNV"),
    (2, "date", "2024-03-28"),
    (2, "issuer", "Bộ Nội vụ"),
])
def test_ocr_bundle(bundle, k, field, expected):
    assert getattr(bundle[k].header, field) == expected


@pytest.mark.parametrize(("k", "number", "date", "issuer", "relation"), [
    (0, "1207/QĐ-BNV", "2024-03-28", "Bộ Nội vụ", "transmits"),
    (1, "63/2022/NĐ-CP", "2022-09-12", "Chính phủ", "basis"),
    # the attachment line gives "2020"-style partial dates only: the bundle knows the day
    (2, "1207/QĐ-BNV", "2024-03-28", "Bộ Nội vụ", "attached_to"),
])
def test_ocr_bundle_references(bundle, k, number, date, issuer, relation):
    [ref] = [r for r in bundle[k].references if r.number == number]
    assert (ref.date, ref.issuer, ref.relation) == (date, issuer, relation)


@pytest.mark.parametrize(("k", "path", "printed"), [
    (0, ("subject",), "chuyen Quyét dinh sb 1207/QB-BNV ngay 28/3/2024 ban hanh ké hoach cai cach hanh chinh"),
    (0, ("number",), "221 /pPC-VP"),
    (0, ("references", 0), "Quyét dinh sb 1207/QB-BNV ngay 28/3/2024"),
    (2, ("references", 0), "Quyét dinh 561207 /OD-BNV"),
])
def test_spans_point_at_the_print(bundle, k, path, printed):
    doc = bundle[k]
    node = doc.spans
    for step in path:
        node = node[step]
    assert [doc.body[a:b] for a, b in node] == [printed]
    assert doc.body == "\n".join(x.text for x in doc.lines)  # the lines as printed, not respelled


# ------------------------------------------------------------ restoring words
@pytest.mark.parametrize(("ocr", "expected"), [
    ("Pitu 1. Ban hanh kém theo Quyét dinh nay", "Điều 1. Ban hành kèm theo Quyết định này"),
    ("Pidu 2. Quyét dinh nay c6 hiéu lyc", "Điều 2. Quyết định này có hiệu lực"),
    ("- Nhu Piéu 3;", "- Như Điều 3;"),
    ("Don vi ¢6 lien quan", "Đơn vị có liên quan"),  # "¢6": a word printed without a letter
    ("Tai liéu tap huén, cac 16p tap huén", "Tài liệu tập huấn, các lớp tập huấn"),  # "16p": digits for letters
    ("Phuong 4n trién khai", "Phương án triển khai"),
])
def test_restore_ocr_words(ocr, expected):
    assert restore(ocr, force=True) == expected


@pytest.mark.parametrize(("printed", "word", "expected"), [
    ("Quyét dinh sb 2168/QB-BTP ciia B6 Tu phap", "của", "ciia"),
    ("Quyét dinh sb 2168/QB-BTP ciia B6 Tu phap", "Bộ", "B6"),
    ("Quyét dinh sb 2168/QB-BTP ciia B6 Tu phap", "2168/QĐ-BTP", "2168/QB-BTP"),
    ("Tai liéu tap huén, cac 16p tap huén", "lớp", "16p"),
])
def test_restore_aligned_maps_back_to_the_print(printed, word, expected):
    new, where = restore_aligned(printed, force=True)
    a = new.index(word)
    b = a + len(word)
    assert printed[where[a][0]: where[b - 1][1]] == expected


# ------------------------------------------------------------ known phrases
def _snap(printed: str, known: Known | None = None, own: bool = False) -> str:
    printed = normalize_text(printed)
    new, where = restore_aligned(printed, force=True, adapt=own)
    new, where = apply_aligned(new, where, snap_phrases(new, printed, where, phrase_book(known)))
    if own:
        book = phrase_book(known, document_phrases(new))
        new, where = apply_aligned(new, where, snap_phrases(new, printed, where, book))
    return new


@pytest.mark.parametrize(("printed", "expected"), [
    # gazetteer names (rules/units.yaml) whose damaged words the restorer misread
    ("- Don vi thuc hién: Cuc Hp tich, quc tich, chimg thue, Cuc Cong nghé thong tin.",
     "- Đơn vị thực hiện: Cục Hộ tịch, quốc tịch, chứng thực, Cục Công nghệ thông tin."),
    ("Van phong Bé, Vu Cac vin @& chung vé xdy dung phap luat",
     "Văn phòng Bộ, Vụ Các vấn đề chung về xây dựng pháp luật"),
    # a field label: "Bon" is a known slip of "Đơn" (the stroke of Đ lost)
    ("- Bon vi chu tri: So Tai chinh.", "- Đơn vị chủ trì: Sở Tài chính."),
    # a generic group: the lone capital lost its vowel
    ("cac don vi thudc B cd lién quan", "các đơn vị thuộc Bộ có liên quan"),
])
def test_gazetteer_spelling(printed, expected):
    assert _snap(printed) == expected


@pytest.mark.parametrize(("printed", "expected"), [
    # names printed cleanly stay what they are, however close to another known name
    ("- So Thong tin va Truyen thong;", "- Sở Thông tin và Truyền thông;"),  # never "Bộ Thông tin ..."
    ("- UBND tinh Ha Nam;", "- UBND tỉnh Hà Nam;"),  # never "Hà Nội"
    ("phéi hop véi Cuc Thué tinh", "phối hợp với Cục Thuế tỉnh"),
    ("dé nghi cac don vi dang ky tir ngay 01/3/2024", "đề nghị các đơn vị đăng ký từ ngày 01/3/2024"),  # no "kể từ ngày"
    ("thyc hién nhiém vu: Ngan sach Nha nudc.", "thực hiện nhiệm vụ: Ngân sách Nhà nước."),  # no "Vụ Ngân sách"
])
def test_clean_names_are_not_respelled(printed, expected):
    assert _snap(printed) == expected


@pytest.mark.parametrize(("printed", "names", "expected"), [
    ("- Ban Quén ly Khu kinh té Vung Ang (dé thyc hién);", ["Ban Quản lý Khu kinh tế Vũng Áng"],
     "- Ban Quản lý Khu kinh tế Vũng Áng (để thực hiện);"),
    ("giao Trung tam Phét trién quj dit chii tri thyc hién", ["Trung tâm Phát triển quỹ đất"],
     "giao Trung tâm Phát triển quỹ đất chủ trì thực hiện"),
])
def test_caller_known_names(printed, names, expected):
    assert _snap(printed) != expected  # the rule files do not know the name
    assert _snap(printed, Known(names=names)) == expected
    assert _snap(printed, Known(names=lambda: iter(names))) == expected  # a callable, asked when used


def test_document_own_names():
    """A name the document spells the same way three times fixes its damaged mentions
    ("8¢": the head word printed as junk; the rule files know no such name)."""
    text = ("- Phong Tu phap cac huyén, thi x3, thanh phé thyc hién;\n"
            "- Phong Tu phap cac huyén, thi xa, thanh phé béo céo;\n"
            "- Phong Tu phap cac huyén, thi xa, thanh phé tong hop;\n"
            "- 8¢ Tu phap cac huyén, thi xa, thanh phé chu tri.\n")
    assert _snap(text).splitlines()[-1] == "- 8¢ Tư pháp các huyện, thị xã, thành phố chủ trì."
    assert _snap(text, own=True).splitlines()[-1] == "- Phòng Tư pháp các huyện, thị xã, thành phố chủ trì."


# ------------------------------------------------------------ numbers
@pytest.mark.parametrize(("text", "expected"), [
    ("Căn cứ Nghị định số 28/201 3/NĐ-CP ngày 04", "Căn cứ Nghị định số 28/2013/NĐ-CP ngày 04"),
    ("Căn cứ Quyết định 56 2 15/QĐ-UBND ngày 10", "Căn cứ Quyết định số 215/QĐ-UBND ngày 10"),
    ("theo Quyết định 561207 /QĐ-BNV", "theo Quyết định số 1207 /QĐ-BNV"),
    ("Thông tư số 15/2015/TT-BT P ngày", "Thông tư số 15/2015/TT-BTP ngày"),
    ("Nghị định số 63/2022/NĐ CP ngày 12", "Nghị định số 63/2022/NĐ-CP ngày 12"),
    ("Nghị định số 63/2022/NĐ\nCP ngày 12", "Nghị định số 63/2022/NĐ-\nCP ngày 12"),  # the line break kept
    # no repair: a number of the standard as it stands, a year range, a count
    ("Số: 12/QĐ-UBND về việc", "Số: 12/QĐ-UBND về việc"),
    ("giai đoạn 2021 - 2025, 3 4/5 đơn vị", "giai đoạn 2021 - 2025, 3 4/5 đơn vị"),
    ("Kế hoạch 56 12 đơn vị", "Kế hoạch 56 12 đơn vị"),
])
def test_repair_ocr_numbers(text, expected):
    new, _ = apply_aligned(text, [(i, i + 1) for i in range(len(text))], repair_ocr_numbers(text))
    assert new == expected


SLIP_TWO_READINGS = """UBND TINH AN GIANG CONG HOA XA HQI CHU NGHIA VIET NAM
VAN PHONG Pdc lap - Tw do - Hanh phiic
sé: 15 /pPC-VP An Giang, ngay 10 thdng 4 ndm 2024
PHIEU CHUYEN
Vé viée chuyen Quyét dinh sb 512/QB-BTP ngay 03/4/2024 cua B6 Tu phap

Vin phong UBND tinh nhén duorc Quyét dinh sb 518/QD-BTP ngay 03 thang 4 ndm 2024 ciia B6 Tu phap (dinh kém vin ban).
Noinhign: CHANH VAN PHONG
- Céc s&, ban, nganh cdp tinh;
- Luuw: VT.
"""


def test_a_tie_is_settled_by_the_numbers_the_caller_knows():
    """One mention reads 512, the other 518: the bundle cannot tell; the registry can."""
    alone = parse_text(SLIP_TWO_READINGS)[0].references
    assert sorted(r.number for r in alone) == ["512/QĐ-BTP", "518/QĐ-BTP"]
    known = Known(numbers={"512/QĐ-BTP"})
    [ref] = parse_text(SLIP_TWO_READINGS, known)[0].references
    assert (ref.number, ref.date, ref.issuer, ref.relation) == ("512/QĐ-BTP", "2024-04-03", "Bộ Tư pháp", "transmits")


# ------------------------------------------------------------ field labels
@pytest.mark.parametrize(("text", "expected"), [
    # the colon lost by the scan: the value starts a new sentence
    ("Sản phẩm Phương án triển khai dịch vụ công trực tuyến", ("product", "Phương án triển khai dịch vụ công trực tuyến")),
    ("Thời gian hoàn thành Quý IV/2024", ("deadline", "Quý IV/2024")),
    ("Kinh phí thực hiện Ngân sách nhà nước", ("funding", "Ngân sách nhà nước")),
    ("Sản phẩm: Báo cáo tổng kết", ("product", "Báo cáo tổng kết")),  # with its colon, as before
    # prose, and roles, are no field
    ("Thời gian qua, các đơn vị đã triển khai", None),
    ("Chủ trì Hội nghị sơ kết việc thực hiện", None),
    ("Sản phẩm được nghiệm thu theo quy định, sau đó\nbàn giao cho các đơn vị sử dụng", None),
])
def test_label_without_colon(text, expected):
    from docparse.tasks.fields import match_label

    assert match_label(text) == expected
