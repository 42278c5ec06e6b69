"""Compiled patterns of ``rules/header.yaml`` and the per-line tests built on them.

Every test takes a :class:`~docparse.model.Line` and looks at its fold, so
OCR text without diacritics is read by the same rules as clean text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from rapidfuzz import fuzz

from .. import rules
from ..model import Line
from ..normalize import collapse_ws, fold, is_upper_line
from ..spans import Traced


@dataclass(frozen=True)
class Guarded:
    """A pattern searched only in text holding what every match holds (``needs``, a cheaper pattern).

    Same answers as ``pattern`` alone, when ``needs`` matches inside every match
    of it (a test checks this on the corpus's lines); a rule file gives it as
    ``<name>_needs`` beside ``<name>``.
    """

    pattern: re.Pattern[str]
    needs: re.Pattern[str]

    def search(self, text: str) -> re.Match[str] | None:
        return self.pattern.search(text) if self.needs.search(text) else None


@dataclass(frozen=True)
class Patterns:
    motto: tuple[re.Pattern[str], ...]
    number: re.Pattern[str]
    number_nocolon: re.Pattern[str]
    date: Guarded
    date_nocomma: re.Pattern[str]
    cong_van: re.Pattern[str]
    attached: re.Pattern[str]
    body_start: re.Pattern[str]
    authority: re.Pattern[str]
    signer_mode: re.Pattern[str]
    title_line: re.Pattern[str]
    signature_noise: re.Pattern[str]
    recipients: re.Pattern[str]
    addressee: re.Pattern[str]
    archive: re.Pattern[str]
    summary: re.Pattern[str]
    not_name_words: frozenset[str]
    titles: dict[str, str]  # lower-case title → proper spelling
    titles_fold: dict[str, str]  # fold → proper spelling, only where the fold is unambiguous
    types: dict[str, str]  # fold of a type name → its official name
    type_abbr: dict[str, str]  # fold of a symbol abbreviation → type name


@cache
def patterns() -> Patterns:
    h = rules.load("header")
    dt = rules.load("doc_types")
    types = {fold(t["name"]): t["name"] for t in dt["types"]}
    abbr = {fold(a): t["name"] for t in dt["types"] for a in t.get("abbr", [])}
    return Patterns(
        motto=tuple(re.compile(p) for p in h["national_motto"]),
        number=re.compile(h["number_line"]),
        number_nocolon=re.compile(h["number_line_nocolon"]),
        date=Guarded(re.compile(h["date_line"]), re.compile(h["date_line_needs"])),
        date_nocomma=re.compile(h["date_line_nocomma"]),
        cong_van=re.compile(h["cong_van_subject"]),
        attached=re.compile(h["attached_line"]),
        body_start=re.compile(h["body_start"]),
        authority=re.compile(h["authority_line"]),
        signer_mode=re.compile(h["signer_mode"]),
        title_line=re.compile(h["title_line"]),
        signature_noise=re.compile(h["signature_noise"]),
        recipients=re.compile(h["recipients_start"]),
        addressee=re.compile(h["addressee_start"]),
        archive=re.compile(h["archive_line"]),
        summary=re.compile(h["summary_lead"]),
        not_name_words=frozenset(h["not_name_words"]),
        titles={t.lower(): t for t in h["titles"]},
        titles_fold=_unambiguous_folds(h["titles"]),
        types=types,
        type_abbr=abbr,
    )


def _unambiguous_folds(names: list[str]) -> dict[str, str]:
    seen: dict[str, set[str]] = {}
    for n in names:
        seen.setdefault(fold(n), set()).add(n)
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}


#: Leading and trailing marks; the trailing run is matched from its first character only (a lookbehind),
#: which keeps a long run of spaces linear instead of retrying it from every position.
_MARKS = re.compile(r"^[\s*#_>\-–•+]+|(?<![\s*_])[\s*_]+$")


@lru_cache(maxsize=1 << 16)  # asked of every line by several stages
def strip_marks(text: str) -> str:
    """Text without list dashes, markdown leftovers and surrounding punctuation."""
    return collapse_ws(_MARKS.sub("", text))


def strip_marks_traced(text: Traced) -> Traced:
    """:func:`strip_marks` of a :class:`~docparse.spans.Traced` (positions kept)."""
    return text.sub(_MARKS).collapse().strip()


#: The words of the motto's first line, in order (folded).
_MOTTO_WORDS = ("cong", "hoa", "xa", "hoi", "chu", "nghia", "viet", "nam")
#: The last word before a position, with ordinary spacing before the match (no column gap).
_MOTTO_BEFORE = re.compile(r"(?:^|\s)(\w+)[ \t]{0,2}$")


def motto_span(line: Line) -> int | None:
    """Where the national motto starts in the line (two columns may share it).

    Exports break the motto anywhere ("CỘNG HÒA XÃ" / "HỘI CHỦ NGHĨA VIỆT
    NAM"), so the start walks back over motto words just before the match.
    """
    return _motto_span(line.text, line.fold)


@lru_cache(maxsize=65536)
def _motto_span(text: str, fold_: str) -> int | None:
    line = Line(text=text, fold=fold_, index=0)
    best = None
    end = 0
    for p in patterns().motto:
        m = p.search(line.fold)
        if m:
            end = max(end, m.end())
            if best is None or m.start() < best:
                best = m.start()
    if best is None:
        return None
    if len(line.fold.split()) == 1 and not is_upper_line(line.text, min_letters=1):
        # The motto is printed in capitals; broken over lines, its first word may stand alone
        # ("CỘNG" / "HÒA XÃ HỘI ..."). A lone lower-case "công" is a wrapped sentence's last word
        # ("cung cấp dịch vụ" / "công" in a table cell), and must not start a new document.
        return None
    if sum(c.isalpha() for c in line.text[end:]) > 12:
        return None  # the country's name inside a longer title or sentence
    before = line.text[:best].strip()
    if before and not is_upper_line(before, min_letters=1):
        return None  # the country's name inside a sentence, not the motto
    # Walk back over the words of the motto printed before the match, in the
    # motto's own order ("CỘNG HÒA XÃ" / "HỘI CHỦ NGHĨA VIỆT NAM"), never over
    # a column gap: "TỈNH THANH HÓA      Độc lập" ends a province name in "hóa".
    first = line.fold[best:].split()[0] if line.fold[best:].split() else ""
    k = _MOTTO_WORDS.index(first) if first in _MOTTO_WORDS else 0
    while k > 0:
        m = _MOTTO_BEFORE.search(line.fold, 0, best)
        if m is None or m.group(1) != _MOTTO_WORDS[k - 1]:
            break
        best = m.start(1)
        k -= 1
    return best


def is_motto(line: Line) -> bool:
    return motto_span(line) is not None


def title_type(line: Line) -> str | None:
    return _title_type(line.text)


@lru_cache(maxsize=65536)
def _title_type(raw: str) -> str | None:
    """The document type when the line is a title ("QUYẾT ĐỊNH", OCR "QUYET PINH").

    Only a short line in capitals that is the type name and nothing else
    counts: "QUYẾT ĐỊNH:" (the enacting formula) and headings that merely
    start with a type name do not.
    """
    text = strip_marks(raw)
    if not text or text.endswith(":") or len(text) > 40:
        return None
    if not is_upper_line(text, min_letters=4):
        return None
    key = fold(text).strip(" .")
    types = patterns().types
    if key in types:
        return types[key]
    if len(key.split()) > 4:
        return None
    best, score = None, 0.0
    for k, name in types.items():
        s = fuzz.ratio(key, k)
        if s > score:
            best, score = name, s
    return best if score >= 86 and len(key) >= 7 else None


def is_authority(line: Line) -> bool:
    return is_upper_line(line.text) and bool(patterns().authority.match(line.fold))


def mode_of(m: re.Match[str]) -> str:
    """"KT" from a signer_mode match ("KT." or "K/T")."""
    return (m["m1"] or m["m2"]).replace("/", "").upper()


@lru_cache(maxsize=1 << 16)
def is_title_line(text: str) -> bool:
    """A signer's position in capitals: a known title or one shaped like it."""
    t = strip_marks(text)
    if not is_upper_line(t) or len(t.split()) > 9:
        return False
    return bool(title_name(t) or patterns().title_line.match(fold(t)))


@lru_cache(maxsize=1 << 16)
def title_name(text: str) -> str | None:
    """Proper spelling of a signer's position ("PHÓ CHỦ TỊCH" → "Phó Chủ tịch")."""
    t = collapse_ws(strip_marks(text)).strip(" .,:")
    p = patterns()
    return p.titles.get(t.lower()) or p.titles_fold.get(fold(t))


_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_]*\.?$")


def is_person_name(text: str) -> bool:
    """A Vietnamese personal name: 2–6 capitalised words, no digits, not a title."""
    t = strip_marks(text)
    words = t.split()
    if not 2 <= len(words) <= 6:
        return False
    if not all(_NAME_WORD.match(w) and w[0].isupper() for w in words):
        return False
    if title_name(t) or is_upper_line(t) and len(words) > 5:
        return False
    f = fold(t)
    if is_upper_line(t) and sum(w in patterns().not_name_words for w in f.split()) >= 2:
        return False
    return not re.match(r"^(noi nhan|kinh gui|luu|nhu|cong hoa|doc lap|so|ngay|tm|kt|tl|tuq)\b", f)
