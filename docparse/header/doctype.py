"""Document type: the title line, else the công văn "V/v", else the symbol."""

from __future__ import annotations

from ..model import Segment
from .patterns import patterns
from .zone import header_lines


def type_from_number(number: str | None) -> str | None:
    """``148/QĐ-BTP`` → Quyết định; a công văn's symbol names no type."""
    if not number:
        return None
    sym = number.rsplit("/", 1)[-1]
    if "-" in number.split("/", 1)[0]:  # party documents: 11-CT/TU
        sym = number.split("/", 1)[0].split("-", 1)[1]
    head = sym.split("-", 1)[0]
    from ..normalize import fold

    return patterns().type_abbr.get(fold(head))


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


def extract(seg: Segment, number: str | None) -> str | None:
    if seg.title_type:
        return seg.title_type
    if has_cong_van_subject(seg) or opens_with_addressee(seg):
        return "Công văn"
    return type_from_number(number) or ("Công văn" if number else None)
