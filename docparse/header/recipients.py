"""Recipients: the "Nơi nhận:" list (archive line excluded) and "Kính gửi:"."""

from __future__ import annotations

import re

from ..model import Line, Segment
from ..spans import Loc, Sources, Traced
from .patterns import is_person_name, is_title_line, patterns

_ITEM = re.compile(r"^\s*[-–•+]\s*")


def _clean(item: Traced) -> Traced:
    return item.sub(_ITEM, count=1).collapse().strip().strip(" ;,.")


def _read_list(lines: list[Line], start: int, first_rest: Traced) -> list[tuple[str, list[Loc]]]:
    p = patterns()
    items: list[Traced] = []
    if first_rest.text.strip():
        items.append(first_rest)
    for line in lines[start + 1: start + 60]:
        if line.blank:
            continue
        tt = Traced.of_line(line).strip()
        t = tt.text
        f = line.fold.strip()
        body = _ITEM.sub("", f)
        if p.archive.match(body):
            break
        if p.signer_mode.match(body) or is_title_line(t):
            continue  # the signature column interleaved with the list
        if is_person_name(t):
            continue
        if _ITEM.match(t):
            items.append(tt)
        elif items and not re.search(r"[;.]\s*$", items[-1].text):
            items[-1] = items[-1] + " " + tt
        else:
            break
    cleaned = (_clean(x) for x in items)
    return [(c.text, c.locs()) for c in cleaned if c]


def extract(seg: Segment, src: Sources | None = None) -> list[str]:
    p = patterns()
    out: list[tuple[str, list[Loc]]] = []
    lines = seg.lines
    for i, line in enumerate(lines):
        m = p.addressee.match(line.fold)
        if m and not out:
            rest = Traced.of_line(line, m.end()).lstrip(" :")
            out += _read_list(lines, i, rest)
    for i, line in enumerate(lines):
        m = p.recipients.match(line.fold)
        if m:
            rest = Traced.of_line(line, m.end()).lstrip(" :")
            # The right column (the signer's title) may share the line.
            if rest.text and (is_title_line(rest.text) or p.signer_mode.match(rest.text.lower())):
                rest = Traced()
            got = _read_list(lines, i, rest)
            seen = [v for v, _ in out]
            out += [x for x in got if x[0] not in seen]
            break
    if src is not None:
        for value, locs in out:
            src.add("recipients", value, locs)
    return [v for v, _ in out]
