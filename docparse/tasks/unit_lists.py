"""Lists of units (agencies) split into one :class:`~docparse.model.Unit` each.

A lead/support value such as "Ủy ban nhân dân, Sở Tư pháp các tỉnh, thành phố
trực thuộc Trung ương và các đơn vị có liên quan" is three units, but most of
its commas are not separators: they belong to a name ("Cục Hộ tịch, quốc tịch,
chứng thực"), a scope ("các tỉnh, thành phố"), a list of kinds of body ("các
sở, ban, ngành"). The gazetteer (:mod:`.gazetteer`) marks those spans in one
pass; this module splits on what is left (GOLD.md, TASK):

1. hard separators: ``;``, a line that starts a new item ("- ..."), the colon
   after a list intro ("Các Sở: Tài chính; Tư pháp");
2. soft ones: a comma, or "và" when a unit starts after it, never inside a
   gazetteer span or parentheses;
3. sharing: a bare scope takes the head before it ("UBND cấp huyện, cấp xã"),
   a bare field the head of its intro or neighbour ("Các Sở: Tư pháp"), a
   plural scope at the end is shared by the bare local heads before it
   ("Ủy ban nhân dân, Sở Tư pháp các tỉnh, thành phố ..."), a group prefix by
   the units of the same head after it ("các đơn vị thuộc Bộ Công an, Bộ
   Ngoại giao");
4. cleaning: position titles ("Giám đốc"), role marks ("(chủ trì)"), trailing
   punctuation and field labels are dropped; OCR-damaged names take the
   gazetteer's spelling when they are close to one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache, lru_cache

from ..model import Unit
from ..normalize import collapse_ws, fold, normalize_text
from .gazetteer import (
    FIELD,
    GPREFIX,
    GROUP,
    HEAD,
    KIND,
    KINDWORD,
    LEVEL,
    NAME,
    NOTUNIT,
    PLACE,
    POSITION,
    PRED,
    QUAL,
    SCOPE,
    Match,
    gazetteer,
)

__all__ = ["split_units", "leading_units", "canonical_unit"]

#: Spans whose commas and "và" are not separators.
_PROTECTING = {NAME, GROUP, GPREFIX, KIND, SCOPE, HEAD, FIELD, QUAL, POSITION, PLACE}
#: Spans a predicate never starts inside (in ``leading_units``).
_COVERING = {NAME, GROUP, GPREFIX, KIND, SCOPE, HEAD, FIELD, QUAL, PLACE, POSITION}
#: Entries that may begin a unit.
_UNIT_START = {NAME, HEAD, GROUP, GPREFIX, POSITION, KIND, SCOPE}
#: Entries that make a unit "known" when they cover it.
_KNOWN_PARTS = {NAME, GROUP, GPREFIX, KIND, KINDWORD, SCOPE, HEAD, FIELD, LEVEL, PLACE, QUAL}
_CENTRAL = {"ministries", "central", "ministry_units"}
_MARKERS = {"-", "+", "•", "*", "–", "—", "·"}
_PLURAL = {"các", "những"}
_TRAILING = {",", ";", ".", ":", "/", "-"}
_SENTENCE_END = {".", "!", "?"}
_OPEN_ENDS = _PLURAL | {",", "và", "của", "thuộc"}  # a line ending so goes on with the next
_FUZZY_CUTOFF = 85.0  # for text that lost its marks
_FUZZY_CUTOFF_MARKED = 90.0  # for text that kept them: a unit the gazetteer lacks stays as written


@dataclass
class _Piece:
    """One unit being built: tokens ``[i, j)`` as written, plus shared words."""

    i: int
    j: int
    prefix: str = ""
    suffix: str = ""
    rewrite: str | None = None  # whole name replaced (OCR repair, "các Vụ trưởng" → "các Vụ")
    known: bool = False
    chunk: int = 0  # pieces of one chunk (between hard separators) share a tail


@cache
def _start_words() -> frozenset[str]:
    """First words of the entries whose match :meth:`_Text.starts_unit` takes as a unit's start."""
    g = gazetteer()
    return frozenset().union(*(g.first_words.get(label, ()) for label in (*_UNIT_START, KINDWORD, LEVEL)))


