"""Put the diacritics back into OCR text that lost them.

``Quyét dinh sb 2168/QB-BTP`` → ``Quyết định số 2168/QĐ-BTP``.

A noisy-channel decoder over syllables:

* the *source* is a syllable bigram model learnt from clean administrative
  text (``corpus/dev/tl`` only; the seeds are never used, 003 is an OCR copy
  of 000) plus the syllables and in-word bigrams of the Viet74K word list that
  ships in the ``underthesea`` package (Apache-2.0) and the place names of
  ``rules/places.yaml``. ``scripts/build_lexicon.py`` writes it to
  ``rules/lexicon/``;
* the *channel* proposes, for each OCR token, the diacritized forms whose
  :func:`~docparse.normalize.fold` equals the token's fold, and forms reached
  by a few OCR-confusion edits (``rules/lexicon/ocr_confusions.yaml``:
  ``w``→``ư``, ``&``→``ở``, ``ii``→``u``, ``P``→``Đ`` at word start, …);
* a Viterbi pass over each run of words picks the sequence, and every token
  keeps its case pattern (``Title``/``UPPER``/``lower``).

:func:`needs_restore` is the gate: clean text is returned unchanged by
:func:`restore`, so the function is idempotent on clean text and on its own
output. Restored text comes back in :func:`~docparse.normalize.normalize_text`
form (one dash, one space kind, new-style tone marks).

A whole scanned document (what the pipeline restores) gets more:

* :func:`restore_aligned` also tells, for each character of its result, the
  characters of the print it was read from, so that spans found in the
  restored text point at the print; with ``adapt`` it reads the document
  twice, the second time with its own first reading as a cache
  (:class:`DocumentModel`: OCR damage is random, a document's words are not);
* :func:`snap_phrases` respells damaged mentions of known phrases: the names,
  groups and scopes of ``rules/units.yaml``, the named bodies of
  ``rules/bodies.yaml``, the field labels of ``rules/tasks.yaml``, the cues of
  relative deadlines, names the caller knows (:class:`Known`, e.g. the
  registry's) and the names the document itself repeats
  (:func:`document_phrases`). Thresholds are in ``ocr_confusions.yaml``.
"""

from __future__ import annotations

import gzip
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from docparse.normalize import fold, is_upper_line, normalize_text
from docparse.rules import load as load_rules
from docparse.rules import rules_dir

BOS = "<s>"  # sentence boundary: punctuation, line starts
SYM = "<sym>"  # numbers, number symbols, codes

# Loose shape of a Vietnamese syllable in the fold (onset, 1-3 vowels, coda).
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|nh|ng|[cmnpt])?"
)
_ROMAN = re.compile(r"[IVXLC]+")
_VOWEL = re.compile(r"[aeiouy]")
_CODE = re.compile(r"[A-ZĐ]+\d+")
_DOC_NUMBER = re.compile(r"\d+/")
_JUNK = frozenset("&§$¢@'0123456789")
_LEAD = frozenset("([{\"'“‘«•*-–—_…|/<>")
_TRAIL = frozenset(".,;:!?)]}\"'”’»*…|/<>-")
_INNER_SYMBOL = frozenset("/.,:;-–+=%_()[]<>\\|")


def is_syllable(key: str) -> bool:
    """True when a folded token has the shape of a Vietnamese syllable."""
    return _SYLLABLE.fullmatch(key) is not None


# ---------------------------------------------------------------- tokenizing
@dataclass(slots=True)
class Token:
    kind: str  # "w" word, "s" number/symbol/code, "b" boundary
    start: int
    end: int
    text: str


@cache
def _digit_letters() -> dict[str, list[str]]:
    """Digits and signs the scanner prints for letters (``rules/lexicon/ocr_confusions.yaml``:
    "6" → o, "¢" → đ)."""
    path = lexicon_dir() / "ocr_confusions.yaml"
    subs = yaml.safe_load(path.read_text(encoding="utf-8")).get("substitutions", {})
    return {str(k): [str(v) for v in vs] for k, vs in subs.items() if len(str(k)) == 1 and not str(k).isalpha()}


def _readings(core: str) -> list[str]:
    """The letters a token may have been, its digits and signs read as letters."""
    table = _digit_letters()
    options = [""]
    for c in core.lower():
        if c.isalpha():
            options = [o + c for o in options]
        elif c in table:
            options = [o + x for o in options for x in table[c]]
        else:
            return []
    return options


def _digits_as_letters(core: str) -> bool:
    """A word printed with digits for letters ("16p" lớp, "4n" án, "ph01" phối), not a code."""
    return any(is_syllable(fold(o)) for o in _readings(core))


def _signs_as_word(core: str) -> bool:
    """A short word printed without a letter: "¢6" (có); not a number, and it
    must open with a consonant ("8¢", "@8" stay junk)."""
    if len(core) > 3 or core.isdigit() or not any(not c.isdigit() for c in core):
        return False
    return any(is_syllable(fold(o)) and not _VOWEL.match(o) for o in _readings(core))


@lru_cache(maxsize=1 << 16)  # words repeat: "các", "và", "thực hiện" are classified once
def _classify(core: str) -> str:
    letters = sum(1 for c in core if c.isalpha())
    if not letters and _signs_as_word(core):
        return "w"
    if not letters or any(c in _INNER_SYMBOL for c in core):
        return "s"
    digits = sum(1 for c in core if c.isdigit())
    if digits and len(core) <= 5 and digits < len(core) and _digits_as_letters(core):
        return "w"
    if digits > 2 or len(core) > 9 or (core[0].isdigit() and letters < 2):
        return "s"
    if digits and digits >= letters:
        return "s" if len(core) > 2 else "w"
    return "w"


def _word_pair(core: str) -> tuple[str, str] | None:
    """Two words joined by a slash ("án/Kế", "và/hoặc"); not a number, not "V/v",
    not two abbreviations ("UBND/HĐND")."""
    if core.count("/") != 1:
        return None
    a, b = core.split("/")
    if len(a) < 2 or len(b) < 2 or a.isupper() and b.isupper():
        return None
    if _classify(a) != "w" or _classify(b) != "w":
        return None
    return a, b


