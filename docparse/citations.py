"""Finding the documents a text cites (the FINDING half, eyecite-style).

:func:`find_citations` takes one string (a paragraph, a subject line) and
returns typed :class:`Citation` objects with their span in that string:
type, canonical number, date, issuer, and for a law cited by name its title
and year. Resolving them — merging mentions of one document, deciding the
relation — is :mod:`docparse.references`.

Every regex runs on :func:`~docparse.normalize.fold` of the text (same
length, so a match there is a span of the original), which makes the same
rules work on text whose diacritics were lost ("Quyet dinh so 2168/QD-BTP");
values are then spelled properly from the rule tables ("QĐ-BTP", "Quyết
định", "Bộ Tư pháp"). Patterns and cue words live in
``rules/references.yaml``; types in ``rules/doc_types.yaml``; bodies in
``rules/bodies.yaml``.

Pass text normalised with :func:`~docparse.normalize.normalize_text` (NFC):
spans index the string given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from . import rules
from .normalize import collapse_ws, fold, is_upper_line
from .units import place_name, proper_name

__all__ = [
    "Citation",
    "find_citations",
    "find_law_titles",
    "canonical_number",
    "is_number",
    "symbol_type",
    "parse_issuer",
    "parse_date",
]


@dataclass(frozen=True)
class Citation:
    """One mention of a document in a text."""

    #: (start, end) in the text given: from the type word to the end of the
    #: date/issuer tail ("Quyết định số 2168/QĐ-BTP ngày 26/10/2020 của Bộ Tư pháp").
    span: tuple[int, int]
    #: Official type name ("Nghị định", "Quyết định", "Luật", "Quy trình" ...).
    doc_type: str | None
    #: Canonical number ("87/2020/NĐ-CP", "11-CT/TU", "1292"); None for a law by name.
    number: str | None
    #: ISO date of issue given with the mention.
    date: str | None = None
    #: Issuing body named after "của" ("Bộ Tư pháp", "Ủy ban nhân dân tỉnh").
    issuer: str | None = None
    #: Name of a law ("Luật Hộ tịch"); set for laws cited by name.
    title: str | None = None
    year: int | None = None
    #: The text of the span.
    text: str = ""
    #: How ``doc_type`` was decided: "word" (type word before the number),
    #: "symbol" (type abbreviation of the symbol), "list" (continues a list),
    #: "law" (a law's name), "title" (a known law name without anchor).
    via: str = "word"


# ---------------------------------------------------------------- rule tables


def _alt(words: list[str]) -> str:
    """Regex alternation of folded phrases, longest first, flexible spaces."""
    keys = sorted({fold(w) for w in words}, key=len, reverse=True)
    return "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in keys)


@dataclass
class _Rules:
    raw: dict[str, Any]
    type_names: dict[str, str]  # fold(type word) -> official name
    aliases: set[str]  # fold of capital-only aliases ("nd", "qd")
    ambiguous: set[str]
    generic: set[str]  # official names that defer to the symbol
    abbr_exact: dict[str, tuple[str, str]]  # printed abbr -> (canonical abbr, type name)
    abbr_fold: dict[str, list[tuple[str, str]]]
    abbr_by_type: dict[str, set[str]]  # type name -> folded abbreviations
    bodies_exact: set[str]
    bodies_fold: dict[str, set[str]]
    num_re: re.Pattern[str]
    pre_re: re.Pattern[str]
    bare_re: re.Pattern[str]
    bare_pre_re: re.Pattern[str]
    so_before_re: re.Pattern[str]
    date_re: re.Pattern[str]
    issuer_lead_re: re.Pattern[str]
    hard_stop_re: re.Pattern[str]
    law_start_re: re.Pattern[str]
    law_anchor_re: re.Pattern[str]
    law_breaks_re: re.Pattern[str]
    law_number_after_re: re.Pattern[str]
    joiner_re: re.Pattern[str]
    described_re: re.Pattern[str]
    intro_re: re.Pattern[str]
    prefilter_re: re.Pattern[str]
    normative_plain_re: re.Pattern[str]
    glued_re: re.Pattern[str]


@cache
def _rules() -> _Rules:
    raw = rules.load("references")
    dt = rules.load("doc_types")
    ab = rules.load("abbreviations")

    cited = [t for t in dt["types"] if t.get("cite")]
    type_names = {fold(t["name"]): t["name"] for t in cited}
    aliases = {fold(a) for a in dt.get("cite_aliases", {})}
    for a, name in dt.get("cite_aliases", {}).items():
        type_names.setdefault(fold(a), name)
    tw = raw.get("type_words", {})
    ambiguous = {fold(w) for w in tw.get("ambiguous", [])}
    generic = set(tw.get("generic", []))

    abbr_exact: dict[str, tuple[str, str]] = {}
    abbr_fold: dict[str, list[tuple[str, str]]] = {}
    abbr_by_type: dict[str, set[str]] = {}
    for t in dt["types"]:
        if not t.get("abbr"):
            continue
        canon = t["abbr"][0]
        for a in t["abbr"]:
            abbr_exact[a] = (canon, t["name"])
            lst = abbr_fold.setdefault(fold(a), [])
            if (canon, t["name"]) not in lst:
                lst.append((canon, t["name"]))
            abbr_by_type.setdefault(t["name"], set()).add(fold(a))

    bodies = set(ab.get("symbol_issuers", {})) | set(ab.get("expand", {})) | set(raw.get("symbol_bodies", []))
    bodies_fold: dict[str, set[str]] = {}
    for b in bodies:
        bodies_fold.setdefault(fold(b), set()).add(b)

    n = raw["number"]
    part, join = n["symbol_part_re"], n["symbol_join_re"]
    sym = rf"{part}(?:{join}[a-z0-9&]+)*"
    seq, year = n["sequence_re"], n["year_re"]
    num_re = re.compile(
        rf"(?<![\w./-])(?P<seq>{seq})(?:"
        rf"\s?/\s?(?P<year>{year})\s?/\s?(?P<nsym>{sym})"
        rf"|\s?-\s?(?P<ptype>{n['party_type_re']})\s?/\s?(?P<pbody>{sym})"
        rf"|\s?/\s?(?P<sym>{sym})"
        rf")(?![\w&])"
    )
    so = "|".join(map(re.escape, raw.get("number_words", ["so"])))
    types_alt = _alt(list(type_names))
    between = _alt(tw.get("between", [])) or "(?!)"
    lists = raw["lists"]
    pre_re = re.compile(
        rf"(?<![a-z0-9])(?P<type>{types_alt})(?P<between>\s+(?:{between}))?"
        rf"(?P<intro>{lists['intro_re']})?\s*:?\s*(?P<so>(?:(?:{so})\s*:?\s*){{1,2}})?$"
    )
    bare_re = re.compile(
        rf"(?<![a-z0-9])(?:{so})\s*:?\s*(?P<seq>{seq})(?!\d|\s?/|[.,]\d|\s?-\s?[a-z0-9]|[a-z])"
    )
    bare_pre_re = re.compile(rf"(?<![a-z0-9])(?P<type>{types_alt})(?:\s+(?:{between}))?\s*:?\s*$")
    so_before_re = re.compile(rf"(?<![a-z0-9])(?:{so})\s*:?\s*$")
    d = raw["date"]
    date_re = re.compile(rf"{d['lead_re']}(?:{d['numeric_re']}|{d['words_re']})")
    iss = raw["issuer"]
    law = raw["law"]
    law_types = _alt(law.get("types", ["Luật"]))
    law_start_re = re.compile(rf"(?<![a-z0-9])(?:{law_types})(?=\s)")
    law_anchor_re = re.compile(
        rf"(?P<date>{d['lead_re']}(?:{d['numeric_re']}|{d['words_re']}))"
        rf"|(?<=\s)(?P<year>{law['year_re']})"
        rf"|(?P<num>\s*,?\s*(?:{so})\s*:?\s*\d)"
    )
    law_number_after_re = re.compile(rf"\s*,?\s*(?:{so})\s*:?\s*(?=\d)")
    prefilter_re = re.compile(r"\d\s?[/-]\s?[a-z0-9]|luat|(?:" + so + r")\s*:?\s*\d")
    return _Rules(
        raw=raw,
        type_names=type_names,
        aliases=aliases,
        ambiguous=ambiguous,
        generic=generic,
        abbr_exact=abbr_exact,
        abbr_fold=abbr_fold,
        abbr_by_type=abbr_by_type,
        bodies_exact=bodies,
        bodies_fold=bodies_fold,
        num_re=num_re,
        pre_re=pre_re,
        bare_re=bare_re,
        bare_pre_re=bare_pre_re,
        so_before_re=so_before_re,
        date_re=date_re,
        issuer_lead_re=re.compile(iss["lead_re"]),
        hard_stop_re=re.compile(iss["hard_stop_re"]),
        law_start_re=law_start_re,
        law_anchor_re=law_anchor_re,
        law_breaks_re=re.compile(law["breaks_re"]),
        law_number_after_re=law_number_after_re,
        joiner_re=re.compile(lists["joiner_re"]),
        described_re=re.compile(lists["described_re"]),
        intro_re=re.compile(lists["intro_re"]),
        prefilter_re=prefilter_re,
        normative_plain_re=re.compile(n["normative_plain_re"]),
        glued_re=re.compile(n["glued_word_re"]),
    )


# A cheap test on the printed text before folding a paragraph at all.
_LAW_QUICK = re.compile(r"[Ll][Uu][AaẬậÂâẠạ][Tt]")
_BARE_QUICK = re.compile(r"[Ss][OoỐốÔô06]\s*:?\s*\d")


def _quick(text: str) -> bool:
    """Could ``text`` cite anything? (numbers have a "/", laws a "Luật")."""
    return "/" in text or bool(_LAW_QUICK.search(text)) or bool(_BARE_QUICK.search(text))


# ------------------------------------------------------------------- numbers


def _fix_group(tok: str) -> str:
    """Spell one symbol group: "QD" → "QĐ", "TTG" → "TTg", "ND" → "NĐ"."""
    r = _rules()
    if not tok or tok[0].isdigit():
        return tok
    if tok in r.abbr_exact:
        return r.abbr_exact[tok][0]
    if tok in r.bodies_exact:
        return tok
    key = fold(tok)
    cands = {c for c, _ in r.abbr_fold.get(key, [])} | r.bodies_fold.get(key, set())
    if len(cands) == 1:
        return next(iter(cands))
    return tok


@cache
def _abbr_keys_longest() -> list[str]:
    return sorted(_rules().abbr_fold, key=len, reverse=True)


def _repair(tok: str) -> str | None:
    """``QĐBTP`` → ``QĐ-BTP``: a type abbreviation glued to a known body."""
    r = _rules()
    if len(tok) < 4 or tok in r.abbr_exact or tok in r.bodies_exact:
        return None
    key = fold(tok)
    for abbr_key in _abbr_keys_longest():
        rest_key = key[len(abbr_key):]
        if not key.startswith(abbr_key) or len(rest_key) < 2:
            continue
        bodies = r.bodies_fold.get(rest_key)
        if bodies and len(bodies) == 1:
            exact = r.abbr_exact.get(tok[: len(abbr_key)])
            canon = exact[0] if exact else r.abbr_fold[abbr_key][0][0]
            return f"{canon}-{next(iter(bodies))}"
    return None


def canonical_number(raw: str) -> str:
    """Clean a printed number: no spaces, groups spelled from the rule tables.

    >>> canonical_number("149/QĐBTP"), canonical_number("87/2020/ND-CP")
    ('149/QĐ-BTP', '87/2020/NĐ-CP')
    """
    s = re.sub(r"\s+", "", raw).strip(".,;:")
    if "/" not in s:
        return s
    head, _, sym = s.rpartition("/")
    groups = sym.split("-")
    if len(groups) == 1:
        fixed = _repair(sym)
        if fixed:
            groups = fixed.split("-")
    groups = [_fix_group(g) for g in groups]
    head = "-".join(_fix_group(p) for p in head.split("-"))
    return f"{head}/{'-'.join(groups)}"


def is_number(text: str) -> bool:
    """Is ``text`` a whole document number of the standard's shapes?

    >>> is_number("2168/QĐ-BTP"), is_number("562168/OD-BTP"), is_number("06/CP")
    (True, False, False)
    """
    r = _rules()
    t = text.strip()
    f = fold(t)
    m = r.num_re.fullmatch(f)
    if not m:
        return False
    if m.group("sym") is not None:
        return "-" in canonical_number(t).split("/", 1)[1]
    return True


def symbol_type(number: str | None) -> str | None:
    """Official type named by a number's type abbreviation, if any.

    ``87/2020/NĐ-CP`` → Nghị định; ``11-CT/TU`` → Chỉ thị; ``1437/BTP-CNTT`` → None.
    """
    if not number or "/" not in number:
        return None
    r = _rules()
    first = number.split("/")[0]
    # party numbers carry the type before the slash: 11-CT/TU
    abbr = first.split("-", 1)[1] if "-" in first else number.rsplit("/", 1)[1].split("-")[0]
    hit = r.abbr_exact.get(abbr)
    if hit:
        return hit[1]
    cands = r.abbr_fold.get(fold(abbr), [])
    return cands[0][1] if len(cands) == 1 else None


def _is_cong_van_symbol(number: str) -> bool:
    """N/BODY-UNIT: an ordinary number whose symbol opens with no type abbreviation."""
    parts = number.split("/")
    return len(parts) == 2 and "-" in parts[1] and "-" not in parts[0] and symbol_type(number) is None


# --------------------------------------------------------------------- dates


def _iso(d: str, m: str, y: str) -> str | None:
    di, mi, yi = int(d), int(m), int(y)
    if not (1 <= mi <= 12 and 1 <= di <= 31):
        return None
    return f"{yi:04d}-{mi:02d}-{di:02d}"


def parse_date(f: str, pos: int) -> tuple[str | None, int]:
    """A date right at ``pos`` of a folded text: ("2020-10-26", end) or (None, pos)."""
    m = _rules().date_re.match(f, pos)
    if not m:
        return None, pos
    if m.group("d"):
        iso = _iso(m.group("d"), m.group("m"), m.group("y"))
    else:
        iso = _iso(m.group("d2"), m.group("m2"), m.group("y2"))
    return (iso, m.end()) if iso else (None, pos)


# -------------------------------------------------------------------- issuer


@dataclass
class _Tok:
    text: str
    key: str  # lower-case text (diacritics kept), or its fold for text that lost them
    comma: bool
    end: int  # offset after the word in the original string


_Phrase = tuple[list[str], list[str], str]  # (folded words, lower-case words, canonical)


@cache
def _body_vocab() -> dict[str, Any]:
    b = rules.load("bodies")
    raw = rules.load("references")["issuer"]
    ab = rules.load("abbreviations")["expand"]

    def phrases(items: list[str]) -> list[_Phrase]:
        out = [(fold(x).split(), x.lower().split(), x) for x in items]
        return sorted(out, key=lambda p: -len(p[0]))

    return {
        "named": phrases(b["named"]),
        "heads": phrases(list(b["heads"]) + list(raw.get("extra_heads", []))),
        "fields": phrases(b["fields"]),
        "levels": phrases(b["levels"]),
        "positions": phrases(list(b["position_prefixes"]) + list(raw.get("extra_positions", []))),
        "stops": phrases(raw.get("stop_words", [])),
        "types": phrases(sorted({t for t in _rules().type_names.values()})),
        "abbr": ab,
        "abbr_fold": {fold(k): v for k, v in ab.items()},
        "max_generic": int(raw.get("max_generic_words", 6)),
    }


_TRAIL = ".;:!?*)\"'”"


def _tokens(text: str, start: int, end: int, exact: bool) -> list[_Tok]:
    """Words of a name; abbreviations expanded ("UBND" → "Ủy ban nhân dân")."""
    v = _body_vocab()
    out: list[_Tok] = []
    for m in re.finditer(r"[^\s,]+,?|,", text[start:end]):
        w = m.group()
        comma = w.endswith(",")
        w = w.rstrip(",").rstrip(_TRAIL)
        if not w:
            if out and comma:
                out[-1].comma = True
            continue
        e = start + m.start() + len(w)
        exp = v["abbr"].get(w)
        if exp is None and w.isupper() and len(w) >= 2:
            exp = v["abbr_fold"].get(fold(w))
        words = exp.split() if exp else [w]
        for i, x in enumerate(words):
            out.append(_Tok(x, x.lower() if exact else fold(x), comma and i == len(words) - 1, e))
    return out


def _match(phrase: _Phrase, toks: list[_Tok], i: int, exact: bool) -> bool:
    """Does ``phrase`` (commas attached to its words) start at token ``i``?"""
    words = phrase[1] if exact else phrase[0]
    if i + len(words) > len(toks):
        return False
    for k, p in enumerate(words):
        t = toks[i + k]
        if k == len(words) - 1:
            if t.key != p.rstrip(","):
                return False
        elif t.key + ("," if t.comma else "") != p:
            return False
    return True


@cache
def _index(name: str, exact: bool) -> dict[str, list[_Phrase]]:
    """A vocabulary table by its first word (longest phrases first)."""
    out: dict[str, list[_Phrase]] = {}
    for phrase in _body_vocab()[name]:
        words = phrase[1] if exact else phrase[0]
        out.setdefault(words[0].rstrip(","), []).append(phrase)
    return out


def _longest(table: str, toks: list[_Tok], i: int, exact: bool) -> tuple[int, str] | None:
    if i >= len(toks):
        return None
    for phrase in _index(table, exact).get(toks[i].key, ()):
        if _match(phrase, toks, i, exact):
            return len(phrase[0]), phrase[2]
    return None


def _is_stop(toks: list[_Tok], i: int, exact: bool) -> bool:
    """Does the trích yếu (or another citation) start at token ``i``?"""
    if i >= len(toks):
        return True
    t = toks[i]
    if t.key[:1].isdigit():
        return True
    if _longest("stops", toks, i, exact):
        return True
    return t.text[:1].isupper() and bool(_longest("types", toks, i, exact))


def _place(toks: list[_Tok], i: int, caps: bool, exact: bool) -> tuple[list[str], int]:
    words: list[str] = []
    while i < len(toks) and len(words) < 4:
        t = toks[i]
        if _is_stop(toks, i, exact) or not (caps or t.text[:1].isupper()):
            break
        words.append(t.text)
        i += 1
        if t.comma:
            break
    return words, i


def _body_at(toks: list[_Tok], i: int, caps: bool, exact: bool, depth: int = 0) -> tuple[str, int] | None:
    """A body's name starting at token ``i``: (proper name, index after it)."""
    v = _body_vocab()
    hit = _longest("named", toks, i, exact)
    if hit:
        return hit[1], i + hit[0]
    j = i
    while True:  # positions: "Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ"
        hit = _longest("positions", toks, j, exact)
        if not hit:
            break
        j += hit[0]
        hit2 = _longest("named", toks, j, exact)
        if hit2:
            return hit2[1], j + hit2[0]
    if j > i:
        return _body_at(toks, j, caps, exact, depth + 1) if depth < 3 else None
    hit = _longest("heads", toks, i, exact)
    if not hit:
        return None
    n, head = hit
    j = i + n
    if toks[j - 1].comma:
        return None
    # a head followed by another body: "Văn phòng Ủy ban nhân dân tỉnh X"
    if depth < 2 and j < len(toks):
        sub = _body_at(toks, j, caps, exact, depth + 1)
        if sub and not _longest("levels", toks, j, exact):
            return f"{head} {sub[0]}", sub[1]
    parts = [head]
    hit = _longest("fields", toks, j, exact)
    if hit:
        parts.append(hit[1])
        j += hit[0]
    elif not _longest("levels", toks, j, exact):
        words: list[str] = []
        while j < len(toks) and len(words) < v["max_generic"]:
            if _is_stop(toks, j, exact) or _longest("levels", toks, j, exact):
                break
            words.append(toks[j].text)
            j += 1
            if toks[j - 1].comma:
                break
        if not words:
            return None
        generic = " ".join(words)
        parts.append(generic.lower() if caps else generic)
    if j < len(toks) and not toks[j - 1].comma:
        hit = _longest("levels", toks, j, exact)
        if hit:
            parts.append(hit[1])
            j += hit[0]
            place, j = _place(toks, j, caps, exact)
            if place:
                parts.append(place_name(" ".join(place)))
    return " ".join(parts), j


