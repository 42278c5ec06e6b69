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
"""

from __future__ import annotations

import gzip
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from docparse.normalize import fold, normalize_text
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


def _classify(core: str) -> str:
    letters = sum(1 for c in core if c.isalpha())
    if not letters or any(c in _INNER_SYMBOL for c in core):
        return "s"
    digits = sum(1 for c in core if c.isdigit())
    if digits > 2 or len(core) > 9 or (core[0].isdigit() and letters < 2):
        return "s"
    if digits and digits >= letters:
        return "s" if len(core) > 2 else "w"
    return "w"


def tokenize(text: str) -> list[Token]:
    """Words, symbols and sentence boundaries of ``text``, with spans.

    Punctuation around a chunk is a boundary; a line break is one when the
    next line opens with a capital, a digit or a bullet (wrapped prose goes on).
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
    m = model()
    marked = bare = junk = foreign = words = 0
    for t in toks:
        if t.kind != "w":
            continue
        words += 1
        if _CODE.fullmatch(t.text):
            continue  # "V2", "B6": a code in clean text, "Bộ" in OCR; no evidence either way
        if t.text.lower() in m.foreign_markers:
            foreign += 1
            continue
        fixed = m.fixed_form(t.text)
        if fixed is not None:
            if fixed != t.text.lower() and fold(fixed) == fold(t.text):
                junk += 1  # "LDVP" for LĐVP
            continue
        low = t.text.lower()
        if any(c in _JUNK for c in low):
            junk += 1
        elif not low.isascii():
            if low in m.uni:
                marked += 1
            else:
                junk += 1
        else:
            forms = m.forms.get(low)
            if forms:
                total = sum(c for _, c in forms)
                plain = sum(c for f, c in forms if f.isascii())
                if plain < 0.5 * total:
                    bare += 1
            elif m.candidates(t.text)[0][0] != low:
                junk += 1  # "ciia", "xdy": no word as written, one OCR edit away from one
    return RestoreStats(marked, bare, junk, foreign, words)


@lru_cache(maxsize=64)
def needs_restore(text: str) -> bool:
    """True for text that lost its diacritics (OCR), false for clean Vietnamese.

    The measure: of the tokens that tell, the share that are bare ascii forms
    of syllables which normally carry marks (``dinh``, ``ngay``) or carry OCR
    junk (``s&``, ``Quyét``), against valid marked syllables (``định``).
    """
    return _needs(_stats(tokenize(normalize_text(text))))


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


def _decode(seq: list[tuple[str, tuple[tuple[str, float], ...]]], m: Model) -> list[str]:
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
    m = model()
    src = normalize_text(text)
    toks = tokenize(src)
    if not force and not _needs(_stats(toks)):
        return text

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
            seq.append((t.text, ((f, 0.0),) if f is not None else m.candidates(t.text)))
        fixed.append(f)
    path = _decode(seq, m) if seq else []

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

    pieces: list[str] = []
    pos = 0
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
            pieces.append(src[pos : t.start])
            pieces.append(new)
            pos = t.end
    if not pieces:
        return text
    pieces.append(src[pos:])
    return "".join(pieces)
