"""The number and symbol ("Số: 7049/PC-VP"), drafts with a blank sequence kept."""

from __future__ import annotations

import re
from functools import cache

from .. import rules
from ..model import Line, Segment
from ..normalize import fold
from ..spans import Loc, Sources, Traced
from .patterns import patterns
from .zone import header_lines, next_nonblank

_NORMAL = re.compile(
    r"^\s*(?P<seq>\d[\d.]*)?\s*(?:/\s*(?P<year>(?:19|20)\d\d)\s*)?/\s*(?P<sym>[^\W\d_][\w]*(?:\s*-\s*[\w]+)*)")
_GLUED = re.compile(r"^\s*(?P<seq>\d+)(?P<sym>[A-ZĐ][\w]*(?:-[\w]+)+)")
_PARTY = re.compile(r"^\s*(?P<seq>\d+)\s*-\s*(?P<kind>[A-ZĐ][\w]*)\s*/\s*(?P<body>[A-ZĐ][\w]*(?:-[\w]+)*)")


@cache
def _abbr_by_fold() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for t in rules.load("doc_types")["types"]:
        for a in t.get("abbr", []):
            out.setdefault(fold(a), set()).add(a)
    return out


def canonical_symbol(sym: str) -> str:
    """Tidy a symbol: no spaces, OCR noise before the first capital dropped,
    and a type abbreviation that lost its diacritic restored (QD → QĐ)."""
    sym = re.sub(r"\s+", "", sym).strip(".,;:")
    sym = re.sub(r"^[a-zđ]+(?=[A-ZĐ])", "", sym)
    parts = sym.split("-")
    head = parts[0]
    if head.isascii():
        cands = _abbr_by_fold().get(fold(head), set())
        if len(cands) == 1:
            parts[0] = next(iter(cands))
    return "-".join(parts)


def parse_number(rest: str) -> str | None:
    """The number from the text after "Số:"; None when it holds no symbol."""
    hit = number_at(rest)
    return hit[0] if hit else None


def number_at(rest: str) -> tuple[str, int, int] | None:
    """The number from the text after "Số:" and where it is printed in ``rest`` (start, end)."""
    m = _PARTY.match(rest)
    if m:
        return f"{m['seq']}-{m['kind']}/{m['body']}", m.start("seq"), m.end()
    m = _NORMAL.match(rest)
    if m and re.search(r"[A-ZĐ]", m["sym"]):
        seq = (m["seq"] or "").replace(".", "")
        year = f"{m['year']}/" if m["year"] else ""
        return f"{seq}/{year}{canonical_symbol(m['sym'])}", _lead(rest, m.start()), m.end()
    m = _GLUED.match(rest)
    if m:
        return f"{m['seq']}/{canonical_symbol(m['sym'])}", m.start("seq"), m.end()
    return None


def _lead(text: str, a: int) -> int:
    while a < len(text) and text[a].isspace():
        a += 1
    return a


def find_number_line(lines: list[Line]) -> tuple[int, str] | None:
    hit = read_number_line(lines)
    return (hit[0], hit[1]) if hit else None


def read_number_line(lines: list[Line]) -> tuple[int, str, list[Loc]] | None:
    """(position in ``lines``, number, where it is printed) of the "Số:" line."""
    p = patterns()
    for i, line in enumerate(lines):
        m = p.number.match(line.fold) or p.number_nocolon.match(line.fold)
        if not m:
            continue
        rest = Traced.of_line(line, m.end())
        j = next_nonblank(lines, i)
        if not rest.text.strip():
            rest = Traced.of_line(lines[j]) if j is not None else Traced()
        elif rest.text.rstrip().endswith(("-", "/")) and j is not None:
            rest = rest.rstrip() + Traced.of_line(lines[j]).strip()  # "3783/QĐ-" / "UBND"
        hit = number_at(rest.text)
        if hit:
            num, a, b = hit
            return i, num, rest.locs(a, b)
    return None


def extract(seg: Segment, src: Sources | None = None) -> str | None:
    hit = read_number_line(header_lines(seg))
    if hit and src is not None:
        src.set("number", hit[1], hit[2])
    return hit[1] if hit else None