class _Text:
    """One text's tokens and gazetteer matches, with the lookups the splitter asks."""

    def __init__(self, text: str, *, matched: bool = True) -> None:
        g = gazetteer()
        self.g = g
        norm = normalize_text(text)
        if len(norm) != len(text):  # offsets must stay those of the caller's text
            norm = text
        self.text, self.src_start, self.src_end = g.expand(norm)
        self.toks = g.tokens(self.text)
        self.n = len(self.toks)
        if matched:
            self.match()

    def may_start_unit(self, k: int) -> bool:
        """Could a unit begin at token ``k``? False only where :meth:`starts_unit` is false: no entry of
        the gazetteer starts with its word (nor with the word after a plural "các"). Asked before matching."""
        first = _start_words()
        while k < self.n:
            tok = self.toks[k]
            if tok.low in first or fold(tok.text) in first:
                return True
            if tok.low not in _PLURAL:
                return False
            k += 1
        return False

    def match(self) -> None:
        """The gazetteer's matches over the tokens, and the lookups built from them."""
        g = self.g
        self.matches = g.match(self.text, self.toks)
        n = self.n
        self.at: list[list[Match]] = [[] for _ in range(n)]
        self.ending: list[list[Match]] = [[] for _ in range(n + 1)]
        for m in self.matches:
            self.at[m.i].append(m)
            self.ending[m.j].append(m)
        self.inside = [False] * n  # strictly inside a protecting span: not a separator
        self.joined = [False] * n  # continues a protecting span: no new item starts here
        self.covered = [False] * n  # a predicate cannot start here
        for m in self.matches:
            if m.label in _PROTECTING:
                for k in range(m.i + 1, m.j):
                    self.joined[k] = True
                    self.inside[k] = self.inside[k] or k < m.j - 1
            if m.label in _COVERING or (m.label == KINDWORD and self._opens_group(m.i)):
                for k in range(m.i, m.j):
                    self.covered[k] = True
        self.depth = [0] * n  # parenthesis depth
        d = 0
        for k, t in enumerate(self.toks):
            if t.text == ")":
                d = max(0, d - 1)
            self.depth[k] = d
            if t.text == "(":
                d += 1

    def _opens_group(self, k: int) -> bool:
        """Is a kind of body at ``k`` a group's noun ("các cơ quan", "Thủ trưởng cơ quan ...")?"""
        if k == 0 or self.low(k - 1) in _PLURAL | {",", ";", "và"}:
            return True
        return any(m.label == POSITION for m in self.ending[k])

    # ------------------------------------------------------------ lookups

    def low(self, k: int) -> str:
        return self.toks[k].text.lower()

    def first(self, k: int, *labels: str) -> Match | None:
        """Longest match of one of ``labels`` starting at token ``k``."""
        if 0 <= k < self.n:
            for m in self.at[k]:
                if m.label in labels:
                    return m
        return None

    def exactly(self, i: int, j: int, *labels: str) -> Match | None:
        for m in self.at[i] if 0 <= i < self.n else ():
            if m.j == j and m.label in labels:
                return m
        return None

    def capital(self, k: int) -> bool:
        return 0 <= k < self.n and self.toks[k].text[:1].isupper()

    def starts_unit(self, k: int, stop: int) -> bool:
        """Does a unit begin at token ``k`` (before ``stop``)?"""
        if k >= stop:
            return False
        for m in self.at[k]:
            if m.j > stop:
                continue
            if m.label in _UNIT_START:
                return True
            if m.label == KINDWORD and not self.capital(k):
                return True
            if m.label == LEVEL and self.capital(m.j) and m.j < stop:  # "xã Yên Bình"
                return True
        return self.low(k) in _PLURAL and self.starts_unit(k + 1, stop)

    def gap_has_newline(self, k: int) -> bool:
        return k > 0 and "\n" in self.text[self.toks[k - 1].end:self.toks[k].start]

    def words(self, i: int, j: int) -> str:
        if i >= j:
            return ""
        return collapse_ws(self.text[self.toks[i].start:self.toks[j - 1].end])

    def span(self, i: int, j: int) -> tuple[int, int]:
        """Offsets in the caller's text of tokens ``[i, j)``."""
        return self.src_start[self.toks[i].start], self.src_end[self.toks[j - 1].end - 1]


