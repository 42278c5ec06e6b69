"""Deadline normalisation: "trình Lãnh đạo Bộ trong Quý II/2021" → quarter 2021-04-01..2021-06-30.

Plans write deadlines as free text (DOMAIN.md, "Deadlines as written"); the
registry needs the days they allow (GOLD.md, TASK ``deadline``). The words
live in ``rules/deadlines.yaml`` and are matched on the fold, so OCR text
that lost its diacritics ("Quy IV/2019", "truoc ngay 31/12/2020") reads the
same. The text is read in three passes, most telling first:

1. a relative cue that opens the text ("Sau khi ...", "Theo ...") makes it
   relative whatever periods follow, since those periods usually name the
   thing waited on ("Theo tiến độ ... giai đoạn 2021-2025");
2. a recurring cue ("Hằng năm", "định kỳ") makes it recurring;
3. otherwise the periods named decide: one period gives its own kind, two or
   more a range; a text with none is relative if it waits on something
   ("đồng thời với ...", "Không quá 15 ngày làm việc"), else unparsed.
"""

from __future__ import annotations

import re
import unicodedata
from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from .. import rules
from ..model import Deadline
from ..normalize import fold, fold_alternation

_Y = r"(?:19|20)\d\d"


@dataclass
class _Period:
    """One period named in the text; ``lo``/``hi`` stay None while its year is unknown."""

    kind: str  # date, month, quarter, year
    num: tuple[int, ...]  # (month, day) of a date, the quarter, the month; () for a year
    year: int | None  # as written; None for "Quý I", "trước ngày 15/4"
    open_start: bool  # after "trước"/"đến", or a day not after "từ": no first day of its own
    before: bool  # after a deadline cue ("trước", "chậm nhất"): dates a relative text
    lo: date | None = None
    hi: date | None = None

    def place(self, year: int | None) -> bool:
        """Set ``lo``/``hi`` for ``year``; False when that day does not exist ("31/02")."""
        if year is None:
            return True
        n = self.num
        if self.kind == "date":
            try:
                self.lo = self.hi = date(year, n[0], n[1])
            except ValueError:
                return False
        elif self.kind == "year":
            self.lo, self.hi = date(year, 1, 1), date(year, 12, 31)
        else:
            first, last = (3 * n[0] - 2, 3 * n[0]) if self.kind == "quarter" else (n[0], n[0])
            self.lo, self.hi = date(year, first, 1), date(year, last, monthrange(year, last)[1])
        return True


def _alt(phrases: list[str]) -> str:
    """Alternation of folded phrases and their OCR readings, longest first ("sau khi" before "khi")."""
    ocr: dict[str, list[str]] = rules.load("deadlines").get("ocr_words", {})
    keys: set[str] = set()
    for phrase in phrases:
        spellings = [""]
        for word in fold(phrase).split():
            spellings = [f"{s} {v}".strip() for s in spellings for v in [word, *ocr.get(word, [])]]
        keys.update(spellings)
    return "(?:" + fold_alternation(keys) + ")"


@cache
def _rules() -> dict[str, Any]:
    """Compile ``rules/deadlines.yaml`` once per process."""
    r = rules.load("deadlines")
    w = {k: _alt([v]) for k, v in r["words"].items()}
    q = "|".join(sorted(map(str, r["quarters"]), key=len, reverse=True))
    link, join = r["year_link_re"], _alt(r["range_joiners"])
    scan = "|".join([
        rf"(?:{w['day']}\s+)?(?<![\d/.,])(?P<d1>\d{{1,2}})\s*(?P<s>[/.-])\s*(?P<m1>\d{{1,2}})\s*(?P=s)\s*"
        rf"(?P<y1>{_Y}|\d\d)(?![\d/])",
        rf"{w['day']}\s+(?P<d2>\d{{1,2}})\s+{w['month']}\s+(?P<m2>\d{{1,2}})(?![\d/])"
        rf"(?:\s*,?\s*{w['year']}\s+(?P<y2>{_Y}))?",
        rf"(?:{w['day']}|{_alt(r['before'])})\s+(?P<d3>\d{{1,2}})\s*[/.-]\s*(?P<m3>\d{{1,2}})(?![\d/.-])",
        rf"{w['quarter']}\s*(?P<q>{q})(?![a-z\d])(?:{link}(?P<qy>{_Y}))?(?![\d/])",
        rf"{w['month']}\s+(?P<mo>\d{{1,2}})(?:{link}(?P<my>{_Y}))?(?![\d/])",
        rf"(?:(?:{w['year']}|{w['stage']}|{_alt(r['from'])})\s+)?(?<![\d/.])(?P<ya>{_Y})\s*{join}\s*"
        rf"(?:{w['year']}\s+)?(?P<yb>{_Y})(?![\d/])",
        rf"(?:{w['year']}\s+|^[\W_]*)(?P<y>{_Y})(?![\d/])",
    ])
    rel = r["relative"]
    dur = rel["duration"]

    def tail(phrases: list[str]) -> re.Pattern[str]:
        return re.compile(rf"(?<![a-z]){_alt(phrases)}\s*:?\s*$")

    return {
        "scan": re.compile(scan),
        "quarters": {str(k): int(v) for k, v in r["quarters"].items()},
        "before": tail(r["before"]),
        "until": tail(r["until"]),
        "from": tail(r["from"]),
        "citation": re.compile(r["citation_before_re"]),
        "recurring": re.compile(rf"(?<![a-z]){_alt(r['recurring'])}(?![a-z])"),
        "lead": re.compile(rf"^[\W_]*{_alt(rel['lead'])}(?![a-z])"),
        "anywhere": re.compile(rf"(?<![a-z]){_alt(rel['anywhere'])}(?![a-z])|{rel['anywhere_re']}"),
        "stop": re.compile(rel["stop_re"]),
        "duration": re.compile(
            rf"(?<![a-z]){_alt(dur['lead'])}\s+\d+\s*(?:\([^)]*\)\s*)?{_alt(dur['units'])}(?![a-z])"
        ),
    }


