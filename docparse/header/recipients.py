"""Recipients: the "Nơi nhận:" list (archive line excluded) and "Kính gửi:"."""

from __future__ import annotations

import re

from ..model import Line, Segment
from ..normalize import collapse_ws
from .patterns import is_person_name, is_title_line, patterns

_ITEM = re.compile(r"^\s*[-–•+]\s*")


def _clean(item: str) -> str:
    item = collapse_ws(_ITEM.sub("", item))
    return item.strip(" ;,.")


def _read_list(lines: list[Line], start: int, first_rest: str) -> list[str]:
    p = patterns()
    items: list[str] = []
    if first_rest.strip():
        items.append(first_rest)
    for line in lines[start + 1: start + 60]:
        if line.blank:
            continue
        t = line.text.strip()
        f = line.fold.strip()
        body = _ITEM.sub("", f)
        if p.archive.match(body):
            break
        if p.signer_mode.match(body) or is_title_line(t):
            continue  # the signature column interleaved with the list
        if is_person_name(t):
            continue
        if _ITEM.match(t):
            items.append(t)
        elif items and not re.search(r"[;.]\s*$", items[-1]):
            items[-1] += " " + t
        else:
            break
    return [c for c in (_clean(x) for x in items) if c]


def extract(seg: Segment) -> list[str]:
    p = patterns()
    out: list[str] = []
    lines = seg.lines
    for i, line in enumerate(lines):
        m = p.addressee.match(line.fold)
        if m and not out:
            rest = line.text[m.end():].lstrip(" :")
            out += _read_list(lines, i, rest)
    for i, line in enumerate(lines):
        m = p.recipients.match(line.fold)
        if m:
            rest = line.text[m.end():].lstrip(" :")
            # The right column (the signer's title) may share the line.
            if rest and (is_title_line(rest) or p.signer_mode.match(rest.lower())):
                rest = ""
            got = _read_list(lines, i, rest)
            out += [x for x in got if x not in out]
            break
    return out
