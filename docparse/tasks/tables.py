"""Tasks of plan tables: "TT | Nội dung | Đơn vị chủ trì | Thời gian | ...".

A table is recognised by the words of its header row, never by its place in
the document: the header words and the field each one names are data
(``rules/task_columns.yaml``). Rows are read as a careful clerk reads them:

* a group row ("I" + one text across the row) and a heading row (a number and
  a title, no field cells, followed by "2.1", "2.2") give context, and the
  tasks below keep the full path ("I.2.1");
* a row carrying a lead, support, product or deadline cell is a task;
* a cell merged down several rows (it appears once, on the first row) applies
  to every row it covers;
* a table cut by a PDF page break arrives as several tables: a following
  table without a header (or with the header repeated) continues the one
  above, with its columns and its group context.

The finder works on :class:`~docparse.model.Line` objects, as every other
stage does, so it serves .docx, PDF and tab-text tables alike; field values
are returned as printed (line breaks and "- " marks kept): splitting units
and normalising deadlines is the task builder's work.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from functools import cache

from .. import rules
from ..model import Line, RawTask
from ..normalize import fold, fold_alternation
from ..spans import Traced

_ROMAN = re.compile(r"^[IVXLC]{1,6}$")
# Leading item number of a cell: "1", "1.", "2.1", "I.", "a)", "(3)".
_ITEM = r"([IVXLC]{1,6}|[A-ZĐ]|\d{1,3}(?:\.\d{1,3}){0,4}|[a-zđ])"
_NUMBER = re.compile(rf"^\(?{_ITEM}(?:[.)]|\s*$|\s+(?=\S))\)?\s*")
_STRICT_NUMBER = re.compile(rf"^\(?{_ITEM}[.)]\)?\s+(?=\S)")
_COLUMN_NO = re.compile(r"^\(?\d{1,2}\)?$")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_PAREN = re.compile(r"\([^)]*\)")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


# ---------------------------------------------------------------- rules


@dataclass(frozen=True)
class _Rules:
    #: (folded phrase with surrounding spaces, field) longest first.
    columns: tuple[tuple[str, str], ...]
    parts: tuple[tuple[str, str], ...]
    task_fields: frozenset[str]
    range_join: str
    labels: re.Pattern[str]
    label_field: dict[str, str]
    max_gap: int
    header_max_row: int


def _key(text: str) -> str:
    """A header cell as matched: folded, parentheses dropped, words between spaces."""
    return " " + _NON_WORD.sub(" ", fold(_PAREN.sub(" ", text))).strip() + " "


def _phrases(spec: dict[str, list[str]]) -> tuple[tuple[str, str], ...]:
    out = [(_key(p), name) for name, phrases in spec.items() for p in phrases]
    return tuple(sorted(out, key=lambda x: -len(x[0])))


@cache
def _rules() -> _Rules:
    """The compiled ``rules/task_columns.yaml`` (once per process)."""
    data = rules.load("task_columns")
    label_field: dict[str, str] = {}
    for name, phrases in data.get("cell_labels", {}).items():
        for p in phrases:
            label_field[_key(p).strip()] = name
    alternatives = fold_alternation(label_field)
    # A label opens a clause (start of the cell, or after ; . or a line break).
    labels = re.compile(rf"(?:^|(?<=[;.\n]))\s*({alternatives})\b\s*:?\s*")
    return _Rules(
        columns=_phrases(data["columns"]),
        parts=_phrases(data.get("deadline_parts", {})),
        task_fields=frozenset(data.get("task_fields", ["lead", "support", "product", "deadline"])),
        range_join=data.get("range_join", "{start} - {due}"),
        labels=labels,
        label_field=label_field,
        max_gap=int(data.get("continuation_max_gap_lines", 3)),
        header_max_row=int(data.get("header_max_row", 3)),
    )


def _classify(text: str, phrases: tuple[tuple[str, str], ...], whole: bool = False) -> str | None:
    """The field named by a header cell: the longest phrase found in it wins.

    ``whole`` asks for the whole cell to be the phrase (sub-header words such
    as "Từ" / "Đến" are too short to be looked for inside other words' company).
    """
    if text.count(" ") > 20:
        return None  # a data cell, not a header (checked before folding: it runs on every cell)
    key = _key(text)
    if key.count(" ") > 11:  # more than ten words
        return None
    for phrase, name in phrases:
        if phrase == key if whole else phrase in key:
            return name
    return None


# ---------------------------------------------------------------- grid


@dataclass
class _Cell:
    lines: list[Line]
    first: int  # Line.index of its first line

    @property
    def text(self) -> str:
        return "\n".join(t for t in (s.text.strip() for s in self.lines) if t)

    @property
    def last(self) -> int:
        """Line.index of its last line."""
        return self.lines[-1].index if self.lines else self.first

    def traced(self) -> Traced:
        """``text`` with the place in the document of each character."""
        return Traced.join("\n", [t for t in (Traced.of_line(x).strip() for x in self.lines) if t])


@dataclass
class _Grid:
    """One table as the lines give it back: present cells per row.

    A merged cell appears once, so a column *missing* from a row (as opposed
    to present and empty) is covered by a cell of another row or column.
    """

    rows: list[tuple[int, dict[int, _Cell]]]  # (row number, col -> cell)
    start: int  # position in ``lines`` of the first line
    end: int  # position after the last line

    @property
    def n_cols(self) -> int:
        return max((max(cells) + 1 for _, cells in self.rows if cells), default=0)


def _grids(lines: list[Line]) -> list[_Grid]:
    grids: list[_Grid] = []
    current: int | None = None
    for pos, line in enumerate(lines):
        if line.table is None:
            current = None
            continue
        if line.table != current:
            current = line.table
            grids.append(_Grid(rows=[], start=pos, end=pos))
        g = grids[-1]
        g.end = pos + 1
        r, c = line.row or 0, line.col or 0
        if not g.rows or g.rows[-1][0] != r:
            g.rows.append((r, {}))
        cells = g.rows[-1][1]
        if c in cells:
            cells[c].lines.append(line)
        else:
            cells[c] = _Cell([line], line.index)
    return grids


# ---------------------------------------------------------------- header


@dataclass
class _Columns:
    """What each column of a task table holds (a field name of the rules)."""

    fields: dict[int, str]
    parts: dict[int, str] = field(default_factory=dict)  # col -> "start"/"due" under a deadline
    n_cols: int = 0

    def col(self, name: str) -> int | None:
        return next((c for c, f in sorted(self.fields.items()) if f == name), None)

    def signature(self) -> tuple[tuple[int, str], ...]:
        return tuple(sorted(self.fields.items()))


def _header_fields(cells: dict[int, _Cell]) -> dict[int, str]:
    r = _rules()
    out = {}
    for c, cell in cells.items():
        name = _classify(cell.text, r.columns) if cell.text else None
        if name:
            out[c] = name
    return out


def _is_task_header(fields: dict[int, str], cells: dict[int, _Cell]) -> bool:
    """A title column, a task field column, and most cells header words (not data)."""
    names = set(fields.values())
    filled = sum(1 for c in cells.values() if c.text)
    return "title" in names and bool(names & _rules().task_fields) and 2 * len(fields) >= filled


def _find_header(grid: _Grid) -> tuple[_Columns, int] | None:
    """The column map of a task table and the number of header rows, or None."""
    r = _rules()
    for k, (_, cells) in enumerate(grid.rows[: r.header_max_row]):
        fields = _header_fields(cells)
        if not _is_task_header(fields, cells):
            continue
        cols = _Columns(fields=dict(fields), n_cols=grid.n_cols)
        used = k + 1
        if k + 1 < len(grid.rows) and _sub_header(cols, cells, grid.rows[k + 1][1]):
            used += 1
        # A header cell spanning several columns (absent from the row after
        # its first column) names all of them.
        for c in range(grid.n_cols):
            if c not in cells and c not in cols.fields and c - 1 in cols.fields:
                cols.fields[c] = cols.fields[c - 1]
        if used < len(grid.rows) and _is_column_numbers(grid.rows[used][1]):
            used += 1
        return cols, used
    return None


def _sub_header(cols: _Columns, top: dict[int, _Cell], below: dict[int, _Cell]) -> bool:
    """Read a second header row ("Bắt đầu | Hoàn thành" under "Thời gian") into ``cols``."""
    r = _rules()
    found: dict[int, tuple[str, str | None]] = {}
    for c, cell in below.items():
        if not cell.text:
            continue
        part = _classify(cell.text, r.parts, whole=True)
        name = _classify(cell.text, r.columns)
        if part is None and name is None:
            return False
        parent_col = max((p for p in top if p <= c), default=None)
        parent = cols.fields.get(parent_col) if parent_col is not None else None
        if parent == "deadline" and part:
            found[c] = ("deadline", part)
        elif name:
            found[c] = (name, None)
        else:
            return False
    if not found:
        return False
    for c, (name, part) in found.items():
        cols.fields[c] = name
        if part:
            cols.parts[c] = part
    return True


def _is_column_numbers(cells: dict[int, _Cell]) -> bool:
    """A row "(1) | (2) | (3)" numbering the columns under the header."""
    texts = [c.text for _, c in sorted(cells.items()) if c.text]
    return len(texts) >= 3 and all(_COLUMN_NO.match(t) for t in texts)


# ---------------------------------------------------------------- rows


def _number(text: str, strict: bool = False) -> tuple[str | None, str]:
    """(item number, rest) of a cell: "2.1." gives ("2.1", ""), "I. CỤM ..." ("I", "CỤM ...").

    ``strict`` (a title cell) asks for a delimiter after the number, so that a
    title beginning with a word or a year is not read as numbered.
    """
    t = text.strip()
    m = (_STRICT_NUMBER if strict else _NUMBER).match(t)
    if not m:
        return None, t
    return m.group(1).rstrip("."), t[m.end():].strip()


def _is_group_no(num: str | None) -> bool:
    return num is not None and (bool(_ROMAN.match(num)) or (len(num) == 1 and num.isupper()))


def _one_line(text: Traced) -> Traced:
    return text.collapse().strip().rstrip(".:;, ").strip()


def _split_labels(text: Traced) -> dict[str, Traced] | None:
    """Split "Chủ trì: A. Phối hợp: B; C" into lead and support (None if no label opens the cell)."""
    r = _rules()
    if not r.label_field:
        return None
    marks = list(r.labels.finditer(fold(text.text)))
    if not marks or marks[0].start() != 0 or ":" not in marks[0].group(0):
        return None
    out: dict[str, list[Traced]] = {}
    for i, m in enumerate(marks):
        name = r.label_field[_NON_WORD.sub(" ", m.group(1)).strip()]
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        value = text[m.end():end].strip(" ;.\n")
        if name == "lead":
            # The lead is the first clause; units named after it without a
            # label of their own ("; Sở X hướng dẫn") take part in the work.
            cut = re.search(r";|\.\s", value.text)
            if cut:
                tail = value[cut.end():].strip(" ;.\n")
                value = value[:cut.start()].strip()
                if tail:
                    out.setdefault("support", []).append(tail)
        if value:
            out.setdefault(name, []).append(value)
    return {k: Traced.join("; ", v) for k, v in out.items()}


@dataclass
class _State:
    """What a table's rows share, carried across the pieces of a split table."""

    cols: _Columns
    group: str | None = None
    heading: str | None = None  # number of the heading row the next rows hang under
    letters: dict[str, int] = field(default_factory=dict)
    ordinal: int = 0
    #: cells of the last task row per column (for cells merged downwards)
    above: dict[int, Traced] | None = None
    last: RawTask | None = None


def _join(*parts: str | None) -> str:
    return ".".join(p for p in parts if p)


def _values(state: _State, cells: dict[int, Traced]) -> dict[str, Traced]:
    """Field texts of a row (deadline parts combined, several columns of one field joined)."""
    r = _rules()
    out: dict[str, list[Traced]] = {}
    parts: dict[str, Traced] = {}
    for c, text in sorted(cells.items()):
        name = state.cols.fields.get(c)
        if not name or name in ("no", "ignored") or not text:
            continue
        if c in state.cols.parts:
            parts[state.cols.parts[c]] = text
        else:
            out.setdefault(name, []).append(text)
    if parts:
        both = "start" in parts and "due" in parts
        dl = _format(r.range_join, parts) if both else parts.get("due") or parts.get("start", Traced())
        out.setdefault("deadline", []).append(dl)
    values = {k: Traced.join("\n", v) for k, v in out.items()}
    for name in ("lead", "support"):
        split = _split_labels(values[name]) if name in values else None
        if split:
            del values[name]
            for k, v in split.items():
                values[k] = values[k] + "\n" + v if values.get(k) else v
    return values


def _format(template: str, parts: dict[str, Traced]) -> Traced:
    """``template.format(**parts)`` ("{start} - {due}") keeping where the parts were read."""
    out = Traced()
    for literal, name, _, _ in string.Formatter().parse(template):
        out = out + literal
        if name is not None:
            out = out + parts[name]
    return out


_EMPTY = _Cell([], 0)
_NOTHING = Traced()
_NOT_FIELDS = ("title", "subject")


def _is_task_row(values: dict[str, Traced]) -> bool:
    return any(values.get(f) for f in _rules().task_fields)


def _rows(grid: _Grid, state: _State, skip: int, piece: bool, out: list[RawTask]) -> None:
    """Read the rows of one table (``piece``: a continuation of the table above)."""
    cols = state.cols
    no_col, title_col, subject_col = cols.col("no"), cols.col("title"), cols.col("subject")
    header = set(cols.fields.items())
    merged_down = _rules().task_fields | {"funding"}
    rows = [cells for _, cells in grid.rows[skip:]]
    for k, present in enumerate(rows):
        cells = {c: cell.traced() for c, cell in present.items()}
        if not any(cells.values()) or _is_column_numbers(present):
            continue
        fields = _header_fields(present)
        if _is_task_header(fields, present) and set(fields.items()) <= header:
            continue  # the header repeated at the top of a page
        title = cells.get(title_col, _NOTHING) if title_col is not None else _NOTHING
        if no_col is None:
            num, rest = _number(title.text, strict=True)
            title = title.suffix(rest)
        else:
            num, rest = _number(cells.get(no_col, _NOTHING).text)
            if not title and rest and title_col not in present:
                title = cells[no_col].suffix(rest)  # one text across the row, its number in front
        last_line = max(cell.last for cell in present.values())
        values = _values(state, cells)
        spanning = not any(c in present for c, n in cols.fields.items() if n in merged_down)
        if no_col is not None and num is None and state.last is not None and \
                ((piece and k == 0 and not spanning) or (not title and _is_task_row(values))):
            # No number below a task, at the top of the next page or with no
            # title: the rest of that task (its row cut by a page break, or
            # its cells split over two rows).
            _extend(state.last, title, values, last_line)
            state.above = {**(state.above or {}), **{c: t for c, t in cells.items() if t}}
            continue
        # A cell merged down from the task row above is absent from this row
        # -- unless the row is a group or heading whose text spans the row.
        nxt = _number(rows[k + 1].get(no_col, _EMPTY).text)[0] if no_col is not None and k + 1 < len(rows) \
            else None
        opens = num is not None and nxt is not None and (nxt.startswith(num + ".") or nxt.islower())
        covered = [c for c, n in cols.fields.items() if n in merged_down and c not in present]
        if covered and state.above is not None and not opens and not _is_group_no(num) and \
                not (spanning and (num is None or title_col not in present)):
            for c in covered:
                cells[c] = state.above.get(c, _NOTHING)
            values = _values(state, cells)
        if not _is_task_row(values):
            _context(state, num)
            continue
        title_text = _one_line(title)
        subject = _one_line(_first_line(cells.get(subject_col, _NOTHING))) if subject_col is not None \
            else _NOTHING
        if subject and subject.text != title_text.text:
            title_text = subject + ": " + title_text if title_text else subject
        traces = {f: v for f, v in values.items() if f not in _NOT_FIELDS and v}
        task = RawTask(no=_task_no(state, num, no_col is not None), title=title_text.text or None,
                       fields={f: v.text for f, v in traces.items()},
                       line=min(cell.first for cell in present.values()), source="table",
                       first=min(cell.first for cell in present.values()), end=last_line,
                       traces={"title": title_text, **traces})
        out.append(task)
        state.last, state.above = task, cells


def _context(state: _State, num: str | None) -> None:
    """A row without fields: a group ("I", one text across) or a heading ("2" over "2.1")."""
    state.above = state.last = None
    if _is_group_no(num):
        state.group, state.heading, state.ordinal = num, None, 0
    elif num is not None and num[0].isdigit():
        state.heading = num
    else:
        state.heading = None


def _task_no(state: _State, num: str | None, has_no_col: bool) -> str:
    """The full path of a task row's number under the current group and heading."""
    state.ordinal += 1
    group, heading = state.group, state.heading
    if num is None:
        parent = _join(group, heading)
        if has_no_col and parent:
            n = state.letters.get(parent, 0)
            state.letters[parent] = n + 1
            return parent + _LETTERS[n % len(_LETTERS)]  # unnumbered sub-items: 1a, 1b (GOLD.md)
        return _join(group, str(state.ordinal))
    if num.isalpha() and num.islower():
        return _join(group, heading) + num
    if heading and not num.startswith(heading + "."):
        state.heading = None  # a new item at the heading's level
    return _join(group, num)


def _extend(task: RawTask, title: Traced, values: dict[str, Traced], last_line: int) -> None:
    if title:
        joined = _one_line(task.traces.get("title", Traced(task.title or "")) + " " + title)
        task.title = joined.text or None
        task.traces["title"] = joined
    for k, v in values.items():
        if k not in _NOT_FIELDS and v:
            value = task.traces[k] + "\n" + v if task.fields.get(k) else v
            task.fields[k] = value.text
            task.traces[k] = value
    task.end = max(task.end or task.line, last_line)


def _first_line(text: Traced) -> Traced:
    k = text.text.find("\n")
    return text[:k] if k >= 0 else text


# ---------------------------------------------------------------- entry


def _continues(prev: _Grid | None, grid: _Grid, lines: list[Line], n_cols: int) -> bool:
    """Is ``grid`` the next piece of the task table ``prev`` (a page break between them)?"""
    if prev is None or grid.n_cols != n_cols:
        return False
    between = [ln for ln in lines[prev.end:grid.start] if not ln.blank]
    return len(between) <= _rules().max_gap


def _other_header(grid: _Grid) -> bool:
    """Does the table open with a header row of its own (of a table that assigns nothing)?"""
    if not grid.rows:
        return False
    cells = grid.rows[0][1]
    fields = _header_fields(cells)
    first = min(cells, default=None)
    return len(fields) >= 2 or (fields.get(first) == "no" and len(cells[first].text.split()) <= 3)


def find_table_tasks(lines: list[Line]) -> list[RawTask]:
    """Tasks of every task table among `lines` (one document's lines, tables included)."""
    out: list[RawTask] = []
    state: _State | None = None
    prev: _Grid | None = None
    for grid in _grids(lines):
        header = _find_header(grid)
        if header is not None:
            cols, skip = header
            if state is not None and _continues(prev, grid, lines, state.cols.n_cols) and \
                    cols.signature() == state.cols.signature():
                _rows(grid, state, skip, True, out)  # the header repeated on a new page
            else:
                state = _State(cols=cols)
                _rows(grid, state, skip, False, out)
            prev = grid
        elif state is not None and _continues(prev, grid, lines, state.cols.n_cols) and \
                not _other_header(grid):
            _rows(grid, state, 0, True, out)
            prev = grid
        else:
            state, prev = None, None
    return out
