"""Large, realistic registries for scale tests, generated from the corpus.

``python -m bench generate --db PATH --docs N [--seed S] [--batch 5000] [--templates DIR ...]``

The corpus is parsed once; each parsed file is a *template* (its documents'
extracted JSON and bodies). The registry first receives the real files, as
``docparse ingest`` would store them, then generated files until it holds N
documents. A generated file is a template varied the same way in its
extracted JSON and in its body text:

- **number**: a new sequence number, the symbol kept ("3510/KH-UBND" →
  "1187/KH-UBND", "84/2025/QĐ-UBND" → "12/2019/QĐ-UBND"), as far into the
  year's numbering as the new date is (at the template's yearly pace), and
  never given twice by one issuer in one year (no duplicates:
  ``find_duplicate`` stays quiet; the corpus's own numbers are skipped too);
- **date and year**: the file moves to a year of 2015–2026; its own dates
  move there too, with a few weeks of jitter; deadlines ("Quý IV/2019",
  "trước ngày 30/11/2019"), task ``start``/``due`` and the years of the
  text ("năm 2019", "giai đoạn 2021 - 2025") move by the same number of
  years; the dates and numbers of cited documents do not;
- **issuer and province**: a provincial template ("Ủy ban nhân dân tỉnh Cao
  Bằng", "Sở Công Thương tỉnh Lào Cai") moves to one of the 63 provinces
  and cities (a city template to a city), everywhere the name is written
  (title case, capitals, without diacritics in an OCR text); the signer gets
  a name of his own per (issuer, year, title);
- **text**: a few words of the subject (found with underthesea) are swapped,
  wherever they occur, for words of other templates' subjects, so the text
  is not a few hundred documents repeated;
- **references** keep the real numbers they cite, so thousands of documents
  link to the same decrees and decisions; half the provincial plans and
  decisions also cite a ministry decision of the corpus (the seeds'
  2168/QĐ-BTP and 148/QĐ-BTP above all) as their basis ("Căn cứ Quyết định
  số ...") or in their subject as what they implement (a big fan-in).

A document of a bundle that copies someone else's document (the ministry
plan a province forwards, attached to a decision outside the file) is kept
verbatim. A template whose own number or date is not printed where the sites
can change it (an OCR text the parser repaired, a garbled font) is stored as
it is but not varied. The ``spans`` of the JSON are moved with the text, so they still
point at what they name. Each generated file is a ``files`` row (its bytes
are the bodies, UTF-8) and each document goes through
:func:`docparse.registry.store.write_document`, the same code as a real
ingest (rows, references, tasks, units, full-text index), in transactions
of ``--batch`` documents. The same ``--seed`` gives the same registry.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import time
from bisect import bisect_left, bisect_right
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TEMPLATES = ("corpus/seeds", "corpus/dev/tl", "corpus/dev/files")
SUFFIXES = (".txt", ".docx", ".pdf")
FIRST_YEAR, LAST_YEAR = 2015, 2026

#: The five centrally-run cities and the 58 provinces of Việt Nam (the 63 units before July 2025).
CITIES = ("Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ")
PROVINCES = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh", "Bến Tre", "Bình Định",
    "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Đắk Lắk", "Đắk Nông", "Điện Biên",
    "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam", "Hà Tĩnh", "Hải Dương", "Hậu Giang", "Hòa Bình",
    "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai",
    "Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình",
    "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình",
    "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Tiền Giang", "Trà Vinh", "Tuyên Quang", "Vĩnh Long",
    "Vĩnh Phúc", "Yên Bái",
)
#: Huế became a centrally-run city in 2025: the 2025 corpus writes "thành phố Huế".
_TEMPLATE_CITIES = (*CITIES, "Huế")

_SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
             "Ngô", "Dương", "Lý", "Đinh", "Trương", "Lâm", "Mai")
_MIDDLES = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Quang", "Thanh", "Xuân", "Ngọc", "Hoàng", "Công", "Thành",
            "Anh", "Kim", "Bá", "Tiến", "Trọng", "Thu", "Hồng", "Việt")
_GIVEN = ("An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Hương", "Khánh",
          "Lan", "Long", "Mai", "Minh", "Nam", "Nga", "Phong", "Phúc", "Quân", "Sơn", "Tâm", "Thắng", "Thủy",
          "Trung", "Tuấn", "Vân", "Việt", "Yến", "Đạt", "Hiếu", "Lực", "Thảo", "Tùng", "Vinh", "Hưng", "Toàn",
          "Nhân", "Quý")

#: Subject words never swapped (folded): document types, the cue words of references.yaml, issuers.
_STOP_WORDS = frozenset("""
trien khai|thuc hien|ke hoach|quyet dinh|ban hanh|to chuc|dia ban|quy dinh|phe duyet|nghi dinh|thong tu|
nghi quyet|cong van|chinh phu|thu tuong|huong dan|thi hanh|cu the|quan triet|uy ban|nhan dan|ve viec|can cu|
sua doi|bo sung|thay the|bai bo|giai doan|tam nhin|mot so|dieu chinh|chi thi|thong bao|bao cao|to trinh|
ket luan|cong dien|quy che|hoi dong|chu tich|kem theo|nhan duoc|chuyen tiep|sao gui|gui kem|cong bo|
thanh pho|nam|ngay|thang
""".replace("\n", "").split("|"))

#: Share of provincial plans/decisions that also cite a ministry decision of the corpus.
ANCHOR_SHARE = 0.5
#: Template weights: the seeds (plans with tasks, the hộ tịch family) are drawn most.
WEIGHT_SEED, WEIGHT_PROVINCIAL, WEIGHT_CENTRAL = 4, 2, 1
#: Anchors from the seeds are cited this many times as often as other ministry documents.
ANCHOR_SEED_WEIGHT = 10
_DOC_TYPES_CITED = ("Quyết định", "Nghị định", "Thông tư", "Nghị quyết", "Chỉ thị")


# ---------------------------------------------------------------- text sites


@dataclass(slots=True)
class Site:
    """A stretch of a template text that a generated document writes differently.

    ``kind``: number, day/month/dyear (parts of a date; ``key`` = (y, m, d)),
    year (a bare year), province, signer, word. ``style`` is the case it is
    printed in; ``bare``: printed without diacritics (OCR) though the value
    has them, so the replacement is folded too; ``width``: digits of a day or
    month as printed (2 = zero-padded, 1 = not, 0 = unknown).
    """

    start: int
    end: int
    kind: str
    key: Any
    style: str = "asis"
    bare: bool = False
    width: int = 0


@dataclass
class Ctx:
    """What to look for in the texts of one template file."""

    numbers: list[tuple[str, re.Pattern[str]]]
    own_full: set[tuple[int, int, int]]
    own_partial: set[tuple[int, int]]
    ref_dates: set[tuple[int, int, int]]
    window: tuple[int, int]
    province: str | None
    province_re: re.Pattern[str] | None
    signers: list[tuple[str, re.Pattern[str]]]
    protect_re: re.Pattern[str] | None
    law_years: set[int]
    words_re: re.Pattern[str] | None
    words: dict[str, str]  # folded -> as written


def _flex(text: str) -> str:
    """A folded string as a regex: any spacing (line breaks too) between words and around / and -."""
    out = []
    for ch in re.sub(r"\s+", " ", text.strip()):
        if ch in "/-":
            out.append(r"\s*" + re.escape(ch) + r"\s*")
        elif ch == " ":
            out.append(r"\s+")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def _phrases_re(phrases: list[str]) -> re.Pattern[str] | None:
    from docparse.normalize import fold

    keys = sorted({fold(p).strip() for p in phrases if p and len(p.strip()) >= 3}, key=len, reverse=True)
    if not keys:
        return None
    return re.compile(r"(?<![0-9a-z])(?:" + "|".join(_flex(k) for k in keys) + r")(?![0-9a-z])")


def _number_re(number: str) -> re.Pattern[str]:
    from docparse.normalize import fold

    return re.compile(r"(?<![0-9a-z/])" + _flex(fold(number)) + r"(?![0-9a-z]|[-/][0-9a-z])")


_DATE_NUM = re.compile(r"(?<![0-9./-])(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*((?:19|20)\d\d)(?![0-9])")
_DATE_WORDS = re.compile(r"(?<![0-9a-z])ngay(?:\s*(\d{1,2}))?\s*thang\s*(\d{1,2})\s*nam\s*"
                         r"((?:19|20)\d\d)(?![0-9])")
_MONTH_YEAR = re.compile(r"(?<![0-9a-z])thang\s*(\d{1,2})\s*(?:nam\s*|/\s*)((?:19|20)\d\d)(?![0-9])")
_AFTER_LAW = re.compile(r"luat\s+$")  # a word after "Luật" names a law: swapping it would cite another
_YEAR = re.compile(r"(?<![0-9])((?:19|20)\d\d)(?![0-9])")
_ANY_NUMBER = re.compile(r"(?<![0-9a-z])\d+(?:\s*-\s*[a-z]+)?(?:\s*/\s*\d{4})?\s*/\s*[a-z][0-9a-z]*"
                         r"(?:\s*[-/]\s*[0-9a-z]+)*")


def _style(seg: str) -> str:
    letters = [c for c in seg if c.isalpha()]
    if not letters:
        return "asis"
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return "upper"
    if all(c.islower() for c in letters):
        return "lower"
    words = [w for w in re.split(r"[\s-]+", seg) if w[:1].isalpha()]
    if len(words) > 1 and all(w[0].isupper() and w[1:] == w[1:].lower() for w in words):
        return "title"
    return "cap" if letters[0].isupper() else "asis"


def _bare(seg: str, value: str) -> bool:
    """Printed without diacritics (an OCR text) although the value carries them."""
    from docparse.normalize import fold

    return fold(seg) == seg.lower() and fold(value) != value.lower()


def _width(digits: str) -> int:
    return 2 if len(digits) == 2 and digits[0] == "0" else 1 if len(digits) == 1 else 0


def _valid(y: int, m: int, d: int | None) -> bool:
    return 1 <= m <= 12 and (d is None or 1 <= d <= monthrange(y, m)[1])


def find_sites(text: str, ctx: Ctx) -> list[Site]:
    """The sites of one text, non-overlapping, in order.

    Own numbers, own dates, the province and the signer always change;
    then document numbers, the dates of cited documents and protected
    phrases (issuers, units, recipients, law titles) are fenced off; only
    then are other dates, bare years and subject words taken, outside fences.
    """
    from docparse.normalize import fold

    f = fold(text)
    occ = bytearray(len(f))
    sites: list[Site] = []

    def free(s: int, e: int) -> bool:
        return 1 not in occ[s:e]

    def take(s: int, e: int) -> None:
        occ[s:e] = b"\x01" * (e - s)

    def add(site: Site) -> None:
        sites.append(site)

    for key, rx in ctx.numbers:
        for m in rx.finditer(f):
            if free(*m.span()):
                add(Site(m.start(), m.end(), "number", key))
                take(*m.span())

    # dates: (span, [(group span, part, digits)], key, hard?)
    hard_dates, soft_dates, fences = [], [], []
    for m in _DATE_NUM.finditer(f):
        d, mo, y = int(m.group(1)), int(m.group(3)), int(m.group(4))
        if _valid(y, mo, d):
            parts = [(m.span(1), "day", m.group(1)), (m.span(3), "month", m.group(3)),
                     (m.span(4), "dyear", "")]
            _sort_date(m.span(), (y, mo, d), parts, ctx, hard_dates, soft_dates, fences)
    for m in _DATE_WORDS.finditer(f):
        d = int(m.group(1)) if m.group(1) else None
        mo, y = int(m.group(2)), int(m.group(3))
        if _valid(y, mo, d):
            parts = [(m.span(2), "month", m.group(2)), (m.span(3), "dyear", "")]
            if d is not None:
                parts.insert(0, (m.span(1), "day", m.group(1)))
            _sort_date(m.span(), (y, mo, d), parts, ctx, hard_dates, soft_dates, fences)
    for m in _MONTH_YEAR.finditer(f):
        mo, y = int(m.group(1)), int(m.group(2))
        if _valid(y, mo, None):
            parts = [(m.span(1), "month", m.group(1)), (m.span(2), "dyear", "")]
            _sort_date(m.span(), (y, mo, None), parts, ctx, hard_dates, soft_dates, fences)

    def add_date(span: tuple[int, int], key: Any, parts: list[Any]) -> None:
        if not free(*span):
            return
        for (s, e), part, digits in parts:
            add(Site(s, e, part, key, width=_width(digits)))
        take(*span)

    for span, key, parts in hard_dates:
        add_date(span, key, parts)
    if ctx.province_re is not None:
        for m in ctx.province_re.finditer(f):
            if free(*m.span()):
                seg = text[m.start():m.end()]
                add(Site(m.start(), m.end(), "province", ctx.province, _style(seg),
                         _bare(seg, ctx.province or "")))
                take(*m.span())
    for name, rx in ctx.signers:
        for m in rx.finditer(f):
            if free(*m.span()):
                seg = text[m.start():m.end()]
                add(Site(m.start(), m.end(), "signer", name, _style(seg), _bare(seg, name)))
                take(*m.span())

    for m in _ANY_NUMBER.finditer(f):
        take(*m.span())
    for s, e in fences:
        take(s, e)
    if ctx.protect_re is not None:
        for m in ctx.protect_re.finditer(f):
            take(*m.span())

    for span, key, parts in soft_dates:
        add_date(span, key, parts)
    lo, hi = ctx.window
    for m in _YEAR.finditer(f):
        y = int(m.group(1))
        if lo <= y <= hi and free(*m.span()):
            if y in ctx.law_years and "luat" in f[max(0, m.start() - 80):m.start()]:
                continue
            add(Site(m.start(), m.end(), "year", y))
            take(*m.span())
    if ctx.words_re is not None:
        for m in ctx.words_re.finditer(f):
            key = re.sub(r"\s+", " ", m.group())
            after_law = _AFTER_LAW.search(f, max(0, m.start() - 12), m.start())
            if key in ctx.words and free(*m.span()) and not after_law:
                seg = text[m.start():m.end()]
                add(Site(m.start(), m.end(), "word", key, _style(seg), _bare(seg, ctx.words[key])))
                take(*m.span())
    sites.sort(key=lambda x: x.start)
    return sites


def _sort_date(span: tuple[int, int], ymd: tuple[int, int, int | None], parts: list[Any], ctx: Ctx,
               hard: list[Any], soft: list[Any], fences: list[tuple[int, int]]) -> None:
    y, m, d = ymd
    if d is not None and (y, m, d) in ctx.own_full or d is None and (y, m) in ctx.own_partial:
        hard.append((span, ("own", y, m, d), parts))
    elif d is not None and (y, m, d) in ctx.ref_dates:
        fences.append(span)
    elif ctx.window[0] <= y <= ctx.window[1]:
        soft.append((span, ("shift", y, m, d), parts))


# ------------------------------------------------------------- applying


@dataclass
class Values:
    """What one generated file writes at each kind of site."""

    dy: int
    own_dates: dict[tuple[int, int, int], date]
    province: str | None = None
    words: dict[str, str] = field(default_factory=dict)
    signers: dict[str, str] = field(default_factory=dict)
    numbers: dict[str, str] = field(default_factory=dict)

    def date(self, key: tuple[str, int, int, int | None]) -> tuple[int, int, int | None]:
        mode, y, m, d = key
        if mode == "own" and d is not None and (y, m, d) in self.own_dates:
            new = self.own_dates[(y, m, d)]
            return new.year, new.month, new.day
        y2 = y + self.dy
        return y2, m, (min(d, monthrange(y2, m)[1]) if d is not None else None)


def _styled(value: str, style: str, bare: bool, proper: bool) -> str:
    from docparse.normalize import fold

    if bare:
        value = fold(value)
        if style in ("asis", "title") and proper:
            value = " ".join(w[:1].upper() + w[1:] for w in value.split(" "))
    if style == "upper":
        return value.upper()
    if style == "lower":
        return value.lower()
    if proper:
        return value
    if style == "title":
        return " ".join(w[:1].upper() + w[1:] for w in value.split(" "))
    if style == "cap":
        return value[:1].upper() + value[1:]
    return value


def _day_month(n: int, width: int, part: str) -> str:
    if width == 2 or width == 0 and n < (10 if part == "day" else 3):
        return f"{n:02d}"
    return str(n)


def _replacement(site: Site, v: Values) -> str | None:
    kind = site.kind
    if kind == "number":
        return v.numbers.get(site.key)
    if kind in ("day", "month", "dyear"):
        y, m, d = v.date(site.key)
        if kind == "dyear":
            return str(y)
        n = d if kind == "day" else m
        return _day_month(n, site.width, kind) if n is not None else None
    if kind == "year":
        return str(site.key + v.dy)
    if kind == "province":
        return _styled(v.province, site.style, site.bare, True) if v.province else None
    if kind == "signer":
        new = v.signers.get(site.key)
        return _styled(new, site.style, site.bare, True) if new else None
    if kind == "word":
        new = v.words.get(site.key)
        return _styled(new, site.style, site.bare, False) if new else None
    raise ValueError(kind)


_COLUMN_GAP = re.compile(r"[ \t]{2,}(?=\S)")


def edits_for(text: str, sites: list[Site], v: Values) -> list[tuple[int, int, str]]:
    """The replacements of the sites; a longer or shorter value in a two-column header line
    takes or gives back spaces of the gap after it, so the right column stays where it was."""
    out = []
    for s in sites:
        new = _replacement(s, v)
        if new is None or new == text[s.start:s.end]:
            continue
        end = s.end
        delta = len(new) - (s.end - s.start)
        if delta:
            gap = _COLUMN_GAP.match(text, s.end)
            if gap:
                end = gap.end()
                new += " " * max(2, len(gap.group()) - delta)
        out.append((s.start, end, new))
    return out


def splice(text: str, edits: list[tuple[int, int, str]]) -> str:
    if not edits:
        return text
    parts, pos = [], 0
    for s, e, new in edits:
        parts.append(text[pos:s])
        parts.append(new)
        pos = e
    parts.append(text[pos:])
    return "".join(parts)


class Remap:
    """Old offsets of a text to new ones after :func:`splice` (sorted, non-overlapping edits).

    An offset inside a replaced stretch keeps its place in the part the old and
    new values share at either end ("UBND" of "3510/KH-UBND" → "1187/KH-UBND"),
    else goes to the edge of the new value.
    """

    def __init__(self, text: str, edits: list[tuple[int, int, str]]):
        self.s = [e[0] for e in edits]
        self.e = [e[1] for e in edits]
        self.nl = [len(e[2]) for e in edits]
        self.cum = list(accumulate(len(new) - (e - s) for s, e, new in edits))
        self.ns = [s + (self.cum[i - 1] if i else 0) for i, s in enumerate(self.s)]
        self.text, self.new = text, [e[2] for e in edits]

    def _inside(self, i: int, p: int, default: int) -> int:
        old, new = self.text[self.s[i]:self.e[i]], self.new[i]
        n = min(len(old), len(new))
        cp = next((k for k in range(n) if old[k] != new[k]), n)
        cs = next((k for k in range(n - cp) if old[-1 - k] != new[-1 - k]), n - cp)
        off = p - self.s[i]
        if off <= cp:
            return self.ns[i] + off
        if off >= len(old) - cs:
            return self.ns[i] + len(new) - (len(old) - off)
        return default

    def start(self, p: int) -> int:
        i = bisect_right(self.s, p) - 1
        if i >= 0 and self.s[i] <= p < self.e[i]:
            return self._inside(i, p, self.ns[i])
        k = bisect_right(self.e, p)
        return p + (self.cum[k - 1] if k else 0)

    def end(self, p: int) -> int:
        i = bisect_left(self.s, p) - 1
        if i >= 0 and self.s[i] < p <= self.e[i]:
            return self._inside(i, p, self.ns[i] + self.nl[i])
        k = bisect_left(self.e, p)
        return p + (self.cum[k - 1] if k else 0)

    def spans(self, x: Any, key: str | None = None) -> Any:
        """The ``spans`` structure (nested lists of [start, end]) with every pair moved.

        Pieces of one value that now overlap (two lines of a word replaced as
        one) become one piece, as the parser would give them; ``lead`` and
        ``support`` hold one span per unit and are left as they are.
        """
        if isinstance(x, list):
            if len(x) == 2 and type(x[0]) is int and type(x[1]) is int:
                return [self.start(x[0]), self.end(x[1])]
            out = [self.spans(y, key) for y in x]
            if key not in ("lead", "support") and all(_is_pair(y) for y in out):
                merged: list[list[int]] = []
                for a, b in out:
                    if merged and a < merged[-1][1]:
                        merged[-1][1] = max(merged[-1][1], b)
                    else:
                        merged.append([a, b])
                return merged
            return out
        if isinstance(x, dict):
            return {k: self.spans(y, k) for k, y in x.items()}
        return x


def _is_pair(x: Any) -> bool:
    return isinstance(x, list) and len(x) == 2 and type(x[0]) is int and type(x[1]) is int


# ------------------------------------------------------------- templates


@dataclass
class DocT:
    """One document of a template file."""

    extracted: dict[str, Any]
    body: str
    own: bool
    json_text: str = ""
    body_sites: list[Site] = field(default_factory=list)
    fields: list[tuple[tuple[Any, ...], str, list[Site]]] = field(default_factory=list)
    place_partial: bool = False
    place_site: tuple[int, int] | None = None  # the province written where the place is
    internal_refs: list[int] = field(default_factory=list)  # references to the file's documents or dates
    basis_at: int | None = None
    subject_end: int | None = None


@dataclass
class FileT:
    name: str
    weight: int
    docs: list[DocT]
    province: str | None
    city: bool
    base_year: int
    min_year: int
    own_full: set[tuple[int, int, int]]
    words: list[str]
    provincial: bool


@dataclass
class Anchor:
    doc_type: str
    number: str
    date: date
    issuer: str
    about: str
    weight: int


@dataclass
class Original:
    path: Path
    format: str
    docs: list[tuple[dict[str, Any], str]]


def _ymd(iso: str | None) -> tuple[int, int, int] | None:
    if iso and re.fullmatch(r"\d{4}-\d\d-\d\d", iso):
        y, m, d = map(int, iso.split("-"))
        return (y, m, d) if _valid(y, m, d) else None
    return None


def _find_province(issuer: str | None) -> tuple[str | None, bool]:
    """The province (or city) named in an issuer, and whether it is a city."""
    from docparse.normalize import fold

    if not issuer:
        return None, False
    f = fold(issuer)
    for name in sorted((*PROVINCES, *_TEMPLATE_CITIES), key=len, reverse=True):
        m = re.search(r"(?<![0-9a-z])" + _flex(fold(name)) + r"(?![0-9a-z])", f)
        if m:
            city = name in CITIES or name == "Huế" and "thanh pho" in f[:m.start()]
            return name, city
    return None, False


def _is_central(issuer: str | None) -> bool:
    from docparse.registry.keys import text_key

    k = text_key(issuer) or ""
    return k.startswith("bo ") or k in ("chinh phu", "thu tuong chinh phu")


def _units_of(ex: dict[str, Any]) -> list[str]:
    out = [u for t in ex.get("tasks") or [] for role in ("lead", "support") for u in t.get(role) or []]
    return out + [r.get("unit") or "" for r in ex.get("responsibilities") or []]


def _names(ex: dict[str, Any]) -> list[str]:
    out = [ex.get("issuer") or "", *(ex.get("recipients") or []), *_units_of(ex)]
    return out + [r.get("issuer") or "" for r in ex.get("references") or []]


def _protected(ex: dict[str, Any]) -> list[str]:
    out = [ex.get("issuer") or "", *(ex.get("recipients") or []), *_units_of(ex)]
    for r in ex.get("references") or []:
        out += [r.get("title") or "", r.get("issuer") or ""]
    signer = ex.get("signer") or {}
    out += [signer.get("title") or "", signer.get("for") or ""]
    return [p for p in out if p]


_TRANSFORMED = (("issuer",), ("place",), ("subject",), ("attached_to",))


def _field_paths(ex: dict[str, Any]) -> list[tuple[Any, ...]]:
    paths: list[tuple[Any, ...]] = [p for p in _TRANSFORMED if isinstance(ex.get(p[0]), str)]
    paths += [("recipients", i) for i in range(len(ex.get("recipients") or []))]
    for i, r in enumerate(ex.get("references") or []):
        if r.get("issuer"):
            paths.append(("references", i, "issuer"))
    for i, t in enumerate(ex.get("tasks") or []):
        paths += [("tasks", i, k) for k in ("title", "product", "funding") if t.get(k)]
        if (t.get("deadline") or {}).get("text"):
            paths.append(("tasks", i, "deadline", "text"))
        paths += [("tasks", i, role, j) for role in ("lead", "support")
                  for j in range(len(t.get(role) or []))]
    for i, r in enumerate(ex.get("responsibilities") or []):
        paths += [("responsibilities", i, k) for k in ("unit", "text") if r.get(k)]
    return paths


def _get(obj: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        obj = obj[p]
    return obj


def _set(obj: Any, path: tuple[Any, ...], value: Any) -> None:
    for p in path[:-1]:
        obj = obj[p]
    obj[path[-1]] = value


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    from underthesea import word_tokenize

    return word_tokenize


def _subject_words(subject: str | None) -> list[str]:
    """Common words (2-3 syllables, lower case) of a subject that may be swapped."""
    from docparse.normalize import fold, is_upper_line

    if not subject:
        return []
    text = subject.lower() if is_upper_line(subject) else subject
    out = []
    for w in _tokenizer()(text):
        syl = w.split()
        if 2 <= len(syl) <= 3 and all(s.isalpha() and s == s.lower() for s in syl) \
                and fold(w) not in _STOP_WORDS:
            out.append(w)
    return out


def _line_starting(body: str, folded_prefixes: tuple[str, ...]) -> int | None:
    from docparse.normalize import fold

    pos = 0
    for line in body.split("\n"):
        f = fold(line).lstrip(" \t-+*")
        if f.startswith(folded_prefixes):
            return pos
        pos += len(line) + 1
    return None


def load_templates(dirs: list[str | Path],
                   log: Any = None) -> tuple[list[Original], list[FileT], list[Anchor]]:
    """Parse the template files once: the originals to store, the varied templates, the anchors."""
    from docparse.pipeline import parse_path

    originals: list[Original] = []
    for given in dirs:
        where = Path(given)
        if not where.is_absolute() and not where.exists():
            where = ROOT / where
        files = sorted(p for p in (where.rglob("*") if where.is_dir() else [where])
                       if p.suffix.lower() in SUFFIXES)
        for p in files:
            try:
                pf = parse_path(p)
            except Exception as e:  # noqa: BLE001 - an unreadable sample (a scan, a bad file) is skipped
                if log:
                    log(f"bench: skip {p.name}: {getattr(e, 'message', None) or type(e).__name__}")
                continue
            docs = [(doc.to_json(), doc.body) for doc in pf.documents]
            if docs:
                originals.append(Original(p, pf.format, docs))
    templates = []
    for o in originals:
        t = _file_template(o)
        if t is None:
            if log:
                log(f"bench: {o.path.name}: stored as it is, not a template (garbled, OCR or no number/date)")
            continue
        templates.append(t)
    _add_subject_pool(templates)
    return originals, templates, _anchors(originals)


def _file_template(o: Original) -> FileT | None:
    from docparse.normalize import fold
    from docparse.registry.keys import is_identifying, number_key

    docs = [DocT(ex, body, True) for ex, body in o.docs]
    if any("\ufffd" in d.body for d in docs):
        return None  # a garbled font: nothing to vary in it
    own_keys = {number_key(d.extracted.get("number")) for d in docs} - {None}
    for d in docs:
        att = d.extracted.get("attached_to")
        if (len(docs) > 1 and not is_identifying(d.extracted.get("number")) and is_identifying(att)
                and number_key(att) not in own_keys):
            d.own = False  # a copy of someone else's document (the ministry plan a province forwards)
    own = [d for d in docs if d.own]
    if not own or any(not d.extracted.get("issuer") for d in own):
        return None
    years = [int(d.extracted["date"][:4]) for d in own if (d.extracted.get("date") or "")[:4].isdigit()]
    if not years:
        return None
    foreign_years = [int(d.extracted["date"][:4]) for d in docs
                     if not d.own and (d.extracted.get("date") or "")[:4].isdigit()]
    province, city = None, False
    for d in own:
        province, city = _find_province(d.extracted.get("issuer"))
        if province:
            break
    provincial = province is not None
    own_full = {ymd for d in own if (ymd := _ymd(d.extracted.get("date")))}
    own_partial = set()
    for d in own:
        m = re.fullmatch(r"(\d{4})-(\d\d)", d.extracted.get("date") or "")
        if m:
            own_partial.add((int(m.group(1)), int(m.group(2))))
    numbers = [d.extracted["number"] for d in own if is_identifying(d.extracted.get("number"))]
    ref_dates, law_years, protect = set(), set(), []
    for d in docs:
        for r in d.extracted.get("references") or []:
            internal = number_key(r.get("number")) in own_keys
            if not internal and (ymd := _ymd(r.get("date"))):
                ref_dates.add(ymd)
            if r.get("doc_type") in ("Luật", "Bộ luật", "Pháp lệnh") or r.get("number") is None:
                in_number = re.findall(r"/((?:19|20)\d\d)/", r.get("number") or "")
                for y in (r.get("year"), (r.get("date") or "")[:4], *in_number):
                    if y and str(y).isdigit():
                        law_years.add(int(y))  # "Luật Đất đai năm 2024" keeps its year
        protect += _protected(d.extracted)
    signers = sorted({(d.extracted.get("signer") or {}).get("name") for d in own} - {None, ""})
    # a word of a name (issuer, unit, recipient) stays: the header may print it otherwise than the JSON
    names = " | ".join(fold(p) for d in docs for p in _names(d.extracted))
    words = sorted({w for d in own for w in _subject_words(d.extracted.get("subject"))
                    if fold(w) not in names})

    base = min(years)
    ctx = Ctx(
        numbers=[(n, _number_re(n)) for n in numbers], own_full=own_full, own_partial=own_partial,
        ref_dates=ref_dates, window=(base - 5, base + 10), province=province,
        province_re=_phrases_re([province]) if province else None,
        signers=[(s, rx) for s in signers if (rx := _phrases_re([s])) is not None],
        protect_re=_phrases_re(protect), law_years=law_years,
        words_re=_phrases_re(words), words={fold(w): w for w in words})
    for d in own:
        ex = d.extracted
        d.body_sites = find_sites(d.body, ctx)
        for path in _field_paths(ex):
            text = _get(ex, path)
            sites = find_sites(text, ctx)
            if sites:
                d.fields.append((path, text, sites))
        d.internal_refs = [i for i, r in enumerate(ex.get("references") or [])
                           if number_key(r.get("number")) in own_keys or _ymd(r.get("date")) in own_full]
        place = ex.get("place") or ""
        d.place_partial = bool(province and place and fold(place) != fold(province)
                               and (fold(province).endswith(" " + fold(place))  # the parser read "Trị"
                                    or province == "Hồ Chí Minh"))  # "Thành phố Hồ Chí Minh"
        where = (ex.get("spans") or {}).get("place")
        if d.place_partial and where:
            d.place_site = next(((s.start, s.end) for s in d.body_sites if s.kind == "province"
                                 and s.start < where[-1][1] and where[0][0] < s.end), None)
        d.basis_at = _line_starting(d.body, ("can cu ", "thuc hien "))
        subj = (ex.get("spans") or {}).get("subject")
        if subj:
            d.subject_end = subj[-1][1]
            if d.basis_at is None:
                nl = d.body.find("\n", d.subject_end)
                d.basis_at = nl + 1 if nl >= 0 else None
    if not _all_found(own):
        return None  # an OCR text whose own number or date the parser repaired: cannot be varied
    for d in docs:
        d.json_text = json.dumps(d.extracted, ensure_ascii=False)
    seed = "seeds" in o.path.parts
    return FileT(
        name=o.path.name, weight=WEIGHT_SEED if seed else WEIGHT_PROVINCIAL if provincial else WEIGHT_CENTRAL,
        docs=docs, province=province, city=city, base_year=base,
        min_year=max([FIRST_YEAR, *foreign_years]), own_full=own_full, words=words, provincial=provincial)


def _all_found(own: list[DocT]) -> bool:
    """Is every own number and own date of the file written where its sites will change it?"""
    from docparse.registry.keys import is_identifying

    numbers = {s.key for d in own for s in d.body_sites if s.kind == "number"}
    dates = {s.key[1:] for d in own for s in d.body_sites if s.kind == "dyear" and s.key[0] == "own"}
    for d in own:
        n, iso = d.extracted.get("number"), d.extracted.get("date") or ""
        if is_identifying(n) and n not in numbers:
            return False
        ymd = _ymd(iso)
        m = re.fullmatch(r"(\d{4})-(\d\d)", iso)
        if ymd and ymd not in dates or m and (int(m.group(1)), int(m.group(2)), None) not in dates:
            return False
    return True


_POOL: dict[int, list[str]] = {}


def _add_subject_pool(templates: list[FileT]) -> None:
    _POOL.clear()
    for w in sorted({w for t in templates for w in t.words}):
        _POOL.setdefault(len(w.split()), []).append(w)


_CITED = re.compile(r"(?i)\b(?:nghị định|quyết định|thông tư|nghị quyết|chỉ thị|luật|kế hoạch|công văn)"
                    r"\s+(?:số\s+)?\d")


def _anchors(originals: list[Original]) -> list[Anchor]:
    """Ministry (and government) decisions of the corpus that generated documents cite."""
    from docparse.registry.keys import is_identifying

    out = []
    for o in originals:
        seed = "seeds" in o.path.parts
        for ex, _ in o.docs:
            ymd = _ymd(ex.get("date"))
            if (ymd and ex.get("doc_type") in _DOC_TYPES_CITED and is_identifying(ex.get("number"))
                    and _is_central(ex.get("issuer"))):
                about = re.sub(r"\s+", " ", ex.get("subject") or "").strip()
                if about.isupper():
                    about = about.lower()
                # up to the first document it cites: the "Căn cứ" line must cite the anchor alone
                about = _CITED.split(about, 1)[0].rstrip(" ,;:-")
                about = about[:1].lower() + about[1:]
                out.append(Anchor(ex["doc_type"], ex["number"], date(*ymd), ex["issuer"], about,
                                  ANCHOR_SEED_WEIGHT if seed else 1))
    return out


# ------------------------------------------------------------- generating


@dataclass
class State:
    """Counters shared by the whole run."""

    seed: int
    rng: random.Random
    anchors: list[Anchor]
    used: dict[tuple[str, int], set[int]] = field(default_factory=dict)  # sequence numbers given
    signer_names: dict[tuple[str, int, str], str] = field(default_factory=dict)

    def next_number(self, old: str, issuer_key: str, old_date: str | None, new_date: str | None) -> str:
        """A new number in the shape of ``old``, free for (issuer, year) and plausible for the date.

        Offices number through the year: the template's number and date give its
        yearly pace ("3510/KH-UBND" on 9 October: about 4,500 a year), and the new
        date where the count stands then, give or take 15%; taken numbers are skipped.
        """
        m = re.match(r"(\d+)(.*)", old, re.S)
        assert m
        digits, rest = m.group(1), m.group(2)
        year = int((new_date or "")[:4] or LAST_YEAR)
        rest = re.sub(r"^/(?:19|20)\d\d/", f"/{year}/", rest)
        pace = min(max(int(digits) * 365 / max(_day_of_year(old_date), 30), 30), 20000)
        n = max(1, int(pace * _day_of_year(new_date) / 365 * self.rng.uniform(0.85, 1.15)))
        used = self.used.setdefault((issuer_key, year), set())
        while n in used:
            n += 1
        used.add(n)
        return (str(n).zfill(len(digits)) if digits.startswith("0") else str(n)) + rest

    def signer(self, issuer_key: str, year: int, title: str) -> str:
        k = (issuer_key, year, title)
        if k not in self.signer_names:
            r = random.Random(f"{self.seed}|{issuer_key}|{year}|{title}")
            self.signer_names[k] = f"{r.choice(_SURNAMES)} {r.choice(_MIDDLES)} {r.choice(_GIVEN)}"
        return self.signer_names[k]


def _day_of_year(iso: str | None) -> int:
    """Day of the year of a date; the middle of a month or year given partly."""
    if not iso or not iso[:4].isdigit():
        return 183
    if len(iso) >= 10 and (ymd := _ymd(iso[:10])):
        return date(*ymd).timetuple().tm_yday
    if len(iso) >= 7 and iso[5:7].isdigit() and 1 <= int(iso[5:7]) <= 12:
        return (int(iso[5:7]) - 1) * 30 + 15
    return 183


def _own_date(ymd: tuple[int, int, int], dy: int, jitter: int) -> date:
    y, m, d = ymd
    y2 = y + dy
    new = date(y2, m, min(d, monthrange(y2, m)[1])) + timedelta(days=jitter)
    return min(max(new, date(y2, 1, 1)), date(y2, 12, 31))


def _shift_iso(iso: str | None, dy: int) -> str | None:
    if not iso or not iso[:4].isdigit():
        return iso
    y = int(iso[:4]) + dy
    if len(iso) >= 10 and iso[5:10] == "02-29" and monthrange(y, 2)[1] == 28:
        return f"{y}-02-28{iso[10:]}"
    return f"{y}{iso[4:]}"


def _render(text: str, sites: list[Site], v: Values) -> str:
    return splice(text, edits_for(text, sites, v))


def vary(ft: FileT, st: State) -> list[tuple[dict[str, Any], str]]:
    """One generated file from a template: [(extracted, body)] of its documents."""
    from docparse.normalize import fold
    from docparse.registry.keys import is_identifying, number_key, text_key

    rng = st.rng
    year = rng.randint(max(FIRST_YEAR, ft.min_year), LAST_YEAR)
    dy = year - ft.base_year
    jitter = rng.randint(-45, 45)
    v = Values(dy, {k: _own_date(k, dy, jitter) for k in ft.own_full})
    if ft.province:
        v.province = rng.choice(CITIES if ft.city else PROVINCES)
    for w in rng.sample(ft.words, min(len(ft.words), rng.choice((0, 1, 1, 2, 2, 3)))):
        pool = _POOL.get(len(w.split()), [])
        if len(pool) > 1:
            new = rng.choice(pool)
            while new == w:
                new = rng.choice(pool)
            v.words[fold(w)] = new

    def new_date(iso: str | None) -> str | None:
        ymd = _ymd(iso)
        if ymd and ymd in v.own_dates:
            return v.own_dates[ymd].isoformat()
        return _shift_iso(iso, dy)

    # numbers and signers depend on the new issuer and year of each document
    renumbered: dict[str, str] = {}
    for d in ft.docs:
        if not d.own:
            continue
        ex = d.extracted
        issuer = next((_render(t, s, v) for p, t, s in d.fields if p == ("issuer",)), ex.get("issuer"))
        ikey = text_key(issuer) or ""
        when = new_date(ex.get("date")) or str(year)
        dyear = int(when[:4])
        if is_identifying(ex.get("number")):
            v.numbers[ex["number"]] = st.next_number(ex["number"], ikey, ex.get("date"), when)
            renumbered[number_key(ex["number"]) or ""] = v.numbers[ex["number"]]
        signer = ex.get("signer") or {}
        if signer.get("name"):
            v.signers[signer["name"]] = st.signer(ikey, dyear, signer.get("title") or "")

    anchor_doc, implements = None, False
    if ft.provincial and rng.random() < ANCHOR_SHARE:
        # a plan says in its subject what it implements; else the first plan or decision cites it as basis
        eligible = [d for d in ft.docs if d.own and d.extracted.get("doc_type") in ("Kế hoạch", "Quyết định")
                    and (d.basis_at is not None or d.subject_end is not None)]
        plans = [d for d in eligible
                 if d.extracted.get("doc_type") == "Kế hoạch" and d.subject_end is not None]
        implements = bool(plans) and rng.random() < 0.6
        anchor_doc = plans[0] if implements else eligible[0] if eligible else None

    out = []
    for d in ft.docs:
        if not d.own:
            out.append((json.loads(d.json_text), d.body))
            continue
        ex = json.loads(d.json_text)
        edits = edits_for(d.body, d.body_sites, v)
        for path, text, sites in d.fields:
            _set(ex, path, _render(text, sites, v))
        if ex.get("number") in v.numbers:
            ex["number"] = v.numbers[ex["number"]]
        ex["date"] = new_date(ex.get("date"))
        if d.place_partial and v.province and (v.province != "Hồ Chí Minh" or ft.province != "Hồ Chí Minh"):
            ex["place"] = v.province  # as the parser reads it: the name alone
        if (ex.get("signer") or {}).get("name") in v.signers:
            ex["signer"]["name"] = v.signers[ex["signer"]["name"]]
        for i in d.internal_refs:  # a document of the file, or one dated as it is (its text changed)
            r = ex["references"][i]
            new = renumbered.get(number_key(r.get("number")) or "")
            if new:
                r["number"] = new
            if new or _ymd(r.get("date")) in v.own_dates:
                r["date"] = new_date(r.get("date"))
        for t in ex.get("tasks") or []:
            dl = t.get("deadline") or {}
            for k in ("start", "due"):
                if dl.get(k):
                    dl[k] = _shift_iso(dl[k], dy)
        insert = None
        if d is anchor_doc:
            insert = _anchor_edit(d, ex, edits, st, rng, implements)
        body = splice(d.body, edits)
        rm = Remap(d.body, edits)
        spans = rm.spans(ex.get("spans") or {})
        if d.place_site and ex.get("place") == v.province:
            a, b = rm.start(d.place_site[0]), rm.end(d.place_site[1])
            if v.province == "Hồ Chí Minh" and fold(body[max(0, a - 10):a]) == "thanh pho ":
                a, ex["place"] = a - 10, body[a - 10:b]  # "Thành phố Hồ Chí Minh", as places.yaml lists it
            spans["place"] = [[a, b]]
        if insert is not None:
            at, offset, length, ref = insert
            q = rm.end(at)
            if ref["relation"] == "implements" and spans.get("subject"):
                spans["subject"][-1][1] = q + length
            refs, where = ex.setdefault("references", []), spans.setdefault("references", [])
            where += [[] for _ in range(len(refs) - len(where))]
            k = _ref_index(refs, ex.get("subject") or "", body, ref["relation"] == "implements", q)
            refs.insert(k, ref)
            where.insert(k, [[q + offset, q + length]])
        ex["spans"] = spans
        out.append((ex, body))
    return out


def _ref_index(refs: list[dict[str, Any]], subject: str, body: str, in_subject: bool, at: int) -> int:
    """Where a new reference goes in the parser's order: attached_to first, then the documents
    cited in the subject, then the others by their first mention in the text."""
    from docparse.normalize import fold

    subj, text = fold(subject), fold(body)

    def first(r: dict[str, Any]) -> tuple[int, int]:
        if r.get("relation") == "attached_to":
            return (-2, 0)
        name = fold(r.get("number") or r.get("title") or "")
        rx = re.compile(r"(?<![0-9a-z])" + _flex(name)) if name.strip() else None
        if rx is not None and (m := rx.search(subj)):
            return (-1, m.start())
        m = rx.search(text) if rx is not None else None
        return (0, m.start() if m else len(text))

    new = (-1, len(subj)) if in_subject else (0, at)
    return next((k for k, r in enumerate(refs) if first(r) > new), len(refs))


def _anchor_edit(d: DocT, ex: dict[str, Any], edits: list[tuple[int, int, str]], st: State,
                 rng: random.Random, implements: bool) -> tuple[int, int, int, dict[str, Any]] | None:
    """Cite a ministry decision: in the subject (implements) or on a "Căn cứ" line (basis).

    Adds the insertion to ``edits`` (and to the subject); returns (where, start
    and end of the citation in the inserted text, the reference) so that the
    reference and its span go in once the text is spliced.
    """
    from docparse.registry.keys import number_key

    when = _ymd(ex.get("date"))
    if not when:
        return None
    cited = {number_key(r.get("number")) for r in ex.get("references") or []}
    pool = [a for a in st.anchors if a.date < date(*when) and number_key(a.number) not in cited]
    if not pool:
        return None
    a = rng.choices(pool, weights=[x.weight for x in pool])[0]
    citation = f"{a.doc_type} số {a.number} ngày {a.date.day}/{a.date.month}/{a.date.year} của {a.issuer}"
    if d.subject_end is None:
        implements = False
    elif d.basis_at is None:
        implements = True
    if implements:
        at = d.subject_end
        text = " thực hiện " + citation
        offset = len(" thực hiện ")
        if (ex.get("subject") or "").isupper():
            text = text.upper()
        length = len(text)
    else:
        at = d.basis_at
        assert at is not None
        text = f"Căn cứ {citation} {a.about};\n".replace(" ;", ";")
        offset = len("Căn cứ ")
        length = offset + len(citation)
    if any(s < at < e for s, e, _ in edits):
        return None
    if implements:
        ex["subject"] = (ex.get("subject") or "") + text
    edits.append((at, at, text))
    edits.sort(key=lambda x: (x[0], x[1]))
    return at, offset, length, {"doc_type": a.doc_type, "number": a.number, "date": a.date.isoformat(),
                                "issuer": a.issuer, "relation": "implements" if implements else "basis"}


# ------------------------------------------------------------- the registry


@dataclass
class Summary:
    documents: int = 0
    files: int = 0
    originals: int = 0
    duplicates: int = 0
    seconds: float = 0.0
    parse_seconds: float = 0.0
    db_bytes: int = 0
    templates: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"documents": self.documents, "files": self.files, "originals": self.originals,
                "duplicates": self.duplicates, "templates": self.templates,
                "parse_seconds": round(self.parse_seconds, 1), "seconds": round(self.seconds, 1),
                "docs_per_second": round(self.documents / self.seconds, 1) if self.seconds else None,
                "db_bytes": self.db_bytes, "db_mb": round(self.db_bytes / 2**20, 1)}


def _store_file(db: Any, name: str, fmt: str, data: bytes, docs: list[tuple[dict[str, Any], str]]) -> int:
    """A ``files`` row and its documents, inside the caller's transaction; returns duplicates flagged."""
    from docparse.registry.documents import now
    from docparse.registry.store import write_document

    conn = db.conn
    sha = hashlib.sha256(data).hexdigest()
    while conn.execute("SELECT 1 FROM files WHERE sha256 = ?", [sha]).fetchone():
        data += b"\n"  # two generated files alike (a draft without number): keep both
        sha = hashlib.sha256(data).hexdigest()
    conn.execute("INSERT INTO files (sha256, name, size, format, data, added_at, warnings) "
                 "VALUES (?, ?, ?, ?, ?, ?, '[]')", [sha, name, len(data), fmt, data, now()])
    dups = 0
    for seq, (ex, body) in enumerate(docs):
        _, _, dup = write_document(db, sha256=sha, seq=seq, extracted=ex, body=body)
        dups += dup is not None
    return dups


