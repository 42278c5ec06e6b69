"""The number and symbol ("Số: 7049/PC-VP"), drafts with a blank sequence kept."""

from __future__ import annotations

import re
from functools import cache

from .. import rules
from ..model import Line, Segment
from ..normalize import fold
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
    m = _PARTY.match(rest)
    if m:
        return f"{m['seq']}-{m['kind']}/{m['body']}"
    m = _NORMAL.match(rest)
    if m and re.search(r"[A-ZĐ]", m["sym"]):
        seq = (m["seq"] or "").replace(".", "")
        year = f"{m['year']}/" if m["year"] else ""
        return f"{seq}/{year}{canonical_symbol(m['sym'])}"
    m = _GLUED.match(rest)
    if m:
        return f"{m['seq']}/{canonical_symbol(m['sym'])}"
    return None


def find_number_line(lines: list[Line]) -> tuple[int, str] | None:
    p = patterns()
    for i, line in enumerate(lines):
        m = p.number.match(line.fold) or p.number_nocolon.match(line.fold)
        if not m:
            continue
        rest = line.text[m.end():]
        j = next_nonblank(lines, i)
        if not rest.strip():
            rest = lines[j].text if j is not None else ""
        elif rest.rstrip().endswith(("-", "/")) and j is not None:
            rest = rest.rstrip() + lines[j].text.strip()  # "3783/QĐ-" / "UBND"
        num = parse_number(rest)
        if num:
            return i, num
    return None


def extract(seg: Segment) -> str | None:
    hit = find_number_line(header_lines(seg))
    return hit[1] if hit else None