def parse_issuer(text: str, f: str, pos: int) -> tuple[str | None, int]:
    """The body named at ``pos`` (right after "của"): (name, end) or (None, pos)."""
    r = _rules()
    lim = min(len(text), pos + 160)
    m = r.hard_stop_re.search(f, pos, lim)
    stop = m.start() if m else lim
    seg = text[pos:stop]
    exact = not seg.isascii()
    toks = _tokens(text, pos, stop, exact)
    if not toks:
        return None, pos
    caps = is_upper_line(seg)
    hit = _body_at(toks, 0, caps, exact)
    if not hit:
        return None, pos
    name, j = hit
    if caps:
        name = proper_name(name) if is_upper_line(name) else name
    return collapse_ws(name), toks[j - 1].end


# ----------------------------------------------------------------------- laws


def _law_title_before(text: str, f: str, lo: int, pos: int) -> int | None:
    """Start of a law's name that ends at ``pos`` ("Luật Doanh nghiệp| số ...")."""
    r = _rules()
    starts = [m.start() for m in r.law_start_re.finditer(f, lo, pos) if text[m.start()].isupper()]
    if not starts:
        return None
    # no break between the name and the anchor
    starts = [s for s in starts if not r.law_breaks_re.search(f, s, pos)]
    if not starts:
        return None
    amending = [fold(a) for a in r.raw["law"].get("amending", [])]
    best = starts[-1]
    for s in starts[:-1]:
        after = f[s:pos]
        if any(re.match(rf"(?:bo\s+)?luat\s+{re.escape(a)}", after) for a in amending):
            best = s
            break
    n_words = len(f[best:pos].split())
    is_amending = any(re.match(rf"(?:bo\s+)?luat\s+{re.escape(a)}", f[best : best + 40]) for a in amending)
    key = "max_amending_title_words" if is_amending else "max_title_words"
    if n_words > r.raw["law"].get(key, 24):
        return None
    return best


