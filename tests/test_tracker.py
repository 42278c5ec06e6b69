"""The tracker: filters by unit, plan, due date and state, statuses set by people, exports.

A real SQLite registry under tmp_path, filled by the real ingest: the seed
files (``corpus/seeds``) and two small plans written here (PLAN_A, PLAN_B)
whose due dates are chosen around a fixed ``TODAY``, so that each state and
each bound has a task on either side of it.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from docparse.registry.db import open_db
from docparse.registry.ingest import ingest_bytes, ingest_paths, reparse
from docparse.registry.tracker import (
    HEADERS,
    STATUSES,
    export,
    get_task,
    list_tasks,
    set_status,
    to_csv,
    to_ics,
    to_xlsx,
)

SEEDS = sorted((Path(__file__).resolve().parent.parent / "corpus" / "seeds").glob("*.txt"))
TODAY = date(2026, 3, 5)  # due_soon (14 days) runs to 2026-03-19 inclusive

_HEAD = """ỦY BAN NHÂN DÂN
TỈNH THỬ NGHIỆM
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: {number}
Thử Nghiệm, ngày {day}
KẾ HOẠCH
{subject}
I. NHIỆM VỤ CỤ THỂ
"""
_TAIL = """II. TỔ CHỨC THỰC HIỆN
Sở Tư pháp theo dõi, đôn đốc việc thực hiện Kế hoạch này.
Nơi nhận:
- Sở Tư pháp;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Nguyễn Văn A
"""


def plan_text(number: str, day: str, subject: str, tasks: list[tuple[str, ...]]) -> str:
    """A plan as offices print it: numbered tasks with lead, support, product and deadline lines."""
    body = []
    for k, (title, lead, support, deadline, *product) in enumerate(tasks, 1):
        body.append(f"{k}. {title}\n- Đơn vị chủ trì: {lead}\n")
        if support:
            body.append(f"- Đơn vị phối hợp: {support}\n")
        if product:
            body.append(f"- Sản phẩm: {product[0]}\n")
        body.append(f"- Thời gian hoàn thành: {deadline}\n")
    return _HEAD.format(number=number, day=day, subject=subject) + "".join(body) + _TAIL


# (title, lead, support, deadline[, product]): the state each task has on TODAY is in the comment.
PLAN_A = plan_text("12/KH-UBND", "02 tháng 3 năm 2026", "Thử nghiệm sổ theo dõi nhiệm vụ năm 2026", [
    ("Rà soát hồ sơ hộ tịch tồn đọng", "UBND cấp huyện", "Sở Tư pháp, Sở Nội vụ",
     "trước ngày 15/4/2026"),  # 1 open (set in_progress)
    ("Số hóa sổ hộ tịch lịch sử", "Sở Tư pháp", "Ủy ban nhân dân cấp huyện",
     "trước ngày 10/3/2026", "Dữ liệu hộ tịch điện tử"),  # 2 due_soon
    ("Báo cáo kết quả thực hiện", "Sở Tư pháp", "", "Hằng năm"),  # 3 no_date
    ("Kiện toàn đội ngũ công chức tư pháp - hộ tịch", "Sở Nội vụ",
     "Sở Tư pháp các tỉnh, thành phố trực thuộc Trung ương", "trước ngày 04/3/2026"),  # 4 overdue
    ("Tập huấn nghiệp vụ hộ tịch", "UBND cấp xã", "", "trước ngày 20/02/2026"),  # 5 done (set)
    ("Kiểm tra việc đăng ký hộ tịch", "Uỷ ban nhân dân cấp huyện", "", "trước ngày 19/3/2026"),  # 6 due_soon
    ("Bố trí kinh phí thực hiện", "Sở Tài chính", "UBND cấp huyện, UBND cấp xã",
     "trước ngày 20/3/2026"),  # 7 open
])
PLAN_B = plan_text("40/KH-UBND", "05 tháng 01 năm 2027", "Thử nghiệm sổ theo dõi nhiệm vụ năm 2027", [
    ("Tổng kết công tác hộ tịch", "Sở Tư pháp", "UBND cấp huyện", "Quý II/2027"),
    ("Đánh giá kết quả số hóa dữ liệu", "Sở Tư pháp", "", "Năm 2027"),
])


def add_plan(db: Any, text: str, name: str) -> int:
    """Ingest a plan; its document id."""
    res = ingest_bytes(db, text.encode(), name)
    assert res.status == "created", res.error
    (doc,) = [d for d in res.documents if d["tasks"]]
    return int(doc["id"])


def task_id(db: Any, plan: int, no: str) -> int:
    return int(db.execute("SELECT id FROM tasks WHERE document_id = ? AND no = ?", [plan, no]).fetchone()[0])


@pytest.fixture(scope="module")
def reg(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Seeds and both plans; task A5 done, A1 in progress. Read-only for the tests that share it."""
    db = open_db(tmp_path_factory.mktemp("tracker") / "registry.db")
    assert all(r.status == "created" for r in ingest_paths(db, SEEDS))
    a, b = add_plan(db, PLAN_A, "plan_a.txt"), add_plan(db, PLAN_B, "plan_b.txt")
    set_status(db, task_id(db, a, "5"), "done", "Nguyễn Văn B")
    set_status(db, task_id(db, a, "1"), "in_progress", "Trần Thị C")
    return {"db": db, "a": a, "b": b}