# ---------------------------------------------------------------- splitting


def _chunks(t: _Text, a: int, b: int) -> list[tuple[int, int]]:
    """Split ``[a, b)`` on hard separators: ``;`` and lines that start a new item."""
    out: list[tuple[int, int]] = []
    cur = a
    for k in range(a, b):
        if t.depth[k]:
            continue
        tok = t.toks[k].text
        if tok == ";":
            out.append((cur, k))
            cur = k + 1
        elif k > cur and t.gap_has_newline(k) and not t.joined[k] and (
            tok in _MARKERS or (t.capital(k) and t.starts_unit(k, b) and t.low(k - 1) not in _OPEN_ENDS)
        ):  # a line that starts a unit, after a line that does not leave one open
            out.append((cur, k))
            cur = k
    out.append((cur, b))
    return [(i, j) for i, j in out if i < j]


def _skip_markers(t: _Text, i: int, j: int) -> int:
    while i < j and (t.toks[i].text in _MARKERS or (t.toks[i].text == "+" and i + 1 < j)):
        i += 1
    return i


def _position_end(t: _Text, i: int, j: int) -> tuple[int, int, Match | None]:
    """Skip a title at ``i`` ("Giám đốc", "các Vụ trưởng"); returns (new start, 'các' index, title)."""
    plural = i if i < j and t.low(i) in _PLURAL else -1
    k = i + 1 if plural >= 0 else i
    m = t.first(k, POSITION)
    longest = t.at[k][0] if 0 <= k < t.n and t.at[k] else None
    if m is None or m.j > j or (longest is not None and longest.j > m.j and longest.label != POSITION):
        return i, -1, None
    return m.j, plural, m


def _is_label(t: _Text, i: int, j: int) -> bool:
    """Is ``[i, j)`` a field label or a placeholder ("Đơn vị phối hợp", "Như trên")?"""
    if i >= j:
        return False
    if t.exactly(i, j, NOTUNIT):
        return True
    if _damaged(t.words(i, j)):
        hit = _fuzzy(t.words(i, j))
        return hit is not None and hit[1] == NOTUNIT
    return False


def _intro(t: _Text, i: int, j: int) -> tuple[bool, str | None]:
    """Is ``[i, j)`` (before a colon) a list intro: "Các Sở", "Giám đốc các Sở", "các đơn vị"?

    Returns whether it is, and the head it gives the bare fields or places
    after it: "Sở" for "Các Sở: Tư pháp, Tài chính", "Ủy ban nhân dân tỉnh"
    for "Chủ tịch Ủy ban nhân dân các tỉnh: Hưng Yên, Ninh Bình".
    """
    if _is_label(t, i, j):
        return True, None
    k, _, _ = _position_end(t, i, j)
    head: str | None = None
    seen = False
    while k < j:
        if t.toks[k].text == "," or t.low(k) in _PLURAL:
            k += 1
            continue
        m = t.first(k, HEAD) or t.first(k, KIND, KINDWORD) or (t.first(k, LEVEL) if head else None)
        if m is None or m.j > j:
            return False, None
        if m.label == HEAD and head is None:
            head = m.entry.text
        elif m.label == LEVEL and head is not None:
            head = f"{head} {m.entry.text}"
        seen = True
        k = m.j
    return seen, head


