"""Last-resort identity for a document whose header did not survive.

Web exports and scans sometimes drop the header. Two patterns still name the
document: its own appendix ("(Kèm theo Công văn số X ngày D của I)" under a
"PHỤ LỤC" heading) and a press-style lead ("Ngày D, I ban hành T số X").
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Segment
from ..normalize import collapse_ws
from ..units import expand_abbreviations, proper_name, strip_position
from .attached import find_attached
from .dateplace import iso_date
from .number import parse_number
from .patterns import patterns


@dataclass
class Identity:
    doc_type: str | None
    number: str | None
    date: str | None
    issuer: str | None


def from_appendix(seg: Segment) -> Identity | None:
    att = find_attached(seg.lines)
    if att is None or not att.number or not att.number[:1].isdigit():
        return None
    return Identity(att.doc_type, att.number, att.date, att.issuer)


def from_summary(seg: Segment) -> Identity | None:
    p = patterns()
    rx = p.summary
    for line in seg.lines[:12]:
        m = rx.search(line.fold)
        if not m:
            continue
        rest_f = m["rest"]
        rest = line.text[m.start("rest"): m.end("rest")]
        doc_type = None
        for key, name in sorted(p.types.items(), key=lambda kv: -len(kv[0])):
            if rest_f.startswith(key + " "):
                doc_type = name
                rest = rest[len(key) + 1:]
                break
        if doc_type is None:
            continue
        rest = rest.lstrip()
        if rest.lower().startswith("số"):
            rest = rest[2:].lstrip(" :")
        number = parse_number(rest)
        if not number:
            continue
        body = collapse_ws(line.text[m.start("body"): m.end("body")])
        issuer = proper_name(expand_abbreviations(strip_position(body)))
        return Identity(doc_type, number, iso_date(m["d"], m["m"], m["y"]), issuer)
    return None
