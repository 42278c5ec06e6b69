"""Place and date of issue ("Kiên Giang, ngày 09 tháng 11 năm 2020")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ..model import Line, Segment
from ..normalize import fold
from ..spans import Loc, Traced
from ..units import _vocab, place_name
from .patterns import patterns
from .zone import header_lines


@dataclass
class DatePlace:
    place: str | None
    date: str | None
    line: int
    #: where the place name and the date ("ngày 09 tháng 11 năm 2020") are printed
    place_locs: list[Loc] = field(default_factory=list)
    date_locs: list[Loc] = field(default_factory=list)


def iso_date(d: str | None, m: str | None, y: str | None) -> str | None:
    """ISO date, partial ("2021-03", "2021") where the print leaves parts blank."""
    if not y:
        return None
    year = int(y)
    if not 1900 <= year <= 2100:
        return None
    if not m:
        return f"{year:04d}"
    month = int(m)
    if not 1 <= month <= 12:
        return f"{year:04d}"
    if not d:
        return f"{year:04d}-{month:02d}"
    day = int(d)
    if not 1 <= day <= 31:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def clean_place(raw: str) -> str | None:
    """The place at the end of the text before ", ngày": gazetteer spelling first."""
    hit = place_at(raw)
    return hit[0] if hit else None


def place_at(raw: str) -> tuple[str, int, int] | None:
    """The place at the end of ``raw`` and the words of ``raw`` it was read from (start, end)."""
    cleaned = re.sub(r"[^\w\s.\-]", " ", raw)  # one character for one: offsets stay those of ``raw``
    bounds = [m.span() for m in re.finditer(r"\S+", cleaned)]
    words = [cleaned[a:b] for a, b in bounds]
    if not words:
        return None

    def last(n: int) -> tuple[int, int]:
        return bounds[-n][0], bounds[-1][1]

    fw = [fold(w) for w in words]
    places = _vocab()["places"]
    for n in range(min(5, len(words)), 0, -1):
        key = " ".join(fw[-n:])
        for k, canon in places:  # type: ignore[union-attr]
            if key == k:
                return (canon, *last(n))
    # OCR spellings ("Ha Ngi"): the closest place of the same length of words.
    for n in range(min(4, len(words)), 1, -1):
        key = " ".join(fw[-n:])
        best = max(((fuzz.ratio(key, k), canon) for k, canon in places  # type: ignore[union-attr]
                    if len(k.split()) == n), default=(0, None))
        if best[0] >= 80:
            return (best[1], *last(n))  # type: ignore[return-value]
    tail: list[str] = []
    for w in reversed(words):
        if w[:1].isupper() and w.isalpha():
            tail.insert(0, w)
        else:
            break
        if len(tail) == 4:
            break
    return (place_name(" ".join(tail)), *last(len(tail))) if tail else None


def find_date(lines: list[Line]) -> DatePlace | None:
    p = patterns()
    for i, line in enumerate(lines):
        if line.blank:
            continue
        text, f = Traced.of_line(line), line.fold
        m = p.date.search(f) or p.date_nocomma.match(f)
        if not m:
            # A date line broken in two ("Hà Tĩnh, ngày" / "02 tháng 12 năm 2025").
            nxt = next((x for x in lines[i + 1: i + 3] if not x.blank), None)
            if nxt is None or not ("ngay" in f or f.rstrip().endswith(",")):
                continue
            text, f = text + " " + Traced.of_line(nxt), f + " " + nxt.fold
            m = p.date.search(f) or p.date_nocomma.match(f)
            if not m:
                continue
        a = m.start("place")
        hit = place_at(text.text[a: m.end("place")])
        place_locs = text.locs(a + hit[1], a + hit[2]) if hit else []
        d0 = m.end("place")
        while d0 < m.end() and (f[d0].isspace() or f[d0] == ","):
            d0 += 1
        return DatePlace(place=hit[0] if hit else None, date=iso_date(m["d"], m["m"], m["y"]),
                         line=line.index, place_locs=place_locs, date_locs=text.locs(d0, m.end()))
    return None


def extract(seg: Segment) -> DatePlace | None:
    return find_date(header_lines(seg))