def tokenize(text: str, *, pairs: bool = False) -> list[Token]:
    """Words, symbols and sentence boundaries of ``text``, with spans.

    Punctuation around a chunk is a boundary; a line break is one when the
    next line opens with a capital, a digit or a bullet (wrapped prose goes on).
    ``pairs``: two words joined by a slash ("án/Kế") are two words (the
    decoder reads them so; the language model was counted without).
    """
    out: list[Token] = []

    def boundary(pos: int) -> None:
        if out and out[-1].kind != "b":
            out.append(Token("b", pos, pos, ""))

    prev_end = 0
    for m in re.finditer(r"\S+", text):
        chunk, base = m.group(), m.start()
        gap = text[prev_end:base]
        if "\n" in gap:
            first = chunk[0]
            if first.isupper() or first.isdigit() or first in _LEAD or gap.count("\n") > 1:
                boundary(base)
        i, j = 0, len(chunk)
        while i < j and chunk[i] in _LEAD:
            i += 1
        while j > i and chunk[j - 1] in _TRAIL:
            j -= 1
        if i:
            boundary(base)
        if i < j:
            core = chunk[i:j]
            pair = _word_pair(core) if pairs else None
            if pair:  # "án/Kế hoạch": two words
                k = len(pair[0])
                out.append(Token("w", base + i, base + i + k, pair[0]))
                out.append(Token("w", base + i + k + 1, base + j, pair[1]))
            else:
                out.append(Token(_classify(core), base + i, base + j, core))
        if j < len(chunk):
            boundary(base + j)
        prev_end = m.end()
    return out


def lm_tokens(text: str) -> list[str]:
    """The sequence the language model sees: lower-case words, ``<sym>``, ``<s>``."""
    seq: list[str] = []
    for t in tokenize(text):
        if t.kind == "b":
            seq.append(BOS)
        elif t.kind == "s" or not t.text.isalpha():
            seq.append(SYM)
        else:
            seq.append(t.text.lower())
    return seq


# --------------------------------------------------------------------- model
def lexicon_dir() -> Path:
    return rules_dir() / "lexicon"


def _read_tsv(path: Path) -> list[list[str]]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [line.rstrip("\n").split("\t") for line in fh if line.strip() and not line.startswith("#")]