def _intro_before(t: _Text, i: int, colon: int) -> tuple[bool, str | None, int]:
    """Is the last item before a colon a list intro? (is it, its head, where the items before it end)."""
    pieces = _soft_split(t, i, colon)
    nxt = colon + 1
    if not pieces or nxt >= t.n or not any(c.isalpha() for c in t.toks[nxt].text):
        return False, None, i  # nothing follows: the colon only ends the list
    last_i, _ = pieces[-1]
    start = _skip_markers(t, last_i, colon)
    is_intro, head = _intro(t, start, colon)
    if is_intro and head and any(m.label == LEVEL for k in range(start, colon) for m in t.at[k]) \
            and t.first(nxt, PLACE) is None:
        return False, None, i  # "Ủy ban nhân dân các tỉnh:" introduces places, and none follows
    return is_intro, head, (pieces[-2][1] if len(pieces) > 1 else i)


def _group_goes_on(t: _Text, cur: int, nxt: int) -> bool:
    """"các sở, ban, ngành, đơn vị sự nghiệp": kinds listed after "các" make one group."""
    kind = t.first(nxt, KINDWORD, KIND)
    return (kind is not None and not t.capital(nxt) and t.low(cur) in _PLURAL
            and t.first(cur + 1, KIND, KINDWORD) is not None)


def _soft_split(t: _Text, i: int, j: int) -> list[tuple[int, int]]:
    """Split a chunk on commas and "và" that are not part of a name, scope or group."""
    out: list[tuple[int, int]] = []
    cur = i
    for k in range(i, j):
        if t.depth[k] or t.inside[k] or k == cur:
            continue
        tok = t.toks[k].text
        nxt = k + 1
        # A comma separates when a unit (or a capitalised word) follows; "Cục Quản lý, giám sát ..."
        # goes on with a lower-case word the gazetteer does not know as a unit.
        comma = tok == "," and nxt < j and (
            t.starts_unit(nxt, j) or t.capital(nxt) or t.toks[nxt].text in _MARKERS)
        if comma and _group_goes_on(t, cur, nxt):
            continue
        if comma or (tok.lower() == "và" and t.starts_unit(nxt, j)):
            out.append((cur, k))
            cur = nxt
    out.append((cur, j))
    return [(a, b) for a, b in out if a < b]


def _clean(t: _Text, i: int, j: int) -> _Piece | None:
    """Drop markers, titles, role marks and trailing punctuation; None when no unit is left."""
    i = _skip_markers(t, i, j)
    k, plural, title = _position_end(t, i, j)
    if title is not None:
        if k >= j:  # a title alone stands for its unit: "các Vụ trưởng" → "các Vụ"
            if not title.entry.section:
                return None
            unit = ("các " if plural >= 0 else "") + title.entry.section
            return _Piece(i, j, rewrite=unit, known=True)
        i = k
    while i < j:
        last = t.toks[j - 1].text
        if last in _TRAILING:
            j -= 1
        elif last == ")" and t.depth[j - 1] == 0:
            q = j - 2
            while q > i and not (t.toks[q].text == "(" and t.depth[q] == 0):
                q -= 1
            if q <= i or t.starts_unit(q + 1, j - 1):  # "(Trung tâm Phục vụ hành chính công)" stays
                break
            j = q  # a role mark: "(chủ trì)", "(GPMB)", "(để phối hợp)"
        else:
            break
    if i >= j or _is_label(t, i, j):
        return None
    if not any(ch.isalpha() for ch in t.words(i, j)):
        return None
    return _Piece(i, j)


# ---------------------------------------------------------------- sharing heads and tails


def _head(t: _Text, p: _Piece) -> Match | None:
    return None if p.rewrite else t.first(p.i, HEAD)


