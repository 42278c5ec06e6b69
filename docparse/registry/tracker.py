"""The tracker: tasks of the registered plans by unit, plan, due date and status; exports.

A clerk's questions are "what does my unit lead or support", "what is overdue
or due this fortnight", "what does this plan still owe", and the answers go
out as a spreadsheet or a calendar. Filtering and paging run in SQL (indexes
on ``task_units(unit, role)`` and ``tasks(due)``) so that a registry of many
thousands of plans answers without reading every row into Python.

Two kinds of status:

- the *stored* status (:data:`STATUSES`) is what a person set, with who and
  when; re-parsing a file keeps it (see :mod:`.store`);
- the *state* (:data:`STATES`) is derived from the stored status, the due
  date and today: a task is ``done``, else ``no_date`` without a due date,
  else ``overdue``, ``due_soon`` (due within ``within_days``) or ``open``.

Units are matched on their canonical key (:func:`canonical_unit`), so any
spelling a clerk types finds the same tasks ("UBND cấp huyện" = "Ủy ban nhân
dân cấp huyện"). The key may also be a leading part of a unit's key that
ends on a word: "Sở Tư pháp" finds "Sở Tư pháp" and "Sở Tư pháp các tỉnh,
thành phố trực thuộc Trung ương" (that charge falls on every Sở Tư pháp),
"Cục Hộ tịch" finds "Cục Hộ tịch, quốc tịch, chứng thực". It does not look
inside a name: "Bộ Công an" does not find "các đơn vị thuộc Bộ Công an", which
charges the ministry's units, not the ministry; and "Sở T" does not find
"Sở Tư pháp" (the query must end where a word of the key ends: "UBND cấp"
finds both "Ủy ban nhân dân cấp huyện" and "... cấp xã").
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlite_utils

from ..normalize import fold
from .documents import now
from .keys import text_key

#: Stored statuses, as a person sets them.
STATUSES = ("open", "in_progress", "done")
#: Derived states a row carries and a filter may ask for.
STATES = ("overdue", "due_soon", "open", "done", "no_date")
#: What ``status=`` accepts: the states, and "in_progress" (the stored status).
STATUS_FILTERS = (*STATES, "in_progress")
ROLES = ("lead", "support")

STATUS_LABELS = {"open": "Chưa thực hiện", "in_progress": "Đang thực hiện", "done": "Đã hoàn thành"}
STATE_NOTES = {"overdue": "quá hạn", "due_soon": "sắp đến hạn", "no_date": "không có hạn"}

#: Columns of the CSV and XLSX exports (a Vietnamese office reads these headers).
HEADERS = ("STT", "Số hiệu", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Sản phẩm", "Thời hạn", "Hạn cuối",
           "Trạng thái", "Kế hoạch")

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ics": "text/calendar; charset=utf-8",
}

_COLUMNS = ("t.id, t.document_id, t.seq, t.no, t.title, t.product, t.funding, t.deadline_text, "
            "t.deadline_kind, t.start, t.due, t.after, t.status, t.status_by, t.status_at, "
            "d.number AS plan_number, d.doc_type AS plan_doc_type, d.issuer AS plan_issuer, "
            "d.date AS plan_date, d.subject AS plan_subject, d.attached_to AS plan_attached_to")
_FROM = "FROM tasks t JOIN documents d ON d.id = t.document_id"
_ORDER = "ORDER BY t.due IS NULL, t.due, t.document_id, t.seq"


# --- arguments -------------------------------------------------------------------------------------------

def _as_date(value: date | str | None, what: str) -> date | None:
    """Accept a date or its ISO text (query strings arrive as text); a clerk-readable error otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"{what} phải là ngày dạng NNNN-TT-NN (ví dụ 2026-04-15), không phải '{value}'") from None


def unit_key(unit: str | None) -> str | None:
    """The canonical key a unit filter matches on; None for a blank filter."""
    from ..tasks.unit_lists import canonical_unit

    if not unit or not unit.strip():
        return None
    return canonical_unit(unit) or None


#: A unit charged with at least this many tasks is read by walking the tracker's order and checking
#: each task (EXISTS): on a registry of 237,000 tasks, a unit on a fifth of them gave its first page in
#: 16 ms this way, against 240 ms reading its 48,000 tasks from the unit index and sorting them. A
#: rarer unit is read from the unit index (IN): a few thousand rows at most to sort, where the walk
#: would check every task of the registry.
COMMON_UNIT = 2000


