"""Who leads and who supports, read from a sentence.

"Sở Tư pháp chủ trì, phối hợp với các sở, ban, ngành tỉnh, Báo Bình Định
thực hiện" names a lead (the units the sentence opens with), its role
("chủ trì") and the supporters after "phối hợp với". The same reading serves
a field value written as prose and an assignment in a decision ("Giao Sở Xây
dựng chủ trì, phối hợp với ...").
"""

from __future__ import annotations

import re
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


def read_roles(text: str) -> Roles:
    """Lead and support units of one sentence; empty Roles when it names none."""
    p = patterns()
    t = text.strip()
    m = p["level"].match(fold(t))
    if m:
        t = t[m.end():]
    m = p["opener"].match(fold(t))
    if m:
        t = t[m.end():]
    lead, off = leading_units(t)
    if not lead:
        return Roles(rest=t)
    rest = t[off:]
    roles = Roles(lead=list(lead))
    m = p["role"].match(fold(rest))
    if m:
        rest = rest[m.end():]
        roles.cued = True
    m = p["support"].match(fold(rest))
    if m:
        rest = rest[m.end():]
        roles.cued = True
        support, off2 = leading_units(rest)
        roles.support = list(support)
        rest = rest[off2:]
    roles.rest = rest.strip()
    return roles


def units_of(value: str) -> tuple[list[Unit], list[Unit]]:
    """(lead, support) named by a lead field's value: a list, or sentences.

    A plain list ("Sở Tư pháp, Ủy ban nhân dân cấp huyện, cấp xã") is split
    as a list; lines written as sentences ("UBND cấp huyện, cấp xã xây dựng Kế
    hoạch ...", "Cấp tỉnh: Sở Tư pháp chủ trì, phối hợp với ...") give the
    units they open with, and their "phối hợp với" units as support.
    """
    lead: list[Unit] = []
    support: list[Unit] = []
    for raw in re.split(r"\n(?=\s*[-+•–])", value):  # one item per marked line; wraps rejoined
        raw = re.sub(r"\s*\n\s*", " ", raw)
        line = re.sub(r"^\s*(?:[-+•–]\s*)+", "", raw).strip()
        if not line:
            continue
        roles = read_roles(line)
        if roles.assigns:
            lead += roles.lead
            support += roles.support
        elif roles.lead and len(line) <= _READ_WHOLE:
            lead += roles.lead  # the whole line was read as units already: no second pass
        else:
            lead += split_units(_strip_level(line))
    return lead, support


def _strip_level(text: str) -> str:
    m = patterns()["level"].match(fold(text))
    return text[m.end():] if m else text