_LOADED: dict[tuple[str, ...], tuple[list[Original], list[FileT], list[Anchor]]] = {}


def _templates(dirs: tuple[str, ...], log: Any) -> tuple[list[Original], list[FileT], list[Anchor]]:
    """Templates parsed once per process (tests build several registries); read-only afterwards."""
    if dirs not in _LOADED:
        _LOADED.clear()
        _LOADED[dirs] = load_templates(list(dirs), log)
    originals, fts, anchors = _LOADED[dirs]
    _add_subject_pool(fts)
    return originals, fts, anchors


def generate(db_path: str | Path, n_docs: int, *, seed: int = 0, batch: int = 5000,
             templates: list[str | Path] | None = None, log: Any = None) -> Summary:
    """Build a registry of ``n_docs`` documents at ``db_path`` (a new file)."""
    from docparse.registry.db import open_db
    from docparse.registry.keys import text_key

    log = log or (lambda msg: print(msg, file=sys.stderr, flush=True))
    path = Path(db_path)
    if path.exists() and path.stat().st_size:
        raise SystemExit(f"bench: {path} exists; give a new file")
    summary = Summary()
    t0 = time.perf_counter()
    originals, fts, anchors = _templates(tuple(str(t) for t in templates or DEFAULT_TEMPLATES), log)
    summary.parse_seconds = time.perf_counter() - t0
    summary.templates = len(fts)
    if not fts:
        raise SystemExit("bench: no template could be parsed")
    log(f"bench: {len(originals)} files parsed in {summary.parse_seconds:.1f} s; {len(fts)} templates, "
        f"{len(anchors)} anchors ({', '.join(a.number for a in anchors if a.weight > 1)})")
    db = open_db(path)
    db.conn.execute("PRAGMA cache_size = -262144")  # 256 MB of page cache for this connection
    st = State(seed, random.Random(seed), anchors)
    t1 = time.perf_counter()
    with db.conn:
        for o in originals:
            docs = o.docs[:n_docs - summary.documents]
            if not docs:
                break
            for ex, _ in docs:  # the corpus's own numbers are not given again
                y, seq = (ex.get("date") or "")[:4], re.match(r"\d+", ex.get("number") or "")
                if y.isdigit() and seq:  # "221-KL/TW" too
                    key = (text_key(ex.get("issuer")) or "", int(y))
                    st.used.setdefault(key, set()).add(int(seq.group()))
            summary.duplicates += _store_file(db, o.path.name, o.format, o.path.read_bytes(), docs)
            summary.documents += len(docs)
            summary.files += 1
    summary.originals = summary.documents
    cum = list(accumulate(t.weight for t in fts))
    rng = st.rng
    last_t, last_c, last_n = time.perf_counter(), time.process_time(), summary.documents
    while summary.documents < n_docs:
        with db.conn:
            target = min(n_docs, summary.documents + batch)
            while summary.documents < target:
                ft = rng.choices(fts, cum_weights=cum)[0]
                docs = vary(ft, st)[:n_docs - summary.documents]
                data = "\n\n".join(body for _, body in docs).encode("utf-8")
                name = f"bench-{summary.files:07d}-{Path(ft.name).stem}.txt"
                summary.duplicates += _store_file(db, name, "txt", data, docs)
                summary.documents += len(docs)
                summary.files += 1
        now_t, now_c = time.perf_counter(), time.process_time()
        n = summary.documents - last_n
        log(f"bench: {summary.documents:>9} docs  {n / (now_t - last_t):7.1f} docs/s "
            f"({n / max(now_c - last_c, 1e-9):.1f} per CPU second; "
            f"overall {(summary.documents - summary.originals) / (now_t - t1):.1f} docs/s)")
        last_t, last_c, last_n = now_t, now_c, summary.documents
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    summary.seconds = time.perf_counter() - t1
    summary.db_bytes = sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
    log(f"bench: {summary.documents} documents ({summary.originals} from the corpus) "
        f"in {summary.files} files, "
        f"{summary.seconds:.0f} s ({summary.documents / max(summary.seconds, 1e-9):.1f} docs/s) after "
        f"{summary.parse_seconds:.0f} s of parsing; {path}: {summary.db_bytes / 2**20:.0f} MB")
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate", help="build a registry of N documents from the corpus")
    g.add_argument("--db", required=True, help="the SQLite file to create")
    g.add_argument("--docs", type=int, required=True,
                   help="documents in the registry (the corpus's own first)")
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--batch", type=int, default=5000, help="documents per transaction")
    g.add_argument("--templates", nargs="+", default=list(DEFAULT_TEMPLATES),
                   help="folders or files of templates (default: %(default)s)")
    g.add_argument("--from", dest="base", metavar="BASE",
                   help="build by cloning the documents of the registry BASE (fast; for search benchmarks)")
    g.add_argument("--sample", type=int, default=25_000, help="with --from: base documents to clone")
    args = ap.parse_args(argv)
    if args.base:
        summary = multiply(args.base, args.db, args.docs, seed=args.seed, sample=args.sample,
                           batch=max(args.batch, 20_000))
    else:
        summary = generate(args.db, args.docs, seed=args.seed, batch=args.batch, templates=args.templates)
    print(json.dumps(summary.to_json(), ensure_ascii=False))
    return 0