def _unit_match(key: str, role: str | None) -> tuple[str, list[Any]]:
    """The ``task_units tu`` rows charging the unit: its key exactly, or a unit whose key goes on after a word.

    Ranges instead of LIKE so that the ``task_units(unit, role)`` index serves
    them: keys following "k " are those in ["k ", "k!"), after "k," those in
    ["k,", "k-") (space and comma are each followed by the next code point).
    """
    sql = "(tu.unit = ? OR (tu.unit >= ? AND tu.unit < ?) OR (tu.unit >= ? AND tu.unit < ?))"
    params: list[Any] = [key, key + " ", key + "!", key + ",", key + "-"]
    if role:
        sql += " AND tu.role = ?"
        params.append(role)
    return sql, params


def _unit_clause(db: sqlite_utils.Database, key: str, role: str | None) -> tuple[str, list[Any]]:
    """Tasks charging the unit, as the cheaper of two plans for how common the unit is (:data:`COMMON_UNIT`)."""
    match, params = _unit_match(key, role)
    seen = db.execute(f"SELECT count(*) FROM (SELECT 1 FROM task_units tu WHERE {match} LIMIT {COMMON_UNIT})",
                      params).fetchone()[0]
    if seen >= COMMON_UNIT:
        return f"EXISTS (SELECT 1 FROM task_units tu WHERE tu.task_id = t.id AND {match})", params
    return f"t.id IN (SELECT tu.task_id FROM task_units tu WHERE {match})", params


def _status_clause(status: str, today: date, within_days: int) -> tuple[str, list[Any]]:
    """SQL for a state (see the module docstring); "open" means not done, in progress included."""
    t, soon = today.isoformat(), (today + timedelta(days=within_days)).isoformat()
    return {
        "overdue": ("t.status != 'done' AND t.due < ?", [t]),
        "due_soon": ("t.status != 'done' AND t.due >= ? AND t.due <= ?", [t, soon]),
        "open": ("t.status != 'done'", []),
        "done": ("t.status = 'done'", []),
        "no_date": ("t.due IS NULL", []),
        "in_progress": ("t.status = 'in_progress'", []),
    }[status]


def _where(db: sqlite_utils.Database, *, unit: str | None, role: str | None, plan: int | None,
           due_from: date | str | None, due_to: date | str | None, status: str | None,
           within_days: int, today: date, q: str | None) -> tuple[str, list[Any]]:
    """The WHERE clause of a filter set, validated; every filter narrows (AND)."""
    if role not in (None, "", *ROLES):
        raise ValueError(f"Vai trò không hợp lệ: '{role}'; chọn 'lead' (chủ trì) hoặc 'support' (phối hợp)")
    if status not in (None, "", *STATUS_FILTERS):
        raise ValueError(f"Trạng thái lọc không hợp lệ: '{status}'; chọn một trong: {', '.join(STATUS_FILTERS)}")
    clauses: list[str] = []
    params: list[Any] = []

    def add(sql: str, args: Iterable[Any] = ()) -> None:
        clauses.append(sql)
        params.extend(args)

    key = unit_key(unit)
    if key:
        add(*_unit_clause(db, key, role or None))
    elif role:  # a role alone: tasks that name any unit in that role
        add("t.id IN (SELECT task_id FROM task_units WHERE role = ?)", [role])
    if plan is not None and plan != "":
        add("t.document_id = ?", [int(plan)])
    lo, hi = _as_date(due_from, "Hạn từ ngày"), _as_date(due_to, "Hạn đến ngày")
    if lo:
        add("t.due >= ?", [lo.isoformat()])
    if hi:
        add("t.due <= ?", [hi.isoformat()])
    if status:
        add(*_status_clause(status, today, within_days))
    if q and q.strip():
        add("instr(t.fold, ?) > 0", [text_key(q)])  # folded at ingest: one C scan, no Python per row
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


# --- rows ------------------------------------------------------------------------------------------------

def state_of(status: str, due: str | None, today: date, within_days: int = 14) -> str:
    """The derived state of one task (one label; the filters are sets and may overlap)."""
    if status == "done":
        return "done"
    if not due:
        return "no_date"
    d = date.fromisoformat(due)
    if d < today:
        return "overdue"
    return "due_soon" if d <= today + timedelta(days=within_days) else "open"


