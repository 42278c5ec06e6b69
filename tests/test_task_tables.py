"""Task tables (docparse.tasks.tables) on real files and on files built here.

Golden-file style: seed 004's appendix against its gold; the dev .docx files
against what reading them shows (written from the files, by hand); a .docx
and a PDF written to disk by the test and read back by docparse's readers,
for the layouts the corpus lacks (two-row header, merged cells, a table cut
by page breaks).
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path

import pytest

from docparse.lines import to_lines
from docparse.model import Cell, Line, Paragraph, RawTask, SourceDocument, Table
from docparse.normalize import normalize_text
from docparse.readers import read_file
from docparse.segment import split_documents
from docparse.tasks.tables import find_table_tasks

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "corpus" / "seeds"
GOLD = ROOT / "corpus" / "gold"
FILES = ROOT / "corpus" / "dev" / "files"


def dev(prefix: str) -> Path:
    (path,) = [p for p in FILES.iterdir() if p.name.startswith(prefix + "_")]
    return path


@cache
def file_lines(path: Path) -> list[Line]:
    return to_lines(read_file(path))


def by_no(tasks: list[RawTask]) -> dict[str, RawTask]:
    out = {t.no: t for t in tasks}
    assert len(out) == len(tasks), [t.no for t in tasks]
    return out


def norm(text: str) -> str:
    """Compare as the scorer does: NFC, case, white space, "- " marks, end punctuation."""
    text = normalize_text(unicodedata.normalize("NFC", text)).casefold()
    text = re.sub(r"(?m)^\s*-\s+", "", text)
    return re.sub(r"\s+", " ", text).strip().rstrip(".;:, ")


def contains(raw: str | None, value: str) -> bool:
    return raw is not None and norm(value) in norm(raw)


# ---------------------------------------------------------------- seed 004 (tab-text table)


@cache
def seed004() -> tuple[list[RawTask], list[dict]]:
    name = "004_1cd2fb9aa37a7db0"
    segments = split_documents(file_lines(SEEDS / f"{name}.txt"))
    gold = json.loads((GOLD / f"{name}.json").read_text("utf-8"))
    plans = [d for d in gold["documents"] if d["tasks"]]
    assert len(plans) == 1 and len(segments) == len(gold["documents"])
    plan_seg = segments[gold["documents"].index(plans[0])]
    return find_table_tasks(plan_seg.lines), plans[0]["tasks"]


def test_seed004_task_numbers_are_the_gold_paths():
    tasks, gold = seed004()
    assert [t.no for t in tasks] == [g["no"] for g in gold]
    assert len(tasks) == 16
    assert all(t.source == "table" for t in tasks)


def test_seed004_titles_are_one_line_and_match_the_gold():
    tasks, gold = seed004()
    for t, g in zip(tasks, gold, strict=True):
        assert t.title and "\n" not in t.title
        ratio = SequenceMatcher(None, norm(t.title), norm(g["title"])).ratio()
        assert ratio >= 0.9, (t.no, t.title, g["title"])


@pytest.mark.parametrize("name", ["lead", "support"])
def test_seed004_unit_texts_hold_every_gold_unit(name):
    tasks, gold = seed004()
    for t, g in zip(tasks, gold, strict=True):
        for unit in g[name]:
            assert contains(t.fields.get(name), unit), (t.no, name, unit, t.fields.get(name))
        if not g[name]:
            assert name not in t.fields


@pytest.mark.parametrize("name", ["product", "funding", "deadline"])
def test_seed004_texts_hold_the_gold_values(name):
    tasks, gold = seed004()
    for t, g in zip(tasks, gold, strict=True):
        value = g[name]["text"] if name == "deadline" and g[name] else g[name]
        if value is None:
            assert name not in t.fields, (t.no, name)
            continue
        # The gold joins a cell's "- " items with "; " (one line per item in the cell).
        for part in value.split("; ") if ": " in value or name != "funding" else [value]:
            assert contains(t.fields.get(name), part), (t.no, name, part, t.fields.get(name))


def test_seed004_keeps_line_breaks_and_item_marks_of_cells():
    tasks, _ = seed004()
    t = by_no(tasks)["I.2.1"]
    assert t.fields["support"].startswith("- Vụ Pháp luật dân sự - kinh tế,\n- Văn phòng Bộ;")
    assert t.fields["support"].count("\n- ") == 3  # the blank lines inside the cell are gone, the items stay
    assert by_no(tasks)["II.3"].fields["funding"] == "Ngân sách\nNhà nước"


def test_seed004_task_line_is_the_rows_first_line():
    tasks, _ = seed004()
    lines = {ln.index: ln for ln in file_lines(SEEDS / "004_1cd2fb9aa37a7db0.txt")}
    for t in tasks:
        first = lines[t.line]
        assert first.table is not None and first.text == t.no.split(".", 1)[1]  # "I.2.1": the row says "2.1"


def test_seed004_is_fast():
    segments = split_documents(file_lines(SEEDS / "004_1cd2fb9aa37a7db0.txt"))
    lines = segments[-1].lines
    find_table_tasks(lines)  # rules loaded and compiled once
    best = min(_timed(lines) for _ in range(5))
    assert best < 0.010, f"{best * 1000:.1f} ms"  # ~3 ms on an idle 2-core machine


def _timed(lines: list[Line]) -> float:
    t0 = time.perf_counter()
    find_table_tasks(lines)
    return time.perf_counter() - t0


# ---------------------------------------------------------------- dev .docx files


def test_d02_assignment_table_of_the_plan():
    # Appendix "PHÂN CÔNG NHIỆM VỤ CỦA TỔ CÔNG TÁC ...": TT | Nhiệm vụ thực hiện |
    # Người thực hiện | Ghi chú, rows "1." to "9.", the people in charge one per line.
    tasks = find_table_tasks(file_lines(dev("d02")))
    assert [t.no for t in tasks] == [str(i) for i in range(1, 10)]
    t = by_no(tasks)
    assert t["1"].title == "Rà soát việc đáp ứng các điều kiện của học viên"
    assert t["1"].fields == {"lead": "Đỗ Mạnh Cường\nVũ Việt Linh\nNguyễn Thị Loan"}
    assert t["4"].title == "Tổ chức chấm bài" and t["4"].fields == {"lead": "Vũ Việt Linh"}
    assert t["6"].title == "Xây dựng quyết định công nhận kết quả kiểm tra"
    assert t["7"].title == "In ấn chứng chỉ"
    assert t["9"].title == "Trình ký chứng chỉ" and t["9"].fields == {"lead": "Đỗ Mạnh Cường"}
    assert all("Ghi chú" not in (t.title or "") for t in tasks)


def test_d05_appendix_3_one_task_per_cluster():
    # Phụ lục 3 "CHI TIẾT TIẾN ĐỘ, KHÓ KHĂN VƯỚNG MẮC, GIẢI PHÁP CỦA TỪNG CỤM CÔNG
    # NGHIỆP": groups I (7 clusters), II (4), III (16); for each cluster the
    # measures to take ("Giải pháp, kiến nghị"), who is in charge ("Cơ quan phụ
    # trách": "Chủ trì: A. Phối hợp: B; C") and the money ("Nguồn lực thực hiện").
    # "Tiến độ hiện tại" is progress so far, not a deadline. Phụ lục 1 and 2
    # (lists of clusters) assign nothing.
    tasks = find_table_tasks(file_lines(dev("d05")))
    expected = [f"I.{i}" for i in range(1, 8)] + [f"II.{i}" for i in range(1, 5)] + \
        [f"III.{i}" for i in range(1, 17)]
    assert [t.no for t in tasks] == expected
    t = by_no(tasks)
    first = t["I.1"]
    assert first.title.startswith("CCN Thống Nhất 1: Đề nghị Ban QLDA ĐTXD công trình giao thông tỉnh")
    assert first.fields["lead"] == "Công ty LCIDI (CĐT)"
    assert first.fields["support"].startswith("UBND xã Gia Phú (GPMB); Ban QLDA ĐTXD")
    assert first.fields["support"].endswith("Sở Tài chính (tái định cư)")
    assert first.fields["funding"].startswith("Vốn ngoài ngân sách: 485 tỷ đồng")
    assert "deadline" not in first.fields  # "Tiến độ hiện tại" is ignored
    assert not any("Đã kiểm đếm 152/152 hộ" in v for v in first.fields.values())
    assert t["II.1"].title.startswith("CCN Châu Quế: ")
    assert t["II.1"].fields["lead"] == "Sở Công Thương (thẩm định)"
    # Group III writes "Chủ trì: X; Sở Y hướng dẫn; ..." without a "Phối hợp" label.
    assert t["III.2"].fields["lead"] == "UBND phường Âu Lâu"
    assert t["III.2"].fields["support"] == "Sở Công Thương hướng dẫn; Sở Tài chính bố trí ngân sách"
    assert t["III.1"].fields["support"].startswith("UBND phường Văn Phú")
    assert t["III.16"].title.startswith("CCN Yên Hợp: ")
    assert t["III.16"].fields["lead"] == "UBND xã Xuân Ái"


@pytest.mark.parametrize("prefix", ["d03", "d04"])
def test_tables_that_assign_nothing_give_no_tasks(prefix):
    # d03: the list of trainees (TT | Họ và tên | Năm sinh | ... | Kết quả);
    # d04: header and signature tables only.
    lines = file_lines(dev(prefix))
    assert any(ln.table is not None for ln in lines)
    assert find_table_tasks(lines) == []


# ---------------------------------------------------------------- a .docx built here


def _docx_plan(path: Path) -> None:
    docx = pytest.importorskip("docx")
    doc = docx.Document()
    doc.add_paragraph("PHỤ LỤC")
    table = doc.add_table(rows=9, cols=7)
    table.style = "Table Grid"

    def put(r: int, c: int, text: str) -> None:
        cell = table.cell(r, c)
        parts = text.split("\n")
        cell.text = parts[0]
        for p in parts[1:]:
            cell.add_paragraph(p)

    # Two-row header: "Thời gian" over "Bắt đầu | Hoàn thành", the other cells merged down.
    for c, head in [(0, "STT"), (1, "Nội dung công việc"), (2, "Cơ quan chủ trì"), (3, "Cơ quan phối hợp"),
                    (6, "Ghi chú")]:
        table.cell(0, c).merge(table.cell(1, c))
        put(0, c, head)
    table.cell(0, 4).merge(table.cell(0, 5))
    put(0, 4, "Thời gian")
    put(1, 4, "Bắt đầu")
    put(1, 5, "Hoàn thành")
    # Group row: the number, then one text across the row.
    put(2, 0, "I")
    table.cell(2, 1).merge(table.cell(2, 6))
    put(2, 1, "Hoàn thiện thể chế")
    put(3, 0, "1")
    put(3, 1, "Xây dựng quy chế phối hợp\ngiữa các cơ quan")
    put(3, 2, "Sở Tư pháp")
    put(3, 3, "- Sở Nội vụ;\n- Sở Tài chính;\n- UBND cấp huyện.")
    put(3, 4, "Tháng 01/2025")
    put(3, 5, "Tháng 6/2025")
    # Heading row "2" (its title across the row) over 2.1 and 2.2, whose lead cell is merged.
    put(4, 0, "2")
    table.cell(4, 1).merge(table.cell(4, 6))
    put(4, 1, "Tổ chức tập huấn")
    put(5, 0, "2.1")
    put(5, 1, "Tập huấn cho cán bộ cấp tỉnh")
    table.cell(5, 2).merge(table.cell(6, 2))
    put(5, 2, "Sở Nội vụ")
    put(5, 5, "Quý II/2025")
    put(6, 0, "2.2")
    put(6, 1, "Tập huấn cho cán bộ cấp xã")
    put(6, 3, "UBND cấp xã")
    put(6, 5, "Quý III/2025")
    put(7, 0, "II")
    table.cell(7, 1).merge(table.cell(7, 6))
    put(7, 1, "Kiểm tra, báo cáo")
    put(8, 0, "1")
    put(8, 1, "Báo cáo kết quả thực hiện")
    put(8, 2, "Văn phòng")
    put(8, 5, "Hằng năm")
    put(8, 6, "Gửi trước ngày 15/12")
    doc.add_paragraph("Ghi chú: bảng trên là phụ lục của kế hoạch.")
    # A table that is no task table: people, not tasks.
    other = doc.add_table(rows=2, cols=3)
    for c, head in enumerate(["STT", "Họ và tên", "Chức vụ"]):
        other.cell(0, c).text = head
    for c, val in enumerate(["1", "Nguyễn Văn A", "Trưởng phòng"]):
        other.cell(1, c).text = val
    doc.save(str(path))


def test_built_docx_two_row_header_groups_headings_and_merged_cells(tmp_path):
    path = tmp_path / "ke-hoach.docx"
    _docx_plan(path)
    src = read_file(path)
    assert sum(isinstance(b, Table) for b in src.blocks) == 2
    tasks = find_table_tasks(to_lines(src))
    assert [t.no for t in tasks] == ["I.1", "I.2.1", "I.2.2", "II.1"]
    t = by_no(tasks)
    assert t["I.1"].title == "Xây dựng quy chế phối hợp giữa các cơ quan"
    assert t["I.1"].fields == {
        "lead": "Sở Tư pháp",
        "support": "- Sở Nội vụ;\n- Sở Tài chính;\n- UBND cấp huyện.",
        "deadline": "Tháng 01/2025 - Tháng 6/2025",
    }
    assert t["I.2.1"].fields == {"lead": "Sở Nội vụ", "deadline": "Quý II/2025"}
    # The lead cell merged over 2.1 and 2.2 charges both rows.
    assert t["I.2.2"].fields == {"lead": "Sở Nội vụ", "support": "UBND cấp xã", "deadline": "Quý III/2025"}
    assert t["II.1"].title == "Báo cáo kết quả thực hiện"
    assert t["II.1"].fields == {"lead": "Văn phòng", "deadline": "Hằng năm"}  # "Ghi chú" is not a field


def test_header_without_title_and_field_columns_is_no_task_table(tmp_path):
    docx = pytest.importorskip("docx")
    doc = docx.Document()
    table = doc.add_table(rows=3, cols=3)
    for r, row in enumerate([["STT", "Họ và tên", "Chức vụ"], ["1", "Nguyễn Văn A", "Trưởng phòng"],
                             ["2", "Trần Thị B", "Chuyên viên"]]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    path = tmp_path / "danh-sach.docx"
    doc.save(str(path))
    assert find_table_tasks(to_lines(read_file(path))) == []


# ---------------------------------------------------------------- a PDF built here

# A minimal PDF writer: ruled tables in Helvetica (so ASCII text: the headers
# are written without diacritics, as OCR or old exports give them, which the
# folded header match must accept).

_X = (50, 80, 250, 360, 460, 545)  # column borders: TT | Noi dung | chu tri | phoi hop | thoi han


def _page(rows: list[list[tuple[int, int, str]]], top: float = 760, height: float = 30,
          footer: str | None = None) -> bytes:
    """A page with one ruled table; a row is a list of (first col, last col, text) cells."""
    out = bytearray()
    y = top
    out += f"{_X[0]} {y} m {_X[-1]} {y} l S\n".encode()
    for row in rows:
        bottom = y - height
        out += f"{_X[0]} {bottom} m {_X[-1]} {bottom} l S\n".encode()
        for first, last, text in row:
            x0, x1 = _X[first], _X[last + 1]
            out += f"{x0} {bottom} m {x0} {y} l S\n{x1} {bottom} m {x1} {y} l S\n".encode()
            if text:
                out += f"BT /F1 8 Tf {x0 + 3} {bottom + 11} Td ({text}) Tj ET\n".encode("latin-1")
        y = bottom
    if footer:
        out += f"BT /F1 10 Tf 290 40 Td ({footer}) Tj ET\n".encode("latin-1")
    return bytes(out)


def _pdf(pages: list[bytes]) -> bytes:
    n = len(pages)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            f"<< /Type /Pages /Kids [{' '.join(f'{3 + 2 * i} 0 R' for i in range(n))}] /Count {n} >>".encode()]
    font = 3 + 2 * n
    for i, content in enumerate(pages):
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {4 + 2 * i} 0 R "
                    f"/Resources << /Font << /F1 {font} 0 R >> >> >>".encode())
        objs.append(f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream")
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for num, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{num} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{off:010d} 00000 n \n".encode() for off in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _cells(*texts: str) -> list[tuple[int, int, str]]:
    return [(i, i, t) for i, t in enumerate(texts)]


HEADER = _cells("TT", "Noi dung thuc hien", "Don vi chu tri", "Don vi phoi hop", "Thoi han")


def test_built_pdf_table_split_over_pages(tmp_path):
    pages = [
        _page([HEADER, [(0, 0, "I"), (1, 4, "Cai cach hanh chinh")],
               _cells("1", "Ra soat thu tuc", "So Tu phap", "Cac so", "Quy I/2025"),
               _cells("2", "Cong khai thu tuc", "Van phong", "", "Quy II/2025")], footer="1"),
        # The header repeated on the next page, then a row whose first part was
        # on the page before (no number, the rest of the title and a unit).
        _page([HEADER, _cells("", "tren cong thong tin", "", "So Thong tin", ""),
               _cells("3", "Danh gia ket qua", "So Noi vu", "", "Thang 12/2025")], footer="2"),
        # A page without header: the same table goes on, new group.
        _page([[(0, 0, "II"), (1, 4, "Chuyen doi so")],
               _cells("1", "Xay dung co so du lieu", "So Khoa hoc", "", "Nam 2025")], footer="3"),
        # Another table, whose header names no task fields: not a task table.
        _page([_cells("STT", "Ho va ten", "Chuc vu", "Don vi", "Ghi chu"),
               _cells("1", "Nguyen Van A", "Truong phong", "So Tu phap", "")]),
    ]
    path = tmp_path / "ke-hoach.pdf"
    path.write_bytes(_pdf(pages))
    src = read_file(path)
    assert sum(isinstance(b, Table) for b in src.blocks) == 4
    tasks = find_table_tasks(to_lines(src))
    assert [t.no for t in tasks] == ["I.1", "I.2", "I.3", "II.1"]
    t = by_no(tasks)
    assert t["I.1"].title == "Ra soat thu tuc"
    assert t["I.1"].fields == {"lead": "So Tu phap", "support": "Cac so", "deadline": "Quy I/2025"}
    assert t["I.2"].title == "Cong khai thu tuc tren cong thong tin"
    assert t["I.2"].fields == {"lead": "Van phong", "support": "So Thong tin", "deadline": "Quy II/2025"}
    assert t["I.3"].fields == {"lead": "So Noi vu", "deadline": "Thang 12/2025"}
    assert t["II.1"].fields == {"lead": "So Khoa hoc", "deadline": "Nam 2025"}


# ---------------------------------------------------------------- rows and headers in isolation


def _table(rows: list[list[str]]) -> Table:
    cells = [Cell(text=t, row=r, col=c) for r, row in enumerate(rows) for c, t in enumerate(row)]
    return Table(cells=cells, n_rows=len(rows), n_cols=max(len(r) for r in rows))


def _table_lines(*tables: list[list[str]], between: str | None = None) -> list[Line]:
    blocks: list[Paragraph | Table] = []
    for rows in tables:
        if blocks and between is not None:
            blocks.append(Paragraph(between))
        blocks.append(_table(rows))
    return to_lines(SourceDocument(blocks=blocks, format="test"))


def test_table_without_no_column_numbers_rows_in_order():
    lines = _table_lines([["Nhiệm vụ", "Cơ quan thực hiện", "Thời hạn"],
                          ["Rà soát văn bản", "Sở Tư pháp", "Quý I/2025"],
                          ["Tổng kết", "Văn phòng", "Tháng 12/2025"]])
    tasks = find_table_tasks(lines)
    assert [(t.no, t.title) for t in tasks] == [("1", "Rà soát văn bản"), ("2", "Tổng kết")]


def test_headers_without_diacritics_and_longest_phrase_wins():
    lines = _table_lines([["STT", "NOI DUNG CONG VIEC", "NGUOI THUC HIEN NHIEM VU", "TIEN DO HIEN TAI"],
                          ["1", "Kiểm tra hồ sơ", "Anh Nam", "Đã xong 50%"]])
    (task,) = find_table_tasks(lines)
    assert task.fields == {"lead": "Anh Nam"}  # "Tiến độ hiện tại" is progress, not a deadline


def test_rows_with_funding_only_are_not_tasks():
    lines = _table_lines([["TT", "Nội dung", "Đơn vị chủ trì", "Kinh phí"],
                          ["1", "Mua sắm thiết bị", "", "Ngân sách tỉnh"],
                          ["2", "Đào tạo", "Sở Nội vụ", "Ngân sách tỉnh"]])
    assert [t.no for t in find_table_tasks(lines)] == ["2"]


def test_unnumbered_rows_under_a_heading_get_letters():
    lines = _table_lines([["TT", "Nội dung", "Đơn vị chủ trì", "Thời gian hoàn thành"],
                          ["1", "Tuyên truyền", "", ""],
                          ["", "Trên báo chí", "Sở Văn hóa", "Quý I"],
                          ["", "Trên cổng thông tin", "Văn phòng", "Quý II"]])
    tasks = find_table_tasks(lines)
    assert [(t.no, t.title) for t in tasks] == [("1a", "Trên báo chí"), ("1b", "Trên cổng thông tin")]


HEAD = ["TT", "Nội dung", "Đơn vị chủ trì", "Thời hạn"]


def test_page_break_inside_a_row_and_headerless_piece():
    lines = _table_lines([HEAD, ["1", "Xây dựng kế hoạch", "Sở Tư pháp", "Quý I"],
                          ["2", "Tổ chức hội nghị", "Sở Nội vụ", ""]],
                         [["", "sơ kết và tổng kết", "", "Tháng 6"], ["3", "Báo cáo", "Văn phòng", "Tháng 12"]],
                         between="- 2 -")
    tasks = find_table_tasks(lines)
    assert [(t.no, t.title, t.fields.get("deadline")) for t in tasks] == [
        ("1", "Xây dựng kế hoạch", "Quý I"),
        ("2", "Tổ chức hội nghị sơ kết và tổng kết", "Tháng 6"),
        ("3", "Báo cáo", "Tháng 12"),
    ]


def test_a_table_after_running_text_is_not_a_continuation():
    other = [["1", "Mua sắm", "Sở Tài chính", "Năm 2025"]]
    text = "\n".join(["Đoạn văn bản dài giữa hai bảng."] * 5)
    assert len(find_table_tasks(_table_lines([HEAD, *other], other, between=text))) == 1
    assert len(find_table_tasks(_table_lines([HEAD, *other], other, between="Trang 2"))) == 2


def test_two_row_header_units_column_and_letter_groups():
    # "Đơn vị thực hiện" spans "Chủ trì | Phối hợp"; the other header cells are merged down.
    head = [Cell("STT", 0, 0, rowspan=2), Cell("Tên nhiệm vụ", 0, 1, rowspan=2),
            Cell("Đơn vị thực hiện", 0, 2, colspan=2), Cell("Tiến độ", 0, 4, rowspan=2),
            Cell("Chủ trì", 1, 2), Cell("Phối hợp", 1, 3)]
    body = [Cell("A", 2, 0), Cell("NHIỆM VỤ TRỌNG TÂM", 2, 1, colspan=4),
            *[Cell(t, 3, c) for c, t in enumerate(["1", "Số hóa hồ sơ", "Sở Nội vụ", "Các sở, ngành", "Năm 2025"])]]
    table = Table(cells=head + body, n_rows=4, n_cols=5)
    (task,) = find_table_tasks(to_lines(SourceDocument(blocks=[table], format="test")))
    assert (task.no, task.title) == ("A.1", "Số hóa hồ sơ")
    assert task.fields == {"lead": "Sở Nội vụ", "support": "Các sở, ngành", "deadline": "Năm 2025"}
