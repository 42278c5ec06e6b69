"""The unit gazetteer (``rules/units.yaml``) and the one pass that finds its entries in a text.

Splitting "Cục Hộ tịch, quốc tịch, chứng thực, Sở Tư pháp các tỉnh, thành phố
trực thuộc Trung ương" needs to know which commas belong to a name; that
knowledge is data (names, generic groups, scopes, heads), matched here in one
pass with spaCy's :class:`~spacy.matcher.PhraseMatcher`, which finds every
entry of a few thousand phrases in one walk over the tokens.

Tokens come from underthesea's word segmentation, cut into syllables: its CRF
segments the same name differently by context ("Ủy ban nhân dân" is one word
in one sentence and "Ủy" + "ban nhân dân" in the next; "Khoa học và" is glued
before "Công nghệ"), so a name made of words would be missed where the
segmentation moved, while a name made of syllables is found wherever it is.
The word boundaries are kept on each token and asked of short entries (a
predicate, a level, a qualifier), so that "trình" in "quy trình" or "xã" in
"xã hội" is not taken for one. Two matchers run: one on lower case, one on the
diacritic-free fold (OCR text that lost its marks still matches), spans mapped
back to character offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from .. import rules
from ..normalize import fold

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
    word_start: bool  #: underthesea starts a word here
    word_end: bool


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
        for e in self.entries:
            words = _tokenize_plain(e.text)
            key = f"{e.label}|{e.section}|{e.text}"
            if not words or key in seen:
                continue
            seen.add(key)
            self._lower.add(key, [self._doc(words)])
            self._fold.add(key, [self._doc([fold(w) for w in words])])
            self._by_key[self.vocab.strings[key]] = e
        self.local_heads: dict[str, set[str]] = {
            fold(h): set(levels) for h, levels in (g.get("local_heads") or {}).items()
        }
        self.lead_ins: list[str] = list(g.get("lead_ins", []))
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
        """Syllable tokens of underthesea's words, with the word boundaries kept.

        The text is segmented one ``;``- or line-separated item at a time and
        each item's tokens are cached: a plan names the same units task after
        task, and segmentation is the slow part. No unit name spans a ``;``.
        """
        out: list[Token] = []
        for m in _ITEMS.finditer(text):
            base = m.start()
            item = m.group()
            known = item.strip(" .,:").lower() in self.whole_names  # cheap rule first
            for t in (self._regex_tokens(item) if known else _item_tokens(item)):
                out.append(Token(t.start + base, t.end + base, t.text, t.word_start, t.word_end))
        return out

    @staticmethod
    def _regex_tokens(text: str) -> list[Token]:
        return [Token(m.start(), m.end(), m.group(), True, True)
                for m in re.finditer(r"\w+(?:[&/.]\w+)*|[^\w\s]", text)]

    def match(self, tokens: list[Token]) -> list[Match]:
        """Every gazetteer entry over ``tokens``, on lower case and on the fold, in one pass each."""
        if not tokens:
            return []
        words = [t.text for t in tokens]
        found: dict[tuple[int, int, int], bool] = {}
        for key, i, j in self._lower(self._doc(words)):
            found[(key, i, j)] = True
        for key, i, j in self._fold(self._doc([fold(w) for w in words])):
            found.setdefault((key, i, j), False)
        marked = [any(c.isalpha() and not c.isascii() for c in t.text) for t in tokens]
        out: list[Match] = []
        for (key, i, j), exact in found.items():
            if not exact and sum(marked[i:j]) > 0.3 * (j - i):
                continue  # the fold alone matched words that kept their marks: "Đối" is not "Đội"
            e = self._by_key[key]
            aligned = tokens[i].word_start and tokens[j - 1].word_end
            if e.label in _WORD_ALIGNED and not aligned:
                continue  # "trình" in "quy trình", "xã" in "xã hội"
            named_next = j < len(tokens) and tokens[j].text[:1].isupper()
            if e.label == HEAD and j - i == 1 and not aligned and not named_next:
                continue  # "Báo" in "Báo cáo", "Ban" in "Ban hành"; "Bộ Tư pháp" glued by the CRF is a head
            if e.label in _CAPITALISED and not tokens[i].text[:1].isupper():
                continue
            out.append(Match(e, i, j, exact))
        out.sort(key=lambda m: (m.i, -(m.j - m.i)))
        return out


_ITEMS = re.compile(r"[^;\n]+|[;\n]")


@lru_cache(maxsize=8192)
def _item_tokens(text: str) -> tuple[Token, ...]:
    from underthesea import word_tokenize

    if not text.strip():
        return ()
    if text in (";", "\n"):
        return tuple(Gazetteer._regex_tokens(text))
    out: list[Token] = []
    pos = 0
    for word in word_tokenize(text, use_token_normalize=False):
        syls = word.split(" ")
        for k, syl in enumerate(syls):
            at = text.find(syl, pos)
            if at < 0 or text[pos:at].strip():
                return tuple(Gazetteer._regex_tokens(text))  # the segmenter rewrote the text: fall back
            out.append(Token(at, at + len(syl), syl, k == 0, k == len(syls) - 1))
            pos = at + len(syl)
    return tuple(out)


@cache
def gazetteer() -> Gazetteer:
    """The gazetteer, built on first use (spaCy and underthesea load lazily)."""
    return Gazetteer()