def _units_of(db: sqlite_utils.Database, ids: list[int]) -> dict[int, dict[str, list[str]]]:
    """Lead and support names (as written, in order) of a page of tasks, in one query."""
    out: dict[int, dict[str, list[str]]] = {i: {"lead": [], "support": []} for i in ids}
    if not ids:
        return out
    marks = ", ".join("?" for _ in ids)
    for r in db.query(f"SELECT task_id, role, name FROM task_units WHERE task_id IN ({marks}) "
                      "ORDER BY task_id, role, pos", ids):
        out[r["task_id"]].setdefault(r["role"], []).append(r["name"])
    return out


def _result(row: dict[str, Any], units: dict[str, list[str]], today: date, within_days: int) -> dict[str, Any]:
    return {
        "id": row["id"], "no": row["no"], "title": row["title"], "product": row["product"],
        "funding": row["funding"], "lead": units.get("lead", []), "support": units.get("support", []),
        "deadline": {"text": row["deadline_text"], "kind": row["deadline_kind"], "start": row["start"],
                     "due": row["due"], "after": row["after"]},
        "status": row["status"], "state": state_of(row["status"], row["due"], today, within_days),
        "status_by": row["status_by"], "status_at": row["status_at"],
        "plan": {"id": row["document_id"], "number": row["plan_number"], "doc_type": row["plan_doc_type"],
                 "issuer": row["plan_issuer"], "date": row["plan_date"], "subject": row["plan_subject"],
                 "attached_to": row["plan_attached_to"]},
    }


def _results(db: sqlite_utils.Database, rows: list[dict[str, Any]], today: date,
             within_days: int) -> list[dict[str, Any]]:
    units = _units_of(db, [r["id"] for r in rows])
    return [_result(r, units[r["id"]], today, within_days) for r in rows]


# --- queries ---------------------------------------------------------------------------------------------

def list_tasks(db: sqlite_utils.Database, *, unit: str | None = None, role: str | None = None,
               plan: int | None = None, due_from: date | str | None = None, due_to: date | str | None = None,
               status: str | None = None, within_days: int = 14, today: date | str | None = None,
               q: str | None = None, limit: int | None = 100, offset: int = 0,
               count_cap: int | None = None) -> dict[str, Any]:
    """Tasks matching every filter given, by due date (undated last), then plan, then order in the plan.

    ``unit``: any spelling, matched as the module docstring says; ``role``:
    "lead" or "support" (with ``unit``, the unit's role in the task);
    ``plan``: a document id; ``due_from``/``due_to``: inclusive bounds on the
    due date (undated tasks never match a bound); ``status``: a state of
    :data:`STATES` or "in_progress"; ``q``: words in the title or product,
    matched without case or diacritics. ``limit=None`` returns every match.
    ``count_cap``: count at most this many (``"capped"`` says when there are
    more) — a page of a large registry needs no exact count of 100,000 tasks.
    Raises ValueError (Vietnamese message) for a bad filter value.

    The page is read as ids through the order index first and only its rows
    are joined to their documents, so a page costs the same on any registry.
    """
    day = _as_date(today, "Ngày tính hạn") or date.today()
    within_days = max(0, int(within_days))
    if (limit is not None and limit < 0) or offset < 0:
        raise ValueError("limit và offset không được âm")
    where, params = _where(db, unit=unit, role=role, plan=plan, due_from=due_from, due_to=due_to,
                           status=status, within_days=within_days, today=day, q=q)
    key = unit_key(unit)
    if key and not any(x not in (None, "") for x in (plan, due_from, due_to, status, q and q.strip())):
        # a unit alone: its tasks are counted in the unit index, never walked through the tasks
        match, args = _unit_match(key, role or None)
        count_from = f"SELECT DISTINCT tu.task_id FROM task_units tu WHERE {match}"
    else:
        count_from, args = f"SELECT 1 FROM tasks t{where}", params
    cap = "" if count_cap is None else f" LIMIT {int(count_cap) + 1}"
    total = db.execute(f"SELECT count(*) FROM ({count_from}{cap})", args).fetchone()[0]
    page = f" LIMIT {int(limit) if limit is not None else -1} OFFSET {int(offset)}"
    ids = [r[0] for r in db.execute(f"SELECT t.id FROM tasks t{where} {_ORDER}{page}", params)]
    rows: list[dict[str, Any]] = []
    for k in range(0, len(ids), 500):
        chunk = ids[k:k + 500]
        marks = ", ".join("?" for _ in chunk)
        rows += db.query(f"SELECT {_COLUMNS} {_FROM} WHERE t.id IN ({marks})", chunk)
    place = {i: k for k, i in enumerate(ids)}
    rows.sort(key=lambda r: place[r["id"]])
    out: dict[str, Any] = {"total": total if count_cap is None else min(total, count_cap),
                           "results": _results(db, rows, day, within_days)}
    if count_cap is not None:
        out["capped"] = total > count_cap
    return out