# ------------------------------------------------- large registries by cloning (search benchmarks)

MULTIPLY_DOC = """\
``python -m bench generate --db BIG --docs N --from BASE [--sample 25000]``: a registry of N
documents for the search benchmarks, built in minutes from a registry BASE made the normal way.

BASE is copied whole (documents, references, tasks, units; the original files' bytes and the
parser's JSON are left out), then *clones* of a random sample of its documents are added until the
registry holds N. A clone is a base document varied the way :func:`vary` varies a template,
but with plain string replacements on the stored text instead of the parser's sites:

- **number**: a new sequence number (the symbol kept), never twice for one issuer, symbol and year;
- **date and year**: moved to another year of 2015-2026; in the body, the year is changed where it
  follows a date ("12/3/2019", "năm 2019"), so cited documents' years may move too;
- **issuer and province**: a provincial document moves to another province (a city to a city),
  everywhere the name is written (as printed, in capitals, without diacritics);
- **text**: one to three words of the subject (two or three syllables, found with underthesea as
  :func:`vary` finds them) are swapped, wherever they occur, for words of other subjects.

What a clone does not have, unlike a generated or a real document: no ``files`` bytes (an empty
blob), ``extracted`` is ``{}`` (no corrections, no re-parse, no document page details), no
references, tasks or responsibilities rows (so links and the tracker see only BASE's documents, and
the ``unit`` filter finds only them), no ``documents_fts_text`` row (the index cannot forget a
clone: they are for reading), and no duplicate check. Searches read exactly what they read in a
real registry: the ``documents`` columns and indexes, and the same full-text index (built by the
same :func:`docparse.registry.search` code path's layout: four columns, written and folded).
The build runs with ``synchronous=OFF`` and ``journal_mode=OFF`` (a crash leaves a broken file:
build again), then returns the file to WAL mode as :func:`open_db` leaves it.
"""

