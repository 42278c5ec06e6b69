"""Last-resort identity for a document whose header did not survive.

Web exports and scans sometimes drop the header. Two patterns still name the
document: its own appendix ("(Kèm theo Công văn số X ngày D của I)" under a
"PHỤ LỤC" heading) and a press-style lead ("Ngày D, I ban hành T số X").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Segment
from ..normalize import collapse_ws
from ..spans import Loc, Traced
from ..units import expand_abbreviations, proper_name, strip_position
from .attached import find_attached
from .dateplace import iso_date
from .number import number_at
from .patterns import patterns


@dataclass
class Identity:
    doc_type: str | None
    number: str | None
    date: str | None
    issuer: str | None
    #: where each value is printed (pieces of lines)
    locs: dict[str, list[Loc]] = field(default_factory=dict, repr=False, compare=False)


def from_appendix(seg: Segment) -> Identity | None:
    att = find_attached(seg.lines)
    if att is None or not att.number or not att.number[:1].isdigit():
        return None
    return Identity(att.doc_type, att.number, att.date, att.issuer, locs=att.locs)


def from_summary(seg: Segment) -> Identity | None:
    p = patterns()
    rx = p.summary
    for line in seg.lines[:12]:
        m = rx.search(line.fold)
        if not m:
            continue
        rest_f = m["rest"]
        rest = Traced.of_line(line, m.start("rest"), m.end("rest"))
        doc_type = None
        locs: dict[str, list[Loc]] = {}
        for key, name in sorted(p.types.items(), key=lambda kv: -len(kv[0])):
            if rest_f.startswith(key + " "):
                doc_type = name
                locs["doc_type"] = rest.locs(0, len(key))
                rest = rest[len(key) + 1:]
                break
        if doc_type is None:
            continue
        rest = rest.lstrip()
        if rest.text.lower().startswith("số"):
            rest = rest[2:].lstrip(" :")
        hit = number_at(rest.text)
        if not hit:
            continue
        number = hit[0]
        locs["number"] = rest.locs(hit[1], hit[2])
        body = collapse_ws(line.text[m.start("body"): m.end("body")])
        issuer = proper_name(expand_abbreviations(strip_position(body)))
        locs["issuer"] = Traced.of_line(line, m.start("body"), m.end("body")).locs()
        date = iso_date(m["d"], m["m"], m["y"])
        if date:
            locs["date"] = Traced.of_line(line, m.start("d"), m.end("y")).locs()
        return Identity(doc_type, number, date, issuer, locs=locs)
    return None
