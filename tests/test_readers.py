"""Readers: format sniffing, encodings, Markdown, .docx structure, PDF overlays and columns, bad inputs."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import unicodedata
import zlib
from functools import cache
from pathlib import Path

import pytest
from hostile_files import rc4

from docparse.model import Paragraph, SourceDocument, Table
from docparse.readers import MAX_BYTES, MAX_PAGES, ReadError, detect_format, read_bytes, read_file
from docparse.readers.text import decode_text, strip_markdown, text_score

ROOT = Path(__file__).resolve().parents[1]
FILES = ROOT / "corpus" / "dev" / "files"
SEEDS = ROOT / "corpus" / "seeds"
LABELS = {json.loads(line)["file"]: json.loads(line) for line in (FILES / "labels.jsonl").read_text("utf-8").splitlines()
          if line.strip()}


def dev(prefix: str) -> Path:
    (path,) = [p for p in FILES.iterdir() if p.name.startswith(prefix + "_")]
    return path


@cache
def read_dev(prefix: str) -> SourceDocument:
    return read_file(dev(prefix))


def paragraphs(doc: SourceDocument) -> list[Paragraph]:
    return [b for b in doc.blocks if isinstance(b, Paragraph)]


def tables(doc: SourceDocument) -> list[Table]:
    return [b for b in doc.blocks if isinstance(b, Table)]


def all_text(doc: SourceDocument) -> str:
    out = []
    for b in doc.blocks:
        if isinstance(b, Paragraph):
            out.append(b.text)
        else:
            out += [c.text for c in b.cells]
    return unicodedata.normalize("NFC", "\n".join(out))


def lines_of(doc: SourceDocument) -> list[str]:
    return [ln for chunk in all_text(doc).split("\n") for ln in [chunk]]


def one_line_message(err: ReadError) -> str:
    msg = str(err)
    assert msg and "\n" not in msg and "Traceback" not in msg
    return msg


# ------------------------------------------------------------------ sniffing


def test_detect_format_by_content_not_name():
    assert detect_format(dev("d09").read_bytes()) == "pdf"
    assert detect_format(dev("d01").read_bytes()) == "docx"
    assert detect_format(dev("d15").read_bytes()) == "doc"
    assert detect_format("Số: 12/QĐ-UBND".encode()) == "text"
    # A .docx renamed to .pdf is still read as a .docx.
    doc = read_bytes(dev("d01").read_bytes(), "renamed.pdf")
    assert doc.format == "docx"


def test_limits_are_the_documented_defaults():
    assert MAX_BYTES == 50 * 1024 * 1024
    assert MAX_PAGES == 500


# ------------------------------------------------------------------ text: encodings

SAMPLE = (
    "ỦY BAN NHÂN DÂN TỈNH KIÊN GIANG\n"
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    "Độc lập - Tự do - Hạnh phúc\n"
    "Số: 7049/PC-VP\tKiên Giang, ngày 09 tháng 11 năm 2020\n"
    "Quyết định số 2168/QĐ-BTP về “Cơ sở dữ liệu hộ tịch điện tử”; ươ ữ ẫ ỵ ặ ẳ ỗ ờ ự đ.\n"
)
_TONES = "\u0300\u0301\u0303\u0309\u0323"


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese legacy software writes it: base letter + combining tone."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        nfd = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in nfd if c in _TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in _TONES))
        out += base.encode("cp1258") + tones.encode("cp1258")
    return bytes(out)


ENCODINGS = {
    "utf-8": lambda s: s.encode("utf-8"),
    "utf-8-sig": lambda s: s.encode("utf-8-sig"),
    "utf-16-le-bom": lambda s: b"\xff\xfe" + s.encode("utf-16-le"),
    "utf-16-be-bom": lambda s: b"\xfe\xff" + s.encode("utf-16-be"),
    "utf-16-le-nobom": lambda s: s.encode("utf-16-le"),
    "utf-16-be-nobom": lambda s: s.encode("utf-16-be"),
    "cp1258": encode_cp1258,
}


@pytest.mark.parametrize("name", list(ENCODINGS))
def test_text_encodings_decode_to_the_same_text(tmp_path, name):
    path = tmp_path / f"{name}.txt"
    path.write_bytes(ENCODINGS[name](SAMPLE))
    doc = read_file(path)
    got = "\n".join(p.text for p in paragraphs(doc))
    assert unicodedata.normalize("NFC", got) == unicodedata.normalize("NFC", SAMPLE.rstrip("\n"))
    assert "\t" in got  # tabs inside a line are kept


def test_cp1258_is_really_decomposed_and_chosen_by_score():
    raw = encode_cp1258(SAMPLE)
    assert b"\xcc" in raw or b"\xec" in raw  # combining tone bytes are present
    text, enc = decode_text(raw)
    assert enc == "cp1258"
    assert text == unicodedata.normalize("NFC", SAMPLE)
    # The score that decided it: clean Vietnamese scores 1, mojibake far less.
    assert text_score(text) == 1.0
    assert text_score(SAMPLE.encode("utf-8").decode("cp1258", errors="replace")) < 0.8
    assert text_score(raw.decode("utf-8", errors="replace")) < 0.5


def test_plain_ascii_is_utf8():
    assert decode_text(b"Hello\n")[1] == "utf-8"


# ------------------------------------------------------------------ text: Markdown


@pytest.mark.parametrize(
    ("line", "text", "bold", "italic"),
    [
        ("**PHIẾU CHUYỂN**", "PHIẾU CHUYỂN", True, False),
        ("*(Ban hành kèm theo Quyết định số 2168/QĐ-BTP)*", "(Ban hành kèm theo Quyết định số 2168/QĐ-BTP)", False, True),
        ("#### *3.4. Xây dựng Quy chế khai thác*", "3.4. Xây dựng Quy chế khai thác", False, True),
        ("### **III. TỔ CHỨC THỰC HIỆN**", "III. TỔ CHỨC THỰC HIỆN", True, False),
        ("##### *4.1. Tổ chức các cuộc tập huấn*", "4.1. Tổ chức các cuộc tập huấn", False, True),
        ("thực hiện. / *luc*", "thực hiện. / luc", False, False),
        ("- **Thực hiện rà soát, trang bị đủ máy tính.**", "- Thực hiện rà soát, trang bị đủ máy tính.", True, False),
        ("- + Nhóm sổ đăng ký kết hôn;", "- + Nhóm sổ đăng ký kết hôn;", False, False),
        ("***Cả hai***", "Cả hai", True, True),
        ("2 * 3 = 6", "2 * 3 = 6", False, False),
        ("1\\. Mục đích", "1. Mục đích", False, False),
    ],
)
def test_strip_markdown(line, text, bold, italic):
    assert strip_markdown(line) == (text, bold, italic)


def test_seed_markdown_is_stripped_and_lines_survive():
    doc = read_file(SEEDS / "000_4b7a79e30ef802cc.txt")
    assert doc.format == "txt"
    paras = paragraphs(doc)
    texts = [p.text for p in paras]
    assert not any("**" in t or t.lstrip().startswith("#") for t in texts)
    assert "Số: 7049/PC-VP" in texts
    title = next(p for p in paras if p.text == "PHIẾU CHUYỂN")
    assert title.bold and not title.italic
    sub = next(p for p in paras if p.text.startswith("3.4. Xây dựng Quy chế"))
    assert sub.italic
    assert any(t == "" for t in texts)  # blank lines kept as empty paragraphs
    raw_lines = (SEEDS / "000_4b7a79e30ef802cc.txt").read_text("utf-8").splitlines()
    assert len(paras) == len(raw_lines)


def test_seed_with_tab_cells_becomes_a_table():
    # Seed 004's appendix: one tab-indented line per cell, rows apart by a blank line.
    doc = read_file(SEEDS / "004_1cd2fb9aa37a7db0.txt")
    (table,) = tables(doc)
    assert (table.n_rows, table.n_cols) == (22, 7)
    rows = table.rows()
    assert [c.text for c in rows[0]] == ["TT", "Nội dung thực hiện", "Đơn vị chủ trì", "Đơn vị phối hợp",
                                         "Thời gian hoàn thành", "Sản phẩm chủ yếu", "Nguồn kinh phí"]
    group = rows[1]  # "I" then the group's name repeated in the six other cells
    assert [(c.col, c.colspan, c.text) for c in group] == [
        (0, 1, "I"), (1, 6, "Hoàn thiện thể chế, chính sách thực hiện Đề án 06/CP")]
    heading = rows[3]  # "2": a title and blank cells
    assert heading[0].text == "2" and [c.text for c in heading[2:]] == [""] * 5
    # A cell's further lines (without the tab) stay in the cell, also after a blank line.
    assert rows[4][3].text == ("- Vụ Pháp luật dân sự - kinh tế,\n- Văn phòng Bộ; - Cục Hộ tịch, Quốc tịch, "
                               "chứng thực;\n- Cục Công nghệ thông tin;\n- Các đơn vị thuộc Bộ có liên quan.")
    assert rows[10][6].text == "Ngân sách\nNhà nước"
    assert [c.text for c in rows[-1]][:2] == ["5", "Tổ chức Hội nghị tổng kết tình hình thực hiện Quyết định "
                                              "số 06/QĐ-TTg trong năm 2023 của Bộ Tư pháp"]
    # Everything before the table is read as before: one paragraph per line.
    raw = (SEEDS / "004_1cd2fb9aa37a7db0.txt").read_text("utf-8").splitlines()
    start = next(i for i, line in enumerate(raw) if line.startswith("\t") and raw[i + 1].startswith("\t"))
    assert doc.blocks.index(table) == start
    assert [p.text for p in doc.blocks[:start]] == [
        line.rstrip(" \u00a0").replace("**", "") if line.strip() else "" for line in raw[:start]]
    assert "\tKT. BỘ TRƯỞNG" in [p.text for p in paragraphs(doc)]  # a lone tab line is no table
    seed1 = [p.text for p in paragraphs(read_file(SEEDS / "001_4d3cbe0d2efac68f.txt"))]
    assert "- + Nhóm sổ đăng ký kết hôn;" in seed1


def test_tab_cell_table_ends_where_running_text_resumes():
    text = ("Trước bảng\n\tTT\n\tNội dung\n\tChủ trì\n\tThời hạn\n\n"
            "\t1\n\t**Việc một**\n\t- Sở A;\n\n- Sở B\n\tQuý I\n\n"
            "\t2\n\tViệc hai\n\tSở C\n\tQuý II\ncòn tiếp\n\nSau bảng\n")
    doc = read_bytes(text.encode("utf-8"), "t.txt")
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds == ["Paragraph", "Table", "Paragraph", "Paragraph"], kinds
    (table,) = tables(doc)
    assert [[c.text for c in r] for r in table.rows()] == [
        ["TT", "Nội dung", "Chủ trì", "Thời hạn"], ["1", "Việc một", "- Sở A;\n- Sở B", "Quý I"],
        ["2", "Việc hai", "Sở C", "Quý II\ncòn tiếp"]]
    assert table.rows()[1][1].bold
    # Once a row has all its cells, a blank line ends the table: what follows is running text.
    assert [p.text for p in paragraphs(doc)] == ["Trước bảng", "", "Sau bảng"]


def test_lone_tab_indented_lines_stay_paragraphs():
    doc = read_bytes("Một\n\tthụt đầu dòng\nHai\n".encode(), "t.txt")
    assert not tables(doc)
    assert [p.text for p in paragraphs(doc)] == ["Một", "\tthụt đầu dòng", "Hai"]


# ------------------------------------------------------------------ docx (real files)

DATE_LINE = re.compile(r"ngày\s.*tháng\s.*năm\s+\d{4}")


@pytest.mark.parametrize("prefix", [f"d0{i}" for i in range(1, 9)])
def test_docx_header_fields_appear(prefix):
    doc = read_dev(prefix)
    assert doc.format == "docx"
    lines = lines_of(doc)
    assert any(DATE_LINE.search(ln) for ln in lines), "no date line"
    if LABELS[dev(prefix).name]["number"] is not None:
        number_lines = [ln for ln in lines if ln.strip().startswith("Số:")]
        assert number_lines, "no 'Số:' line"
        symbol = LABELS[dev(prefix).name]["number"].split("/")[-1]
        assert any(symbol in ln for ln in number_lines)


@pytest.mark.parametrize("prefix", [f"d0{i}" for i in range(1, 9)])
def test_docx_header_is_a_table_with_columns_apart(prefix):
    doc = read_dev(prefix)
    first = doc.blocks[0]
    assert isinstance(first, Table)
    assert first.n_cols >= 2
    # The issuer (left) and the date (right) are in different columns, never one cell.
    date_cells = [c for c in first.cells if DATE_LINE.search(c.text)]
    assert date_cells
    for c in date_cells:
        assert "Số:" not in c.text
    left = [c for c in first.cells if c.col == 0 and c.text.strip()]
    assert left and all("CỘNG HÒA" not in c.text and "CỘNG HOÀ" not in c.text for c in left)


def test_docx_body_order_and_signature_table():
    doc = read_dev("d01")
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds[0] == "Table" and "Paragraph" in kinds[1:] and kinds.count("Table") == 2
    sig = tables(doc)[1]
    texts = [c.text for c in sig.cells]
    assert any(t.startswith("Nơi nhận:") for t in texts)
    assert any("KT. GIÁM ĐỐC" in t and "Hoàng Văn Thuân" in t for t in texts)
    # d01's last header row: the subject spans the two right grid columns... as printed.
    header = tables(doc)[0]
    assert any(c.colspan == 2 for c in header.cells)


def test_docx_bold_and_italic_from_runs():
    doc = read_dev("d03")
    paras = {p.text.strip(): p for p in paragraphs(doc)}
    assert paras["QUYẾT ĐỊNH"].bold
    assert paras["QUYẾT ĐỊNH:"].bold
    can_cu = [p for p in paragraphs(doc) if p.text.strip().startswith("Căn cứ")]
    assert can_cu and all(p.italic for p in can_cu)


def test_docx_numbering_labels_are_rendered():
    doc = read_dev("d02")
    appendix = tables(doc)[-1]
    first_col = [c.text.strip() for c in appendix.cells if c.col == 0 and c.row > 0]
    assert first_col[:3] == ["1.", "2.", "3."]


def test_docx_soft_breaks_and_symbols():
    doc = read_dev("d08")
    text = all_text(doc)
    assert "☐" in text  # Wingdings check boxes (w:sym)
    d06 = read_dev("d06")
    header = tables(d06)[0]
    assert any(c.text == "CHÍNH PHỦ\n-------" for c in header.cells)  # w:br kept as a line break


# ------------------------------------------------------------------ docx (built here)


def _docx_bytes(build) -> bytes:  # type: ignore[no-untyped-def]
    import docx

    d = docx.Document()
    build(d)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_merged_cells_appear_once_with_spans():
    def build(d):  # type: ignore[no-untyped-def]
        d.add_paragraph("Trước bảng")
        t = d.add_table(rows=3, cols=3)
        t.cell(0, 0).merge(t.cell(0, 1)).text = "Gộp ngang"
        t.cell(1, 0).merge(t.cell(2, 0)).text = "Gộp dọc"
        t.cell(0, 2).text = "C"
        t.cell(1, 1).text = "x"
        inner = t.cell(2, 2).add_table(rows=1, cols=2)
        inner.cell(0, 0).text = "trong 1"
        inner.cell(0, 1).text = "trong 2"
        d.add_paragraph("Sau bảng")

    doc = read_bytes(_docx_bytes(build), "t.docx")
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds == ["Paragraph", "Table", "Paragraph"]
    table = tables(doc)[0]
    assert (table.n_rows, table.n_cols) == (3, 3)
    by_text = {c.text: c for c in table.cells}
    h = by_text["Gộp ngang"]
    assert (h.row, h.col, h.rowspan, h.colspan) == (0, 0, 1, 2)
    v = by_text["Gộp dọc"]
    assert (v.row, v.col, v.rowspan, v.colspan) == (1, 0, 2, 1)
    assert sum(1 for c in table.cells if c.text == "Gộp dọc") == 1
    nested = next(c for c in table.cells if "trong 1" in c.text)
    assert "trong 1\ttrong 2" in nested.text
    positions = [(c.row, c.col) for c in table.cells]
    assert len(positions) == len(set(positions)) == 9 - 2  # 3x3 grid minus the two merged slots


def test_docx_breaks_headers_styles_and_textboxes():
    from docx.oxml import parse_xml

    def build(d):  # type: ignore[no-untyped-def]
        d.sections[0].header.paragraphs[0].text = "ĐẦU TRANG 1"
        d.sections[0].footer.paragraphs[0].text = "CHÂN TRANG"
        d.add_heading("Tiêu đề in đậm", 1)
        p = d.add_paragraph()
        r = p.add_run("Dòng một")
        r.add_break()
        p.add_run("Dòng hai").italic = True
        p.runs[0].italic = True
        p2 = d.add_paragraph("Neo hộp chữ")
        box = parse_xml(
            '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
            'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
            'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
            'xmlns:v="urn:schemas-microsoft-com:vml">'
            '<mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>'
            '<w:p><w:r><w:t>Chữ trong hộp</w:t></w:r></w:p>'
            '</w:txbxContent></wps:txbx></w:drawing></mc:Choice>'
            '<mc:Fallback><w:pict><v:textbox><w:txbxContent>'
            '<w:p><w:r><w:t>Chữ trong hộp</w:t></w:r></w:p>'
            '</w:txbxContent></v:textbox></w:pict></mc:Fallback>'
            '</mc:AlternateContent>'
        )
        run = p2.add_run()
        run._r.append(box)
        p3 = d.add_paragraph()
        p3._p.append(parse_xml(
            '<w:del xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:id="1" w:author="a">'
            '<w:r><w:delText>ĐÃ XÓA</w:delText></w:r></w:del>'))
        p3.add_run("Còn lại")
        p4 = d.add_paragraph()
        p4.add_run("chữ in hoa").font.all_caps = True
        p4.add_run(" ẩn đi").font.hidden = True

    doc = read_bytes(_docx_bytes(build), "t.docx")
    texts = [p.text for p in paragraphs(doc)]
    assert "ĐẦU TRANG 1" not in "\n".join(texts) and "CHÂN TRANG" not in "\n".join(texts)
    heading = next(p for p in paragraphs(doc) if p.text == "Tiêu đề in đậm")
    assert heading.bold
    two = next(p for p in paragraphs(doc) if p.text.startswith("Dòng một"))
    assert two.text == "Dòng một\nDòng hai" and two.italic
    assert texts.count("Chữ trong hộp") == 1
    assert texts.index("Chữ trong hộp") == texts.index("Neo hộp chữ") + 1
    assert "Còn lại" in texts and not any("ĐÃ XÓA" in t for t in texts)
    assert "CHỮ IN HOA" in texts  # w:caps is printed upper-case; w:vanish is not printed


# ------------------------------------------------------------------ PDF (real files)

SIGNED = ["d09", "d10", "d11", "d12"]


@pytest.mark.parametrize("prefix", SIGNED)
def test_pdf_overlay_number_and_day_are_merged_in_place(prefix):
    label = LABELS[dev(prefix).name]
    doc = read_dev(prefix)
    assert doc.format == "pdf" and doc.pages == label["pages"]
    seq = label["number"].split("/")[0]
    day = label["date"].split("-")[2]
    left = next(p for p in paragraphs(doc) if p.column == "left")
    right = next(p for p in paragraphs(doc) if p.column == "right")
    number_line = next(ln for ln in left.text.split("\n") if ln.startswith("Số:"))
    # "Số: 4378 /SCT - CN": the stamped digits sit between "Số:" and the symbol.
    assert re.match(rf"Số:\s*{seq}\s*/", number_line), number_line
    date_line = next(ln for ln in right.text.split("\n") if "tháng" in ln)
    assert re.search(rf"ngày\s+{day}\s+tháng", date_line), date_line
    assert any("lớp phủ" in w for w in doc.warnings)


@pytest.mark.parametrize("prefix", SIGNED)
def test_pdf_header_columns_are_not_interleaved(prefix):
    doc = read_dev(prefix)
    paras = paragraphs(doc)
    left = next(p for p in paras if p.column == "left")
    right = next(p for p in paras if p.column == "right")
    assert paras.index(right) == paras.index(left) + 1
    assert re.search(r"CỘNG (HÒA|HOÀ) XÃ HỘI", right.text)
    assert "Độc lập - Tự do - Hạnh phúc" in right.text
    assert "CỘNG H" not in left.text and "Số:" not in right.text
    for p in paras:
        for ln in p.text.split("\n"):
            assert not ("CỘNG H" in ln and ("Số:" in ln or "SỞ" in ln or "BỘ " in ln[:5]))


def test_pdf_signature_block_columns_and_page_numbers():
    doc = read_dev("d09")
    paras = paragraphs(doc)
    left = [p for p in paras if p.column == "left"]
    right = [p for p in paras if p.column == "right"]
    assert left[-1].text.startswith("Nơi nhận:")
    assert right[-1].text.split("\n")[-1] == "Hoàng Văn Thuân"
    assert [p.text for p in paras if p.role == "page_header"] == ["2", "3"]
    assert not tables(doc)  # white text-background boxes are not tables


def test_pdf_line_breaks_kept_and_bold_detected():
    doc = read_dev("d09")
    body = [p for p in paragraphs(doc) if p.column is None and p.role == "body"]
    assert any(p.text.count("\n") >= 3 for p in body)
    assert any(p.bold and p.text.startswith("1. Hiệu chỉnh") for p in body)


def _fake_ocr(monkeypatch, asked: list) -> None:
    """Tesseract stood in for: the pages asked for (and their dpi) are noted, each gives one word.

    The real OCR of d13 and d14 runs in tests/test_ocr.py; here only the
    reader's decisions are checked, in milliseconds.
    """
    from docparse.readers import ocr, pdf

    def fake(data: bytes, pages: dict[int, int]) -> list:
        asked.append(dict(pages))
        return [ocr.OcrPage(page=k, words=[ocr.OcrWord("Trang", 90.0, 200, 200, 400, 240, (1, 1, 1), 200, 240)],
                            dpi=dpi) for k, dpi in sorted(pages.items())]

    monkeypatch.setattr(ocr, "available", lambda: True)
    monkeypatch.setattr(pdf, "_ocr_pages", fake)


def test_pdf_garbled_font_is_judged_garbage_and_ocrd(monkeypatch):
    # d13's layer spells "QăP" for "năm": under the syllable test's threshold, both pages are OCR'd...
    asked: list = []
    _fake_ocr(monkeypatch, asked)
    doc = read_file(dev("d13"))
    assert list(asked[0]) == [1, 2] and doc.ocr["pages"] == [1, 2]
    assert doc.warnings[0].startswith("Bản quét, đã nhận dạng OCR (trang 1-2")
    assert not any("phông" in w for w in doc.warnings)
    # ...and without Tesseract the layer is read as before, with a warning.
    from docparse.readers import ocr

    monkeypatch.setattr(ocr, "available", lambda: False)
    doc = read_file(dev("d13"))
    assert doc.pages == 2 and paragraphs(doc) and doc.ocr is None
    assert "1894" in all_text(doc)
    assert any("phông" in w for w in doc.warnings)
    assert "(cid:" not in all_text(doc)


def test_pdf_scan_without_text_is_ocrd(monkeypatch):
    # d14 is seven 200 dpi scans: every page is OCR'd, rendered at the scan's own resolution...
    asked: list = []
    _fake_ocr(monkeypatch, asked)
    doc = read_file(dev("d14"))
    assert asked == [{k: 200 for k in range(1, 8)}] and doc.ocr["pages"] == list(range(1, 8))
    # ...and without Tesseract it is refused, saying why.
    from docparse.readers import ocr

    monkeypatch.setattr(ocr, "available", lambda: False)
    with pytest.raises(ReadError) as e:
        read_file(dev("d14"))
    assert "OCR" in one_line_message(e.value)


def test_doc_ole_is_read_and_a_broken_one_refused_clearly():
    # Word 97-2003 is read through antiword (tests/test_formats.py has the details)...
    doc = read_dev("d15")
    assert doc.format == "doc"
    assert "Sở Công Thương" in all_text(doc)
    # ...and an OLE file that is not a readable Word document gets one plain line.
    with pytest.raises(ReadError) as e:
        read_bytes(dev("d15").read_bytes()[:3000], "cut.doc")
    assert ".doc" in one_line_message(e.value)


# ------------------------------------------------------------------ PDF (built here)


def _pdf(contents: list[bytes], *, encrypt: tuple[bytes, bytes] | None = None) -> bytes:
    """A minimal PDF with Helvetica text; optionally RC4-40 encrypted (R2) with (user, owner) passwords."""
    n_pages = len(contents)
    objs: list[bytes] = []
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n_pages))
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    font_id = 3 + 2 * n_pages
    for i in range(n_pages):
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {4 + 2 * i} 0 R "
                    f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode())
        objs.append(b"STREAM")
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    file_id = hashlib.md5(b"docparse-test").digest()
    key = None
    encrypt_obj = None
    if encrypt:
        user, owner = encrypt
        pad = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
        o = rc4(hashlib.md5((owner + pad)[:32]).digest()[:5], (user + pad)[:32])
        p = (-44).to_bytes(4, "little", signed=True)
        key = hashlib.md5((user + pad)[:32] + o + p + file_id).digest()[:5]
        u = rc4(key, pad)
        encrypt_obj = (f"<< /Filter /Standard /V 1 /R 2 /O <{o.hex()}> /U <{u.hex()}> /P -44 >>").encode()
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for num, body in enumerate(objs, start=1):
        offsets.append(len(out))
        if body == b"STREAM":
            data = contents[(num - 4) // 2]
            if key is not None:
                data = rc4(hashlib.md5(key + num.to_bytes(3, "little") + b"\0\0").digest()[:10], data)
            body = f"<< /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"
        out += f"{num} 0 obj\n".encode() + body + b"\nendobj\n"
    trailer_extra = ""
    if encrypt_obj is not None:
        offsets.append(len(out))
        enc_num = len(objs) + 1
        out += f"{enc_num} 0 obj\n".encode() + encrypt_obj + b"\nendobj\n"
        trailer_extra = f" /Encrypt {enc_num} 0 R"
    xref = len(out)
    out += f"xref\n0 {len(offsets) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {len(offsets) + 1} /Root 1 0 R /ID [<{file_id.hex()}> <{file_id.hex()}>]"
            f"{trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)


def _text(x: float, y: float, s: str, size: int = 12) -> bytes:
    return f"BT /F1 {size} Tf {x} {y} Td ({s}) Tj ET\n".encode("latin-1")


def test_pdf_table_with_ruling_becomes_a_table_block():
    c = bytearray()
    c += _text(72, 780, "Before the table, a paragraph of ordinary text.")
    # Grid: x = 72, 222, 372, 522 ; y = 700, 670, 640, 610. Row 0: cells 0-1 merged.
    for y in (700, 670, 640, 610):
        c += f"72 {y} m 522 {y} l S\n".encode()
    for x in (72, 522):
        c += f"{x} 610 m {x} 700 l S\n".encode()
    c += b"222 610 m 222 670 l S\n372 610 m 372 700 l S\n"
    c += _text(80, 680, "Merged heading") + _text(380, 680, "Note")
    c += _text(80, 650, "A1") + _text(230, 650, "B1") + _text(380, 650, "C1")
    c += _text(80, 620, "A2") + _text(230, 620, "B2") + _text(380, 620, "C2")
    c += _text(72, 560, "After the table.")
    doc = read_bytes(_pdf([bytes(c)]), "t.pdf")
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds == ["Paragraph", "Table", "Paragraph"], kinds
    table = tables(doc)[0]
    assert (table.n_rows, table.n_cols) == (3, 3)
    merged = next(x for x in table.cells if x.text == "Merged heading")
    assert (merged.row, merged.col, merged.colspan) == (0, 0, 2)
    assert [x.text for x in table.rows()[1]] == ["A1", "B1", "C1"]
    body = "\n".join(p.text for p in paragraphs(doc))
    assert "A1" not in body and "Merged" not in body  # table words are not repeated


def test_pdf_two_column_header_is_split_generically():
    c = bytearray()
    c += _text(90, 780, "MINISTRY OF TESTS") + _text(330, 780, "SOCIALIST REPUBLIC")
    c += _text(90, 764, "DEPARTMENT") + _text(330, 764, "Independence - Freedom")
    c += _text(90, 740, "No: 12/QD-T") + _text(330, 740, "Hanoi, 01 January 2026")
    c += _text(72, 700, "Body text that runs across the whole width of the page, from left to right margin.")
    doc = read_bytes(_pdf([bytes(c)]), "t.pdf")
    paras = paragraphs(doc)
    assert paras[0].column == "left" and paras[0].text == "MINISTRY OF TESTS\nDEPARTMENT\nNo: 12/QD-T"
    assert paras[1].column == "right" and paras[1].text.endswith("Hanoi, 01 January 2026")
    assert paras[2].column is None and paras[2].text.startswith("Body text")


def test_pdf_encrypted_with_user_password_is_refused():
    data = _pdf([_text(72, 700, "Secret text")], encrypt=(b"matkhau", b"owner"))
    with pytest.raises(ReadError) as e:
        read_bytes(data, "secret.pdf")
    assert "mã hóa" in one_line_message(e.value)


def test_pdf_encrypted_with_empty_user_password_is_read():
    data = _pdf([_text(72, 700, "Readable text")], encrypt=(b"", b"owner"))
    doc = read_bytes(data, "open.pdf")
    assert "Readable text" in all_text(doc)


def test_pdf_page_cap():
    data = _pdf([_text(72, 700, f"Page {i}") for i in range(3)])
    assert read_bytes(data, "x.pdf").pages == 3
    with pytest.raises(ReadError) as e:
        read_bytes(data, "x.pdf", max_pages=2)
    assert "trang" in one_line_message(e.value)


def test_pdf_without_text_layer_raises():
    with pytest.raises(ReadError) as e:
        read_bytes(_pdf([b"0 0 m 100 100 l S\n"]), "blank.pdf")
    assert "OCR" in one_line_message(e.value)


# ------------------------------------------------------------------ bad inputs


def test_empty_file(tmp_path):
    p = tmp_path / "x.docx"
    p.write_bytes(b"")
    with pytest.raises(ReadError) as e:
        read_file(p)
    assert one_line_message(e.value) == "Tệp rỗng (0 byte)"


def test_random_bytes_named_docx_and_pdf(tmp_path):
    junk = os.urandom(4096)
    for name in ("x.docx", "x.pdf", "x.txt", "x"):
        p = tmp_path / name
        p.write_bytes(b"\x00\x01" + junk)
        with pytest.raises(ReadError) as e:
            read_file(p)
        one_line_message(e.value)


def test_truncated_docx(tmp_path):
    data = dev("d01").read_bytes()
    for cut in (len(data) // 2, 100):
        p = tmp_path / f"cut{cut}.docx"
        p.write_bytes(data[:cut])
        with pytest.raises(ReadError) as e:
            read_file(p)
        assert ".docx" in one_line_message(e.value)


def test_docx_with_broken_xml_member():
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(dev("d01").read_bytes()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data[: len(data) // 2]
            z.writestr(item, data)
    with pytest.raises(ReadError) as e:
        read_bytes(buf.getvalue(), "broken.docx")
    one_line_message(e.value)


def test_truncated_pdf(tmp_path):
    data = dev("d11").read_bytes()
    p = tmp_path / "cut.pdf"
    p.write_bytes(data[:2000])
    with pytest.raises(ReadError) as e:
        read_file(p)
    one_line_message(e.value)
    p.write_bytes(b"%PDF-1.7\n" + zlib.compress(b"garbage") * 10)
    with pytest.raises(ReadError):
        read_file(p)


def test_zip_that_is_not_docx():
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(ReadError) as e:
        read_bytes(buf.getvalue(), "bang.xlsx")
    assert "ZIP" in one_line_message(e.value)


def test_size_cap(tmp_path):
    p = tmp_path / "big.txt"
    p.write_bytes(b"a" * 2048)
    with pytest.raises(ReadError) as e:
        read_file(p, max_bytes=1024)
    assert "quá lớn" in one_line_message(e.value)
    with pytest.raises(ReadError):
        read_bytes(b"a" * 2048, "big.txt", max_bytes=1024)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ReadError):
        read_file(tmp_path / "khong-co.pdf")
    with pytest.raises(ReadError):
        read_file(tmp_path)


def test_unexpected_library_errors_become_read_errors(monkeypatch):
    import docparse.readers.text as text_mod

    def boom(*a, **k):  # type: ignore[no-untyped-def]
        raise RuntimeError("library exploded\nwith a traceback")

    monkeypatch.setattr(text_mod, "read_text", boom)
    with pytest.raises(ReadError) as e:
        read_bytes(b"Van ban", "a.txt")
    one_line_message(e.value)
    assert e.value.detail and "RuntimeError" in e.value.detail