def get_task(db: sqlite_utils.Database, task_id: int, *, today: date | str | None = None,
             within_days: int = 14) -> dict[str, Any] | None:
    """One task in the shape of a :func:`list_tasks` result; None if there is no such task."""
    day = _as_date(today, "Ngày tính hạn") or date.today()
    rows = list(db.query(f"SELECT {_COLUMNS} {_FROM} WHERE t.id = ?", [task_id]))
    return _results(db, rows, day, max(0, int(within_days)))[0] if rows else None


def set_status(db: sqlite_utils.Database, task_id: int, status: str, who: str) -> dict[str, Any]:
    """Record a person's status for a task, with who and when (UTC); returns the task as it now is.

    Raises ValueError for a status not in :data:`STATUSES` and LookupError
    for an unknown task. Commits its own transaction.
    """
    if status not in STATUSES:
        raise ValueError(f"Trạng thái không hợp lệ: '{status}'. Chọn một trong: "
                         + ", ".join(f"{s} ({STATUS_LABELS[s]})" for s in STATUSES))
    who = " ".join(str(who or "").split())[:100] or "không rõ"
    with db.conn:
        cur = db.conn.execute("UPDATE tasks SET status = ?, status_by = ?, status_at = ? WHERE id = ?",
                              [status, who, now(), task_id])
    if cur.rowcount == 0:
        raise LookupError(f"Không có nhiệm vụ #{task_id}")
    task = get_task(db, task_id)
    assert task is not None
    return task


# --- exports ---------------------------------------------------------------------------------------------

def plan_label(plan: dict[str, Any]) -> str:
    """How a plan is named in an export: type and number, or the decision it is issued with, and subject."""
    kind = plan.get("doc_type") or "Văn bản"
    if plan.get("number"):
        head = f"{kind} {plan['number']}"
    elif plan.get("attached_to"):
        head = f"{kind} ban hành kèm theo {plan['attached_to']}"
    else:
        head = f"{kind} #{plan.get('id')}"
    return f"{head}: {plan['subject']}" if plan.get("subject") else head


def status_label(row: dict[str, Any]) -> str:
    """"Đang thực hiện, quá hạn": the stored status in words, with the deadline's news when it has any."""
    label = STATUS_LABELS.get(row.get("status") or "open", row.get("status") or "")
    note = STATE_NOTES.get(row.get("state") or "")
    return f"{label}, {note}" if note and row.get("status") != "done" else label


def _cells(k: int, row: dict[str, Any]) -> list[Any]:
    """One export line; the due date stays a ``date`` (XLSX writes it as a real date)."""
    d = row.get("deadline") or {}
    due = date.fromisoformat(d["due"]) if d.get("due") else None
    return [k, row.get("no") or "", row.get("title") or "", "; ".join(row.get("lead") or []),
            "; ".join(row.get("support") or []), row.get("product") or "", d.get("text") or "", due,
            status_label(row), plan_label(row.get("plan") or {})]


def to_csv(rows: list[dict[str, Any]]) -> bytes:
    """CSV bytes, UTF-8 with a BOM: without it Excel reads Vietnamese text as mojibake.

    Comma-separated, ISO due dates (which Excel reads as dates in any locale).
    """
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(HEADERS)
    for k, row in enumerate(rows, 1):
        cells = _cells(k, row)
        cells[7] = cells[7].isoformat() if cells[7] else ""
        w.writerow(cells)
    return buf.getvalue().encode("utf-8-sig")


_WIDTHS = (6, 9, 60, 32, 32, 30, 30, 12, 24, 45)
_OVERDUE_FILL = "FFF4CCCC"