def _scope_start(t: _Text, p: _Piece) -> tuple[int, Match | None]:
    """Where the piece's trailing scope begins ("cấp huyện", "tỉnh Bình Định"), or ``p.j``."""
    if p.rewrite:
        return p.j, None
    best: Match | None = None
    for m in t.ending[p.j]:
        if m.label == SCOPE and m.i >= p.i and (best is None or m.i < best.i):
            best = m
    if best is not None:
        return best.i, best
    for k in range(p.i + 1, p.j):
        m = t.first(k, LEVEL)
        if m is not None and m.j < p.j and all(t.capital(x) for x in range(m.j, p.j)):
            return k, m
    return p.j, None


def _bare_field(t: _Text, p: _Piece) -> bool:
    return not p.rewrite and t.exactly(p.i, p.j, FIELD) is not None and t.first(p.i, HEAD) is None


def _bare_scope(t: _Text, p: _Piece) -> bool:
    if p.rewrite:
        return False
    if t.exactly(p.i, p.j, SCOPE):
        return True
    m = t.first(p.i, LEVEL)
    return m is not None and m.j < p.j and all(t.capital(x) for x in range(m.j, p.j))


def _local_levels(t: _Text, p: _Piece) -> set[str]:
    h = _head(t, p)
    if h is None:
        return set()
    return t.g.local_heads.get(fold(h.entry.text), set())


def _plain(t: _Text, p: _Piece) -> bool:
    """A local unit with no place of its own ("Ủy ban nhân dân", "Sở Tư pháp")."""
    if p.rewrite or p.suffix:
        return False
    for k in range(p.i, p.j):
        for m in t.at[k]:
            if m.j <= p.j and (m.label in {SCOPE, LEVEL, PLACE, QUAL}
                               or (m.label == NAME and m.entry.section in _CENTRAL)):
                return False
    return True


def _group_prefix(t: _Text, p: _Piece) -> tuple[str, str] | None:
    """"các đơn vị thuộc" + a named unit: the prefix and the unit's head."""
    m = t.first(p.i, GPREFIX)
    if p.rewrite or m is None or m.j >= p.j:
        return None
    h = t.first(m.j, HEAD)
    named = t.first(m.j, NAME)
    if h is None or (named is None and not (h.j < p.j and t.capital(h.j))):
        return None
    return t.words(p.i, m.j), fold(h.entry.text)


def _share(t: _Text, pieces: list[_Piece], intro_heads: dict[int, str]) -> None:
    prev: _Piece | None = None
    prefix: tuple[str, str] | None = None  # the group prefix the previous units shared
    for idx, p in enumerate(pieces):
        if prev is not None and prev.chunk != p.chunk:
            prefix = None  # "các đơn vị thuộc Bộ Công an; Bộ Ngoại giao": ";" ends the sharing
        intro = intro_heads.get(idx)
        if intro and not p.rewrite and t.exactly(p.i, p.j, PLACE):  # "các tỉnh: Hưng Yên, Ninh Bình"
            p.prefix = intro + " "
        elif _bare_field(t, p):
            if intro:
                p.prefix = intro + " "
            elif prev is not None and (h := _head(t, prev)) is not None and t.first(h.j, FIELD):
                p.prefix = prev.prefix + t.words(prev.i, h.j) + " "
        elif _bare_scope(t, p) and prev is not None and _local_levels(t, prev):
            stem_end, _ = _scope_start(t, prev)
            if stem_end > prev.i:
                p.prefix = prev.prefix + t.words(prev.i, stem_end) + " "
        elif prefix is not None and (h := _head(t, p)) is not None and fold(h.entry.text) == prefix[1] \
                and t.first(p.i, GPREFIX) is None and h.j < p.j:
            p.prefix = prefix[0] + " "
        gp = _group_prefix(t, p)
        if gp is not None:
            prefix = gp
        elif not p.prefix.strip():
            prefix = None
        prev = p
    # A plural scope at the end is shared backwards by the plain local units before it.
    pending: tuple[str, str] | None = None
    chunk = -1
    for p in reversed(pieces):
        if p.chunk != chunk:
            chunk, pending = p.chunk, None
        start, m = _scope_start(t, p)
        if m is not None and m.label == SCOPE and t.low(m.i) in _PLURAL:
            pending = (t.words(start, p.j), m.entry.section)
            continue
        if pending is not None and pending[1] in _local_levels(t, p) and _plain(t, p):
            p.suffix = " " + pending[0]
        else:
            pending = None


