"""The issuing body: the left header column, read as child under parent.

``UBND TỈNH KIÊN GIANG`` / ``VĂN PHÒNG`` is "Văn phòng Ủy ban nhân dân tỉnh
Kiên Giang". When the header prints no issuer (extracts that start at "Số:"),
the authority line above "Căn cứ" ("BỘ TRƯỞNG BỘ TƯ PHÁP") or the symbol with
the place ("…/KH-UBND", "Cao Bằng") names it.
"""

from __future__ import annotations

import re
from functools import cache

from .. import rules
from ..model import Line, Segment
from ..normalize import fold, is_upper_line
from ..spans import Loc, Sources, Traced
from ..units import expand_abbreviations, join_parent, proper_name, strip_position
from .patterns import is_authority, motto_span, patterns, strip_marks_traced, title_type
from .zone import header_lines


@cache
def _fields() -> list[list[str]]:
    """Word runs that never start a body: fields ("NỘI VỤ") and place names ("HẢI PHÒNG")."""
    places = rules.load("places")
    names = [*rules.load("bodies")["fields"], *places.get("provinces", []), *places.get("towns", [])]
    return sorted((fold(f).split() for f in names), key=len, reverse=True)


@cache
def _heads() -> list[list[str]]:
    heads = [fold(h).split() for h in rules.load("bodies")["heads"]]
    heads += [fold(n).split() for n in rules.load("bodies")["named"]]
    return sorted(heads, key=len, reverse=True)


def split_bodies(text: str) -> list[str]:
    """``BỘ TÀI CHÍNH CỤC THUẾ`` → [``BỘ TÀI CHÍNH``, ``CỤC THUẾ``].

    A new body starts where a head word ("Bộ", "Cục", "Sở", "Văn phòng"…)
    begins, once the current body has a name of its own after its head.
    """
    words = text.split()
    fw = [fold(w) for w in words]
    parts: list[list[str]] = []
    i = 0
    own = 0  # words of the current part beyond its head
    while i < len(words):
        if parts:
            # A field's own words ("NỘI VỤ") or a place ("HẢI PHÒNG") may look like a head ("VỤ", "PHÒNG").
            field = next((f for f in _fields() if fw[i: i + len(f)] == f), None)
            if field:
                parts[-1] += words[i: i + len(field)]
                i += len(field)
                own += 1
                continue
        hit = None
        for h in _heads():
            if fw[i: i + len(h)] == h:
                hit = h
                break
        if hit and (not parts or own > 0):
            parts.append(words[i: i + len(hit)])
            i += len(hit)
            own = 0
            continue
        if not parts:
            parts.append([])
        parts[-1].append(words[i])
        own += 1
        i += 1
    return [" ".join(p) for p in parts if p]


def issuer_lines(seg: Segment) -> list[str]:
    """Capital lines of the left header column, above the number line."""
    return [t.text for t in _issuer_pieces(seg)]


def _issuer_pieces(seg: Segment) -> list[Traced]:
    p = patterns()
    out: list[Traced] = []
    for line in header_lines(seg):
        if line.blank:
            continue
        f = line.fold
        if p.number.match(f) or p.cong_van.match(f) or p.date.search(f) or p.addressee.match(f):
            break
        if title_type(line):
            break
        text = Traced.of_line(line)
        cut = motto_span(line)
        if cut is not None:
            text = text[:cut]
        if text.text.strip():
            text = text.strip()
            col = re.search(r"\s{3,}|\t", text.text)  # the left column only
            text = strip_marks_traced(text[:col.start()] if col else text)
        else:
            text = Traced()
        if text and is_upper_line(text.text, min_letters=2) and not re.search(r"\d", text.text):
            out.append(text)
    return out


def from_header(seg: Segment) -> str | None:
    hit = _from_header(seg)
    return hit[0] if hit else None


def _last_words(text: Traced, n: int) -> list[Loc]:
    """Where the last ``n`` words of ``text`` are."""
    words = [m.start() for m in re.finditer(r"\S+", text.text)]
    return text.locs(words[-n] if 0 < n <= len(words) else 0)


