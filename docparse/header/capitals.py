"""Respelling a value printed in capitals from the document's own mentions printed in lower case.

OCR reads stacked marks on capitals worst: a subject printed in bold capitals
comes out "TÂM NHÌN" for "TẦM NHÌN", "XÁC THỤC" for "XÁC THỰC", even
"THỰỤC", while the same words in the body's running text, printed in lower
case, read right. A document repeats the words of its subject ("triển khai
thực hiện", "tầm nhìn đến năm 2030"), so a word of a capitals value is given
the spelling those mentions agree on, where:

- a mention has the same neighbours (both, folded), so the word is the same
  word in the same phrase, not a look-alike elsewhere;
- no lower-case mention with those neighbours spells it as the value does;
- the two spellings fold alike ("tâm"/"tầm"), or the value's is no Vietnamese
  syllable at all and one letter from the mention's ("thựục"/"thực").

The punctuation between two words is read the same way (OCR takes "," for
";" on a bold line): the mentions' mark between the same two words wins.

A clean document's capitals already spell its mentions, so nothing changes.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from rapidfuzz.distance import Levenshtein

from ..model import Line
from ..normalize import fold, is_upper_line
from ..readers.quality import is_syllable

_WORD = re.compile(r"\w+")
#: Marks OCR confuses between two words; any other separator is left as printed.
_MARKS = frozenset(",;.:")


_Keys = frozenset[tuple[str, str]]


def _keys(value: str) -> tuple[_Keys, _Keys]:
    """The contexts a value asks about: (previous, next) around each word, and each pair of neighbours."""
    found = [w.lower() for w in _WORD.findall(fold(value))]
    return (frozenset(zip(found, found[2:], strict=False)), frozenset(zip(found, found[1:], strict=False)))


def _contexts(texts: list[str], folds: list[str], want: tuple[_Keys, _Keys],
              ) -> tuple[dict[tuple[str, str], Counter[str]], dict[tuple[str, str], Counter[str]]]:
    """In the lower-case texts: (previous word, next word), folded → the words printed between them,
    and (word, next word), folded → the mark printed between them ("" for none).

    Only the contexts in ``want`` (the value's) are counted, and a line holding none of the value's
    words is skipped by one regex search: the document is read once per value, most of it skipped.
    """
    words_at: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    marks_at: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    want_words, want_marks = want
    heads = {a for a, _ in want_words | want_marks}
    if not heads:
        return words_at, marks_at
    probe = re.compile(r"\b(?:" + "|".join(re.escape(h) for h in sorted(heads, key=len, reverse=True)) + r")\b",
                       re.IGNORECASE)
    for text, folded in zip(texts, folds, strict=True):
        if not probe.search(folded) or is_upper_line(text):
            continue
        keys = [w.lower() for w in _WORD.findall(folded)]  # strings only; positions found for the hits
        hits = [k for k, a in enumerate(keys) if a in heads]
        if not hits:
            continue
        found: list[re.Match[str]] | None = None
        last = len(keys) - 1
        for k in hits:
            if k == last:
                continue
            pair = (keys[k], keys[k + 1])
            marks = pair in want_marks
            words = k + 2 <= last and (keys[k], keys[k + 2]) in want_words
            if not marks and not words:
                continue
            if found is None:
                found = list(_WORD.finditer(folded))
            if marks:
                marks_at[pair][_mark(text[found[k].end():found[k + 1].start()])] += 1
            if words:
                w = found[k + 1]
                word = text[w.start():w.end()]
                if word.isalpha():
                    words_at[(keys[k], keys[k + 2])][word.lower()] += 1
    return words_at, marks_at


def _mark(between: str) -> str:
    return between.strip() if between.strip() in _MARKS else ""


def _cased(word: str, like: str) -> str:
    return word.upper() if like.isupper() else word[:1].upper() + word[1:] if like[:1].isupper() else word


def _alike(value_word: str, mention: str) -> bool:
    a, b = fold(value_word).lower(), fold(mention).lower()
    return a == b or (not is_syllable(value_word.lower()) and Levenshtein.distance(a, b) <= 1)


def respell_capitals(value: str, lines: list[Line], *, scanned: bool = False) -> str:
    """``value`` (printed in capitals) with its misread words spelled as the document's lower-case mentions.

    ``scanned``: the whole document was read from a scan, so a value in lower
    case may be misread too; it is respelled the same way, its own printing
    left out of the vote and the mentions needing to agree twice.
    """
    if not value:
        return value
    want = _keys(value)
    kept = [x for x in lines if not x.blank]
    words_at, marks_at = _contexts([x.text for x in kept], [x.fold for x in kept], want)
    least = 1
    if not is_upper_line(value):
        if not scanned:
            return value
        least = 2
        own_words, own_marks = _contexts([value], [fold(value)], want)
        for key, c in own_words.items():
            words_at[key] = words_at.get(key, Counter()) - c
        for key, c in own_marks.items():
            marks_at[key] = marks_at.get(key, Counter()) - c
    words = list(_WORD.finditer(value))
    edits: list[tuple[int, int, str]] = []
    for prev, m, nxt in zip(words, words[1:], words[2:], strict=False):
        w = m.group()
        seen = words_at.get((fold(prev.group()).lower(), fold(nxt.group()).lower()))
        if not w.isalpha() or not seen or seen[w.lower()]:
            continue
        best, n = seen.most_common(1)[0]
        if n >= least and best != w.lower() and _alike(w, best):
            edits.append((m.start(), m.end(), _cased(best, w)))
    for a, b in zip(words, words[1:], strict=False):
        between = value[a.end():b.start()]
        mark = _mark(between)
        seen = marks_at.get((fold(a.group()).lower(), fold(b.group()).lower()))
        if not mark or not seen or seen[mark]:
            continue
        best, n = seen.most_common(1)[0]
        if n >= least and best and best != mark:
            at = a.end() + between.index(mark)
            edits.append((at, at + 1, best))
    for start, end, text in sorted(edits, reverse=True):
        value = value[:start] + text + value[end:]
    return value
