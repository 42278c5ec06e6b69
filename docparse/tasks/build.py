"""RawTask → Task: the one place where units are split and deadlines normalised.

Finders (running text, tables, prose) differ only in where they find a
task's parts; everything that turns those parts into values a tracker can
use happens here, so a rule about units or deadlines is written once.
"""

from __future__ import annotations

import re

from ..model import RawTask, Task, Unit
from ..restore import needs_restore, restore
from ..spans import Loc, Traced
from .deadlines import parse_deadline
from .roles import units_of
from .unit_lists import canonical_unit, split_units


def one_line(text: str | None) -> str | None:
    """A field value as one line: item marks of continuation lines kept, wraps joined."""
    if not text:
        return None
    t = re.sub(r"\s+", " ", text).strip().rstrip(" .;,").strip()
    return t or None


def repair(text: str | None) -> str | None:
    """Diacritics put back into OCR text that lost them (the header's restorer).

    Unit names, titles and deadlines of a scanned plan come out as "Cuc Hd
    tich"; restoring the syllables first lets the gazetteer and the deadline
    rules see the words they know. Clean text is returned untouched.
    """
    if not text or not needs_restore(text):
        return text
    return restore(text)


def _same(text: str | None) -> str | None:
    return text


def _dedupe(units: list[Unit]) -> list[Unit]:
    seen: set[str] = set()
    out = []
    for u in units:
        key = canonical_unit(u.name)
        if key not in seen:
            seen.add(key)
            out.append(u)
    return out


def _one_line_traced(text: Traced) -> Traced:
    """:func:`one_line` of a Traced."""
    return text.collapse().strip().rstrip(" .;,").strip()


def _placed(units: list[Unit], value: Traced) -> list[Unit]:
    """Units with the place in the document of the text they were read from."""
    for u in units:
        u.locs = value.locs(u.start, u.end)
    return units


def build_task(raw: RawTask, *, year: int | None = None, ocr: bool = False) -> Task:
    """``ocr``: the document lost its diacritics, so values are repaired first."""
    fix = repair if ocr else _same
    f = {k: fix(v) or "" for k, v in raw.fields.items()}
    # the values as read, respelled the same way (a repaired syllable keeps its place)
    tr = {k: raw.traces[k].with_text(v) if k in raw.traces else Traced(v) for k, v in f.items()}
    lead: list[Unit] = []
    support: list[Unit] = []
    if f.get("lead"):
        lead, extra = units_of(f["lead"])
        _placed(lead, tr["lead"])
        support += _placed(extra, tr["lead"])
    if f.get("support"):
        support += _placed(split_units(f["support"]), tr["support"])
    deadline_text = f.get("deadline")
    deadline = parse_deadline(one_line(deadline_text) or "", year=year) if deadline_text else None
    fixed_title = fix(raw.title)
    title = one_line(fixed_title)
    locs: dict[str, list[Loc]] = {}
    if title and "title" in raw.traces:
        locs["title"] = _one_line_traced(raw.traces["title"].with_text(fixed_title or "")).locs()
    for name in ("product", "deadline", "funding"):
        if f.get(name):
            locs[name] = _one_line_traced(tr[name]).locs()
    return Task(
        no=raw.no,
        title=title,
        lead=_dedupe(lead),
        support=_dedupe(support),
        product=one_line(f.get("product")),
        deadline=deadline,
        funding=one_line(f.get("funding")),
        line=raw.line,
        source=raw.source,
        extent=(raw.line if raw.first is None else raw.first, raw.end if raw.end is not None else raw.line),
        locs=locs,
    )
