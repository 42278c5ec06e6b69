"""Place and date of issue ("Kiên Giang, ngày 09 tháng 11 năm 2020")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from ..model import Line, Segment
from ..normalize import fold
from ..units import _vocab, place_name
from .patterns import patterns
from .zone import header_lines


@dataclass
class DatePlace:
    place: str | None
    date: str | None
    line: int


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
    words = re.sub(r"[^\w\s.\-]", " ", raw).split()
    if not words:
        return None
    fw = [fold(w) for w in words]
    places = _vocab()["places"]
    for n in range(min(5, len(words)), 0, -1):
        key = " ".join(fw[-n:])
        for k, canon in places:  # type: ignore[union-attr]
            if key == k:
                return canon
    # OCR spellings ("Ha Ngi"): the closest place of the same length of words.
    for n in range(min(4, len(words)), 1, -1):
        key = " ".join(fw[-n:])
        best = max(((fuzz.ratio(key, k), canon) for k, canon in places  # type: ignore[union-attr]
                    if len(k.split()) == n), default=(0, None))
        if best[0] >= 80:
            return best[1]
    tail: list[str] = []
    for w in reversed(words):
        if w[:1].isupper() and w.isalpha():
            tail.insert(0, w)
        else:
            break
        if len(tail) == 4:
            break
    return place_name(" ".join(tail)) if tail else None


def find_date(lines: list[Line]) -> DatePlace | None:
    p = patterns()
    for i, line in enumerate(lines):
        if line.blank:
            continue
        text, f = line.text, line.fold
        m = p.date.search(f) or p.date_nocomma.match(f)
        if not m:
            # A date line broken in two ("Hà Tĩnh, ngày" / "02 tháng 12 năm 2025").
            nxt = next((x for x in lines[i + 1: i + 3] if not x.blank), None)
            if nxt is None or not ("ngay" in f or f.rstrip().endswith(",")):
                continue
            text, f = text + " " + nxt.text, f + " " + nxt.fold
            m = p.date.search(f) or p.date_nocomma.match(f)
            if not m:
                continue
        place = clean_place(text[m.start("place"): m.end("place")])
        return DatePlace(place=place, date=iso_date(m["d"], m["m"], m["y"]), line=line.index)
    return None


def extract(seg: Segment) -> DatePlace | None:
    return find_date(header_lines(seg))
