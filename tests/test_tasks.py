"""Tasks and responsibilities: tables of (text, expected tasks).

The seeds are scored by ``docparse eval`` (test_eval_floors.py); these cases
are second, different examples of each rule — other layouts, other units,
real dev documents — so a rule that only fits a seed fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from docparse.lines import lines_from_text
from docparse.pipeline import parse_path, parse_text
from docparse.tasks.fields import match_label
from docparse.tasks.outline import build_outline

DEV = Path(__file__).resolve().parent.parent / "corpus" / "dev"


def T(no, lead=(), support=(), kind=None, due=None, start=None, title=None, product=None, after=None):
    """Expected task: only the keys given are checked."""
    return {"no": no, "lead": list(lead), "support": list(support), "kind": kind, "due": due,
            "start": start, "title": title, "product": product, "after": after}


def _check(got, want) -> None:
    assert [t.no for t in got] == [w["no"] for w in want]
    for t, w in zip(got, want, strict=True):
        assert [u.name for u in t.lead] == w["lead"], t.no
        assert [u.name for u in t.support] == w["support"], t.no
        if w["kind"] is not None:
            assert t.deadline is not None and t.deadline.kind == w["kind"], t.no
        if w["due"] is not None:
            assert t.deadline.due == w["due"], t.no
        if w["start"] is not None:
            assert t.deadline.start == w["start"], t.no
        if w["title"] is not None:
            assert t.title == w["title"], t.no
        if w["product"] is not None:
            assert t.product == w["product"], t.no
        if w["after"] is not None:
            assert t.deadline.after == w["after"], t.no


PLAN_LETTERED = """KẾ HOẠCH
Tuyên truyền Luật Đất đai năm 2024
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
- Nâng cao nhận thức của cán bộ, công chức.
II. NHIỆM VỤ CỤ THỂ
1. Tổ chức hội nghị quán triệt Luật Đất đai năm 2024
a) Cơ quan chủ trì: Sở Tài nguyên và Môi trường.
b) Cơ quan phối hợp: Sở Tư pháp, Đài Phát thanh và Truyền hình tỉnh.
c) Thời gian thực hiện: Quý III/2024.
2. Rà soát văn bản quy phạm pháp luật
2.1. Rà soát quyết định của Ủy ban nhân dân tỉnh
- Đơn vị chủ trì: Sở Tư pháp.
- Đơn vị phối hợp: các sở, ban, ngành có liên quan.
- Sản phẩm: Báo cáo kết quả rà soát.
- Thời gian hoàn thành: trước ngày 30/9/2024.
2.2. Xây dựng Quy chế phối hợp cung cấp thông tin đất đai
- Đơn vị chủ trì: Sở Tài nguyên và Môi trường.
- Thời gian hoàn thành: Sau khi rà soát quyết định của Ủy ban nhân dân tỉnh xong.
III. TỔ CHỨC THỰC HIỆN
1. Sở Tài chính bố trí kinh phí thực hiện Kế hoạch.
2. UBND các huyện, thị xã, thành phố chỉ đạo tuyên truyền trên địa bàn.
3. Kinh phí thực hiện Kế hoạch được bảo đảm từ ngân sách tỉnh.
Nơi nhận:
- Bộ Tài nguyên và Môi trường;
- Lưu: VT.
"""

# The same plan with a page put before the one it follows: item 3 of II and the
# tail of item 4 come after the III heading.
PLAN_SHUFFLED = """II. NỘI DUNG
1. Kiểm tra công tác đăng ký đất đai
- Cơ quan chủ trì: Sở Nông nghiệp và Môi trường.
- Thời gian thực hiện: Quý I/2026.
2. Cập nhật cơ sở dữ liệu đất đai
- Cơ quan chủ trì: Ủy ban nhân dân cấp xã.
- Thời gian thực hiện: Năm 2026.
4.2. Cơ quan thực hiện:
- Cơ quan chủ trì thực hiện: Văn phòng Đăng ký đất đai.
4.3. Thời gian thực hiện: Tháng 6/2026.
III. TỔ CHỨC THỰC HIỆN
1. Sở Tài chính bảo đảm kinh phí.
3. Số hóa hồ sơ địa chính
- Cơ quan chủ trì: Sở Nông nghiệp và Môi trường.
- Cơ quan phối hợp: Ủy ban nhân dân cấp xã.
- Thời gian thực hiện: Quý II/2026.
4. Công bố dữ liệu
4.1. Nội dung:
2. Ủy ban nhân dân cấp xã phối hợp thực hiện.
"""


def test_running_text_plan_with_lettered_and_dashed_fields() -> None:
    doc = parse_text(PLAN_LETTERED)[0]
    _check(doc.tasks, [
        T("1", ["Sở Tài nguyên và Môi trường"], ["Sở Tư pháp", "Đài Phát thanh và Truyền hình tỉnh"],
          kind="quarter", start="2024-07-01", due="2024-09-30",
          title="Tổ chức hội nghị quán triệt Luật Đất đai năm 2024"),
        T("2.1", ["Sở Tư pháp"], ["các sở, ban, ngành có liên quan"], kind="date", due="2024-09-30",
          product="Báo cáo kết quả rà soát"),
        T("2.2", ["Sở Tài nguyên và Môi trường"], kind="relative", after="2.1"),
    ])
    assert [r.unit.name for r in doc.responsibilities] == [
        "Sở Tài chính", "Ủy ban nhân dân các huyện, thị xã, thành phố"]
    assert "Bộ Tài nguyên và Môi trường" not in [r.unit.name for r in doc.responsibilities]


def test_pages_out_of_order_are_put_back_by_their_numbers() -> None:
    doc = parse_text(PLAN_SHUFFLED)[0]
    _check(doc.tasks, [
        T("1", ["Sở Nông nghiệp và Môi trường"], kind="quarter"),
        T("2", ["Ủy ban nhân dân cấp xã"], kind="year"),
        T("3", ["Sở Nông nghiệp và Môi trường"], ["Ủy ban nhân dân cấp xã"], kind="quarter", due="2026-06-30"),
        T("4", ["Văn phòng Đăng ký đất đai"], kind="month", due="2026-06-30"),
    ])
    assert [r.unit.name for r in doc.responsibilities] == ["Sở Tài chính", "Ủy ban nhân dân cấp xã"]


def test_outline_keeps_going_in_the_current_section_without_shuffle_evidence() -> None:
    # "5." after "3." of III (item 4 lost to OCR) stays in III although II expects 5.
    text = "II. NỘI DUNG\n1. A\n2. B\n3. C\n4. D\nIII. TỔ CHỨC THỰC HIỆN\n1. E\n2. F\n3. G\n5. H\n"
    root = build_outline(lines_from_text(text))
    sections = [n for n in root.children if n.kind == "roman"]
    assert [c.marker for c in sections[1].children] == ["1", "2", "3", "5"]


# ------------------------------------------------------------- prose


@pytest.mark.parametrize(("text", "want"), [
    # the issue's own example of a decision's article
    ("QUYẾT ĐỊNH:\nĐiều 1. Ban hành kèm theo Quyết định này Kế hoạch.\n"
     "Điều 2. Giao Sở Xây dựng chủ trì, phối hợp với Sở Tài chính, UBND các huyện thực hiện rà soát "
     "giá vật liệu, báo cáo Ủy ban nhân dân tỉnh trước ngày 15/4/2026.\n"
     "Điều 3. Chánh Văn phòng UBND tỉnh, Giám đốc Sở Xây dựng chịu trách nhiệm thi hành Quyết định này.\n",
     [T("Điều 2", ["Sở Xây dựng"], ["Sở Tài chính", "Ủy ban nhân dân các huyện"], kind="date", due="2026-04-15")]),
    # a letter: the unit heads the item, its lettered duties are the tasks
    ("Kính gửi: Các sở, ngành.\n1. Sở Nội vụ\na) Rà soát biên chế công chức năm 2026.\n"
     "b) Chủ trì, phối hợp với Sở Tài chính thẩm định đề án vị trí việc làm.\n2. Công an tỉnh\n"
     "a) Tăng cường kiểm tra vật liệu nổ.\n",
     [T("1a", ["Sở Nội vụ"]), T("1b", ["Sở Nội vụ"], ["Sở Tài chính"]), T("2a", ["Công an tỉnh"])]),
])
def test_assignments_in_prose(text: str, want: list[dict]) -> None:
    _check(parse_text(text)[0].tasks, want)


def test_letter_assigning_by_unit_headings_real_pdf() -> None:
    """d10: a letter of the provincial committee, "1. Sở Công Thương" / "a) ..."."""
    doc = parse_path(DEV / "files" / "d10_CV-UBND-tinh-chi-dao-quan-ly-giam-sat-VLNCN.pdf").documents[0]
    by_no = {t.no: t for t in doc.tasks}
    assert [u.name for u in by_no["1a"].lead] == ["Sở Công Thương"]
    assert [u.name for u in by_no["2c"].lead] == ["Công an tỉnh"]
    assert "Sở Công Thương" in [u.name for u in by_no["2c"].support]
    assert [u.name for u in by_no["5b"].lead] == ["Ủy ban nhân dân xã, phường"]
    assert not any(t.no and t.no.startswith("6") for t in doc.tasks)  # "6. Trách nhiệm của các tổ chức ..." heads no unit


def test_unit_with_roles_heading_lettered_duties() -> None:
    """tl/44aeb2fd: "1. Bộ Tài chính chủ trì, phối hợp với các bộ, địa phương liên quan:" / "a) ..."."""
    tasks = parse_path(DEV / "tl" / "44aeb2fd86d07d4a.txt").documents[0].tasks
    first = [t for t in tasks if t.no in ("1a", "1b", "1c")]
    assert len(first) == 3
    for t in first:
        assert [u.name for u in t.lead] == ["Bộ Tài chính"]
        assert [u.name for u in t.support] == ["các bộ, địa phương liên quan"]


def test_procedure_descriptions_are_not_tasks() -> None:
    """A decision publishing administrative procedures: "Cơ quan thực hiện: Sở Y tế" is not a task,
    but its article assigning the publication is."""
    for name in ("1ea5e769bcf16b99", "27cbc6425a10478c", "5a80798bbf985e87"):
        docs = parse_path(DEV / "tl" / f"{name}.txt").documents
        assert all(t.source == "prose" for d in docs for t in d.tasks), name
    docs = parse_path(DEV / "tl" / "1ea5e769bcf16b99.txt").documents
    (task,) = [t for d in docs for t in d.tasks]
    assert task.no == "Điều 2" and [u.name for u in task.lead] == ["Sở Y tế"]


# ------------------------------------------------------------- field labels


@pytest.mark.parametrize(("text", "first_line", "want"), [
    ("Đơn vị chủ trì: Sở Tư pháp.", None, ("lead", "Sở Tư pháp.")),
    ("Cơ quan, đơn vị phối hợp: Cục Công nghệ thông tin.", None, ("support", "Cục Công nghệ thông tin.")),
    ("Nguồn kinh phí bảo đảm thực hiện nhiệm vụ: Ngân sách Nhà nước.", None, ("funding", "Ngân sách Nhà nước.")),
    ("Thời hạn hoàn thành: Quý II/2026", None, ("deadline", "Quý II/2026")),
    ("Sản phẩm đầu ra: Báo cáo", None, ("product", "Báo cáo")),
    # value on the next lines: the label must be the whole first line
    ("Cơ quan thực hiện UBND cấp huyện xây dựng Kế hoạch", "Cơ quan thực hiện", ("lead", "UBND cấp huyện xây dựng Kế hoạch")),
    ("Cơ quan thực hiện các nhiệm vụ được giao có trách nhiệm báo cáo", None, None),
    ("Thời gian qua, công tác hộ tịch đã có nhiều chuyển biến", None, None),
    ("Chủ trì, phối hợp với Sở Tư pháp thực hiện: rà soát", None, None),
    # OCR damage before the colon
    ("Pon vi chi tri: Cuc Cong nghe thong tin.", None, ("lead", "Cuc Cong nghe thong tin.")),
    ("San phim: Tai lieu tap huan.", None, ("product", "Tai lieu tap huan.")),
    ("Thoi gian thue hién: Hang ndm.", None, ("deadline", "Hang ndm.")),
    ("Cơ quan chủ quản: Bộ Tư pháp", None, None),
])
def test_field_labels(text: str, first_line: str | None, want: tuple[str, str] | None) -> None:
    assert match_label(text, whole_line=first_line) == want


def test_task_table_and_running_text_in_one_plan_docx() -> None:
    """d05: a report whose appendix table assigns work (27 rows)."""
    doc = parse_path(DEV / "files" / "d05_bao-cao-vp-ubnd.docx").documents[0]
    assert len(doc.tasks) == 27
    assert all(t.source == "table" for t in doc.tasks)
    assert all(t.lead for t in doc.tasks)
