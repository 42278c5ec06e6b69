"""OCR: scanned PDFs and image uploads read with Tesseract, and the garbage-layer test.

The seeds are printed to image-only PDFs at 200 dpi (``docparse.evaluate.render_scan``:
two-column header and signature blocks, DejaVu Serif), read back through
``parse_bytes`` and their header fields compared with the parse of the same
text. To keep the module near a minute on two cores, only the pages holding a
document's start, its header or its signature are scanned here (14 pages);
``docparse eval --set seeds-scan`` measures the floor on the whole seeds.
Every OCR result is computed once per module (fixtures), and the page
turned by 90° and 180°, the skewed one and the image uploads share pages of
one seed.
"""

from __future__ import annotations

import io
import json
import time
from functools import cache
from pathlib import Path

import pytest

from docparse.evaluate import HEADER_FIELDS, _sum_counts, render_scan, scan_pdf, score_file
from docparse.lines import to_lines
from docparse.model import Paragraph
from docparse.pipeline import parse_bytes, parse_lines, parse_path
from docparse.readers import ReadError, ocr, read_bytes, read_file
from docparse.readers.pdf import read_pdf
from docparse.readers.quality import GARBAGE_BELOW, garbage_pages, is_syllable, syllable_share

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "corpus" / "seeds"
GOLD = ROOT / "corpus" / "gold"
FILES = ROOT / "corpus" / "dev" / "files"

needs_tesseract = pytest.mark.skipif(not ocr.available(), reason="tesseract with the 'vie' model is not installed")

#: Seeds whose scan does not reach the floor yet, with the header F1 reached (guarded: it may not slide
#: back). None since the subjects are respelled from the document's own mentions (header/capitals.py):
#: 004's bold capitals ("TÂM NHÌN" for "TẦM NHÌN") and 003's re-printed OCR copy ("diện tư") now read right.
KNOWN_GAPS: dict[str, float] = {}


def dev(prefix: str) -> Path:
    (path,) = [p for p in FILES.iterdir() if p.name.startswith(prefix + "_")]
    return path


def header_f1(parsed: dict, gold: dict) -> float:
    return _sum_counts(score_file(parsed, gold).counts, HEADER_FIELDS).f1


def one_line(err: ReadError) -> str:
    msg = str(err)
    assert msg and "\n" not in msg and "Traceback" not in msg
    return msg


# ------------------------------------------------------------------ the garbage-layer test (no OCR)


@pytest.mark.parametrize("word", ["năm", "Quyết", "ĐỊNH", "nghiêng", "quyết", "giữa", "gì", "khuỷu", "Đắk", "ở", "tuyển"])
def test_syllables(word):
    assert is_syllable(word)


@pytest.mark.parametrize("word", ["QăP", "càc", "nămm", "thựục", "6ӕ", "ĐӏQK", "qua\ufffd", "Hoa\u0300\u0301"])
def test_not_syllables(word):
    assert not is_syllable(word)


def test_abbreviations_numbers_and_english_are_not_counted():
    assert syllable_share("UBND tỉnh 72/2025/QH15 QĐ-UBND VLNCN IC14 m3 b) QĐ-TTg") == 1.0
    assert syllable_share("Decree on the management of chemicals, dated 2026") == 1.0
    assert syllable_share("Céng hoµ x· héi chñ nghÜa ViÖt Nam") < 0.5  # TCVN3 read as Unicode


@cache
def pdf_page_texts(prefix: str) -> list[str]:
    import pdfplumber

    with pdfplumber.open(dev(prefix)) as pdf:
        return [(p.extract_text() or "").replace("(cid:", "\ufffd(") for p in pdf.pages]


def test_syllable_share_separates_garbled_layers_from_clean_ones():
    """The threshold's measurement (quality.py): every clean page well above, d13's pages well below."""
    for prefix in ("d09", "d10", "d11"):
        texts = [t for t in pdf_page_texts(prefix) if t.strip()]
        assert min(syllable_share(t) for t in texts) > 0.95
        assert garbage_pages(texts) == []
    d13 = pdf_page_texts("d13")
    assert max(syllable_share(t) for t in d13) < 0.45 < GARBAGE_BELOW
    assert garbage_pages(d13) == [0, 1]
    for seed in SEEDS.glob("*.txt"):
        share = syllable_share(seed.read_text(encoding="utf-8"))
        # 003 is an OCR copy that lost its diacritics (0.85): kept, restore.py respells it
        assert share > (0.8 if seed.name.startswith("003") else 0.99) > GARBAGE_BELOW


def test_short_page_follows_the_document():
    bad = "QăP 6ӕ ĈӝF OұS 7ӵ +ҥQK ÿӏQK FӫD OXұW YӅ YLӋF Vӕ"
    assert garbage_pages([bad * 3, "QăP 2026"]) == [0, 1]
    assert garbage_pages(["Quyết định này có hiệu lực kể từ ngày ký ban hành và thay thế " * 3, "QăP 2026"]) == []


