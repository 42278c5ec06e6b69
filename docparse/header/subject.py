"""Trích yếu: the lines under the title, or the "V/v" lines of a công văn."""

from __future__ import annotations

import re

from ..model import Line, Segment
from ..normalize import fold, is_upper_line
from ..spans import Sources, Traced
from .patterns import is_authority, is_motto, patterns, strip_marks_traced
from .zone import header_lines

_VE_VIEC = re.compile(r"^\s*(v/v|v\.v|ve viec)\s*[:.]?\s*")
_TERMINAL = re.compile(r"[.;:!?]\s*$")
_DATE_START = re.compile(r"^[^,\d]{2,40},?\s*ng\w{0,2}y\s*(\d|$)")


def strip_ve_viec(text: str) -> str:
    """Drop a leading \"Về việc\" / \"V/v\": the subject is what follows it."""
    m = _VE_VIEC.match(fold(text))
    return text[m.end():] if m else text


def _stops(line: Line) -> bool:
    p = patterns()
    f = line.fold
    t = line.text.strip()
    return bool(
        p.attached.match(f) or p.body_start.match(f) or p.addressee.match(f) or p.number.match(f)
        or p.date.search(f) or is_motto(line) or t.startswith(("(", "-----", "___", "***"))
        or re.match(r"^[-_=*. ]{3,}$", t) or _DATE_START.match(f)
    )


def _collect(lines: list[Line], start: int, caps_authority: bool) -> list[Traced]:
    out: list[Traced] = []
    gap = False
    for line in lines[start:]:
        if line.blank:
            gap = True
            if out and len(out) >= 8:
                break
            continue
        tt = strip_marks_traced(Traced.of_line(line))
        t = tt.text
        if not t:
            continue
        continues = bool(out) and t[:1].islower() and not _TERMINAL.search(out[-1].text)
        if not continues and _stops(line):
            break
        if out:
            prev = out[-1].text
            first = t[:1]
            upper_now = is_upper_line(t)
            upper_prev = is_upper_line(prev)
            if caps_authority and upper_now and is_authority(line):
                break
            if upper_prev and not upper_now and not first.islower():
                break  # a caps subject followed by prose
            if gap and not (first.islower() or first.isdigit()) and (
                    _TERMINAL.search(prev) or not upper_now or not upper_prev):
                break
            if len(out) >= 8:
                break
        out.append(tt)
        gap = False
    return out


def _finish(joined: Traced) -> Traced:
    """The subject from its joined lines: one line, without "Về việc" and end punctuation."""
    text = joined.collapse().strip()
    m = _VE_VIEC.match(fold(text.text))
    if m:
        text = text[m.end():]
    return text.strip(" .;")


def from_title(seg: Segment) -> str | None:
    hit = _from_title(seg)
    return hit.text if hit else None


def _from_title(seg: Segment) -> Traced | None:
    if seg.title_at is None:
        return None
    parts = _collect(seg.lines, seg.title_at + 1, caps_authority=True)
    if not parts:
        return None
    return _finish(Traced.join(" ", parts))


def from_ve_viec(seg: Segment) -> str | None:
    hit = _from_ve_viec(seg)
    return hit.text if hit else None


def _from_ve_viec(seg: Segment) -> Traced | None:
    lines = header_lines(seg)
    p = patterns()
    for i, line in enumerate(lines):
        m = p.cong_van.match(line.fold)
        if not m:
            continue
        parts = [strip_marks_traced(Traced.of_line(line, m.end()))]
        for nxt in lines[i + 1:]:
            if nxt.blank or _stops(nxt) or nxt.col != line.col or nxt.table != line.table:
                break
            if parts[-1].text.endswith("."):
                break
            if is_upper_line(nxt.text) and not is_upper_line(parts[-1].text or "x"):
                break
            parts.append(strip_marks_traced(Traced.of_line(nxt)))
        text = Traced.join(" ", [x for x in parts if x]).collapse().strip().strip(" .;")
        return text or None
    return None


def extract(seg: Segment, src: Sources | None = None) -> str | None:
    hit = _from_title(seg)
    if not hit:  # an empty subject under the title: the "V/v" line may still give one
        hit = _from_ve_viec(seg)
    if not hit:
        return None
    if src is not None:
        src.set("subject", hit.text, hit.locs())
        src.subject = hit
    return hit.text