_TITLE_END_STOP = {"trong", "vao", "tu", "den", "cua", "tai", "nam", "thang", "la", "cho", "ve", "theo", "nay",
                   "va", "hoac", "voi", "duoc", "da", "thi", "khi", "tinh"}


def _clean_title(title: str) -> tuple[str, int | None]:
    """Strip trailing punctuation and a glued year ("Luật X 2024")."""
    t = collapse_ws(title).strip(" ,")
    year = None
    m = re.search(r"\s(?:năm\s+|nam\s+|NĂM\s+)?((?:19|20)\d\d)$", t)
    if m:
        year = int(m.group(1))
        t = t[: m.start()].strip(" ,")
    return t, year


def _valid_title(title: str) -> bool:
    words = fold(title).split()
    if len(words) < 2 and not (len(words) == 1 and words[0] == "luat"):
        return False
    return not (words and words[-1] in _TITLE_END_STOP)


# ------------------------------------------------------------------- finding


def _tail(text: str, f: str, pos: int) -> tuple[str | None, str | None, int]:
    """Date and issuer after a number: "ngày 26/10/2020 của Bộ Tư pháp"."""
    r = _rules()
    date, pos2 = parse_date(f, pos)
    end = pos2
    issuer = None
    m = r.issuer_lead_re.match(f, end)
    if m:
        issuer, e = parse_issuer(text, f, m.end())
        if issuer:
            end = e
            if date is None:
                date, end = parse_date(f, end)
    return date, issuer, end


