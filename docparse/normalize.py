"""Text normalisation shared by every reader and rule.

Vietnamese text reaches us in several equivalent spellings: composed or
decomposed Unicode, two placements of the tone mark (``Uỷ``/``Ủy``,
``hoà``/``hòa``), a zoo of dash characters, non-breaking spaces. Rules are
written once against the normal form produced here, and against its
diacritic-free *fold*, which keeps rules working on OCR text that lost its
marks.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-")
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"), " ")
_DROP = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_QUOTES = {ord("\u2018"): "'", ord("\u2019"): "'", ord("\u201a"): "'"}
_TRANSLATE = {**_DASHES, **_SPACES, **_DROP, **_QUOTES}

# Open syllables whose tone the old style puts on the second vowel: "hoà", "khoẻ",
# "uỷ". The new style (the one of Nghị định 30/2020 templates and of the gold)
# puts it on the first. "qu" + y is a consonant + vowel ("quý") and is left alone;
# a vowel carrying another mark after the tone ("hoặc": ă) is not an open pair.
_OLD_TONE = re.compile(r"(?i)(?<![\w])([^\W\d_]*?)([oO])([aAeE])([\u0300\u0301\u0303\u0309\u0323])(?![\w\u0300-\u036f])|"
                       r"(?<![\w])([^\W\d_]*?)([uU])([yY])([\u0300\u0301\u0303\u0309\u0323])(?![\w\u0300-\u036f])")


def _move_tone(m: re.Match[str]) -> str:
    if m.group(1) is not None or m.group(2) is not None:
        head, v1, v2, tone = m.group(1), m.group(2), m.group(3), m.group(4)
    else:
        head, v1, v2, tone = m.group(5), m.group(6), m.group(7), m.group(8)
        if head[-1:].lower() == "q":
            return m.group(0)
    if any(ch in _TONES for ch in head):
        return m.group(0)
    return f"{head}{v1}{tone}{v2}"


#: In composed text, where an old-style tone can be: "o"/"u" then a toned "a", "e" or "y" that ends
#: the word (every match of :data:`_OLD_TONE` has this: an open syllable). A line without it is spared
#: the decomposition; "hoạch", "toán", "quyết" (the tone before a coda) are not open.
_MAYBE_OLD_TONE = re.compile(r"(?i)[ou][àáãảạèéẽẻẹỳýỹỷỵ](?![\w\u0300-\u036f])")


def fix_tone_placement(text: str) -> str:
    """Move old-style tone marks to the new-style vowel (``Uỷ`` → ``Ủy``)."""
    nfc = unicodedata.normalize("NFC", text)
    if not _MAYBE_OLD_TONE.search(nfc):  # the answer without decomposing and matching
        if nfc == text:
            return text
        return nfc if any(t in unicodedata.normalize("NFD", text) for t in _TONES) else text
    nfd = unicodedata.normalize("NFD", text)
    if not any(t in nfd for t in _TONES):
        return text
    return unicodedata.normalize("NFC", _OLD_TONE.sub(_move_tone, nfd))


#: Any character :data:`_TRANSLATE` changes: most lines have none, and a regex search for them is
#: several times cheaper than ``translate`` with a dict, which looks up every character.
_NEEDS_TRANSLATE = re.compile("[" + re.escape("".join(map(chr, _TRANSLATE))) + "]")


def normalize_text(text: str) -> str:
    """NFC, one dash, one space, new-style tone marks; line breaks are kept."""
    text = unicodedata.normalize("NFC", text)
    if _NEEDS_TRANSLATE.search(text):
        text = text.translate(_TRANSLATE)
    return fix_tone_placement(text)


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", ch)[0].lower()
    return base if len(base) == 1 else ch


def _fold_table() -> str:
    """The fold of every character below U+1F00, as one string indexed by code point.

    ``str.translate`` looks a string table up by index, twice as fast as a
    dict; characters past its end (an ``IndexError``) are kept as they are.
    """
    table = {c: chr(c).lower() for c in range(ord("A"), ord("Z") + 1)}
    for c in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        table[c] = _fold_char(chr(c))
    return "".join(table.get(c, chr(c)) for c in range(0x1F00))


_FOLD = _fold_table()


def fold(text: str) -> str:
    """Lower-case, diacritic-free shadow of ``text`` with the same length.

    Same length matters: a regex match found in the fold is a valid slice of
    the original, so values are always returned in their printed spelling.
    One ``str.translate`` over a precomputed table: it runs on every line.
    """
    return text.translate(_FOLD)


def fold_alternation(phrases: object) -> str:
    """A regex alternation of phrases, folded, longest first, any spacing between words.

    Every cue list of ``rules/`` is matched on the fold; longest first so that
    "sau khi" wins over "khi" at the same place.
    """
    keys = {fold(str(p)).strip() for p in phrases}  # type: ignore[attr-defined]
    return "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in sorted(keys, key=len, reverse=True) if k)


def collapse_ws(text: str) -> str:
    """Runs of white space as one space, none at the ends.

    ``str.split`` splits on exactly the characters ``\\s`` matches (both ask
    ``Py_UNICODE_ISSPACE``), at several times the speed of ``re.sub``.
    """
    return " ".join(text.split())


_NOT_LETTER = re.compile(r"[\W\d_]+")


#: Line checks run on every line by several stages (splitting, header, signer, tasks): each asks
#: again about the same lines, so the answer is kept (bounded; a line's text is its own key).
_LINE_CACHE = 1 << 16


@lru_cache(maxsize=_LINE_CACHE)
def is_upper_line(text: str, min_letters: int = 3) -> bool:
    """True for lines written in capitals (titles, issuer and authority lines)."""
    if sum(map(str.islower, text[:64])) > 0.15 * len(text):
        return False  # prose: lower-case letters enough to fail whatever follows (letters ≤ characters)
    letters = _NOT_LETTER.sub("", text)  # one string, not a list of one-letter strings
    n = len(letters)
    if n < min_letters:
        return False
    head = letters[: n // 5 + 8]  # a paragraph of prose shows itself in its first fifth
    if len(head) - sum(map(str.isupper, head)) > 0.15 * n:
        return False
    upper = sum(map(str.isupper, letters))  # C-level: no Python frame per letter
    return upper / n >= 0.85


def sentence_case(text: str, keep: frozenset[str] = frozenset()) -> str:
    """``BỘ TƯ PHÁP`` → ``Bộ tư pháp``; words in ``keep`` keep the given spelling."""
    words = text.split()
    out = []
    for i, w in enumerate(words):
        key = fold(w)
        if key in keep:
            out.append(w)
            continue
        lw = w.lower()
        out.append(lw[:1].upper() + lw[1:] if i == 0 else lw)
    return " ".join(out)