def _from_header(seg: Segment) -> tuple[str, list[Loc]] | None:
    pieces = _issuer_pieces(seg)
    if not pieces:
        return None
    joined = Traced.join(" ", pieces).collapse().strip()
    parts = split_bodies(joined.text)
    if not parts:
        return None
    names = [proper_name(x) for x in parts]
    if len(names) == 1:
        return names[0], joined.locs()
    used = len(parts[-1].split()) + len(parts[-2].split())
    return join_parent(names[-1], names[-2]), _last_words(joined, used)


def authority_body(lines: list[Line]) -> str | None:
    """The body named by the authority line ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH")."""
    hit = _authority_body(lines)
    return hit[0] if hit else None


def _authority_body(lines: list[Line]) -> tuple[str, list[Loc]] | None:
    for line in lines:
        if is_authority(line):
            text = strip_marks_traced(Traced.of_line(line))
            body = strip_position(text.text)
            return proper_name(body), _last_words(text, len(body.split()))
    return None


_LEVEL_FOR = {"uy ban nhan dan": "tỉnh", "hoi dong nhan dan": "tỉnh"}
_CITIES = {"ha noi", "ho chi minh", "thanh pho ho chi minh", "hai phong", "da nang", "can tho", "hue"}


def with_place(body: str, place: str | None) -> str:
    """"Ủy ban nhân dân tỉnh" + "Bình Định" → "Ủy ban nhân dân tỉnh Bình Định"."""
    if not place:
        return body
    f = fold(body)
    for head in _LEVEL_FOR:
        if f == head or f in (head + " tinh", head + " thanh pho"):
            level = "thành phố" if fold(place) in _CITIES else "tỉnh"
            return f"{body.split(' tỉnh')[0].split(' thành phố')[0]} {level} {place}".replace(
                "thành phố Thành phố", "thành phố")
    return body


def from_symbol(number: str | None, place: str | None) -> str | None:
    """``3510/KH-UBND`` printed in Cao Bằng → "Ủy ban nhân dân tỉnh Cao Bằng"."""
    if not number or not place:
        return None
    body_abbr = number.rsplit("/", 1)[-1].split("-")[-1]
    full = expand_abbreviations(body_abbr)
    if full != body_abbr and fold(full) in _LEVEL_FOR:
        return with_place(full, place)
    return None


def _symbol_locs(seg: Segment, number: str, number_locs: list[Loc]) -> list[Loc]:
    """The body's abbreviation at the end of the printed number ("UBND" of "3510/KH-UBND")."""
    key = fold(number.rsplit("/", 1)[-1].split("-")[-1])
    by_index = {x.index: x for x in seg.lines}
    for ln, a, b in reversed(number_locs):
        line = by_index.get(ln)
        k = line.fold.rfind(key, a, b) if line is not None else -1
        if k >= 0:
            return [(ln, k, k + len(key))]
    return number_locs


def extract(seg: Segment, number: str | None, place: str | None, src: Sources | None = None) -> str | None:
    name, locs = _extract(seg, number, place, src)
    if src is not None and name is not None:
        src.set("issuer", name, locs)
    return name


def _extract(seg: Segment, number: str | None, place: str | None,
             src: Sources | None) -> tuple[str | None, list[Loc]]:
    hit = _from_header(seg)
    if hit:
        return hit
    place_locs = src.locs("place", place) if src is not None else []
    if seg.title_at is not None:
        # Only the authority line between the subject and the first "Căn cứ".
        zone = []
        for line in seg.lines[seg.title_at + 1: seg.title_at + 25]:
            if patterns().body_start.match(line.fold):
                break
            zone.append(line)
        auth = _authority_body(zone)
        if auth:
            body, locs = auth
            named = with_place(body, place)
            return named, locs + (place_locs if named != body else [])
    name = from_symbol(number, place)
    if name is None:
        return None, []
    number_locs = src.locs("number", number) if src is not None and number else []
    return name, _symbol_locs(seg, number, number_locs) + place_locs  # type: ignore[arg-type]
