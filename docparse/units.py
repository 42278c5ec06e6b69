"""Names of bodies and units: abbreviation expansion and proper spelling.

Headers print issuers in capitals (``UBND TỈNH KIÊN GIANG``); registries and
people want ``Ủy ban nhân dân tỉnh Kiên Giang``. The vocabularies live in
``rules/bodies.yaml``, ``rules/places.yaml`` and ``rules/abbreviations.yaml``.
"""

from __future__ import annotations

import re
from functools import cache

from . import rules
from .normalize import collapse_ws, fold, is_upper_line


@cache
def _abbrev_re() -> tuple[re.Pattern[str], dict[str, str]]:
    table: dict[str, str] = rules.load("abbreviations")["expand"]
    keys = sorted(table, key=len, reverse=True)
    return re.compile(r"(?<![\w])(" + "|".join(map(re.escape, keys)) + r")(?![\w])"), table


def expand_abbreviations(text: str) -> str:
    """``UBND tỉnh`` → ``Ủy ban nhân dân tỉnh``; whole words only, case-sensitive."""
    pat, table = _abbrev_re()
    return pat.sub(lambda m: table[m.group(1)], text)


@cache
def _vocab() -> dict[str, object]:
    b = rules.load("bodies")
    p = rules.load("places")
    places = list(p.get("provinces", [])) + list(p.get("towns", []))
    return {
        "named": {fold(n): n for n in b["named"]},
        "heads": sorted(((fold(h), h) for h in b["heads"]), key=lambda x: -len(x[0])),
        "fields": sorted(((fold(f), f) for f in b["fields"]), key=lambda x: -len(x[0])),
        "levels": sorted(((fold(lv), lv) for lv in b["levels"]), key=lambda x: -len(x[0])),
        "places": sorted(((fold(x), x) for x in places), key=lambda x: -len(x[0])),
        "positions": sorted(((fold(x), x) for x in b["position_prefixes"]), key=lambda x: -len(x[0])),
    }


def _take(folded: str, table: list[tuple[str, str]]) -> tuple[str, str] | None:
    """Longest entry of ``table`` that ``folded`` starts with, on a word boundary."""
    for key, canon in table:
        if folded == key or folded.startswith(key + " "):
            return key, canon
    return None


def place_name(text: str) -> str:
    """Proper spelling of a place: gazetteer first, else Title Case of each word."""
    f = fold(collapse_ws(text))
    for key, canon in _vocab()["places"]:  # type: ignore[union-attr]
        if f == key:
            return canon
    return " ".join(w[:1].upper() + w[1:].lower() for w in collapse_ws(text).split())


def _proper_rest(rest: str) -> str:
    """Spell what follows a head: a field, a level + place, or plain words."""
    v = _vocab()
    out: list[str] = []
    while rest:
        f = fold(rest)
        hit = _take(f, v["levels"])  # type: ignore[arg-type]
        if hit:
            key, canon = hit
            n = len(key.split())
            words = rest.split()
            place = " ".join(words[n:])
            out.append(canon + (" " + place_name(place) if place else ""))
            break
        hit = _take(f, v["fields"])  # type: ignore[arg-type]
        if hit:
            key, canon = hit
            n = len(key.split())
            out.append(canon)
            rest = " ".join(rest.split()[n:])
            continue
        hit = _take(f, v["places"])  # type: ignore[arg-type]
        if hit and len(hit[0].split()) == len(rest.split()):
            out.append(hit[1])
            break
        words = rest.split()
        first, rest = words[0], " ".join(words[1:])
        out.append(first.lower() if out else first[:1].upper() + first[1:].lower())
    return " ".join(out)


def proper_name(text: str) -> str:
    """Spell a body's name properly; text not in capitals is only tidied.

    >>> proper_name("ỦY BAN NHÂN DÂN TỈNH BÌNH ĐỊNH")
    'Ủy ban nhân dân tỉnh Bình Định'
    """
    raw = collapse_ws(text)
    text = collapse_ws(expand_abbreviations(raw))
    if not text or not is_upper_line(raw):
        return text
    v = _vocab()
    f = fold(text)
    named = v["named"]
    if f in named:  # type: ignore[operator]
        return named[f]  # type: ignore[index]
    hit = _take(f, v["heads"])  # type: ignore[arg-type]
    if hit:
        key, canon = hit
        n = len(key.split())
        rest = " ".join(text.split()[n:])
        return canon + (" " + _proper_rest(rest) if rest else "")
    return _proper_rest(text)


def strip_position(text: str) -> str:
    """``Bộ trưởng Bộ Tư pháp`` → ``Bộ Tư pháp``; ``Chủ tịch UBND tỉnh X`` → the committee."""
    t = collapse_ws(text)
    f = fold(t)
    hit = _take(f, _vocab()["positions"])  # type: ignore[arg-type]
    if hit:
        n = len(hit[0].split())
        rest = " ".join(t.split()[n:])
        if rest:
            return rest
    return t


def join_parent(child: str, parent: str) -> str:
    """Full name of a body printed under its superior body's name.

    ``VĂN PHÒNG`` under ``UBND TỈNH KIÊN GIANG`` is the office *of* that
    committee; a provincial department (``SỞ ...``) under ``UBND TỈNH X`` is
    named with the province only ("Sở Tư pháp tỉnh X"), as registries write it.
    """
    fc, fp = fold(child), fold(parent)
    if fc.startswith("so ") and fp.startswith("uy ban nhan dan "):
        return f"{child} {parent[len('Ủy ban nhân dân '):]}"
    return f"{child} {parent}"