@dataclass
class _ListCtx:
    type_name: str | None  # the type word's type ("Văn bản" for a generic word)
    issuer: str | None  # from an intro "các Nghị định của Chính phủ: ..."


def _type_for(word_type: str | None, number: str, inherited: bool) -> str | None:
    r = _rules()
    st = symbol_type(number)
    if word_type is None:
        if st is None and inherited and _is_cong_van_symbol(number):
            return "Công văn"  # a list of documents: "Số 294/BC-STP ..., số 1890/STP-VB"
        return st
    if word_type in r.generic:
        if st:
            return st
        return "Công văn" if _is_cong_van_symbol(number) else word_type
    if inherited and st and st != word_type and r.abbr_by_type.get(word_type):
        return st
    return word_type


def find_citations(text: str) -> list[Citation]:
    """Every document cited in ``text``, in order of appearance.

    >>> [c.number for c in find_citations("các Nghị định số 78/2025/NĐ-CP và 79/2025/NĐ-CP")]
    ['78/2025/NĐ-CP', '79/2025/NĐ-CP']
    """
    if not text or not _quick(text):
        return []
    r = _rules()
    f = fold(text)
    if len(f) != len(text) or not r.prefilter_re.search(f):
        return []
    out: list[Citation] = []
    prev_end = 0
    prev: Citation | None = None
    ctx: _ListCtx | None = None
    for m in r.num_re.finditer(f):
        a = m.start()
        if a < prev_end:
            continue
        end_num = m.end()
        g = r.glued_re.search(text, a, end_num)
        if g and g.end() == end_num:
            end_num = g.start()  # "75/2024/TT-BTCQuy định": a lost line break
        raw = text[a:end_num]
        if m.group("sym") is not None:
            number = canonical_number(raw)
            if "-" not in number.split("/", 1)[1]:
                continue  # "Đề án 06/CP": no hyphenated symbol
        else:
            number = canonical_number(raw)
            sym = number.rsplit("/", 1)[1]
            if m.group("year") and "-" not in sym and not r.normative_plain_re.fullmatch(fold(sym)):
                continue
        if not _spaced_groups_ok(raw):
            continue
        start = a
        doc_type: str | None = None
        via = "word"
        title = None
        year = None
        law_start = None
        new_ctx = ctx
        pre = r.pre_re.search(f, max(prev_end, a - 160), a)
        if pre and not _pre_ok(text, pre):
            pre = None
        if pre:
            word_fold = re.sub(r"\s+", " ", pre.group("type"))
            word_type = r.type_names.get(word_fold)
            start = pre.start("type")
            intro_issuer = None
            if pre.group("intro"):
                im = r.issuer_lead_re.match(f, pre.start("intro"))
                if im:
                    intro_issuer, _ = parse_issuer(text, f, im.end())
            new_ctx = _ListCtx(word_type, intro_issuer)
            if word_type in ("Luật", "Bộ luật"):
                if not text[pre.start("type")].isupper():
                    law_start = _law_title_before(text, f, prev_end, pre.end("type"))
                doc_type = word_type
                via = "law"
            else:
                doc_type = _type_for(word_type, number, inherited=False)
        else:
            so_m = r.so_before_re.search(f, max(prev_end, a - 12), a)
            anchor = so_m.start() if so_m else a
            if m.group("year") and fold(m.group("nsym") or "").startswith("qh"):
                law_start = _law_title_before(text, f, prev_end, anchor)
            if law_start is not None:
                doc_type = "Luật" if not f.startswith("bo", law_start) else "Bộ luật"
                via = "law"
            elif prev is not None and ctx is not None and _continues(f, prev.span[1], anchor, a):
                doc_type = _type_for(ctx.type_name, number, inherited=True)
                start = anchor
                via = "list"
            elif so_m or m.group("year"):
                header_like = so_m is not None and text[so_m.start()] == "S" and (
                    ":" in f[so_m.start() : a] or not text[:so_m.start()].strip(" *_#\t") or
                    text[:so_m.start()].rstrip(" \t").endswith("\n"))
                if header_like or not symbol_type(number):
                    continue
                if not so_m and m.group("year") is None:
                    continue
                doc_type = symbol_type(number)
                start = anchor
                via = "symbol"
                new_ctx = _ListCtx(None, None)
            else:
                continue
        if law_start is not None:
            name_end = pre.end("type") if pre else (so_m.start() if so_m else a)
            title, year = _clean_title(text[law_start:name_end])
            if not _valid_title(title) or fold(title) in ("luat", "bo luat"):
                title = None
            start = law_start
        if doc_type is None:
            continue
        date, issuer, end = _tail(text, f, end_num)
        if issuer is None and via == "list" and ctx is not None:
            issuer = ctx.issuer
        elif issuer is None and pre is not None and new_ctx is not None and new_ctx.issuer and pre.group("intro"):
            issuer = new_ctx.issuer
        if via == "law" and year is None:
            year = int(m.group("year")) if m.group("year") else (int(date[:4]) if date else None)
        c = Citation(span=(start, end), doc_type=doc_type, number=number, date=date, issuer=issuer,
                     title=title, year=year, text=text[start:end], via=via)
        out.append(c)
        prev, prev_end, ctx = c, end, new_ctx
    out = _share_list_issuers(out, f)
    out += _bare_numbers(text, f, out)
    out += _laws_by_name(text, f, out)
    out.sort(key=lambda c: c.span[0])
    return out