# ------------------------------------------------------------------ deskew (no OCR)


def test_skew_angle_is_measured():
    page = render_scan((SEEDS / sorted(p.name for p in SEEDS.glob("001_*"))[0]).read_text(encoding="utf-8"))[0]
    assert abs(ocr.skew_angle(page)) < 0.3
    for angle in (2.5, -3.0):
        turned = page.rotate(angle, expand=True, fillcolor=255)
        assert abs(ocr.skew_angle(turned) + angle) < 0.3


# ------------------------------------------------------------------ hard inputs refused before any OCR


def _no_ocr(monkeypatch):
    def boom(*_a, **_k):
        raise AssertionError("OCR must not run")

    monkeypatch.setattr(ocr, "ocr_images", boom)


def _image_pdf(n: int) -> bytes:
    from PIL import Image

    pages = [Image.new("L", (40, 60), 255) for _ in range(n)]
    return scan_pdf(pages, dpi=20)


def test_2000_page_scan_is_refused_before_reading(monkeypatch):
    _no_ocr(monkeypatch)
    data = _image_pdf(2000)
    start = time.perf_counter()
    with pytest.raises(ReadError) as e:
        read_bytes(data, "dai.pdf")
    assert time.perf_counter() - start < 1.0
    assert "2000 trang" in one_line(e.value)


def test_ocr_page_cap(monkeypatch):
    _no_ocr(monkeypatch)
    with pytest.raises(ReadError) as e:
        read_pdf(_image_pdf(3), max_ocr_pages=2)
    assert "OCR" in one_line(e.value) and "3 trang" in str(e.value)


def test_encrypted_and_truncated_scans_are_refused(monkeypatch):
    from test_readers import _pdf, _text  # the reader tests' minimal PDF writer (RC4 encryption)

    _no_ocr(monkeypatch)
    data = dev("d14").read_bytes()
    cases = [(data[:2000], "hỏng"), (data[: len(data) // 2], "hỏng"),
             (_pdf([_text(72, 700, "x")], encrypt=(b"matkhau", b"owner")), "mã hóa")]
    for cut, words in cases:
        start = time.perf_counter()
        with pytest.raises(ReadError) as e:
            read_bytes(cut, "x.pdf")
        assert time.perf_counter() - start < 1.0
        assert words in one_line(e.value)


def test_without_tesseract_a_scan_still_says_it_needs_ocr(monkeypatch):
    monkeypatch.setattr(ocr, "available", lambda: False)
    with pytest.raises(ReadError) as e:
        read_file(dev("d14"))
    assert "cần OCR" in one_line(e.value)
    doc = read_file(dev("d13"))  # a garbled layer is kept, with the warning
    assert doc.ocr is None and any("phông" in w for w in doc.warnings)


# ------------------------------------------------------------------ scanned seeds


@cache
def seed_scan(stem: str) -> tuple[dict, dict, int]:
    """(scan parse, text parse, pages scanned) of one seed, key pages only."""
    src = SEEDS / f"{stem}.txt"
    marks: list[set[str]] = []
    pages = render_scan(src.read_text(encoding="utf-8"), marks=marks)
    key = [p for p, m in zip(pages, marks, strict=True) if m]
    scanned = parse_bytes(scan_pdf(key), f"{stem}.pdf")
    return scanned.to_json(), parse_path(src).to_json(), len(key)


SEED_STEMS = sorted(p.stem for p in SEEDS.glob("*.txt"))


def _seed_cases() -> list:
    out = []
    for stem in SEED_STEMS:
        marks = [pytest.mark.xfail(strict=True, reason="floor not reached yet")] if stem[:3] in KNOWN_GAPS else []
        out.append(pytest.param(stem, marks=marks, id=stem[:3]))
    return out


@needs_tesseract
@pytest.mark.parametrize("stem", _seed_cases())
def test_scanned_seed_header_within_005_of_text(stem):
    scan, text, _ = seed_scan(stem)
    gold = json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))
    assert header_f1(scan, gold) >= header_f1(text, gold) - 0.05


@needs_tesseract
@pytest.mark.parametrize("stem", [s for s in SEED_STEMS if s[:3] in KNOWN_GAPS], ids=lambda s: s[:3])
def test_scanned_seed_known_gap_does_not_slide_back(stem):
    scan, _, _ = seed_scan(stem)
    gold = json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))
    assert header_f1(scan, gold) >= KNOWN_GAPS[stem[:3]]


@needs_tesseract
def test_scanned_seed_says_it_was_ocrd():
    scan, _, n = seed_scan(SEED_STEMS[1])
    info = scan["ocr"]
    assert info["pages"] == list(range(1, n + 1))
    assert info["mean_confidence"] > 85 and 0 < info["seconds_per_page"] < 30
    assert scan["warnings"][0].startswith("Bản quét, đã nhận dạng OCR (trang 1-")
    assert "độ tin cậy trung bình" in scan["warnings"][0]