class Model:
    """Syllable bigram model + OCR confusion table, loaded once (:func:`model`)."""

    def __init__(self, directory: Path) -> None:
        conf: dict[str, Any] = yaml.safe_load((directory / "ocr_confusions.yaml").read_text(encoding="utf-8"))
        p = conf["params"]
        self.params = p
        lex_w, lex_bw, pl_w = float(p["lex_weight"]), float(p["lex_bigram_weight"]), float(p["place_weight"])

        uni: dict[str, float] = {}
        for form, tl, lex, place in _read_tsv(directory / "unigrams.tsv.gz"):
            uni[form] = int(tl) + lex_w * int(lex) + pl_w * int(place)
        self.uni = uni
        total = sum(uni.values())
        alpha = float(p["unigram_alpha"])
        denom = total + alpha * len(uni)
        self.log_unk = math.log(alpha / denom)
        self.pu = {w: (c + alpha) / denom for w, c in uni.items()}
        self.pu_unk = alpha / denom

        forms: dict[str, list[tuple[str, float]]] = {}
        for w, c in uni.items():
            if w.isalpha():
                forms.setdefault(fold(w), []).append((w, c))
        for k, lst in forms.items():
            lst.sort(key=lambda x: -x[1])
            forms[k] = lst[: int(p["forms_per_fold"])]  # rare homographs never win
        self.forms = forms

        big: dict[str, dict[str, float]] = {}
        for w1, w2, tl, lex, place in _read_tsv(directory / "bigrams.tsv.gz"):
            c = int(tl) + lex_bw * int(lex) + pl_w * int(place)
            big.setdefault(w1, {})[w2] = c
        self.big = big
        # Witten-Bell: P(w|v) = (c(v,w) + T(v) Pu(w)) / (c(v) + T(v))
        self.ctx = {
            v: (len(f), sum(f.values()) + len(f), math.log(len(f) / (sum(f.values()) + len(f))))
            for v, f in big.items()
        }
        self.lpu = {w: math.log(p) for w, p in self.pu.items()}

        self.edit_cost = float(p["edit_cost"])
        self.delete_cost = float(p["delete_cost"])
        self.insert_cost = float(p["insert_cost"])
        self.subs: dict[str, list[tuple[str, str]]] = {}
        for src, dsts in conf["substitutions"].items():
            for dst in dsts:
                self.subs.setdefault(str(src)[0], []).append((str(src), str(dst)))
        self.start_subs = [(str(s), str(d)) for s, ds in conf.get("word_start", {}).items() for d in ds]
        self.insert_after_single = [str(v) for v in conf.get("insert_after_single_consonant", [])]
        self.number_words = {str(k): str(v) for k, v in conf.get("number_words", {}).items()}
        self.foreign_markers = frozenset(str(w) for w in conf.get("foreign_markers", []))
        sym = conf.get("symbols", {})
        self.symbol_map = {str(k): str(v) for k, v in sym.items()}
        self.symbol_re = (
            re.compile(
                r"(?<![A-Za-zĐđ])("
                + "|".join(map(re.escape, sorted(sym, key=len, reverse=True)))
                + r")(?![A-Za-zĐđ])"
            )
            if sym
            else None
        )

    def word_start_letters(self, key: str) -> set[str]:
        """What the first letter of a word printed as ``key`` may have been (folded)."""
        out = {key[:1]}
        for src, dst in self.start_subs:
            if key.startswith(src):
                out.add(dst[:1])
        return out

    # -- language model
    def logp(self, v: str, w: str) -> float:
        pu = self.pu.get(w, self.pu_unk)
        ctx = self.ctx.get(v)
        if ctx is None:
            return math.log(pu)
        t, n, _ = ctx
        return math.log((self.big[v].get(w, 0.0) + t * pu) / n)

    # -- channel
    def _edits1(self, s: str) -> dict[str, float]:
        out: dict[str, float] = {}
        ec, dc = self.edit_cost, self.delete_cost
        for i, ch in enumerate(s):
            for src, dst in self.subs.get(ch, ()):
                if s.startswith(src, i):
                    k = s[:i] + dst + s[i + len(src) :]
                    if out.get(k, 1e9) > ec:
                        out[k] = ec
            if i and len(s) > 2:  # never the first letter: "ra" is no OCR of "a"
                k = s[:i] + s[i + 1 :]
                if out.get(k, 1e9) > dc:
                    out[k] = dc
        for src, dst in self.start_subs:
            if s.startswith(src):
                k = dst + s[len(src) :]
                if out.get(k, 1e9) > ec:
                    out[k] = ec
        if len(s) == 1 and not _VOWEL.match(s):
            for v in self.insert_after_single:
                out.setdefault(s + v, self.insert_cost)
        out.pop(s, None)
        return out

    def _reachable(self, key: str) -> dict[str, float]:
        """Syllable folds of the vocabulary reachable from ``key`` by 1 or 2 edits."""
        forms = self.forms
        e1 = self._edits1(key)
        hits = {k: c for k, c in e1.items() if k in forms and is_syllable(k)}
        if key in forms:
            return hits
        for k1, c1 in e1.items():
            for k2, c2 in self._edits1(k1).items():
                if k2 in forms and is_syllable(k2) and hits.get(k2, 1e9) > c1 + c2:
                    hits[k2] = c1 + c2
        hits.pop(key, None)
        return hits

    @lru_cache(maxsize=65536)  # noqa: B019 - one model per process
    def candidates(self, core: str) -> tuple[tuple[str, float], ...]:
        """``(form, channel log-prob)`` for an OCR word token, best first."""
        low = unicodedata.normalize("NFC", core).lower()
        key = fold(low)
        marked = not low.isascii() and any(c.isalpha() and not c.isascii() for c in low)
        bonus, penalty = float(self.params["same_bonus"]), float(self.params["unmarked_penalty"])
        cands: dict[str, float] = {}

        def add(form: str, ch: float) -> None:
            if marked:
                if form == low:
                    ch += bonus
                elif form.isascii():
                    ch -= penalty
            if cands.get(form, -1e9) < ch:
                cands[form] = ch

        exact = self.forms.get(key)
        if exact:
            for form, _ in exact:
                add(form, 0.0)
        # A token that is a word as it stands ("hen", "trao") needs more proof of an OCR slip.
        extra = float(self.params["known_extra_cost"]) if exact and not marked and len(key) > 1 else 0.0
        for k, cost in self._reachable(key).items():
            for form, _ in self.forms[k]:
                add(form, -cost - extra)
        if not cands:
            return ((low, 0.0),)
        lpu, unk = self.lpu, self.log_unk
        ranked = sorted(cands.items(), key=lambda x: -(x[1] + lpu.get(x[0], unk)))
        return tuple(ranked[: int(self.params["top_k"])])

    @lru_cache(maxsize=65536)  # noqa: B019 - one model per process
    def fixed_form(self, core: str) -> str | None:
        """Abbreviations and numerals are not decoded: ``UBND`` stays, ``LDVP`` → ``lđvp``."""
        if not core.isupper() or not core.isalpha():
            return None
        if _ROMAN.fullmatch(core) and (len(core) > 1 or core in "IVX"):
            return core.lower()
        if len(core) == 1:
            return None  # "B Tu phap": a lone capital lost its vowel
        key = fold(core)
        if is_syllable(key):
            return None
        exact = self.forms.get(key)
        if exact:
            total = sum(c for _, c in exact)
            as_written = sum(c for f, c in exact if f == key)
            # "LDVP" → lđvp, unless the plain spelling is common too ("CDS")
            return key if as_written >= 0.2 * total else exact[0][0]
        if not _VOWEL.search(key):
            return core.lower()
        return None  # "HQI": an OCR'd capital syllable, decode it


@cache
def model() -> Model:
    """The model of ``rules/lexicon/``, loaded once per process."""
    return Model(lexicon_dir())


def _mentions(r: _Reading, base: Model, edited: float) -> tuple[list[str], list[float]]:
    """The first reading as the language model sees it, each word with its weight.

    A word read as printed (the letters all there, only the marks lost:
    "truc" → trực) is a clean mention and counts 1; a word reached through OCR
    edits ("trye" → tre) is weaker evidence and counts ``edited``.
    """
    seq: list[str] = []
    weight: list[float] = []
    for t, form in zip(r.toks, r.path, strict=True):
        if t.kind == "w" and form not in (BOS, SYM) and form in base.uni:
            low = unicodedata.normalize("NFC", t.text).lower()
            clean = fold(form) == fold(low) and (low.isascii() or low == form)
            seq.append(form)
            weight.append(1.0 if clean else edited)
        else:
            seq.append(form if form in (BOS, SYM) else SYM)
            weight.append(1.0)
    return seq, weight