@pytest.fixture
def small(tmp_path: Path) -> dict[str, Any]:
    """PLAN_A alone, for tests that change statuses or re-parse (quick to re-parse)."""
    db = open_db(tmp_path / "small.db")
    return {"db": db, "a": add_plan(db, PLAN_A, "plan_a.txt")}


def nos(result: dict[str, Any]) -> set[str]:
    return {r["no"] for r in result["results"]}


def ids(result: dict[str, Any]) -> set[int]:
    return {r["id"] for r in result["results"]}


# --- unit ------------------------------------------------------------------------------------------------

def test_unit_spellings_find_the_same_tasks(reg: dict[str, Any]) -> None:
    db = reg["db"]
    want = {r[0] for r in db.execute("SELECT task_id FROM task_units WHERE unit = 'ủy ban nhân dân cấp huyện'")}
    assert len(want) >= 11 + 5  # seeds 002 (written "UBND cấp huyện") and 001, plus the plans here
    for spelling in ("UBND cấp huyện", "Ủy ban nhân dân cấp huyện", "Uỷ ban nhân dân cấp huyện",
                     "  ủy ban  nhân dân CẤP HUYỆN ", "UBND cấp huyện;"):
        got = list_tasks(db, unit=spelling, limit=None)
        assert ids(got) == want, spelling
        assert got["total"] == len(want)


UNIT_CASES = [
    # (unit as typed, role, task numbers of PLAN_A)
    ("UBND cấp huyện", None, {"1", "2", "6", "7"}),
    ("Ủy ban nhân dân cấp huyện", None, {"1", "2", "6", "7"}),
    ("UBND cấp huyện", "lead", {"1", "6"}),
    ("Ủy ban nhân dân cấp huyện", "support", {"2", "7"}),
    ("UBND cấp", None, {"1", "2", "5", "6", "7"}),  # leading words: cấp huyện and cấp xã
    ("Sở Tư pháp", None, {"1", "2", "3", "4"}),  # 4: "Sở Tư pháp các tỉnh, thành phố ..."
    ("Sở Tư pháp", "lead", {"2", "3"}),
    ("Sở Tư pháp các tỉnh, thành phố trực thuộc Trung ương", None, {"4"}),
    ("Sở T", None, set()),  # a query ends where a word ends
    ("Sở Tài chính", "support", set()),
    ("Bộ Công an", None, set()),
    ("", None, {str(k) for k in range(1, 8)}),  # blank: no unit filter
    (None, "support", {"1", "2", "4", "7"}),  # a role alone: tasks naming any unit in it
]


@pytest.mark.parametrize(("unit", "role", "want"), UNIT_CASES)
def test_unit_and_role(reg: dict[str, Any], unit: str | None, role: str | None, want: set[str]) -> None:
    assert nos(list_tasks(reg["db"], unit=unit, role=role, plan=reg["a"])) == want