def _share_list_issuers(cits: list[Citation], f: str) -> list[Citation]:
    """"số A ngày X, số B ngày Y của Z": Z issued every member of the list."""
    r = _rules()
    out = list(cits)
    i = len(out) - 1
    while i > 0:
        c = out[i]
        j = i
        while j > 0 and out[j].via == "list":
            j -= 1  # out[j] starts the list
        if j < i and c.issuer:
            for k in range(j, i):
                if out[k].issuer is None and r.joiner_re.match(f[out[k].span[1] : out[k + 1].span[0]]):
                    out[k] = replace(out[k], issuer=c.issuer)
        i = j - 1 if j < i else i - 1
    return out


def _spaced_groups_ok(raw: str) -> bool:
    """A group joined to the symbol across a space must be printed in capitals."""
    return all(g.isupper() or g.isdigit() for g in re.findall(r"(?:\s-\s?|-\s)([^\s/-]+)", raw))


def _pre_ok(text: str, pre: re.Match[str]) -> bool:
    r = _rules()
    word = text[pre.start("type") : pre.end("type")]
    key = re.sub(r"\s+", " ", pre.group("type"))
    if key in r.aliases and not word.isupper():
        return False
    return not (key in r.ambiguous and not pre.group("so") and not word[:1].isupper())