def _period(m: re.Match[str], quarters: dict[str, int]) -> tuple[str, tuple[int, ...], int | None] | None:
    """(kind, numbers, written year) of one scanner match; None for an impossible month."""
    g = m.group
    if g("d1") or g("d2") or g("d3"):
        d, mo = int(g("d1") or g("d2") or g("d3")), int(g("m1") or g("m2") or g("m3"))
        y = g("y1") or g("y2")
        y = "20" + y if y and len(y) == 2 else y
        return ("date", (mo, d), int(y) if y else None) if 1 <= mo <= 12 else None
    if g("q"):
        return "quarter", (quarters[g("q")],), int(g("qy")) if g("qy") else None
    if g("mo"):
        mo = int(g("mo"))
        return ("month", (mo,), int(g("my")) if g("my") else None) if 1 <= mo <= 12 else None
    return "year", (), int(g("y") or g("yb"))


def _periods(f: str, year: int | None) -> list[_Period]:
    """Every period named in the fold ``f``, partial ones completed with a year.

    A period without its year borrows the year of the next period that has one
    ("từ tháng 3 đến tháng 6/2024", "quý 3, quý 4/2025"), else the document's.
    """
    r = _rules()
    found: list[_Period] = []
    for m in r["scan"].finditer(f):
        head = f[max(0, m.start() - 40):m.start()]
        if r["citation"].search(head):
            continue
        before, until = bool(r["before"].search(head)), bool(r["until"].search(head))
        from_ = bool(r["from"].search(head))
        if m.group("ya"):  # "2019 đến năm 2025": two years, the second closes the span
            first = _Period("year", (), int(m.group("ya")), before, before)
            first.place(first.year)
            found.append(first)
            before, until, from_ = False, True, False
        got = _period(m, r["quarters"])
        if got is None:
            continue
        kind, num, y = got
        # a day is a point: it opens a range only after "từ"
        p = _Period(kind, num, y, before or until or (kind == "date" and not from_), before)
        if p.place(y):  # "ngày 31/02/2024" names no day
            found.append(p)
    for i, p in enumerate(found):
        if p.year is None:
            later = next((q.year for q in found[i + 1:] if q.year and q.lo), year)
            p.place(later)
    return found


def _narrowest(periods: list[_Period]) -> list[_Period]:
    """Drop periods that strictly contain another one, and repeats.

    "Năm 2019 (quý IV/2019) đến năm 2025": the parenthesis narrows 2019 to its
    fourth quarter, so the range starts 2019-10-01.
    """
    # distinct intervals only: a plan repeating "Năm 2023" on every line must not cost n² comparisons
    dated = sorted({(p.lo, p.hi) for p in periods if p.lo and p.hi})  # type: ignore[type-var]
    out: list[_Period] = []
    seen: set[tuple[Any, ...]] = set()
    wider: dict[tuple[Any, Any], bool] = {}
    for p in periods:
        if p.lo and p.hi:
            span = (p.lo, p.hi)
            if span not in wider:
                wider[span] = any(p.lo <= lo and hi <= p.hi and (lo, hi) != span  # type: ignore[operator]
                                  for lo, hi in dated)
            if wider[span]:
                continue
        key = (p.kind, p.lo, p.hi, p.open_start) if p.lo else (id(p),)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _depends_on(text: str, f: str, m: re.Match[str] | None) -> str | None:
    """The phrase after a relative cue, up to the clause that dates it."""
    if m is None:
        return None
    rest = f[m.end():]
    stop = _rules()["stop"].search(rest, 1)
    phrase = text[m.end():m.end() + (stop.start() if stop else len(rest))].strip(" ,:;-")
    return phrase or None


def parse_deadline(text: str, *, year: int | None = None) -> Deadline | None:
    """None for empty text. `year` is the document's year, used when the text names a quarter/month/day without a year."""
    text = re.sub(r"[\s.;]+$", "", unicodedata.normalize("NFC", text or "").strip())
    if not text:
        return None
    r = _rules()
    f = fold(text)
    periods = _narrowest(_periods(f, year))
    lead = r["lead"].search(f)
    cue = lead or r["anywhere"].search(f)
    dl = Deadline(text=text, kind=None)
    if lead:
        dl.kind = "relative"
        dl.due = _iso(max((p.hi for p in periods if p.before and p.hi), default=None))
    elif r["recurring"].search(f):
        dl.kind = "recurring"
        dl.start = _iso(min((p.lo for p in periods if p.year and p.lo and not p.open_start), default=None))
    elif len(periods) == 1:
        p = periods[0]
        dl.kind, dl.due = p.kind, _iso(p.hi)
        dl.start = None if p.kind == "date" or p.open_start else _iso(p.lo)
    elif periods:
        dl.kind = "range"
        dl.start = _iso(min((p.lo for p in periods if p.lo and not p.open_start), default=None))
        dl.due = _iso(max((p.hi for p in periods if p.hi), default=None))
    elif cue or r["duration"].search(f):
        dl.kind = "relative"
    if dl.kind in ("relative", "recurring"):
        dl.depends_on = _depends_on(text, f, cue)
    return dl