@dataclass(slots=True)
class _Base:
    id: int
    doc_type: str | None
    number: str | None
    issuer: str | None
    place: str | None
    date: str | None
    subject: str
    body: str
    fsubject: str
    fbody: str
    signer: str | None
    recipients: str
    province: str | None
    city: bool
    words: list[str]


class _Swaps:
    """Words to replace in one clone, in one regex pass per text: the written texts (as printed,
    capitalised and in capitals) and their folds."""

    def __init__(self) -> None:
        self.written: dict[str, str] = {}
        self.folded: dict[str, str] = {}

    def add(self, old: str, new: str) -> None:
        from docparse.normalize import fold

        if not old or old == new:
            return
        self.written.setdefault(old, new)
        self.written.setdefault(old.upper(), new.upper())
        self.written.setdefault(old[:1].upper() + old[1:], new[:1].upper() + new[1:])
        self.folded.setdefault(fold(old), fold(new))

    @staticmethod
    def _apply(table: dict[str, str], texts: list[str]) -> list[str]:
        if not table:
            return texts
        alt = "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
        rx = re.compile(rf"(?<![^\W_])(?:{alt})(?![^\W_])")
        return [rx.sub(lambda m: table[m.group()], t) if t else t for t in texts]

    def apply(self, written: list[str], folded: list[str]) -> tuple[list[str], list[str]]:
        return self._apply(self.written, written), self._apply(self.folded, folded)


