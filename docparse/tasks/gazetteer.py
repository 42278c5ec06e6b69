"""The unit gazetteer (``rules/units.yaml``) and the one pass that finds its entries in a text.

Splitting "Cục Hộ tịch, quốc tịch, chứng thực, Sở Tư pháp các tỉnh, thành phố
trực thuộc Trung ương" needs to know which commas belong to a name; that
knowledge is data (names, generic groups, scopes, heads), matched here in one
pass with spaCy's :class:`~spacy.matcher.PhraseMatcher`, which finds every
entry of a few thousand phrases in one walk over the tokens.

Tokens are syllables: underthesea's CRF segments the same name differently
by context ("Ủy ban nhân dân" is one word in one sentence and "Ủy" + "ban nhân
dân" in the next; "Khoa học và" is glued before "Công nghệ"), so a name made
of words would be missed where the segmentation moved, while a name made of
syllables is found wherever it is. underthesea's word boundaries are asked
only of short entries (a predicate, a level, a qualifier, a one-word head),
so that "trình" in "quy trình" or "xã" in "xã hội" is not taken for one; the
segmenter runs on an item only when such a match needs its answer (it costs
about 30 µs a syllable, more than everything else here together). Two
matchers run: one on lower case, one on the diacritic-free fold (OCR text
that lost its marks still matches), spans mapped back to character offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from .. import rules
from ..normalize import fold, normalize_text

# Labels of gazetteer entries (see rules/units.yaml).
NAME, GROUP, GPREFIX, KIND, KINDWORD = "NAME", "GROUP", "GPREFIX", "KIND", "KINDWORD"
SCOPE, HEAD, FIELD, LEVEL, PLACE = "SCOPE", "HEAD", "FIELD", "LEVEL", "PLACE"
QUAL, POSITION, PRED, NOTUNIT = "QUAL", "POSITION", "PRED", "NOTUNIT"

#: Entries that are single common words and must sit on underthesea's word boundaries.
_WORD_ALIGNED = {PRED, QUAL, LEVEL, KINDWORD}
#: Entries that name a body and therefore start with a capital in running text.
_CAPITALISED = {HEAD, NAME, FIELD, PLACE}


@dataclass(frozen=True)
class Entry:
    label: str
    text: str  #: the gazetteer's spelling
    section: str = ""  #: names: the section; scopes: the level; positions: the unit it stands for


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    item_start: int  #: the ``;``/line-separated item the token is in (segmentation is per item)
    item_end: int
    known: bool = False  #: the item is a whole known name: every syllable counts as aligned
    low: str = ""  #: lower case, for dictionary look-ups


@dataclass(frozen=True)
class Match:
    """An entry found over tokens ``[i, j)``; ``exact`` when lower case agrees, not only the fold."""

    entry: Entry
    i: int
    j: int
    exact: bool

    @property
    def label(self) -> str:
        return self.entry.label


def _tokenize_plain(text: str) -> list[str]:
    from underthesea.pipeline.word_tokenize.regex_tokenize import tokenize

    return tokenize(text, use_token_normalize=False)


def _entries() -> list[Entry]:
    g = rules.load("units")
    b = rules.load("bodies")
    p = rules.load("places")
    out: list[Entry] = []
    for section, names in (g.get("names") or {}).items():
        out += [Entry(NAME, n, section) for n in names]
    out += [Entry(NAME, n, "central") for n in b.get("named", [])]
    for section, names in (g.get("groups") or {}).items():
        out += [Entry(GROUP, n, section) for n in names]
    out += [Entry(GPREFIX, n) for n in g.get("group_prefixes", [])]
    out += [Entry(KIND, n) for n in g.get("kinds", [])]
    out += [Entry(KINDWORD, n) for n in g.get("kind_words", [])]
    for level, scopes in (g.get("scopes") or {}).items():
        out += [Entry(SCOPE, s, level) for s in scopes]
    heads = list(dict.fromkeys([*b.get("heads", []), *g.get("heads", []), *g.get("local_heads", {})]))
    out += [Entry(HEAD, h) for h in heads]
    out += [Entry(FIELD, f) for f in b.get("fields", [])]
    out += [Entry(LEVEL, lv) for lv in b.get("levels", [])]
    out += [Entry(PLACE, x) for x in [*p.get("provinces", []), *p.get("towns", [])]]
    out += [Entry(QUAL, q) for q in g.get("qualifiers", [])]
    out += [Entry(PRED, x) for x in g.get("predicates", [])]
    out += [Entry(NOTUNIT, x) for x in g.get("not_units", [])]
    units_of = g.get("position_units", {})
    head_words = {h.lower() for h in heads}
    titles: list[str] = []
    for t in [*b.get("position_prefixes", []), *g.get("positions", [])]:
        words = t.split()
        # "Chánh Văn phòng" names an issuer in headers; in a list the title is
        # "Chánh" and "Văn phòng ..." is the unit.
        for k in range(1, len(words)):
            if " ".join(words[k:]).lower() in head_words:
                t = " ".join(words[:k])
                break
        titles.append(t)
    out += [Entry(POSITION, t, units_of.get(t, "")) for t in dict.fromkeys(titles)]
    return out


class Gazetteer:
    """The entries of rules/units.yaml (+ bodies, places) and their matchers; built once."""

    def __init__(self) -> None:
        import spacy
        from spacy.matcher import PhraseMatcher

        g = rules.load("units")
        self.entries = _entries()
        self.nlp = spacy.blank("xx")
        self.vocab = self.nlp.vocab
        self._lower = PhraseMatcher(self.vocab, attr="LOWER")
        self._fold = PhraseMatcher(self.vocab, attr="ORTH")
        self._by_key: dict[int, Entry] = {}
        seen: set[str] = set()
        first: dict[str, set[str]] = {}
        for e in self.entries:
            words = _tokenize_plain(e.text)
            key = f"{e.label}|{e.section}|{e.text}"
            if not words or key in seen:
                continue
            seen.add(key)
            first.setdefault(e.label, set()).update((words[0].lower(), fold(words[0])))
            self._lower.add(key, [self._doc(words)])
            self._fold.add(key, [self._doc([fold(w) for w in words])])
            self._by_key[self.vocab.strings[key]] = e
        self.local_heads: dict[str, set[str]] = {
            fold(h): set(levels) for h, levels in (g.get("local_heads") or {}).items()
        }
        self.lead_ins: list[str] = list(g.get("lead_ins", []))
        #: By label, the first word of its entries, lower case and folded: no match of the label starts
        #: on any other token, which lets a reader skip matching a text whose first word starts none.
        self.first_words = {label: frozenset(words) for label, words in first.items()}
        # Items that are a whole known name need no segmenter to be read.
        self.whole_names = {e.text.lower() for e in self.entries if e.label in (NAME, GROUP)}
        abbrevs = {**rules.load("abbreviations").get("expand", {}), **(g.get("abbreviations") or {})}
        keys = sorted(abbrevs, key=len, reverse=True)
        self._abbrev_re = re.compile(r"(?<![\w&])(" + "|".join(map(re.escape, keys)) + r")(?![\w&])")
        self._abbrevs = abbrevs
        self.size = len({(e.label, e.text) for e in self.entries}) + len(abbrevs)

    def _doc(self, words: list[str]):  # -> spacy.tokens.Doc
        from spacy.tokens import Doc

        return Doc(self.vocab, words=words, spaces=[True] * len(words))

    # ------------------------------------------------------------ text → tokens

    def expand(self, text: str) -> tuple[str, list[int], list[int]]:
        """Abbreviations expanded, with each character's source span in ``text``.

        Matching runs on the expanded text ("UBND" is "Ủy ban nhân dân" to the
        gazetteer); ``src_start[i]``/``src_end[i]`` give back where character
        ``i`` came from, so a unit's offsets are offsets into what the caller gave.
        """
        parts: list[str] = []
        src_start: list[int] = []
        src_end: list[int] = []
        pos = 0
        for m in self._abbrev_re.finditer(text):
            parts.append(text[pos:m.start()])
            src_start.extend(range(pos, m.start()))
            src_end.extend(range(pos + 1, m.start() + 1))
            rep = self._abbrevs[m.group(1)]
            parts.append(rep)
            src_start.extend([m.start()] * len(rep))
            src_end.extend([m.end()] * len(rep))
            pos = m.end()
        parts.append(text[pos:])
        src_start.extend(range(pos, len(text)))
        src_end.extend(range(pos + 1, len(text) + 1))
        return "".join(parts), src_start, src_end

    def tokens(self, text: str) -> list[Token]:
        """Syllable tokens of ``text``, each knowing its ``;``- or line-separated item.

        No unit name spans a ``;`` or a line break, and segmenting item by item
        lets a plan that names the same units task after task be segmented once.
        """
        out: list[Token] = []
        for m in _ITEMS.finditer(text):
            base, end, item = m.start(), m.end(), m.group()
            known = item.strip(" .,:").lower() in self.whole_names
            out += [Token(r.start() + base, r.end() + base, r.group(), base, end, known, r.group().lower())
                    for r in _TOKEN.finditer(item)]
        return out

    @staticmethod
    def aligned(text: str, tokens: list[Token], i: int, j: int) -> bool:
        """Do tokens ``[i, j)`` start and end on underthesea's word boundaries?

        Cheap rule first: the segmenter can only move a boundary where a word
        could cross it, that is where the syllables across it make a word of
        underthesea's dictionary, or two capitalised syllables meet (the CRF
        glues proper names). Anywhere else the span is aligned without asking;
        most spans a list of units asks about are. Where it must ask, it is
        shown three syllables either side of the boundary, not the whole item
        (over the corpus, 1 answer in 2,187 differs from segmenting the whole
        item; with two either side, 163 do).
        """
        a, b = tokens[i], tokens[j - 1]
        return (a.known and b.known) or (_boundary(text, tokens, i) and _boundary(text, tokens, j))

    def match(self, text: str, tokens: list[Token]) -> list[Match]:
        """Every gazetteer entry over ``tokens`` of ``text``, on lower case and on the fold, in one pass each."""
        if not tokens:
            return []
        words = [t.text for t in tokens]
        found: dict[tuple[int, int, int], bool] = {}
        for key, i, j in self._lower(self._doc(words)):
            found[(key, i, j)] = True
        folded = fold(text)  # one translate for the text, not one per token (same length)
        for key, i, j in self._fold(self._doc([folded[t.start:t.end] for t in tokens])):
            found.setdefault((key, i, j), False)
        marked = [any(c.isalpha() and not c.isascii() for c in t.text) for t in tokens]
        out: list[Match] = []
        for (key, i, j), exact in found.items():
            if not exact and sum(marked[i:j]) > 0.3 * (j - i):
                continue  # the fold alone matched words that kept their marks: "Đối" is not "Đội"
            e = self._by_key[key]
            if e.label in _CAPITALISED and not tokens[i].text[:1].isupper():
                continue
            if e.label in _WORD_ALIGNED and not self.aligned(text, tokens, i, j):
                continue  # "trình" in "quy trình", "xã" in "xã hội"
            named_next = j < len(tokens) and tokens[j].text[:1].isupper()
            if e.label == HEAD and j - i == 1 and not named_next and not self.aligned(text, tokens, i, j):
                continue  # "Báo" in "Báo cáo", "Ban" in "Ban hành"; "Bộ Tư pháp" glued by the CRF is a head
            out.append(Match(e, i, j, exact))
        out.sort(key=lambda m: (m.i, -(m.j - m.i)))
        return out


_ITEMS = re.compile(r"[^;\n]+|[;\n]")


_TOKEN = re.compile(r"\w+(?:[&/.]\w+)*|[^\w\s]")


#: Syllables either side of a boundary that the segmenter is shown.
_CONTEXT = 3
#: Longest dictionary word looked for across a boundary, in syllables.
_LONGEST_WORD = 4


@cache
def _dictionary() -> frozenset[str]:
    """underthesea's word list (words of two syllables or more), lower case and folded."""
    from importlib.resources import files

    path = files("underthesea.corpus") / "data" / "Viet74K.txt"
    out: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        w = normalize_text(line.strip()).lower()
        if " " in w:
            out.add(w)
            out.add(fold(w))
    return frozenset(out)