class DocumentModel:
    """The model adapted to one document: its own first reading as a cache.

    OCR damage is random, the document's words are not: a name or phrase the
    first pass spelled the same way several times ("Cục Hộ tịch, quốc tịch,
    chứng thực", "Cơ sở dữ liệu hộ tịch điện tử") is most likely right, and
    its damaged mentions are most likely the same words. The second pass reads
    with the first pass's syllable and bigram counts added to the model's
    (weights ``doc_unigram_weight``, ``doc_bigram_weight``) and lets a token
    become any word the document spells at least ``doc_min_count`` times
    whose fold is one or two edits away (``doc_edit_cost`` nats an edit): a
    cache language model, as in speech and OCR post-correction.
    """

    def __init__(self, base: Model, first: _Reading) -> None:
        p = base.params
        self.params = p
        seq, weight = _mentions(first, base, float(p["doc_edited_weight"]))
        words: Counter[str] = Counter()
        pairs: Counter[tuple[str, str]] = Counter()
        for k, w in enumerate(seq):
            if w not in (BOS, SYM):
                words[w] += weight[k]
            if k:
                pairs[seq[k - 1], w] += min(weight[k - 1], weight[k])
        # What the document says once is no evidence: the token would only vote
        # for its own first reading (and a context seen that rarely would
        # predict its word far too well). Two clean mentions, or several edited.
        least = float(p["doc_min_count"])
        words = Counter({k: c for k, c in words.items() if c >= least})
        pairs = Counter({k: c for k, c in pairs.items() if c >= least})
        wu, wb = float(p["doc_unigram_weight"]), float(p["doc_bigram_weight"])
        uni = dict(base.uni)
        for w, c in words.items():
            uni[w] = uni.get(w, 0.0) + wu * c
        alpha = float(p["unigram_alpha"])
        denom = sum(uni.values()) + alpha * len(uni)
        self.pu = {w: (c + alpha) / denom for w, c in uni.items()}
        self.lpu = {w: math.log(x) for w, x in self.pu.items()}
        self.pu_unk = alpha / denom
        self.log_unk = math.log(self.pu_unk)
        self.big = dict(base.big)
        self.ctx = dict(base.ctx)
        touched: set[str] = set()
        for (v, w), c in pairs.items():
            if v == SYM or w == SYM:
                continue
            if v not in touched:
                self.big[v] = dict(self.big.get(v, {}))
                touched.add(v)
            self.big[v][w] = self.big[v].get(w, 0.0) + wb * c
        for v in touched:
            f = self.big[v]
            n = sum(f.values()) + len(f)
            self.ctx[v] = (len(f), n, math.log(len(f) / n))
        self.base = base
        self.vocab: dict[str, list[str]] = {}
        for w in words:
            if w.isalpha() and len(w) > 1:
                self.vocab.setdefault(fold(w), []).append(w)
        self.edit_cost = float(p["doc_edit_cost"])

    #: the same interpolated bigram as the lexicon's, over the document's counts
    logp = Model.logp

    def candidates(self, core: str) -> tuple[tuple[str, float], ...]:
        """The model's candidates and the document's words a few edits away."""
        base = self.base.candidates(core)
        key = fold(unicodedata.normalize("NFC", core).lower())  # junk ("s&", "16p") compared as it is
        if key in self.vocab and key.isascii() and key.isalpha():
            return base  # a word of the document as written: only its own spellings
        limit = 1 if len(key) <= 3 else 2
        have = dict(base)
        first = self.base.word_start_letters(key)
        for k, forms in self.vocab.items():
            if abs(len(k) - len(key)) > limit or k[:1] not in first:
                continue  # OCR keeps a word's first letter, but for the start confusions (P for Đ)
            d = Levenshtein.distance(key, k, score_cutoff=limit)
            if 0 < d <= limit:
                for form in forms:
                    cost = -self.edit_cost * d
                    if have.get(form, -1e9) < cost:
                        have[form] = cost
        if len(have) == len(base):
            return base
        return tuple(sorted(have.items(), key=lambda x: -(x[1] + self.lpu.get(x[0], self.log_unk))))


# ---------------------------------------------------------------- the gate
@dataclass(frozen=True, slots=True)
class RestoreStats:
    marked: int  # valid Vietnamese syllables written with their marks
    bare: int  # ascii tokens whose syllable normally carries marks
    junk: int  # tokens with OCR junk inside, or marked tokens that are no syllable
    foreign: int = 0  # English function words ("the", "of", "dated")
    words: int = 0  # word tokens looked at

    @property
    def score(self) -> float:
        ocr = self.bare + self.junk
        return ocr / (ocr + self.marked) if ocr + self.marked else 0.0


def restore_stats(text: str) -> RestoreStats:
    """The evidence :func:`needs_restore` weighs, for reports and thresholds."""
    return _stats(tokenize(normalize_text(text)))


def _stats(toks: list[Token]) -> RestoreStats:
    counts = [0, 0, 0, 0]  # marked, bare, junk, foreign
    words = 0
    for t in toks:
        if t.kind != "w":
            continue
        words += 1
        verdict = _evidence(t.text)
        if verdict >= 0:
            counts[verdict] += 1
    return RestoreStats(counts[0], counts[1], counts[2], counts[3], words)


_MARKED, _BARE, _JUNK_WORD, _FOREIGN = 0, 1, 2, 3


@lru_cache(maxsize=1 << 16)  # a word's evidence depends on the word alone; words repeat
def _evidence(text: str) -> int:
    """What one word says (:data:`_MARKED`, :data:`_BARE`, :data:`_JUNK_WORD`, :data:`_FOREIGN`), -1 for nothing."""
    m = model()
    if _CODE.fullmatch(text):
        return -1  # "V2", "B6": a code in clean text, "Bộ" in OCR; no evidence either way
    if text.lower() in m.foreign_markers:
        return _FOREIGN
    fixed = m.fixed_form(text)
    if fixed is not None:
        return _JUNK_WORD if fixed != text.lower() and fold(fixed) == fold(text) else -1  # "LDVP" for LĐVP
    low = text.lower()
    if any(c in _JUNK for c in low):
        return _JUNK_WORD
    if not low.isascii():
        return _MARKED if low in m.uni else _JUNK_WORD
    forms = m.forms.get(low)
    if forms:
        total = sum(c for _, c in forms)
        plain = sum(c for f, c in forms if f.isascii())
        return _BARE if plain < 0.5 * total else -1
    if m.candidates(text)[0][0] != low:
        return _JUNK_WORD  # "ciia", "xdy": no word as written, one OCR edit away from one
    return -1


@lru_cache(maxsize=64)
def needs_restore(text: str) -> bool:
    """True for text that lost its diacritics (OCR), false for clean Vietnamese.

    The measure: of the tokens that tell, the share that are bare ascii forms
    of syllables which normally carry marks (``dinh``, ``ngay``) or carry OCR
    junk (``s&``, ``Quyét``), against valid marked syllables (``định``).
    """
    return _needs(_chunk_stats(normalize_text(text)))


