"""Is a text layer Vietnamese? The share of its words that are valid syllables.

A PDF whose fonts lack a usable ToUnicode map still has a text layer, but
what it spells is not what is printed (``QăP`` for ``năm``, ``6ӕ`` for
``Số``, or ``(cid:123)`` glyph numbers, which the PDF reader turns into
U+FFFD). Such a layer must be thrown away and the page OCR'd. Character
statistics alone do not see it (``QăP`` is made of Vietnamese letters), a
syllable grammar does: Vietnamese is written one syllable per word, and a
syllable is onset + rime + at most one tone mark, with closed rimes (``-p``,
``-t``, ``-c``, ``-ch``) taking only the sắc or nặng tone. The grammar is
data: ``rules/syllables.yaml``.

:func:`syllable_share` counts the words of a text that have a letter in them:

* valid: a syllable of the grammar, written lower-case, Capitalised or in
  CAPITALS (``QăP`` is neither);
* neutral (not counted): words in ASCII letters and digits, such as
  ``UBND``, ``QĐ-UBND``, ``IC14``, ``TTg`` and English words (symbols,
  abbreviations and quotations in English are everywhere in administrative
  text and say nothing about the font: an English layer must not be
  OCR'd with the Vietnamese model), capital symbols such as ``QĐ``, single
  letters (the ``đ`` of ``đ)``), web addresses and numbers;
* invalid: everything else, including any word with U+FFFD in it. A broken
  font mapping shows as non-ASCII junk (``6ӕ``, ``ÿӏQK``, ``QăP``; TCVN3 or
  VNI text read as Unicode gives ``Céng hoµ``, ``Quyeát``) or U+FFFD.

**Threshold** (:data:`GARBAGE_BELOW` = 0.70), measured on the corpus
(``tests/test_ocr.py::test_syllable_share_separates_garbled_layers_from_clean_ones``
re-checks it):

* the text-layer pages of ``corpus/dev/files`` (d09-d12, 33 pages) score
  0.99-1.00; the 99 texts of ``corpus/dev/tl`` and the seeds 0.997-1.00;
* the garbled layer of ``d13`` scores 0.42 and 0.36 on its two pages (0.47
  and 0.37 as ``pdftotext -layout`` decodes it);
* seed 003, an OCR copy that lost most of its diacritics, scores 0.85.

0.70 sits about midway between the garbled pages and the worst text worth
keeping: a layer like 003's (an old OCR layer without its diacritics is no
broken font) is read as it is and respelled by :mod:`docparse.restore`. A
page with fewer than :data:`MIN_WORDS` counted words is not judged on its own
(a page number or a signature stamp says too little); :func:`garbage_pages`
then goes by the document's overall share.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

#: A page whose share of valid syllables is below this is a garbage layer.
GARBAGE_BELOW = 0.70
#: Pages with fewer counted words than this are judged with the whole document.
MIN_WORDS = 12

_TONES = {"\u0300": "huyền", "\u0301": "sắc", "\u0303": "ngã", "\u0309": "hỏi", "\u0323": "nặng"}
_STOP_TONES = {"\u0301", "\u0323"}
_TOKEN = re.compile(r"\S+")
_EDGE = re.compile(r"^[^\w\ufffd]+|[^\w\ufffd]+$")
_PIECES = re.compile(r"[^\W_]+|\ufffd+")
_SYMBOL = re.compile(r"^[A-ZĐ0-9]+$")
_URL = re.compile(r"://|^www\.|\.(?:vn|com|org|net|gov)\b", re.I)


@dataclass(frozen=True)
class _Grammar:
    onsets: tuple[str, ...]  # longest first
    rimes: frozenset[str]
    stop_codas: tuple[str, ...]


@cache
def _grammar() -> _Grammar:
    from ..rules import load

    data = load("syllables")
    onsets = sorted({unicodedata.normalize("NFC", o) for o in data["onsets"]}, key=len, reverse=True)
    rimes = frozenset(unicodedata.normalize("NFC", r) for group in data["rimes"].values() for r in group)
    codas = tuple(sorted(data["stop_codas"], key=len, reverse=True))
    return _Grammar(tuple(onsets), rimes, codas)


def _split_tone(word: str) -> tuple[str, str | None, bool]:
    """``(toneless lower-case word, tone mark or None, more than one tone mark?)``."""
    tone = None
    several = False
    kept = []
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _TONES:
            several = several or tone is not None
            tone = ch
        else:
            kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept)), tone, several


def is_syllable(word: str) -> bool:
    """Is ``word`` a well-formed Vietnamese syllable (any letter case but mixed)?"""
    if not word or not (word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower())
                        or len(word) == 1):
        return False
    base, tone, several = _split_tone(word)
    if several or not base.isalpha():
        return False
    g = _grammar()
    starts = [o for o in g.onsets if base.startswith(o)] + [""]
    for onset in starts:
        rime = base[len(onset):]
        if rime in g.rimes:
            if tone is not None and tone not in _STOP_TONES and rime.endswith(g.stop_codas):
                continue
            return True
    return False


def _classify(token: str) -> int:
    """1 valid, 0 neutral, -1 invalid."""
    token = _EDGE.sub("", token)
    if not token or not any(ch.isalpha() or ch == "\ufffd" for ch in token):
        return 0
    if "\ufffd" in token:
        return -1
    if _URL.search(token):
        return 0
    verdicts = [_classify_piece(p) for p in _PIECES.findall(token)]
    if -1 in verdicts:
        return -1
    return 1 if 1 in verdicts else 0


def _classify_piece(piece: str) -> int:
    if is_syllable(piece):
        return 1
    if len(piece) == 1 or piece.isascii():
        return 0  # the "b" and "đ" of "b)", "đ)"; UBND, TTg, m3, IC14; English words
    if _SYMBOL.match(piece):
        return 0  # QĐ, ĐKKD: symbols and abbreviations
    return -1


def syllable_counts(text: str) -> tuple[int, int]:
    """``(valid, counted)`` words of ``text`` (neutral words are not counted)."""
    valid = counted = 0
    for tok in _TOKEN.findall(unicodedata.normalize("NFC", text)):
        c = _classify(tok)
        if c:
            counted += 1
            valid += c > 0
    return valid, counted


def syllable_share(text: str) -> float:
    """Share of the counted words of ``text`` that are Vietnamese syllables (1.0 when none count)."""
    valid, counted = syllable_counts(text)
    return valid / counted if counted else 1.0


def garbage_pages(page_texts: Sequence[str]) -> list[int]:
    """0-based indices of the pages whose text layer is not Vietnamese (see the module docstring).

    A page too short to judge alone is garbage when the whole document is;
    an empty page is never garbage (it has no layer to judge: the caller
    OCRs it for another reason).
    """
    counts = [syllable_counts(t) for t in page_texts]
    valid = sum(v for v, _ in counts)
    counted = sum(n for _, n in counts)
    doc_bad = counted >= MIN_WORDS and valid / counted < GARBAGE_BELOW
    out = []
    for k, (v, n) in enumerate(counts):
        if n >= MIN_WORDS:
            if v / n < GARBAGE_BELOW:
                out.append(k)
        elif n and doc_bad:
            out.append(k)
    return out