def _may_cross(tokens: list[Token], k: int) -> bool:
    """Could a word of the segmenter span the boundary before token ``k``?"""
    if k <= 0 or k >= len(tokens) or tokens[k - 1].item_start != tokens[k].item_start:
        return False
    if tokens[k - 1].text[:1].isupper() and tokens[k].text[:1].isupper():
        return True
    words = _dictionary()
    item = tokens[k].item_start
    for lo in range(max(0, k - _LONGEST_WORD + 1), k):
        for hi in range(k + 1, min(len(tokens), lo + _LONGEST_WORD) + 1):
            if tokens[lo].item_start != item or tokens[hi - 1].item_start != item:
                continue
            if " ".join(t.low for t in tokens[lo:hi]) in words:
                return True
    return False


def _boundary(text: str, tokens: list[Token], k: int) -> bool:
    """Does a word of the segmenter start at token ``k`` (end before it)?"""
    if not _may_cross(tokens, k):
        return True
    item = tokens[k].item_start
    lo, hi = k - 1, k
    while lo > 0 and k - lo < _CONTEXT and tokens[lo - 1].item_start == item:
        lo -= 1
    while hi + 1 < len(tokens) and hi - k + 1 < _CONTEXT and tokens[hi + 1].item_start == item:
        hi += 1
    base = tokens[lo].start
    starts, _ = _word_bounds(text[base:tokens[hi].end])
    return tokens[k].start - base in starts


@lru_cache(maxsize=8192)
def _word_bounds(item: str) -> tuple[frozenset[int], frozenset[int]]:
    """Where underthesea's words start and end in ``item`` (character offsets)."""
    from underthesea import word_tokenize

    starts: set[int] = set()
    ends: set[int] = set()
    pos = 0
    for word in word_tokenize(item, use_token_normalize=False):
        syls = word.split(" ")
        for k, syl in enumerate(syls):
            at = item.find(syl, pos)
            if at < 0:
                break  # the segmenter rewrote the text: what was read so far stands
            if k == 0:
                starts.add(at)
            pos = at + len(syl)
            if k == len(syls) - 1:
                ends.add(pos)
    return frozenset(starts), frozenset(ends)


@cache
def gazetteer() -> Gazetteer:
    """The gazetteer, built on first use (spaCy and underthesea load lazily)."""
    return Gazetteer()