# ---------------------------------------------------------------- OCR repair


@lru_cache(maxsize=8192)
def _damaged(text: str) -> bool:
    """Text whose diacritics were mostly lost (an OCR copy): few syllables carry a mark.

    Vietnamese marks most syllables ("Sở Tư pháp": 2 of 3); an OCR copy keeps
    few ("Cuc Hb tich, qudc tich": none), and a non-ASCII letter is a mark.
    """
    syllables = [w for w in text.split() if any(c.isalpha() for c in w)]
    if len(syllables) < 2:
        return False
    marked = sum(1 for w in syllables if any(c.isalpha() and not c.isascii() for c in w))
    return marked / len(syllables) < 0.3


@lru_cache(maxsize=1)
def _fuzzy_table() -> tuple[list[str], list[tuple[str, str]]]:
    entries = [e for e in gazetteer().entries if e.label in {NAME, GROUP, NOTUNIT}]
    return [fold(e.text) for e in entries], [(e.text, e.label) for e in entries]


def _fuzzy(text: str, cutoff: float = _FUZZY_CUTOFF) -> tuple[str, str] | None:
    """The gazetteer entry closest to ``text`` (on folds), if close enough: (spelling, label)."""
    from rapidfuzz import fuzz, process

    keys, values = _fuzzy_table()
    hit = process.extractOne(fold(text), keys, scorer=fuzz.ratio, score_cutoff=cutoff)
    return values[hit[2]] if hit else None


def _repair(t: _Text, p: _Piece) -> None:
    """Set ``known``; take the gazetteer's spelling for a name matched only on its fold or close to one."""
    if p.rewrite:
        return
    m = t.exactly(p.i, p.j, NAME, GROUP)
    if m is not None:
        p.known = True
        if not m.exact:  # "Cuc Cong nghe thong tin": the fold matched a name, the marks were lost
            p.rewrite = m.entry.text
        return
    if _covered(t, p):
        p.known = True
        return
    # OCR damage: close to a name of the gazetteer ("Cuc Hb tich, qudc tich, chirng thyc").
    written = t.words(p.i, p.j)
    damaged = _damaged(written)
    hit = _fuzzy(written, _FUZZY_CUTOFF if damaged else _FUZZY_CUTOFF_MARKED)
    if hit is None or hit[1] == NOTUNIT:
        return
    # Text that kept its marks is repaired letter for letter only: "Kho bạc Nhà nước khu vực I"
    # is another unit than "Kho bạc Nhà nước khu vực", not a misspelling of it.
    if damaged or len(hit[0].split()) == len(written.split()):
        p.rewrite, p.known = hit[0], True


def _covered(t: _Text, p: _Piece) -> bool:
    """Do gazetteer entries cover the piece (a head + field, a level and a place, ...)?"""
    named = bool(p.prefix.strip())  # a shared head makes a bare field or scope a name
    k = p.i
    while k < p.j:
        m = next((x for x in t.at[k] if x.label in _KNOWN_PARTS and x.j <= p.j), None)
        if m is not None:
            named = named or m.label in {NAME, HEAD, GROUP, GPREFIX, KIND, KINDWORD}
            k = m.j
        elif t.low(k) in _PLURAL or t.toks[k].text in {",", "-", "và"}:
            k += 1
        else:
            return False
    return named


