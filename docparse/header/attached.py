"""The decision that issues this document: "(Ban hành kèm theo Quyết định số X ngày D …)"."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Line
from ..normalize import collapse_ws
from ..spans import Loc, Traced
from ..units import expand_abbreviations, proper_name, strip_position
from .dateplace import iso_date
from .number import number_at
from .patterns import patterns

_NUM = re.compile(r"\bs[o0-9]\s*:?\s*|\b(?=\d|/)")
_DATE = re.compile(r"ng\w{0,2}y\s*(?P<d>\d{1,2})?\s*(?:th\w{1,3}ng|/)\s*(?P<m>\d{1,2})?\s*(?:n\w{1,2}m|/)\s*(?P<y>\d{4})")
#: "... của Bộ Tư pháp)": the body ends on a non-space, so trailing spaces are not backtracked over (cubic).
_ISSUER = re.compile(r"\bc\w{1,2}a\s+(?P<body>\S(?:.*\S)?)[\s)]*$")


@dataclass
class Attached:
    doc_type: str | None
    number: str | None
    date: str | None
    issuer: str | None
    line: int
    #: where each value is printed (pieces of lines)
    locs: dict[str, list[Loc]] = field(default_factory=dict, repr=False, compare=False)


def find_attached(lines: list[Line]) -> Attached | None:
    """The attachment line within the first lines after the title."""
    p = patterns()
    for i, line in enumerate(lines):
        text, f = Traced.of_line(line), line.fold
        if not p.attached.match(f):
            # "(Kèm" / "theo Công văn số …": the cue broken over two lines.
            nxt = next((x for x in lines[i + 1: i + 2] if not x.blank), None)
            if len(f.strip()) > 12 or nxt is None or not p.attached.match(f + " " + nxt.fold):
                continue
        for nxt in lines[i + 1: i + 4]:  # the line often wraps
            if text.text.rstrip().endswith(")"):
                break
            if not nxt.blank:
                text, f = text + " " + Traced.of_line(nxt), f + " " + nxt.fold
        locs: dict[str, list[Loc]] = {}
        m = re.search(r"kem\s+theo\s+(\w+(?:\s+\w+)?)\s+", f)
        cut = m.end() if m else 0
        doc_type = p.types.get(m.group(1)) if m else None
        if m and doc_type:
            locs["doc_type"] = text.locs(*m.span(1))
        number = None
        nm = re.match(r"\s*(?:s[o0-9]\s*:?\s*)?", f[cut:])
        if nm:
            after = cut + nm.end()
            hit = number_at(text.text[after:])
            if hit:
                number = hit[0]
                locs["number"] = text.locs(after + hit[1], after + hit[2])
        dm = _DATE.search(f)
        date = iso_date(dm["d"], dm["m"], dm["y"]) if dm else None
        if dm and date:
            locs["date"] = text.locs(*dm.span())
        im = _ISSUER.search(text.text)
        issuer = None
        if im:
            body = collapse_ws(im["body"]).rstrip(").*_ ")
            issuer = proper_name(expand_abbreviations(strip_position(body)))
            raw = text[im.start("body"):im.end("body")].rstrip(").*_ \t")
            locs["issuer"] = raw.locs()
        return Attached(doc_type=doc_type, number=number, date=date, issuer=issuer, line=line.index,
                        locs=locs)
    return None
