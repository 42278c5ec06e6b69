"""Who leads and who supports, read from a sentence.

"Sở Tư pháp chủ trì, phối hợp với các sở, ban, ngành tỉnh, Báo Bình Định
thực hiện" names a lead (the units the sentence opens with), its role
("chủ trì") and the supporters after "phối hợp với". The same reading serves
a field value written as prose and an assignment in a decision ("Giao Sở Xây
dựng chủ trì, phối hợp với ...").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from ..model import Unit
from ..normalize import fold, fold_alternation
from .fields import config
from .unit_lists import leading_units, split_units

#: Lines this short are read whole by ``leading_units`` (its first window).
_READ_WHOLE = 150


@dataclass
class Roles:
    lead: list[Unit] = field(default_factory=list)
    support: list[Unit] = field(default_factory=list)
    #: where the predicate starts (after the units and role cues)
    rest: str = ""
    #: a role cue ("chủ trì", "phối hợp với") followed the units
    cued: bool = False

    @property
    def assigns(self) -> bool:
        """Units with a role or with something to do: a sentence, not a bare list."""
        return bool(self.lead) and (self.cued or bool(self.rest.strip(" .;,:")))


@cache
def patterns() -> dict[str, re.Pattern[str]]:
    prose = config()["prose"]
    return {
        "opener": re.compile(rf"^\s*(?:{fold_alternation(prose['openers'])})\s+"),
        "role": re.compile(rf"^[\s,:]*(?:{fold_alternation(prose['lead_roles'])})\b[\s,]*"),
        "support": re.compile(rf"^[\s,:]*(?:{fold_alternation(prose['support_cues'])})\s+"),
        "level": re.compile(config()["level_prefix"]),
    }


def _shift(units: list[Unit], by: int) -> list[Unit]:
    """Units whose offsets count from ``by`` characters earlier."""
    if by:
        for u in units:
            u.start += by
            u.end += by
    return units


def read_roles(text: str) -> Roles:
    """Lead and support units of one sentence; empty Roles when it names none.

    The units' ``start``/``end`` are offsets into ``text``.
    """
    p = patterns()
    t = text.strip()
    base = len(text) - len(text.lstrip())
    m = p["level"].match(fold(t))
    if m:
        t = t[m.end():]
        base += m.end()
    m = p["opener"].match(fold(t))
    if m:
        t = t[m.end():]
        base += m.end()
    lead, off = leading_units(t)
    if not lead:
        return Roles(rest=t)
    rest = t[off:]
    at = base + off  # where ``rest`` starts in ``text``
    roles = Roles(lead=_shift(list(lead), base))
    m = p["role"].match(fold(rest))
    if m:
        rest = rest[m.end():]
        at += m.end()
        roles.cued = True
    m = p["support"].match(fold(rest))
    if m:
        rest = rest[m.end():]
        at += m.end()
        roles.cued = True
        support, off2 = leading_units(rest)
        roles.support = _shift(list(support), at)
        rest = rest[off2:]
    roles.rest = rest.strip()
    return roles


_ITEM_LINE = re.compile(r"\n(?=\s*[-+•–])")
_WRAP = re.compile(r"\s*\n\s*")
_MARKS = re.compile(r"^\s*(?:[-+•–]\s*)+")


def units_of(value: str) -> tuple[list[Unit], list[Unit]]:
    """(lead, support) named by a lead field's value: a list, or sentences.

    A plain list ("Sở Tư pháp, Ủy ban nhân dân cấp huyện, cấp xã") is split
    as a list; lines written as sentences ("UBND cấp huyện, cấp xã xây dựng Kế
    hoạch ...", "Cấp tỉnh: Sở Tư pháp chủ trì, phối hợp với ...") give the
    units they open with, and their "phối hợp với" units as support. The
    units' ``start``/``end`` are offsets into ``value``.
    """
    lead: list[Unit] = []
    support: list[Unit] = []
    at = 0
    for raw in _ITEM_LINE.split(value):  # one item per marked line; wraps rejoined
        raw_at, at = at, at + len(raw) + 1
        joined, where = _unwrap(raw)
        marks = _MARKS.match(joined)
        cut = marks.end() if marks else 0
        line = joined[cut:].strip()
        if not line:
            continue
        cut += len(joined[cut:]) - len(joined[cut:].lstrip())
        roles = read_roles(line)
        if roles.assigns:
            lead += _in_value(roles.lead, raw_at, where, cut)
            support += _in_value(roles.support, raw_at, where, cut)
        elif roles.lead and len(line) <= _READ_WHOLE:
            lead += _in_value(roles.lead, raw_at, where, cut)  # the whole line was read as units already
        else:
            level = patterns()["level"].match(fold(line))
            by = level.end() if level else 0
            lead += _in_value(split_units(line[by:]), raw_at, where, cut + by)
    return lead, support


def _in_value(units: list[Unit], raw_at: int, where: Callable[[int], int], cut: int) -> list[Unit]:
    """Offsets of units read in a line (``cut`` characters into its unwrapped item) → in the value."""
    for u in units:
        u.start = raw_at + where(cut + u.start)
        u.end = raw_at + where(cut + u.end - 1) + 1
    return units


def _unwrap(raw: str) -> tuple[str, Callable[[int], int]]:
    """``raw`` with its line breaks (and the spaces around them) made one space, and a map
    from offsets in the result back to offsets in ``raw``."""
    if "\n" not in raw:
        return raw, _same
    pieces: list[tuple[int, int]] = []  # (offset in result, offset in raw) where each kept run starts
    out: list[str] = []
    last = n = 0
    for m in _WRAP.finditer(raw):
        pieces.append((n, last))
        out.append(raw[last:m.start()])
        n += m.start() - last
        pieces.append((n, m.start()))
        out.append(" ")
        n += 1
        last = m.end()
    pieces.append((n, last))
    out.append(raw[last:])
    starts = [a for a, _ in pieces]

    def where(k: int) -> int:
        i = bisect_right(starts, k) - 1
        a, b = pieces[i]
        return b + (k - a)

    return "".join(out), where


def _same(k: int) -> int:
    return k


def _strip_level(text: str) -> str:
    m = patterns()["level"].match(fold(text))
    return text[m.end():] if m else text