# ---------------------------------------------------------------- API


def _split(t: _Text, a: int, b: int) -> list[Unit]:
    pieces: list[_Piece] = []
    intro_heads: dict[int, str] = {}
    head: str | None = None
    for chunk, (ci, cj) in enumerate(_chunks(t, a, b)):
        ci = _skip_markers(t, ci, cj)
        colon = next((k for k in range(ci, cj) if t.toks[k].text == ":" and not t.depth[k]), None)
        parts = [(ci, cj, head)]
        if colon is not None:
            is_intro, intro_head, pre_end = _intro_before(t, ci, colon)
            if is_intro:  # "Giám đốc các Sở: Tư pháp, Tài chính": the intro is no unit
                parts = [(ci, pre_end, head), (colon + 1, cj, intro_head or head)]
                head = intro_head or head
            else:
                parts = [(ci, colon, head), (colon + 1, cj, head)]
        for pi, pj, part_head in parts:
            for si, sj in _soft_split(t, pi, pj):
                p = _clean(t, si, sj)
                if p is not None:
                    p.chunk = chunk
                    if part_head:
                        intro_heads[len(pieces)] = part_head
                    pieces.append(p)
    _share(t, pieces, intro_heads)
    units: list[Unit] = []
    for p in pieces:
        _repair(t, p)
        core = p.rewrite if p.rewrite is not None else t.words(p.i, p.j)
        name = collapse_ws(p.prefix + core + p.suffix)
        start, end = t.span(p.i, p.j)
        units.append(Unit(name=name, canonical=canonical_unit(name), start=start, end=end, known=p.known))
    return units


@lru_cache(maxsize=4096)
def _split_cached(text: str) -> tuple[Unit, ...]:
    t = _Text(text)
    return tuple(_split(t, 0, t.n))


def split_units(text: str) -> list[Unit]:
    """A field value or table cell naming units -> one Unit per unit."""
    return [replace(u) for u in _split_cached(text)]


def _predicate(t: _Text, i0: int) -> tuple[int, int]:
    """Token where the predicate starts and its character offset (in the expanded text).

    The predicate starts at the first predicate word of the gazetteer ("chủ
    trì", "có trách nhiệm") outside a unit's name, or earlier at the first verb
    underthesea tags there (for the predicates the gazetteer does not list:
    "tiếp thu", "tiến hành"); a sentence end or a colon closes the units.
    """
    stop, stop_at = t.n, len(t.text)
    cue: int | None = None
    for k in range(i0 + 1, t.n):
        if t.depth[k]:
            continue
        tok = t.toks[k]
        if tok.text in _SENTENCE_END or (t.gap_has_newline(k) and _item_label(t, k)):
            stop, stop_at = k, tok.start
            break
        if tok.text == ":" and not _intro_before(t, i0, k)[0]:
            stop, stop_at = k, (t.toks[k + 1].start if k + 1 < t.n else tok.end)
            break
        if not t.covered[k] and tok.text[:1].islower() and t.first(k, PRED) is not None:
            cue = k
            break
    end = cue if cue is not None else stop
    verb = _first_verb(t, i0, end) if _unexplained(t, i0, end) else None
    if verb is not None:
        return verb, t.toks[verb].start
    if cue is not None:
        return cue, t.toks[cue].start
    return stop, stop_at


def _unexplained(t: _Text, i0: int, end: int) -> bool:
    """Is there a lower-case word between the units and the cue that no name covers?

    Only then can an unlisted verb hide there, so only then is the POS tagger
    (the slow part) asked.
    """
    for k in range(i0 + 1, end):
        tok = t.toks[k].text
        if t.covered[k] or t.depth[k] or not tok[:1].islower() or tok in {"và", "các", "cấp"}:
            continue
        return True
    return False