def _move_year(texts: list[str], old: int, new: int) -> list[str]:
    """The year where it ends a date or follows "năm" (plain replacements: C speed)."""
    if old == new:
        return texts
    out = []
    for t in texts:
        for lead in ("/", ".", "-", "năm ", "NĂM ", "Năm ", "nam ", "NAM "):
            t = t.replace(f"{lead}{old}", f"{lead}{new}")
        out.append(t)
    return out


def multiply(base_path: str | Path, db_path: str | Path, n_docs: int, *, seed: int = 0,
             sample: int = 25_000, batch: int = 20_000, log: Any = None) -> Summary:
    """Build ``db_path`` (a new file) with ``n_docs`` documents from the registry ``base_path`` (see MULTIPLY_DOC)."""
    import sqlite3
    import zlib

    from docparse.normalize import fold
    from docparse.registry.db import open_db
    from docparse.registry.documents import now
    from docparse.registry.keys import number_key, number_parts, text_key

    log = log or (lambda msg: print(msg, file=sys.stderr, flush=True))
    path = Path(db_path)
    if path.exists() and path.stat().st_size:
        raise SystemExit(f"bench: {path} exists; give a new file")
    t0 = time.perf_counter()
    open_db(path).conn.close()  # the schema, the FTS layout and WAL, as a real registry has them
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -1048576")  # 1 GB of page cache while building
    conn.execute("ATTACH DATABASE ? AS base", [f"file:{Path(base_path)}?mode=ro"])  # noqa: S608
    conn.execute("BEGIN")
    cols = [r[1] for r in conn.execute("PRAGMA table_info(documents)")]
    sel = ", ".join("'{}'" if c == "extracted" else c for c in cols)
    conn.execute("INSERT INTO files SELECT sha256, name, size, format, x'', added_at, warnings FROM base.files")
    conn.execute(f"INSERT INTO documents ({', '.join(cols)}) SELECT {sel} FROM base.documents")
    for table in ("refs", "tasks", "units", "task_units", "responsibilities", "corrections"):
        conn.execute(f"INSERT INTO {table} SELECT * FROM base.{table}")
    n_base = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    texts = conn.execute("SELECT id, data FROM base.documents_fts_text ORDER BY id")
    for doc_id, data in texts:
        conn.execute("INSERT INTO documents_fts (rowid, subject, body, subject_fold, body_fold) "
                     "VALUES (?, ?, ?, ?, ?)", [doc_id, *json.loads(zlib.decompress(data))])
    conn.execute("INSERT INTO documents_fts_text SELECT * FROM base.documents_fts_text")
    conn.execute("COMMIT")
    log(f"bench: {n_base} documents copied from {base_path} in {time.perf_counter() - t0:.0f} s")

    rng = random.Random(seed)
    ids = [r[0] for r in conn.execute("SELECT id FROM base.documents WHERE extracted != '{}' "
                                      "AND number_key IS NOT NULL AND date IS NOT NULL")]
    picked = sorted(rng.sample(ids, min(sample, len(ids))))
    bases: list[_Base] = []
    for i in range(0, len(picked), 500):
        part = picked[i:i + 500]
        rows = conn.execute(f"SELECT d.id, doc_type, number, issuer, place, date, subject, body, signer, "
                            f"recipients, t.data FROM base.documents d JOIN base.documents_fts_text t "
                            f"ON t.id = d.id WHERE d.id IN ({', '.join('?' * len(part))})", part)
        for r in rows:
            s, b, fs, fb = json.loads(zlib.decompress(r[10]))
            if b != (r[7] or ""):
                continue  # a clerk's correction after indexing: not a clean base
            province, city = _find_province(r[3])
            bases.append(_Base(r[0], r[1], r[2], r[3], r[4], r[5], s, b, fs, fb, r[8], r[9] or "[]",
                               province, city, _subject_words(s)))
    pool = sorted({w for x in bases for w in x.words})
    log(f"bench: {len(bases)} base documents sampled, {len(pool)} words to swap")
    if not bases:
        raise SystemExit("bench: the base registry has no document to clone")
    next_id = conn.execute("SELECT max(id) FROM documents").fetchone()[0] + 1
    counters: dict[tuple[str, str, int], int] = {}
    for key, sym, y in conn.execute("SELECT issuer_key, number_symbol, year FROM documents "
                                    "WHERE number_seq GLOB '[0-9]*'"):
        counters[(key or "", sym or "", y or 0)] = 0  # the base's numbers: the clones start above them
    for key, sym, y, top in conn.execute("SELECT issuer_key, number_symbol, year, max(CAST(number_seq AS INT)) "
                                         "FROM documents WHERE number_seq GLOB '[0-9]*' GROUP BY 1, 2, 3"):
        counters[(key or "", sym or "", y or 0)] = top or 0
    stamp = now()
    doc_cols = ("id, file_sha256, seq, doc_type, number, number_key, number_seq, number_symbol, issuer, "
                "issuer_key, place, date, year, subject, signer, recipients, body, extracted, duplicate_of, "
                "warnings, created_at, parsed_at")
    doc_sql = f"INSERT INTO documents ({doc_cols}) VALUES ({', '.join('?' * len(doc_cols.split(',')))})"
    summary = Summary(documents=n_base, originals=n_base)
    last_t = time.perf_counter()
    last_n = n_base
    while summary.documents < n_docs:
        conn.execute("BEGIN")
        target = min(n_docs, summary.documents + batch)
        files, docs, fts = [], [], []
        while summary.documents < target:
            x = bases[rng.randrange(len(bases))]
            old_y = int(x.date[:4])
            new_y = rng.randint(FIRST_YEAR, LAST_YEAR)
            texts_w = _move_year([x.subject, x.body], old_y, new_y) + [x.issuer or "", x.place or ""]
            texts_f = _move_year([x.fsubject, x.fbody], old_y, new_y)
            m, d = x.date[5:7], x.date[8:10]
            if m == "02" and d == "29":
                d = "28"
            new_date = f"{new_y}" + (f"-{m}" if m else "") + (f"-{d}" if d else "")
            swaps = _Swaps()
            if x.province:
                swaps.add(x.province, rng.choice(CITIES if x.city else PROVINCES))
            for w in rng.sample(x.words, min(len(x.words), rng.choice((1, 2, 2, 3)))):
                swaps.add(w, rng.choice(pool))
            texts_w, texts_f = swaps.apply(texts_w, texts_f)
            subject, body, issuer, place = texts_w
            # number
            number = x.number
            seq, sym = number_parts(number)
            ikey = text_key(issuer) or ""
            if number and seq and seq.isdigit():
                new_sym = (sym or "").replace(str(old_y), str(new_y)) if re.match(r"\d{4}/", sym or "") else sym
                ck = (ikey, new_sym or "", new_y)
                counters[ck] = counters.get(ck, rng.randint(0, 200)) + rng.randint(1, 3)
                m_seq = re.match(r"\s*\d+", number)
                new_number = str(counters[ck]) + number[m_seq.end():] if m_seq else number
                if new_sym != sym:
                    new_number = new_number.replace(f"/{old_y}/", f"/{new_y}/", 1)
                for k in range(2):
                    texts_w[k] = texts_w[k].replace(number, new_number)
                    texts_f[k] = texts_f[k].replace(fold(number), fold(new_number))
                subject, body = texts_w[0], texts_w[1]
                number = new_number
            new_seq, new_sym2 = number_parts(number)
            nkey = number_key(number)
            sha = hashlib.sha256(f"bench-clone:{seed}:{next_id}".encode()).hexdigest()
            size = len(body.encode("utf-8"))
            files.append((sha, f"clone-{next_id:07d}.txt", size, "txt", b"", stamp, "[]"))
            docs.append((next_id, sha, 0, x.doc_type, number, nkey, new_seq, new_sym2, issuer, ikey or None,
                         place or None, new_date, new_y, subject, x.signer, x.recipients, body, "{}", None,
                         "[]", stamp, stamp))
            fts.append((next_id, subject, body, texts_f[0], texts_f[1]))
            next_id += 1
            summary.documents += 1
            summary.files += 1
        conn.executemany("INSERT INTO files (sha256, name, size, format, data, added_at, warnings) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)", files)
        conn.executemany(doc_sql, docs)
        conn.executemany("INSERT INTO documents_fts (rowid, subject, body, subject_fold, body_fold) "
                         "VALUES (?, ?, ?, ?, ?)", fts)
        conn.execute("COMMIT")
        now_t = time.perf_counter()
        log(f"bench: {summary.documents:>9} docs  {(summary.documents - last_n) / (now_t - last_t):7.0f} docs/s")
        last_t, last_n = now_t, summary.documents
    conn.execute("DETACH DATABASE base")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    summary.seconds = time.perf_counter() - t0
    summary.db_bytes = sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
    log(f"bench: {summary.documents} documents ({n_base} copied, {summary.documents - n_base} clones) in "
        f"{summary.seconds:.0f} s; {path}: {summary.db_bytes / 2**20:.0f} MB")
    return summary