# ------------------------------------------------------------------ turned, skewed, uploaded as images


@cache
def first_page(stem_prefix: str = "001"):  # type: ignore[no-untyped-def]
    (src,) = SEEDS.glob(f"{stem_prefix}_*.txt")
    return render_scan(src.read_text(encoding="utf-8"))[0]


def _header(parsed) -> dict:  # type: ignore[no-untyped-def]
    return parsed.to_json()["documents"][0]


def _encode(img, fmt: str, **kw) -> bytes:  # type: ignore[no-untyped-def]
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


@needs_tesseract
def test_page_turned_90_uploaded_as_png():
    page = first_page().rotate(90, expand=True)  # lying on its left side
    parsed = parse_bytes(_encode(page, "PNG", dpi=(200, 200)), "quet.png")
    assert parsed.format == "image" and parsed.ocr["rotated"] == {"1": 90}  # turned back clockwise
    doc = _header(parsed)
    assert doc["number"] == "3510/KH-UBND" and doc["date"] == "2019-10-09"


@needs_tesseract
def test_page_upside_down_in_a_scanned_pdf():
    parsed = parse_bytes(scan_pdf([first_page().rotate(180)]), "nguoc.pdf")
    assert parsed.ocr["rotated"] == {"1": 180}
    doc = _header(parsed)
    assert doc["number"] == "3510/KH-UBND" and doc["doc_type"] == "Kế hoạch"


@needs_tesseract
def test_skewed_page_uploaded_as_jpeg():
    page = first_page().rotate(2.5, expand=True, fillcolor=255)
    parsed = parse_bytes(_encode(page, "JPEG", quality=80, dpi=(200, 200)), "nghieng.jpg")
    assert parsed.format == "image" and abs(parsed.ocr["deskewed"]["1"] - 2.5) < 0.3
    doc = _header(parsed)
    assert doc["number"] == "3510/KH-UBND" and doc["place"] == "Cao Bằng" and doc["date"] == "2019-10-09"


@needs_tesseract
def test_multipage_tiff_upload():
    (src,) = SEEDS.glob("002_*.txt")
    marks: list[set[str]] = []
    pages = render_scan(src.read_text(encoding="utf-8"), marks=marks)
    first, signature = pages[0], next(p for p, m in zip(pages, marks, strict=True) if "signature" in m)
    data = _encode(first, "TIFF", save_all=True, append_images=[signature], compression="tiff_lzw", dpi=(200, 200))
    parsed = parse_bytes(data, "quet.tif")
    assert parsed.ocr["pages"] == [1, 2]
    doc = _header(parsed)
    assert doc["doc_type"] == "Quyết định" and doc["number"] == "/QĐ-UBND"
    assert doc["signer"]["name"] == "Nguyễn Tự Công Hoàng" and doc["signer"]["mode"] == "KT"


def test_broken_image_is_refused():
    with pytest.raises(ReadError) as e:
        read_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "hong.png")
    assert "ảnh" in one_line(e.value)


# ------------------------------------------------------------------ the real scans of corpus/dev/files


@cache
def dev_read(prefix: str):  # type: ignore[no-untyped-def]
    """(SourceDocument, first document's JSON) of a dev file, OCR'd once per module."""
    src = read_file(dev(prefix))
    docs = parse_lines(to_lines(src))
    return src, docs[0].to_json()


@needs_tesseract
def test_d14_real_scan_is_ocrd():
    src, doc = dev_read("d14")
    assert src.ocr["pages"] == list(range(1, 8)) and src.ocr["mean_confidence"] > 75
    assert src.warnings[0].startswith("Bản quét, đã nhận dạng OCR (trang 1-7; độ tin cậy trung bình ")
    # The number (2336) and the day are handwritten: out of Tesseract's reach.
    assert doc["issuer"] == "Ủy ban nhân dân tỉnh Lào Cai" and doc["place"] == "Lào Cai"
    assert doc["signer"]["name"] == "Nguyễn Tuấn Anh" and doc["signer"]["title"] == "Chủ tịch"


@needs_tesseract
def test_d14_header_columns_come_out_as_columns():
    src, _ = dev_read("d14")
    paras = [b for b in src.blocks if isinstance(b, Paragraph) and b.page == 1 and b.text]
    assert paras[0].column == "left" and paras[0].text.startswith("ỦY BAN NHÂN DÂN\nT")
    assert "LÀO CAI\n" in paras[0].text and "/QĐ-UBND" in paras[0].text
    assert paras[1].column == "right" and paras[1].text.startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")


@needs_tesseract
def test_d13_garbled_layer_is_judged_garbage_and_ocrd():
    src, doc = dev_read("d13")
    assert src.ocr["pages"] == [1, 2]
    assert not any("phông" in w for w in src.warnings)
    assert (doc["doc_type"], doc["number"], doc["date"]) == ("Thông báo", "1894/TB-SCT", "2026-04-09")
    assert doc["issuer"] == "Sở Công Thương tỉnh Lào Cai"