def _item_label(t: _Text, k: int) -> bool:
    """Does a new item start at token ``k`` ("- ...", "a) ...", "2. ...")?"""
    if t.toks[k].text in _MARKERS:
        return True
    nxt = t.toks[k + 1].text if k + 1 < t.n else ""
    word = t.toks[k].text
    return nxt in {")", "."} and (word.isdigit() or (len(word) == 1 and word.isalpha()))


def _first_verb(t: _Text, i0: int, end: int) -> int | None:
    """The first verb underthesea tags after token ``i0`` and before ``end``, outside names."""
    from underthesea import pos_tag

    if end <= i0 + 1:
        return None
    starts = {tok.start: k for k, tok in enumerate(t.toks)}
    pos = 0
    for word, tag in pos_tag(t.text[:t.toks[end - 1].end]):
        at = t.text.find(word, pos)
        if at < 0:
            continue
        pos = at + len(word)
        k = starts.get(at)
        if k is None or k <= i0 or tag != "V" or t.depth[k] or t.covered[k]:
            continue
        if not t.toks[k].text[:1].islower() or t.first(k, QUAL, KINDWORD, LEVEL, KIND) is not None:
            continue
        if any(m.label == HEAD for m in t.ending[k]):  # "Sở Tư pháp": a field after its head
            continue
        return k
    return None


#: The units of a sentence come first: only a window of its start is read, a
#: short one first and a longer one when the units run to the window's end.
_LEAD_WINDOWS = (160, 420)


def _window(text: str, size: int) -> str:
    if len(text) <= size:
        return text
    cut = text.rfind(" ", 0, size)
    return text[:cut if cut > 0 else size]


@lru_cache(maxsize=4096)
def _leading_cached(text: str) -> tuple[tuple[Unit, ...], int]:
    for size in _LEAD_WINDOWS:
        part = _window(text, size)
        units, offset = _leading_in(part)
        if part == text or (units and offset < len(part.rstrip())):
            return units, offset
    return units, offset


def _leading_in(text: str) -> tuple[tuple[Unit, ...], int]:
    t = _Text(text, matched=False)  # most sentences start with no unit: matched only if one may
    i0 = _skip_markers(t, 0, t.n)
    for lead_in in t.g.lead_ins:
        n = len(lead_in.split())
        if i0 + n < t.n and " ".join(x.text for x in t.toks[i0:i0 + n]) == lead_in:
            i0 += n
            break
    if i0 >= t.n or not t.may_start_unit(i0):
        return (), 0
    t.match()
    if not t.starts_unit(i0, t.n):
        return (), 0
    k, offset = _predicate(t, i0)
    units = _split(t, i0, k)
    if not units:
        return (), 0
    src = t.src_start[offset] if offset < len(t.text) else len(text)
    return tuple(units), src


def leading_units(text: str) -> tuple[list[Unit], int]:
    """The units a sentence starts with, and the offset where its predicate begins.

    "Sở Tư pháp chủ trì, phối hợp với ..." -> ([Sở Tư pháp], offset of "chủ trì").
    Position titles are stripped ("Giám đốc Sở Tư pháp" is "Sở Tư pháp"). The
    predicate starts at the first predicate word of the gazetteer outside a
    unit's name, or at an earlier verb underthesea tags after the units; a
    sentence end, a colon or a new item line closes the units too. A lead-in
    ("Giao", "Đề nghị") is skipped. Returns ([], 0) when the text does not
    start with a unit.
    """
    units, offset = _leading_cached(text)
    return [replace(u) for u in units], offset


def canonical_unit(name: str) -> str:
    """Registry key: abbreviations expanded, case and spacing normalised.

    "UBND cấp huyện" and "Ủy ban nhân dân cấp huyện" (and "Uỷ ban ...") are one key.
    """
    text, _, _ = gazetteer().expand(normalize_text(name))
    return collapse_ws(text.replace("-", " - ")).strip(" ;.,:").lower()