_LEAD_CHARS = "".join(sorted(_LEAD))
_TRAIL_CHARS = "".join(sorted(_TRAIL))


def _chunk_stats(text: str) -> RestoreStats:
    """:func:`_stats` of :func:`tokenize`'s words, without building the tokens: the gate reads every
    sample of every file, and only counts. Each chunk between spaces is one word or none, as there."""
    counts = [0, 0, 0, 0]
    words = 0
    for chunk in text.split():
        core = chunk.lstrip(_LEAD_CHARS).rstrip(_TRAIL_CHARS)
        if not core or _classify(core) != "w":
            continue
        words += 1
        verdict = _evidence(core)
        if verdict >= 0:
            counts[verdict] += 1
    return RestoreStats(counts[0], counts[1], counts[2], counts[3], words)


def _needs(s: RestoreStats) -> bool:
    ocr = s.bare + s.junk
    if not ocr or (s.marked and ocr < 2):
        return False  # one bare name among marked words: "Phú Thanh", "Sơn La"
    if s.foreign and s.foreign >= 0.1 * s.words:
        return False  # English
    return s.score >= float(model().params["needs_restore_threshold"])


# ----------------------------------------------------------------- decoding
def _case_like(form: str, core: str, upper_context: bool) -> str:
    letters = [c for c in core if c.isalpha()]
    if not letters:
        return form
    if len(letters) > 1 and all(c.isupper() for c in letters):
        if upper_context or len(letters) > 3:
            return form.upper()
        return form[:1].upper() + form[1:]
    if letters[0].isupper():
        return form[:1].upper() + form[1:]
    return form


def _decode(seq: list[tuple[str, tuple[tuple[str, float], ...]]], m: Model | DocumentModel) -> list[str]:
    """Viterbi over ``(lm_token, candidates)``; returns the chosen forms.

    Witten-Bell splits into a seen-bigram part and a back-off part; the best
    back-off predecessor is the same for every candidate, so each step costs
    one dict look-up per (predecessor, candidate) pair and no logarithm
    unless the bigram was seen.
    """
    big, ctx, pu, lpu = m.big, m.ctx, m.pu, m.lpu
    pu_unk, log_unk, log = m.pu_unk, m.log_unk, math.log
    width = float(m.params["beam_width"])
    beam: dict[str, float] = {BOS: 0.0}
    back: list[dict[str, str]] = []
    for _, cands in seq:
        preds = []
        bo_best, bo_arg = -1e18, BOS
        for v, sc in beam.items():
            c = ctx.get(v)
            if c is None:
                bo = sc
                preds.append((v, sc, None, 0.0, 1.0))
            else:
                bo = sc + c[2]
                preds.append((v, sc, big[v], c[0], c[1]))
            if bo > bo_best:
                bo_best, bo_arg = bo, v
        nbeam: dict[str, float] = {}
        ptr: dict[str, str] = {}
        for form, ch in cands:
            p_w = pu.get(form, pu_unk)
            best, arg = bo_best + lpu.get(form, log_unk), bo_arg
            for v, sc, bd, t, n in preds:
                if bd is not None:
                    k = bd.get(form)
                    if k is not None:
                        s = sc + log((k + t * p_w) / n)
                        if s > best:
                            best, arg = s, v
            nbeam[form] = best + ch
            ptr[form] = arg
        top = max(nbeam.values())
        beam = {w: sc for w, sc in nbeam.items() if sc >= top - width}
        back.append(ptr)
    state = max(beam, key=lambda w: beam[w] + m.logp(w, BOS))
    path = [state]
    for ptr in reversed(back[1:]):
        state = ptr[state]
        path.append(state)
    path.reverse()
    return path


def restore(text: str, *, force: bool = False) -> str:
    """``text`` with Vietnamese diacritics restored; clean text comes back unchanged.

    ``force`` skips the :func:`needs_restore` gate. Spacing, punctuation,
    numbers and abbreviations are kept; inside number symbols ``QD``/``QB`` →
    ``QĐ`` and ``ND`` → ``NĐ``, and ``50``/``56`` right before a document
    number is ``số`` (``rules/lexicon/ocr_confusions.yaml``).
    """
    if not text:
        return text
    src = normalize_text(text)
    reps = _replacements(src, force=force)
    if not reps:
        return text
    return _apply(src, reps)


def restore_aligned(text: str, *, force: bool = False,
                    adapt: bool = False) -> tuple[str, list[tuple[int, int]]]:
    """:func:`restore`, and for each character of the result the characters it was read from.

    ``where[i]`` is the ``(start, end)`` in ``normalize_text(text)`` of
    character ``i`` of the result: a respelled word's first letter starts
    where the printed word starts and its last letter ends where it ends, so
    a span ``[a, b)`` of the result is ``[where[a][0], where[b - 1][1])`` of
    the print. Line breaks and everything between words are kept as they are.

    ``adapt``: ``text`` is a whole document; it is read twice, the second time
    with the first reading as a cache of its own words (:class:`DocumentModel`).
    """
    src = normalize_text(text) if text else text
    first = _read(src, force=force) if src else None
    reps = _respell(src, first) if first is not None else []
    if reps and adapt and first is not None:
        reps = _replacements(src, force=True, doc=DocumentModel(model(), first))
    where: list[tuple[int, int]] = []
    pos = 0
    for a, b, new in reps:
        where += ((k, k + 1) for k in range(pos, a))
        last = len(new) - 1
        for k in range(len(new)):
            s = a if k == 0 else min(a + k, b - 1)
            e = b if k == last else s + 1
            where.append((s, e))
        pos = b
    where += ((k, k + 1) for k in range(pos, len(src)))
    return (_apply(src, reps) if reps else src), where


def _apply(src: str, reps: list[tuple[int, int, str]]) -> str:
    pieces: list[str] = []
    pos = 0
    for a, b, new in reps:
        pieces.append(src[pos:a])
        pieces.append(new)
        pos = b
    pieces.append(src[pos:])
    return "".join(pieces)