@pytest.mark.parametrize("filters", [
    {"unit": "UBND cấp huyện"}, {"unit": "Sở Tư pháp", "role": "lead"}, {"unit": "UBND cấp"},
    {"unit": "Sở Tư pháp", "status": "overdue"}, {"unit": "Ủy ban nhân dân cấp huyện", "q": "hộ tịch"},
    {"unit": "Bộ Công an"},
])
def test_common_and_rare_units_are_read_two_ways_with_one_answer(reg: dict[str, Any], filters: dict[str, Any],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # a unit on COMMON_UNIT tasks or more is read by walking the order (EXISTS), a rarer one from the unit
    # index (IN); on the seeds every unit is rare, so the threshold is lowered to read them the other way
    from docparse.registry import tracker

    rare = list_tasks(reg["db"], today=TODAY, limit=5, count_cap=3, **filters)
    full = list_tasks(reg["db"], today=TODAY, limit=None, **filters)
    monkeypatch.setattr(tracker, "COMMON_UNIT", 1)
    assert list_tasks(reg["db"], today=TODAY, limit=5, count_cap=3, **filters) == rare
    assert list_tasks(reg["db"], today=TODAY, limit=None, **filters) == full
    assert rare["total"] == min(full["total"], 3) and rare["capped"] == (full["total"] > 3)


# --- plan and due range ----------------------------------------------------------------------------------

PLAN_CASES = [
    ("a", None, {str(k) for k in range(1, 8)}),
    ("b", None, {"1", "2"}),
    ("b", "UBND cấp huyện", {"1"}),
    ("a", "Sở Nội vụ", {"1", "4"}),
]


@pytest.mark.parametrize(("plan", "unit", "want"), PLAN_CASES)
def test_plan(reg: dict[str, Any], plan: str, unit: str | None, want: set[str]) -> None:
    got = list_tasks(reg["db"], plan=reg[plan], unit=unit)
    assert nos(got) == want
    assert {r["plan"]["id"] for r in got["results"]} == {reg[plan]}


def test_plan_fields(reg: dict[str, Any]) -> None:
    (row,) = list_tasks(reg["db"], plan=reg["b"], due_to="2027-06-30")["results"]
    assert row["plan"] == {"id": reg["b"], "number": "40/KH-UBND", "doc_type": "Kế hoạch",
                           "issuer": "Ủy ban nhân dân tỉnh Thử Nghiệm", "date": "2027-01-05",
                           "subject": "Thử nghiệm sổ theo dõi nhiệm vụ năm 2027", "attached_to": None}
    assert row["lead"] == ["Sở Tư pháp"] and row["support"] == ["Ủy ban nhân dân cấp huyện"]
    assert row["deadline"] | {"after": None} == {"text": "Quý II/2027", "kind": "quarter",
                                                   "start": "2027-04-01", "due": "2027-06-30", "after": None}


DUE_CASES = [
    # (due_from, due_to, plan, task numbers); bounds are inclusive, undated tasks never match one
    ("2026-03-04", "2026-03-19", "a", {"2", "4", "6"}),
    (date(2026, 3, 20), None, "a", {"1", "7"}),
    (None, "2026-02-20", "a", {"5"}),
    ("2026-03-05", "2026-03-09", "a", set()),
    ("2027-01-01", None, None, {"B1", "B2"}),  # the whole registry: plan B only
    ("2027-06-30", "2027-06-30", None, {"B1"}),
]


@pytest.mark.parametrize(("lo", "hi", "plan", "want"), DUE_CASES)
def test_due_range(reg: dict[str, Any], lo: Any, hi: Any, plan: str | None, want: set[str]) -> None:
    got = list_tasks(reg["db"], due_from=lo, due_to=hi, plan=reg[plan] if plan else None, limit=None)
    label = {reg["a"]: "", reg["b"]: "B"}
    assert {label.get(r["plan"]["id"], "?") + r["no"] for r in got["results"]} == want


def test_due_range_on_seeds(reg: dict[str, Any]) -> None:
    """Quý IV/2019 ends on 2019-12-31: the Cao Bằng plan's first three tasks, nothing else that early."""
    got = list_tasks(reg["db"], due_to="2019-12-31")
    assert [(r["plan"]["number"], r["no"]) for r in got["results"]] == [
        ("3510/KH-UBND", "1a"), ("3510/KH-UBND", "1b"), ("3510/KH-UBND", "2")]


# --- states ----------------------------------------------------------------------------------------------

STATE_CASES = [
    # (status filter, within_days, task numbers of PLAN_A on TODAY)
    ("overdue", 14, {"4"}),  # 5 is past due too, but done
    ("due_soon", 14, {"2", "6"}),  # 6 is due on the last day of the window
    ("due_soon", 5, {"2"}),
    ("due_soon", 0, set()),
    ("open", 14, {"1", "2", "3", "4", "6", "7"}),  # not done, in progress included
    ("done", 14, {"5"}),
    ("no_date", 14, {"3"}),
    ("in_progress", 14, {"1"}),
    (None, 14, {str(k) for k in range(1, 8)}),
]


@pytest.mark.parametrize(("status", "within", "want"), STATE_CASES)
def test_status_filter(reg: dict[str, Any], status: str | None, within: int, want: set[str]) -> None:
    got = list_tasks(reg["db"], plan=reg["a"], status=status, within_days=within, today=TODAY)
    assert nos(got) == want


def test_state_of_each_row(reg: dict[str, Any]) -> None:
    got = list_tasks(reg["db"], plan=reg["a"], today=TODAY)
    assert {r["no"]: r["state"] for r in got["results"]} == {
        "1": "open", "2": "due_soon", "3": "no_date", "4": "overdue", "5": "done", "6": "due_soon", "7": "open"}
    assert {r["no"]: r["status"] for r in got["results"]}["1"] == "in_progress"


def test_today_moves_the_states(reg: dict[str, Any]) -> None:
    later = TODAY + timedelta(days=30)
    assert nos(list_tasks(reg["db"], plan=reg["a"], status="overdue", today=later)) == {"2", "4", "6", "7"}
    assert nos(list_tasks(reg["db"], plan=reg["a"], status="overdue", today=later.isoformat())) == {
        "2", "4", "6", "7"}


# --- order, paging, text ---------------------------------------------------------------------------------

def test_order_due_then_plan_then_seq_undated_last(reg: dict[str, Any]) -> None:
    rows = list_tasks(reg["db"], limit=None)["results"]
    dues = [r["deadline"]["due"] for r in rows]
    dated = [d for d in dues if d]
    assert dues == dated + [None] * (len(dues) - len(dated))
    assert dated == sorted(dated)
    keys = [(r["deadline"]["due"] or "9999", r["plan"]["id"]) for r in rows]
    assert keys == sorted(keys)


def test_paging(reg: dict[str, Any]) -> None:
    db = reg["db"]
    whole = list_tasks(db, limit=None)
    assert whole["total"] == len(whole["results"]) == db.execute("SELECT count(*) FROM tasks").fetchone()[0]
    pages = [list_tasks(db, limit=7, offset=k) for k in range(0, whole["total"], 7)]
    assert all(p["total"] == whole["total"] for p in pages)
    assert [r["id"] for p in pages for r in p["results"]] == [r["id"] for r in whole["results"]]
    assert list_tasks(db, limit=100)["total"] > len(list_tasks(db, limit=5)["results"]) == 5


@pytest.mark.parametrize(("q", "want"), [("số hóa", {"2"}), ("SO HOA", {"2"}), ("hộ tịch", {"1", "2", "4", "5", "6"}),
                                         ("dữ liệu hộ tịch điện tử", {"2"}), ("không có", set())])
def test_text(reg: dict[str, Any], q: str, want: set[str]) -> None:
    """Words of the title or product, without case or diacritics (2's product names the database)."""
    assert nos(list_tasks(reg["db"], plan=reg["a"], q=q)) == want


@pytest.mark.parametrize("bad", [{"status": "late"}, {"role": "boss"}, {"due_from": "15/4/2026"},
                                 {"due_to": "2026-13-01"}, {"today": "hôm nay"}, {"limit": -1}])
def test_bad_filters(reg: dict[str, Any], bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        list_tasks(reg["db"], **bad)


# --- statuses set by people ------------------------------------------------------------------------------

def test_set_status_then_filter(small: dict[str, Any]) -> None:
    db, a = small["db"], small["a"]
    tid = task_id(db, a, "4")
    before = datetime.now().astimezone().replace(microsecond=0)
    task = set_status(db, tid, "done", "  Nguyễn   Văn B ")
    assert (task["id"], task["status"], task["state"], task["status_by"]) == (tid, "done", "done", "Nguyễn Văn B")
    at = datetime.fromisoformat(task["status_at"])
    assert at.utcoffset() == timedelta(0) and at.microsecond == 0 and at >= before
    assert nos(list_tasks(db, plan=a, status="done", today=TODAY)) == {"4"}
    assert "4" not in nos(list_tasks(db, plan=a, status="overdue", today=TODAY))
    assert get_task(db, tid) == task
    assert set_status(db, tid, "open", "Nguyễn Văn B")["state"] == "overdue"


def test_status_survives_reparse(small: dict[str, Any]) -> None:
    db, a = small["db"], small["a"]
    set_status(db, task_id(db, a, "2"), "done", "Nguyễn Văn B")
    set_status(db, task_id(db, a, "7"), "in_progress", "Trần Thị C")
    before = {r["no"]: (r["status"], r["status_by"], r["status_at"]) for r in list_tasks(db, plan=a)["results"]}
    summary = reparse(db)
    assert summary.files == 1 and not summary.failed
    after = {r["no"]: (r["status"], r["status_by"], r["status_at"]) for r in list_tasks(db, plan=a)["results"]}
    assert after == before
    assert after["2"][:2] == ("done", "Nguyễn Văn B") and after["7"][:2] == ("in_progress", "Trần Thị C")
    assert nos(list_tasks(db, plan=a, status="done")) == {"2"}


@pytest.mark.parametrize(("task", "status", "error"), [
    ("4", "xong", ValueError), ("4", "Done", ValueError), ("4", "", ValueError),
    (10**9, "done", LookupError), (-1, "open", LookupError),
])
def test_set_status_errors(small: dict[str, Any], task: Any, status: str, error: type[Exception]) -> None:
    db = small["db"]
    tid = task_id(db, small["a"], task) if isinstance(task, str) else task
    with pytest.raises(error) as e:
        set_status(db, tid, status, "Nguyễn Văn B")
    assert "Trạng thái không hợp lệ" in str(e.value) or "Không có nhiệm vụ" in str(e.value)
    assert db.execute("SELECT count(*) FROM tasks WHERE status != 'open'").fetchone()[0] == 0


def test_statuses_are_the_stored_ones() -> None:
    assert STATUSES == ("open", "in_progress", "done")


def test_get_unknown_task(small: dict[str, Any]) -> None:
    assert get_task(small["db"], 10**9) is None


# --- exports ---------------------------------------------------------------------------------------------

def test_csv(reg: dict[str, Any]) -> None:
    rows = list_tasks(reg["db"], plan=reg["a"], today=TODAY)["results"]
    data = to_csv(rows)
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(table[0]) == HEADERS
    assert table[0][:3] == ["STT", "Số hiệu", "Nhiệm vụ"]
    body = [dict(zip(HEADERS, line, strict=True)) for line in table[1:]]
    assert [b["Số hiệu"] for b in body] == [r["no"] for r in rows]
    assert [b["STT"] for b in body] == [str(k) for k in range(1, len(rows) + 1)]
    assert [b["Hạn cuối"] for b in body] == [r["deadline"]["due"] or "" for r in rows]
    by_no = {b["Số hiệu"]: b for b in body}
    assert by_no["7"]["Phối hợp"] == "Ủy ban nhân dân cấp huyện; Ủy ban nhân dân cấp xã"
    assert by_no["4"]["Trạng thái"] == "Chưa thực hiện, quá hạn"
    assert by_no["5"]["Trạng thái"] == "Đã hoàn thành"
    assert by_no["2"]["Sản phẩm"] == "Dữ liệu hộ tịch điện tử"
    assert by_no["2"]["Kế hoạch"].startswith("Kế hoạch 12/KH-UBND")


def test_xlsx(reg: dict[str, Any]) -> None:
    rows = list_tasks(reg["db"], plan=reg["a"], today=TODAY)["results"]
    ws = load_workbook(io.BytesIO(to_xlsx(rows))).active
    assert tuple(c.value for c in ws[1]) == HEADERS
    assert all(c.font.bold for c in ws[1]) and ws.freeze_panes == "A2"
    assert ws.max_row == len(rows) + 1
    assert ws.column_dimensions["C"].width > ws.column_dimensions["A"].width
    for k, r in enumerate(rows, 2):
        due = ws.cell(row=k, column=8).value
        assert ws.cell(row=k, column=2).value == r["no"]
        if r["deadline"]["due"]:
            assert isinstance(due, datetime) and due.date().isoformat() == r["deadline"]["due"]
        else:
            assert due is None
        shaded = ws.cell(row=k, column=3).fill.fill_type == "solid"
        assert shaded == (r["state"] == "overdue"), r["no"]


def test_ics(reg: dict[str, Any]) -> None:
    rows = list_tasks(reg["db"], plan=reg["a"], today=TODAY)["results"]
    cal = Calendar.from_ical(to_ics(rows, "Nhiệm vụ - Kế hoạch 12/KH-UBND"))
    assert str(cal["x-wr-calname"]) == "Nhiệm vụ - Kế hoạch 12/KH-UBND"
    events = list(cal.walk("VEVENT"))
    dated = [r for r in rows if r["deadline"]["due"]]
    assert len(events) == len(dated) == 6
    for ev, r in zip(events, dated, strict=True):
        assert ev["dtstart"].dt == date.fromisoformat(r["deadline"]["due"])
        assert str(ev["summary"]) == r["title"]
        assert "Chủ trì: " + "; ".join(r["lead"]) in str(ev["description"])
        assert "Thời hạn: " + r["deadline"]["text"] in str(ev["description"])
    assert len({str(ev["uid"]) for ev in events}) == len(events)
    again = Calendar.from_ical(to_ics(rows, "x"))
    assert [str(e["uid"]) for e in again.walk("VEVENT")] == [str(e["uid"]) for e in events]


def test_ics_uid_survives_reparse(small: dict[str, Any]) -> None:
    """Task ids change when a file is re-parsed; the event UIDs must not, or calendars get doubles."""
    db, a = small["db"], small["a"]

    def uids() -> list[str]:
        cal = Calendar.from_ical(to_ics(list_tasks(db, plan=a)["results"], "x"))
        return [str(e["uid"]) for e in cal.walk("VEVENT")]

    first = uids()
    reparse(db)
    assert uids() == first


EXPORT_CASES = [
    ("csv", "text/csv; charset=utf-8"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("ics", "text/calendar; charset=utf-8"),
]


@pytest.mark.parametrize(("fmt", "media"), EXPORT_CASES)
def test_export_plan_and_unit(reg: dict[str, Any], fmt: str, media: str) -> None:
    db = reg["db"]
    for filters, stem in [({"plan": reg["a"]}, "nhiem-vu_12-kh-ubnd"),
                          ({"unit": "UBND cấp huyện"}, "nhiem-vu_ubnd-cap-huyen"),
                          ({"unit": "Sở Tư pháp", "plan": reg["b"]}, "nhiem-vu_so-tu-phap_40-kh-ubnd")]:
        data, media_type, name = export(db, fmt, today=TODAY, **filters)
        assert media_type == media and name == f"{stem}.{fmt}" and name.isascii()
        rows = list_tasks(db, today=TODAY, limit=None, **filters)["results"]
        if fmt == "csv":
            assert len(list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))) == len(rows) + 1
        elif fmt == "xlsx":
            assert load_workbook(io.BytesIO(data)).active.max_row == len(rows) + 1
        else:
            events = list(Calendar.from_ical(data).walk("VEVENT"))
            assert len(events) == sum(1 for r in rows if r["deadline"]["due"])


def test_export_has_no_page_cap(reg: dict[str, Any]) -> None:
    data, _, _ = export(reg["db"], "csv", limit=3)
    assert len(list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))) - 1 == list_tasks(reg["db"])["total"]


def test_export_bad_format(reg: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        export(reg["db"], "pdf", plan=reg["a"])
