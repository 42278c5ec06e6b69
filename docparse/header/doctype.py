"""Document type: the title line, else the công văn "V/v", else the symbol."""

from __future__ import annotations

from ..model import Line, Segment
from ..normalize import fold
from ..spans import Loc, Sources, line_loc
from .patterns import patterns, title_type
from .zone import header_lines


def _type_abbr(number: str) -> str:
    """The part of a number's symbol that names its type ("QĐ" of ``148/QĐ-BTP``)."""
    sym = number.rsplit("/", 1)[-1]
    if "-" in number.split("/", 1)[0]:  # party documents: 11-CT/TU
        sym = number.split("/", 1)[0].split("-", 1)[1]
    return sym.split("-", 1)[0]


def type_from_number(number: str | None) -> str | None:
    """``148/QĐ-BTP`` → Quyết định; a công văn's symbol names no type."""
    if not number:
        return None
    return patterns().type_abbr.get(fold(_type_abbr(number)))


def _cong_van_cue(seg: Segment) -> list[Loc] | None:
    """Where the document shows it is a công văn: its "V/v" line, or "Kính gửi" opening it."""
    p = patterns()
    for x in header_lines(seg):
        m = p.cong_van.match(x.fold)
        if m:
            return line_loc(x, *m.span(1))
    for line in seg.lines[:30]:
        if line.blank:
            continue
        m = p.addressee.match(line.fold)
        if m:
            return line_loc(line, *m.span(1))
        if p.body_start.match(line.fold):
            return None
    return None


def has_cong_van_subject(seg: Segment) -> bool:
    p = patterns()
    return any(p.cong_van.match(x.fold) for x in header_lines(seg))


def opens_with_addressee(seg: Segment) -> bool:
    """A document with no type line that opens with "Kính gửi" is a công văn."""
    p = patterns()
    for line in seg.lines[:30]:
        if line.blank:
            continue
        if p.addressee.match(line.fold):
            return True
        if p.body_start.match(line.fold):
            return False
    return False


def _title_locs(seg: Segment) -> list[Loc]:
    """The title line (and the line before when the title is broken: "QUYẾT" / "ĐỊNH")."""
    assert seg.title_at is not None
    lines = seg.lines
    line = lines[seg.title_at]
    out = _stripped(line)
    if title_type(line) is None:
        prev = next((x for x in reversed(lines[:seg.title_at]) if not x.blank), None)
        if prev is not None:
            out = _stripped(prev) + out
    return out


def _stripped(line: Line) -> list[Loc]:
    t = line.text
    a, b = 0, len(t)
    while a < b and (t[a].isspace() or t[a] in "*#_>-–•+"):
        a += 1
    while b > a and (t[b - 1].isspace() or t[b - 1] in "*_"):
        b -= 1
    return line_loc(line, a, b)


def _abbr_locs(seg: Segment, number: str, number_locs: list[Loc]) -> list[Loc]:
    """The type abbreviation inside the printed number, else the whole number."""
    key = fold(_type_abbr(number))
    by_index = {x.index: x for x in seg.lines}
    for ln, a, b in reversed(number_locs):
        line = by_index.get(ln)
        if line is None:
            continue
        f = line.fold[a:b]
        cut = f.rfind("/") + 1 if "-" not in f.split("/", 1)[0] else 0
        k = f.find(key, cut)
        if k >= 0:
            return [(ln, a + k, a + k + len(key))]
    return number_locs


def extract(seg: Segment, number: str | None, src: Sources | None = None) -> str | None:
    out, locs = _extract(seg, number, src)
    if src is not None and out is not None:
        src.set("doc_type", out, locs)
    return out


def _extract(seg: Segment, number: str | None, src: Sources | None) -> tuple[str | None, list[Loc]]:
    if seg.title_type:
        return seg.title_type, _title_locs(seg)
    cue = _cong_van_cue(seg)
    if cue is not None:
        return "Công văn", cue
    number_locs = src.locs("number", number) if src is not None and number else []
    t = type_from_number(number)
    if t:
        return t, _abbr_locs(seg, number, number_locs) if number else []
    return ("Công văn", number_locs) if number else (None, [])