@dataclass
class _Reading:
    toks: list[Token]
    path: list[str]  # the form chosen for each token (BOS, SYM for boundaries and symbols)
    fixed: list[str | None]  # forms not decoded (abbreviations, "số" before a number)


def _replacements(src: str, *, force: bool = False,
                  doc: DocumentModel | None = None) -> list[tuple[int, int, str]]:
    """``(start, end, new)`` for each token of ``src`` (normalised) that is respelled.

    ``doc``: read with the document's own first reading as a cache (:class:`DocumentModel`).
    """
    r = _read(src, force=force, doc=doc)
    return _respell(src, r) if r is not None else []


def _read(src: str, *, force: bool = False, doc: DocumentModel | None = None) -> _Reading | None:
    m = model()
    cands = doc.candidates if doc is not None else m.candidates
    toks = tokenize(src, pairs=True)
    if not force and not _needs(_stats(toks)):
        return None
    seq: list[tuple[str, tuple[tuple[str, float], ...]]] = []
    fixed: list[str | None] = []
    for i, t in enumerate(toks):
        f = None
        if t.kind == "b":
            seq.append((BOS, ((BOS, 0.0),)))
        elif t.kind == "s":
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if (
                t.text in m.number_words
                and nxt is not None
                and nxt.kind == "s"
                and _DOC_NUMBER.match(nxt.text)
            ):
                f = m.number_words[t.text]
                seq.append((f, ((f, 0.0),)))
            else:
                seq.append((SYM, ((SYM, 0.0),)))
        else:
            f = m.fixed_form(t.text)
            seq.append((t.text, ((f, 0.0),) if f is not None else cands(t.text)))
        fixed.append(f)
    path = _decode(seq, doc or m) if seq else []
    return _Reading(toks, path, fixed)


def _respell(src: str, r: _Reading) -> list[tuple[int, int, str]]:
    m = model()
    toks, path, fixed = r.toks, r.path, r.fixed
    # Case: a token keeps its pattern; short capitals ("BO", "HQI") stay capitals
    # in a heading and next to capitals, "BO Tai chinh" becomes "Bộ Tài chính".
    line_of, ln, last = [], 0, 0
    for t in toks:
        ln += src.count("\n", last, t.start)
        last = t.start
        line_of.append(ln)
    per_line: dict[int, list[bool]] = {}
    words = [i for i, t in enumerate(toks) if t.kind == "w"]
    for i in words:
        per_line.setdefault(line_of[i], []).append(toks[i].text.isupper())
    upper_line = {k: sum(v) >= 0.5 * len(v) for k, v in per_line.items()}
    caps = {i for i in words if len(toks[i].text) > 1 and toks[i].text.isupper()}
    widx = {i: k for k, i in enumerate(words)}

    reps: list[tuple[int, int, str]] = []
    for i, (t, form) in enumerate(zip(toks, path, strict=True)):
        if t.kind == "b":
            continue
        if t.kind == "s":
            new = fixed[i] or (
                m.symbol_re.sub(lambda mm: m.symbol_map[mm.group(1)], t.text) if m.symbol_re else t.text
            )
        elif fixed[i] is not None:
            new = form.upper() if fold(form) == fold(t.text) and not form.isascii() else t.text
        elif form == t.text.lower():
            new = t.text
        else:
            k = widx[i]
            near_caps = (k > 0 and words[k - 1] in caps) or (k + 1 < len(words) and words[k + 1] in caps)
            new = _case_like(form, t.text, upper_line[line_of[i]] or near_caps)
        if new != t.text:
            reps.append((t.start, t.end, new))
    return reps


# ------------------------------------------------------------ known spellings
@dataclass(frozen=True)
class Known:
    """Spellings a caller knows besides the rule files (the registry's).

    ``names``: issuer and unit names ("Cục Hộ tịch, quốc tịch, chứng thực");
    ``numbers``: document numbers ("2168/QĐ-BTP"). Either may be a set or
    any iterable, or a callable returning one (looked up once per use, so a
    registry can hand over what it holds at that moment).
    """

    names: Iterable[str] | Callable[[], Iterable[str]] = ()
    numbers: Iterable[str] | Callable[[], Iterable[str]] = ()

    @cached_property
    def _names(self) -> tuple[str, ...]:
        return tuple(self.names() if callable(self.names) else self.names)

    @cached_property
    def _numbers(self) -> tuple[str, ...]:
        return tuple(self.numbers() if callable(self.numbers) else self.numbers)

    def name_list(self) -> list[str]:
        """The names (a callable is asked once, when first needed: only scans need them)."""
        return list(self._names)

    def number_list(self) -> list[str]:
        """The numbers (a callable is asked once, when first needed)."""
        return list(self._numbers)

    @cached_property
    def _number_set(self) -> frozenset[str]:
        return frozenset(self._numbers)

    def knows_number(self, number: str) -> bool:
        """Is ``number`` known? A registry answers this by a look-up, without listing what it holds."""
        return number in self._number_set


@cache
def rule_phrases() -> tuple[str, ...]:
    """Phrases whose spelling the rule files fix: unit names, generic groups and
    scopes (``rules/units.yaml``), named bodies (``rules/bodies.yaml``), the
    field labels of task items (``rules/tasks.yaml``) and the cues of relative
    deadlines (``rules/deadlines.yaml``)."""
    units = load_rules("units")
    out: list[str] = []
    for names in (units.get("names") or {}).values():
        out += names
    for names in (units.get("groups") or {}).values():
        out += names
    for names in (units.get("scopes") or {}).values():
        out += names
    out += load_rules("bodies").get("named", [])
    for labels in (load_rules("tasks").get("fields") or {}).values():
        out += labels
    relative = load_rules("deadlines").get("relative") or {}
    out += [*relative.get("lead", []), *relative.get("anywhere", [])]
    return tuple(dict.fromkeys(str(x) for x in out))


_CORE = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")


def _key(word: str) -> str:
    return "".join(c for c in fold(word) if c.isalnum())