def to_xlsx(rows: list[dict[str, Any]]) -> bytes:
    """An XLSX workbook: bold frozen header, set widths, due dates as dates, overdue rows shaded red."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Nhiệm vụ"
    ws.append(list(HEADERS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    ws.freeze_panes = "A2"
    for i, width in enumerate(_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    fill = PatternFill("solid", start_color=_OVERDUE_FILL, end_color=_OVERDUE_FILL)
    wrap = Alignment(vertical="top", wrap_text=True)
    for k, row in enumerate(rows, 1):
        ws.append(_cells(k, row))
        for cell in ws[k + 1]:
            cell.alignment = wrap
            if row.get("state") == "overdue":
                cell.fill = fill
        ws.cell(row=k + 1, column=8).number_format = "DD/MM/YYYY"
    if rows:
        ws.auto_filter.ref = ws.dimensions
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def event_uid(row: dict[str, Any]) -> str:
    """A UID that survives a re-parse: task ids do not (tasks are rewritten), the plan and the
    task's number and title do (the same key that carries a status over, see :mod:`.store`).
    Calendars that re-import the file update the event instead of adding a second one.
    """
    plan = (row.get("plan") or {}).get("id")
    digest = hashlib.sha1(f"{row.get('no')}|{row.get('title')}".encode()).hexdigest()[:16]
    return f"task-{plan}-{digest}@docparse"


def _description(row: dict[str, Any]) -> str:
    d = row.get("deadline") or {}
    lines = [("Chủ trì", "; ".join(row.get("lead") or [])), ("Phối hợp", "; ".join(row.get("support") or [])),
             ("Sản phẩm", row.get("product")), ("Thời hạn", d.get("text")), ("Trạng thái", status_label(row)),
             ("Kế hoạch", plan_label(row.get("plan") or {}))]
    return "\n".join(f"{k}: {v}" for k, v in lines if v)


def to_ics(rows: list[dict[str, Any]], calendar_name: str) -> bytes:
    """An iCalendar file: one all-day event on the due date of each dated task; undated ones are left out."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//docparse//Theo doi nhiem vu//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", calendar_name)
    stamp = datetime.now(UTC).replace(microsecond=0)
    seen: dict[str, int] = {}
    for row in rows:
        due = (row.get("deadline") or {}).get("due")
        if not due:
            continue
        day = date.fromisoformat(due)
        uid = event_uid(row)
        seen[uid] = seen.get(uid, 0) + 1
        ev = Event()
        ev.add("uid", uid if seen[uid] == 1 else uid.replace("@", f"-{seen[uid]}@"))
        ev.add("dtstamp", stamp)
        ev.add("dtstart", day)
        ev.add("dtend", day + timedelta(days=1))
        ev.add("summary", row.get("title") or f"Nhiệm vụ {row.get('no') or ''}".strip())
        ev.add("description", _description(row))
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
    return cal.to_ical()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text).lower()).strip("-")[:60]


def _export_name(db: sqlite_utils.Database, filters: dict[str, Any]) -> tuple[str, str]:
    """(file stem, calendar name) for an export: what it covers, the stem in ASCII for any browser."""
    stem, title = ["nhiem-vu"], ["Nhiệm vụ"]
    if filters.get("unit"):
        stem.append(_slug(filters["unit"]))
        title.append(" ".join(str(filters["unit"]).split()))
    if filters.get("plan") not in (None, ""):
        rows = list(db.query("SELECT id, doc_type, number, attached_to, subject FROM documents WHERE id = ?",
                             [int(filters["plan"])]))
        plan = rows[0] if rows else {"id": filters["plan"]}
        stem.append(_slug(plan.get("number") or plan.get("attached_to") or "") or f"ke-hoach-{plan['id']}")
        title.append(plan_label(plan))
    if filters.get("status"):
        stem.append(_slug(str(filters["status"])))
    return "_".join(s for s in stem if s), " - ".join(title)


def export(db: sqlite_utils.Database, fmt: str, **filters: Any) -> tuple[bytes, str, str]:
    """Every task matching ``filters`` (as :func:`list_tasks`, no page cap) as (bytes, media type, file name).

    ``fmt`` is "csv", "xlsx" or "ics"; anything else is a ValueError.
    """
    fmt = (fmt or "").lower().lstrip(".")
    if fmt not in MEDIA_TYPES:
        raise ValueError(f"Định dạng xuất không hỗ trợ: '{fmt}'; chọn csv, xlsx hoặc ics")
    filters.pop("limit", None)
    filters.pop("offset", None)
    rows = list_tasks(db, **filters, limit=None)["results"]
    stem, name = _export_name(db, filters)
    if fmt == "csv":
        data = to_csv(rows)
    elif fmt == "xlsx":
        data = to_xlsx(rows)
    else:
        data = to_ics(rows, name)
    return data, MEDIA_TYPES[fmt], f"{stem}.{fmt}"
