"""Where a document's header ends: the part of a segment the header rules read."""

from __future__ import annotations

from ..model import Line, Segment
from .patterns import patterns


def header_lines(seg: Segment, limit: int = 40) -> list[Line]:
    """Lines above the title, or the first lines up to the body for a công văn.

    Number and date lines stand above the title; a document without a title
    (công văn) ends its header where "Kính gửi" or the body begins.
    """
    if seg.title_at is not None:
        return seg.lines[: seg.title_at]
    p = patterns()
    out = []
    for line in seg.lines[:limit]:
        if p.addressee.match(line.fold) or p.body_start.match(line.fold) and out:
            break
        out.append(line)
    return out


def next_nonblank(lines: list[Line], i: int) -> int | None:
    for j in range(i + 1, len(lines)):
        if not lines[j].blank:
            return j
    return None