class PhraseBook:
    """Known phrases, indexed for :func:`snap_phrases` by their first two words."""

    def __init__(self, phrases: Iterable[str], loose: Iterable[str] = ()) -> None:
        self.items: list[tuple[list[str], list[str], str]] = []  # (words, word keys, joined key)
        self.by_first: dict[str, list[int]] = {}
        self.by_second: dict[str, list[int]] = {}
        #: items that are whole names: where one stands as printed, no other phrase overlaps it
        self.names: set[int] = set()
        seen: set[str] = set()
        firm = list(phrases)
        for n, p in enumerate([*firm, *loose]):
            words = _CORE.findall(normalize_text(p))
            keys = [_key(w) for w in words]
            joined = " ".join(keys)
            if len(words) < (2 if p[:1].isupper() else 3) or joined in seen or len(joined) < 8:
                continue  # two lower-case words ("phối hợp") are too common to respell into
            seen.add(joined)
            k = len(self.items)
            if n < len(firm):
                self.names.add(k)
            self.items.append((words, keys, joined))
            self.by_first.setdefault(keys[0], []).append(k)
            self.by_second.setdefault(keys[1], []).append(k)
        self.keys = seen


@lru_cache(maxsize=8)
def _book(extra: tuple[str, ...]) -> PhraseBook:
    return PhraseBook((*rule_phrases(), *extra))


def phrase_book(known: Known | None = None, extra: Iterable[str] = ()) -> PhraseBook:
    """The rule phrases, the caller's known names and ``extra`` phrases (a document's own)."""
    names = tuple(sorted(set(known.name_list()))) if known is not None else ()
    extra = tuple(extra)
    if not extra:
        return _book(names)
    return PhraseBook((*rule_phrases(), *names), extra)


def document_phrases(text: str) -> list[str]:
    """Names a document spells the same way again and again: its own clean mentions.

    Runs of ``doc_phrase_min_words`` to ``doc_phrase_max_words`` known words
    starting with a capital ("Cơ sở dữ liệu hộ tịch điện tử", "Sở Tư pháp các
    tỉnh, thành phố trực thuộc Trung ương") that the restored text of one
    document holds at least ``doc_phrase_min_count`` times; a run inside a
    longer one seen as often is left out. OCR damage is random: the damaged
    mentions of such a name are respelled as it (:func:`snap_phrases`).
    """
    m = model()
    p = m.params
    lo, hi, least = int(p["doc_phrase_min_words"]), int(p["doc_phrase_max_words"]), int(p["doc_phrase_min_count"])
    counts: Counter[tuple[str, ...]] = Counter()
    spelled: dict[tuple[str, ...], Counter[str]] = {}
    for chunk in re.split(r"[;:()\[\]]|\.(?:\s|$)", text):
        words = _CORE.findall(chunk)
        ok = [w.isalpha() and w.lower() in m.uni and is_syllable(fold(w.lower())) for w in words]
        for i, w in enumerate(words):
            if not ok[i] or not w[:1].isupper():
                continue
            for n in range(lo, hi + 1):
                if i + n > len(words) or not ok[i + n - 1]:
                    break
                key = tuple(x.lower() for x in words[i:i + n])
                counts[key] += 1
                spelled.setdefault(key, Counter())[" ".join(words[i:i + n])] += 1
    keep = {k: c for k, c in counts.items() if c >= least}
    out = []
    for k, c in keep.items():
        longer = any(len(o) > len(k) and keep[o] >= c and any(o[j:j + len(k)] == k for j in range(len(o) - len(k) + 1))
                     for o in keep)
        if not longer:
            out.append(spelled[k].most_common(1)[0][0])
    return out


def is_upper_text(text: str) -> bool:
    """Printed in capitals (a heading): the respelled words are too."""
    return is_upper_line(text, min_letters=2)


def _wildcard(token: str) -> bool:
    """A short token of junk, no word as printed: "@&", "¢6", "8¢" (not a number: "46", "1")."""
    return len(token) <= 2 and not any(c.isalpha() for c in token) and not token.isdigit()