def _continues(f: str, prev_end: int, anchor: int, a: int) -> bool:
    r = _rules()
    lists = r.raw["lists"]
    gap = f[prev_end:a]
    if r.joiner_re.match(gap):
        return True
    if anchor == a or len(gap) > lists.get("max_described_chars", 300):
        return False
    if re.search(r"\.\s", gap):
        return False
    return bool(r.described_re.search(gap))


def _bare_numbers(text: str, f: str, found: list[Citation]) -> list[Citation]:
    """"Quy trình số 1292 ngày 20/12/2022": a type word, "số", digits only."""
    r = _rules()
    out: list[Citation] = []
    taken = [c.span for c in found]
    for m in r.bare_re.finditer(f):
        pre = r.bare_pre_re.search(f, max(0, m.start() - 40), m.start())
        if not pre:
            continue
        s = pre.start("type")
        if any(a <= s < b for a, b in taken):
            continue
        word = text[s : pre.end("type")]
        key = re.sub(r"\s+", " ", pre.group("type"))
        if key in r.aliases and not word.isupper():
            continue
        if not word[:1].isupper():
            continue
        doc_type = r.type_names.get(key)
        if doc_type in r.generic or doc_type in ("Luật", "Bộ luật"):
            continue
        number = m.group("seq")
        date, issuer, end = _tail(text, f, m.end())
        if r.raw["number"].get("bare_needs_tail", True) and not (date or issuer):
            continue  # "Quy trình số 01" naming a part of this document
        out.append(Citation(span=(s, end), doc_type=doc_type, number=number, date=date, issuer=issuer,
                            text=text[s:end], via="word"))
    return out


