"""Recipients: the "Nơi nhận:" list (archive line excluded) and "Kính gửi:"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .. import rules
from ..model import Line, Segment
from ..normalize import fold
from ..spans import Loc, Sources, Traced
from .patterns import is_person_name, is_title_line, patterns

_ITEM = re.compile(r"^\s*[-–•+]\s*")
#: An item that goes on: it ends in a comma, a dash, a colon or a joining word.
_OPEN_END = re.compile(r"([,\-–/:]|\b(?:va|cua|cac|voi|thuoc|tai|tren|ve|cho))\s*$")


@dataclass(frozen=True)
class _Addressee:
    """Where the "Kính gửi:" block ends (``rules/header.yaml``: ``addressee_*``)."""

    end: tuple[re.Pattern[str], ...]
    max_words: int


@cache
def _addressee() -> _Addressee:
    h = rules.load("header")
    return _Addressee(
        end=tuple(re.compile(x) for x in h.get("addressee_end", [])),
        max_words=int(h.get("addressee_max_words", 40)),
    )


def _clean(item: Traced) -> Traced:
    return item.sub(_ITEM, count=1).collapse().strip().strip(" ;,.")


def _first_letter_upper(text: str) -> bool:
    first = next((c for c in text if c.isalpha()), "")
    return first.isupper()


def body_begins(line: Line, gap: bool, last: str | None) -> bool:
    """The line opens the letter's body, which ends the "Kính gửi:" block.

    ``gap``: a blank line stands before it; ``last``: the item read so far
    (None when the block has none yet). The body begins at a body-start line
    ("Căn cứ", "Thực hiện" ...) or another set opening of a công văn ("...
    nhận được văn bản số", "Trả lời", "Xét"), both in capitals; at a line of
    prose longer than any addressee; or, after a blank line, at a capitalised
    line that is not a dash item while the item before it is complete.
    """
    p = patterns()
    a = _addressee()
    t = line.text.strip()
    f = line.fold.strip()
    if len(t.split()) > a.max_words:
        return True
    if _first_letter_upper(t) and (p.body_start.match(f) or any(x.match(f) for x in a.end)):
        return True
    return bool(gap and last is not None and not _ITEM.match(t) and _first_letter_upper(t)
                and not _OPEN_END.search(fold(last[-40:])))


def _read_list(lines: list[Line], start: int, first_rest: Traced,
               addressee: bool = False) -> list[tuple[str, list[Loc]]]:
    """The items under a "Nơi nhận:" (or, ``addressee``, "Kính gửi:") line, from ``first_rest`` on.

    The "Nơi nhận:" list shares its lines with the signature column, whose
    lines are skipped; the "Kính gửi:" list stands above the body, which ends
    it (:func:`body_begins`), and may start with an undashed line.
    """
    p = patterns()
    items: list[Traced] = []
    if first_rest.text.strip():
        items.append(first_rest)
    gap = False
    for line in lines[start + 1: start + 60]:
        if line.blank:
            gap = True
            continue
        tt = Traced.of_line(line).strip()
        t = tt.text
        f = line.fold.strip()
        body = _ITEM.sub("", f)
        if p.archive.match(body):
            break
        if addressee:
            if p.signer_mode.match(body) or body_begins(line, gap, items[-1].text if items else None):
                break
        else:
            if p.signer_mode.match(body) or is_title_line(t):
                continue  # the signature column interleaved with the list
            if is_person_name(t):
                continue
        gap = False
        if _ITEM.match(t) or addressee and not items:
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
            out += _read_list(lines, i, rest, addressee=True)
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