def snap_phrases(text: str, printed: str, where: list[tuple[int, int]],
                 book: PhraseBook) -> list[tuple[int, int, str]]:
    """Respell damaged mentions of known phrases: ``(start, end, new)`` on ``text``.

    ``text`` is the restorer's reading of ``printed`` (``where`` from
    :func:`restore_aligned`). A run of as many words as a known phrase is
    respelled as that phrase when their folds are close to the phrase's
    (``phrase_min_ratio``, ``phrase_min_ratio_short`` under
    ``phrase_short_chars`` letters), as read or as printed, and each word that
    changes may: a word the scanner damaged (no syllable as printed, or one
    the restorer had to edit) keeps its first letter (but for the OCR
    confusions: P for Đ, 1 for l) and all but two or half of its letters; a
    short token of junk ("@&", "¢6") may be one word of a phrase of six words
    or more, or of four or five whose other words are all there; a word printed
    cleanly may change by one known OCR slip only ("thue" → thực, "Bon vi" →
    Đơn vị; never "sở" → bộ), and a capitalised one only
    inside a name, never as its head word, so a name read as printed stays
    ("Sở Thông tin và Truyền thông" never becomes "Bộ ..."). Runs that already
    are a known name take its spelling ("Phong Tư pháp" → "Phòng Tư pháp"),
    but for words printed with marks of their own; phrases the document
    itself repeats only fix damaged mentions. Only the letters of a word
    change: punctuation and line breaks stay.
    """
    p = model().params
    long_min, short_min = float(p["phrase_min_ratio"]), float(p["phrase_min_ratio_short"])
    short = int(p["phrase_short_chars"])
    words = [(t.start, t.end, t.text) for t in tokenize(text, pairs=True) if t.kind != "b"]
    if not words:
        return []
    keys = [_key(w) for _, _, w in words]
    wilds = [_wildcard(w) for _, _, w in words]
    pkeys = [_key(printed[where[a][0]: where[b - 1][1]]) for a, b, _ in words]
    starts = model().word_start_letters

    subs = model().subs

    def confusable(pkey: str) -> set[str]:
        """What one known OCR slip turns the printed word into."""
        return set(model()._edits1(pkey))

    def first_letters(pkey: str) -> set[str]:
        out = starts(pkey)
        out |= {dst[:1] for src, dst in subs.get(pkey[:1], ()) if pkey.startswith(src)}
        return out

    def may_become(j: int, target: str, target_word: str, at: int, n: int) -> bool:
        w, key, pkey = words[j][2], keys[j], pkeys[j]
        if at == 0 and target_word[:1].isupper() and w[:1].islower() and is_syllable(key):
            return False  # a name starts with its capital; a lower-case word is no name's head
        if key == target:
            return True
        if _wildcard(w):
            return True  # "@&", "¢6": what the scanner made of a short word (see the caller)
        if not pkey:
            return False
        if pkey == key and is_syllable(key):  # read as printed
            if target not in confusable(pkey):
                return False  # only by a known OCR slip: "đăng ký từ ngày" is no "kể từ ngày", "sở" no "bộ"
            sentence_case = at == 0 and target_word[:1].islower()  # "Bon vi phoi hop:" opens a line
            capital = target_word[:1].isupper() or w[:1].isupper() and not sentence_case
            return not capital or (at > 0 and n >= 4)  # a name's head word is never respelled
        if pkey[0] != target[0] and target[0] not in first_letters(pkey):
            return False
        d = Levenshtein.distance(pkey, target)
        if n < 5 and is_syllable(key) and d > Levenshtein.distance(pkey, key):
            return False  # the restorer's reading is closer to the print ("phéi" is phối, not phù)
        return d <= max(2, len(target) // 2)

    def respell(i: int, k: int, marks_only: bool = False) -> list[tuple[int, int, str]]:
        """The words of the run at ``i`` spelled as item ``k``; ``marks_only``: the
        letters are right, only the marks change (the case stays as read)."""
        pw, _, _ = book.items[k]
        n = len(pw)
        shown = printed[where[words[i][0]][0]: where[words[i + n - 1][1] - 1][1]]
        caps = is_upper_text(shown)
        out = []
        for j in range(n):
            a, b, w = words[i + j]
            new = pw[j]
            if marks_only:
                if new.lower() == w.lower():
                    continue
                new = _case_like(new.lower(), w, caps)
            elif caps:
                new = new.upper()
            elif j == 0 and w[:1].isupper():  # a sentence may start with the phrase
                new = new[:1].upper() + new[1:]
            if new != w:
                out.append((a, b, new))
        return out

    found: list[tuple[int, float, int, int]] = []  # (-n, -score, i, item): the longest phrase first
    exact: list[tuple[int, int]] = []  # known phrases as they stand: (start, end) in words
    spell: list[tuple[int, int]] = []  # (start, item): a known name whose marks may still differ
    for i in range(len(words)):
        cands = set(book.by_first.get(keys[i], ()))
        if i + 1 < len(words):
            cands |= set(book.by_second.get(keys[i + 1], ()))
        for k in cands:
            pw, pk, joined = book.items[k]
            n = len(pk)
            if i + n > len(words):
                continue
            if keys[i:i + n] == pk:
                if k in book.names:
                    exact.append((i, i + n))
                    spell.append((i, k))
                continue
            window = keys[i:i + n]
            same = sum(a == b for a, b in zip(window, pk, strict=True))
            if 2 * same + 1 < n:
                continue  # most words must be there as they stand
            wild = wilds[i:i + n]
            if any(wild) and (sum(wild) > 1 or n < 4 or n < 6 and any(
                    keys[i + j] != pk[j] for j in range(n) if not wild[j])):
                continue  # one junk token: in a long phrase, or in one otherwise all there
            # a token without letters counts as the phrase's word, if it may become it (below)
            read = " ".join(pk[j] if wild[j] else keys[i + j] for j in range(n))
            as_printed = " ".join(pk[j] if wild[j] else pkeys[i + j] for j in range(n))
            score = max(fuzz.ratio(read, joined), fuzz.ratio(as_printed, joined))
            if score < (short_min if len(joined) < short else long_min):
                continue
            if all(may_become(i + j, pk[j], pw[j], j, n) for j in range(n)):
                found.append((-n, -score, i, k))
    found.sort()
    taken = [False] * len(words)
    reps: list[tuple[int, int, str]] = []
    for neg_n, _, i, k in found:
        n = -neg_n
        if any(taken[i:i + n]):
            continue
        if any(a < i + n and i < b and not (i <= a and b <= i + n and (a, b) != (i, i + n)) for a, b in exact):
            continue  # a known phrase as it stands, and not strictly inside this one
        taken[i:i + n] = [True] * n
        reps += respell(i, k)
    # A known name read with the right letters but other marks ("Phong Tư pháp"):
    # the name's spelling, but for the words printed with marks of their own.
    for i, k in sorted(spell, key=lambda x: -len(book.items[x[1]][1])):
        n = len(book.items[k][1])
        if any(taken[i:i + n]):
            continue
        taken[i:i + n] = [True] * n
        reps += [(a, b, new) for a, b, new in respell(i, k, marks_only=True)
                 if printed[where[a][0]: where[b - 1][1]].isascii()]
    reps.sort()
    return reps


def apply_aligned(text: str, where: list[tuple[int, int]],
                  reps: list[tuple[int, int, str]]) -> tuple[str, list[tuple[int, int]]]:
    """``text`` with ``reps`` applied, and ``where`` carried over (a new word spans its old one)."""
    if not reps:
        return text, where
    out: list[str] = []
    new_where: list[tuple[int, int]] = []
    pos = 0
    for a, b, new in reps:
        out.append(text[pos:a])
        new_where += where[pos:a]
        out.append(new)
        last = len(new) - 1
        for k in range(len(new)):
            s = where[a][0] if k == 0 else where[min(a + k, b - 1)][0]
            e = where[b - 1][1] if k == last else s + 1
            new_where.append((s, e))
        pos = b
    out.append(text[pos:])
    new_where += where[pos:]
    return "".join(out), new_where