def _laws_by_name(text: str, f: str, found: list[Citation]) -> list[Citation]:
    """Laws without number: "Luật Hộ tịch năm 2014", "Luật X ngày 19/6/2015"."""
    r = _rules()
    if "luat" not in f:
        return []
    out: list[Citation] = []
    taken = [c.span for c in found]
    amending = [fold(a) for a in r.raw["law"].get("amending", [])]
    max_words = r.raw["law"].get("max_title_words", 24)
    pos = 0
    for m in r.law_start_re.finditer(f):
        s = m.start()
        if s < pos or not text[s].isupper() or any(a <= s < b for a, b in taken):
            continue
        nxt = min([a for a, _ in taken if a > s] + [len(f)])
        brk = r.law_breaks_re.search(f, s, nxt)
        lim = brk.start() if brk else nxt
        an = r.law_anchor_re.search(f, m.end(), lim + 1 if lim < len(f) else lim)
        if not an or an.group("num"):
            continue
        t0 = s
        # a list of laws ("Luật A, Luật B ngày ..."): the name starts at the
        # last law word unless the first one is an amending law.
        inner = [x.start() for x in r.law_start_re.finditer(f, m.end(), an.start()) if text[x.start()].isupper()]
        is_amending = any(re.match(rf"(?:bo\s+)?luat\s+{re.escape(a)}", f[s : s + 40]) for a in amending)
        if inner and not is_amending:
            t0 = inner[-1]
        title, glued_year = _clean_title(text[t0 : an.start()])
        limit = r.raw["law"].get("max_amending_title_words", 90) if is_amending else max_words
        if not _valid_title(title) or len(title.split()) > limit:
            continue
        if an.group("date"):
            date, end = parse_date(f, an.start())
            year = int(date[:4]) if date else None
        else:
            date, end = None, an.end()
            year = int(an.group("ly"))
        if glued_year and year is None:
            year = glued_year
        number = None
        nm = r.law_number_after_re.match(f, end)
        if nm:
            mm = r.num_re.match(f, nm.end())
            if mm and mm.group("year"):
                number = canonical_number(text[mm.start() : mm.end()])
                end = mm.end()
        d2, issuer, end2 = _tail(text, f, end)
        if date is None and d2:
            date = d2
        end = max(end, end2)
        out.append(Citation(span=(t0, end), doc_type="Bộ luật" if fold(title).startswith("bo luat") else "Luật",
                            number=number, date=date, issuer=issuer, title=title, year=year,
                            text=text[t0:end], via="law"))
        pos = end
    return out


def find_law_titles(text: str, titles: dict[str, str], taken: list[tuple[int, int]] | None = None) -> list[Citation]:
    """Mentions of laws already known by name, without anchor ("theo Luật Hộ tịch").

    ``titles`` maps a law's folded name to its printed name; ``taken`` spans
    (other citations) are skipped.
    """
    if not titles or not _LAW_QUICK.search(text):
        return []
    f = fold(text)
    if len(f) != len(text):
        return []
    taken = taken or []
    out = []
    alt = "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in sorted(titles, key=len, reverse=True))
    for m in re.finditer(rf"(?<![a-z0-9])(?:{alt})(?![a-z0-9])", f):
        s, e = m.span()
        if not text[s].isupper() or any(a < e and s < b for a, b in taken):
            continue
        key = re.sub(r"\s+", " ", m.group())
        out.append(Citation(span=(s, e), doc_type="Bộ luật" if key.startswith("bo luat") else "Luật",
                            number=None, title=titles[key], text=text[s:e], via="title"))
    return out


# ------------------------------------------------------------- OCR repairs


@cache
def _ocr_rules() -> dict[str, Any]:
    raw = _rules().raw.get("ocr", {})
    words = sorted((fold(str(w)) for w in raw.get("number_words", [])), key=len, reverse=True)
    alt = "|".join(re.escape(w) for w in words)
    types = "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in sorted(_rules().type_names, key=len, reverse=True))
    return {
        "year": re.compile(raw["year_split_re"]),
        "seq": re.compile(raw["seq_split_re"].replace("{number_words}", alt)),
        "glued": re.compile(raw["seq_glued_re"]),
        "group": re.compile(raw["group_split_re"]),
        "hyphen": re.compile(raw["lost_hyphen_re"]),
        "type_before": re.compile(rf"(?<![a-z])(?:{types})\s*$"),
    }


def _known_group(key: str) -> bool:
    r = _rules()
    return key in r.bodies_fold or key in r.abbr_fold


def repair_ocr_numbers(text: str) -> list[tuple[int, int, str]]:
    """Numbers of a scan put back together: ``(start, end, new)`` replacements in ``text``.

    For text read through the restorer only (``rules/references.yaml`` ``ocr``):
    "96/201 7/NĐ-CP" → "96/2017/NĐ-CP", "Quyết định 56 6 78/QĐ-BT P" →
    "Quyết định số 678/QĐ-BTP", "Quyết định 562168 /QĐ-BTP" → "Quyết định số
    2168 /QĐ-BTP", "87/2020/NĐ CP" → "87/2020/NĐ-CP" (a line break for the
    hyphen keeps its place: "NĐ-" / "CP"). A repair is made only where the
    repaired number is one of the standard's shapes.
    """
    f = fold(text)
    if len(f) != len(text) or "/" not in f:
        return []
    o = _ocr_rules()
    reps: list[tuple[int, int, str]] = []
    for m in o["year"].finditer(f):
        if len(m["a"]) + len(m["b"]) == 4:
            reps.append((m.start(), m.end(), text[m.start("a"):m.end("a")] + text[m.start("b"):m.end("b")]))
    for m in o["seq"].finditer(f):
        digits = m["seq"].replace(" ", "")
        word_is_digits = not m["so"][:1].isalpha()
        if len(digits) > 5 or word_is_digits and not o["type_before"].search(f, 0, m.start()):
            continue
        so = "số" if word_is_digits or fold(text[m.start("so"):m.end("so")]) != "so" else text[m.start("so"):m.end("so")]
        reps.append((m.start("so"), m.end("so"), so))
        reps.append((m.start("seq"), m.end("seq"), digits))
    for m in o["glued"].finditer(f):
        if o["type_before"].search(f, 0, m.start()):
            reps.append((m.start("so"), m.end("so"), "số "))
    for m in o["group"].finditer(f):
        joined = m["a"] + m["b"]
        if _known_group(joined) and not _known_group(m["b"]):
            reps.append((m.start(), m.end(), text[m.start("a"):m.end("a")] + text[m.start("b"):m.end("b")]))
    for m in o["hyphen"].finditer(f):
        if m["a"] in _rules().abbr_fold and m["b"] in _rules().bodies_fold:
            abbr = _fix_group(text[m.start("a"):m.end("a")])
            end = m.end("gap") if m["gap"] == " " else m.end("a")  # a line break stays, after the hyphen
            reps.append((m.start("a"), end, abbr + "-"))
    reps.sort()
    out: list[tuple[int, int, str]] = []
    for rep in reps:  # the first of overlapping repairs wins
        if not out or rep[0] >= out[-1][1]:
            out.append(rep)
    return out
