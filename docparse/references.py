"""Resolving citations into references (the RESOLVING half, eyecite-style).

:func:`extract_references` reads one document's lines: it finds the
citations of each paragraph (:mod:`docparse.citations`), merges the mentions
of one document (same number; a short "104/NĐ-CP" with the full
"104/2022/NĐ-CP"; a law by its name and year), drops the document's own
number and gives each cited document the strongest relation among its
mentions (GOLD.md "REFERENCE": transmits > basis > implements > attached_to >
mentions). Cue phrases live in ``rules/references.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from . import rules
from .citations import (
    Citation,
    canonical_number,
    find_citations,
    find_law_titles,
    is_number,
    symbol_type,
)
from .lines import Para, paragraphs
from .model import Header, Line, Reference
from .normalize import collapse_ws, fold, normalize_text
from .spans import Loc, Traced

__all__ = ["extract_references", "paragraph_relations", "stronger", "RELATIONS"]

RELATIONS = ("transmits", "basis", "implements", "attached_to", "mentions")


def _phrase_re(words: list[str]) -> re.Pattern[str]:
    keys = sorted({fold(w) for w in words}, key=len, reverse=True)
    alt = "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in keys)
    return re.compile(rf"(?<![a-z0-9])(?:{alt})(?![a-z0-9])")


@dataclass
class _Cfg:
    rank: dict[str, int]
    forwarding_types: set[str]
    forwarding_subject_re: re.Pattern[str]
    transmit_re: re.Pattern[str]
    transmit_gap: int
    basis_openers: list[str]
    basis_capital_only: set[str]
    basis_not_before: set[str]
    basis_re: re.Pattern[str]
    basis_gap: int
    implement_re: re.Pattern[str]
    implement_gap: int
    attached_re: re.Pattern[str]
    attached_inline_re: re.Pattern[str]
    opener_strip_re: re.Pattern[str]
    bullet_re: re.Pattern[str]
    chain_re: re.Pattern[str]
    generic: set[str]
    levels: list[str]


@cache
def _cfg() -> _Cfg:
    raw: dict[str, Any] = rules.load("references")
    rel = raw["relations"]
    order = rel.get("order", list(RELATIONS))
    tr, ba, im = rel["transmits"], rel["basis"], rel["implements"]
    return _Cfg(
        rank={r: i for i, r in enumerate(order)},
        forwarding_types={fold(t) for t in tr.get("forwarding_types", [])},
        forwarding_subject_re=re.compile(
            r"^\s*(?:v/v|ve viec)?\s*:?\s*(?:" + _phrase_re(tr.get("forwarding_subjects", [])).pattern + ")"
        ),
        transmit_re=_phrase_re(tr["verbs"]),
        transmit_gap=int(tr.get("max_gap_words", 3)),
        basis_openers=[fold(w) for w in ba["openers"]],
        basis_capital_only={fold(w) for w in ba.get("capital_only", [])},
        basis_not_before={fold(w) for w in ba.get("capital_only_not_before", [])},
        basis_re=_phrase_re(ba["cues"]),
        basis_gap=int(ba.get("max_gap_words", 6)),
        implement_re=_phrase_re(im["cues"]),
        implement_gap=int(im.get("max_gap_words", 8)),
        attached_re=re.compile(rel["attached_to"]["openers_re"]),
        attached_inline_re=re.compile(rel["attached_to"]["inline_re"]),
        opener_strip_re=re.compile(rel["opener_strip_re"]),
        bullet_re=re.compile(rel["bullet_re"]),
        chain_re=re.compile(rel["chain_re"]),
        generic=set(raw.get("type_words", {}).get("generic", [])),
        levels=list(raw.get("relative_issuer", {}).get("levels", ["tỉnh", "thành phố"])),
    )


def stronger(a: str, b: str) -> str:
    """The stronger of two relations (GOLD.md order)."""
    rank = _cfg().rank
    return a if rank.get(a, 99) <= rank.get(b, 99) else b


_stronger = stronger


# ------------------------------------------------------------ relations


def _gap_words(f: str, lo: int, hi: int, cits: list[Citation]) -> int:
    """Words between ``lo`` and ``hi`` that are not part of another citation."""
    if hi <= lo:
        return 0
    keep = [True] * (hi - lo)
    for c in cits:
        a, b = max(c.span[0], lo), min(c.span[1], hi)
        for i in range(a - lo, b - lo):
            keep[i] = False
    text = "".join(ch if k else " " for ch, k in zip(f[lo:hi], keep, strict=True))
    return len(re.findall(r"[a-z0-9]+", text))


def _cued(f: str, cits: list[Citation], cue_re: re.Pattern[str], max_gap: int) -> list[bool]:
    """Which citations follow a cue closely, or continue a list that does."""
    ends = [m.end() for m in cue_re.finditer(f)]
    out = [False] * len(cits)
    if not ends:
        return out
    chain = _cfg().chain_re
    for i, c in enumerate(cits):
        s = c.span[0]
        before = [e for e in ends if e <= s]
        if before and _gap_words(f, before[-1], s, cits) <= max_gap or i and out[i - 1] and chain.match(f[cits[i - 1].span[1] : s]):
            out[i] = True
    return out


def _opener(text: str, f: str) -> str | None:
    """"basis" when the paragraph opens with "Căn cứ" or (capitalised) "Thực hiện"."""
    cfg = _cfg()
    m = cfg.opener_strip_re.match(f)
    pos = m.end() if m else 0
    b = cfg.bullet_re.match(f, pos)
    bullet = bool(b and b.end() > pos)
    if bullet:
        pos = b.end()  # type: ignore[union-attr]
    for op in cfg.basis_openers:
        if f.startswith(op, pos) and not f[pos + len(op) : pos + len(op) + 1].isalnum():
            if op in cfg.basis_capital_only:
                nxt = f[pos + len(op) :].split(None, 1)
                if bullet or not text[pos : pos + 1].isupper() or (nxt and nxt[0] in cfg.basis_not_before):
                    continue
            return "basis"
    return None


def paragraph_relations(text: str, cits: list[Citation], *, forwarding: bool = False,
                        subject: bool = False) -> list[str]:
    """The relation each citation of one paragraph (or of the subject) gets.

    ``forwarding``: the document is a transmittal slip (transmits applies);
    ``subject``: ``text`` is the document's own subject (implements applies).
    """
    cfg = _cfg()
    f = fold(text)
    rels = ["mentions"] * len(cits)
    if not cits:
        return rels
    if not subject:
        if cfg.attached_re.match(f):
            rels[0] = "attached_to"
        for m in cfg.attached_inline_re.finditer(f):
            i = next((k for k, c in enumerate(cits) if c.span[0] >= m.end()), None)
            if i is not None and cits[i].span[0] - m.end() <= 2:
                rels[i] = "attached_to"
    if not subject and _opener(text, f) == "basis":
        rels = [_stronger(r, "basis") for r in rels]
    checks = [("basis", cfg.basis_re, cfg.basis_gap)]
    if forwarding:
        checks.append(("transmits", cfg.transmit_re, cfg.transmit_gap))
    elif subject:
        checks.append(("implements", cfg.implement_re, cfg.implement_gap))
    for rel, cue_re, gap in checks:
        for i, hit in enumerate(_cued(f, cits, cue_re, gap)):
            if hit:
                rels[i] = _stronger(rels[i], rel)
    return rels


def _is_forwarding(header: Header) -> bool:
    cfg = _cfg()
    if header.doc_type and fold(header.doc_type) in cfg.forwarding_types:
        return True
    return bool(header.subject and cfg.forwarding_subject_re.match(fold(normalize_text(header.subject))))


# ---------------------------------------------------------------- merging


@dataclass
class _Mention:
    cit: Citation
    relation: str
    pos: tuple[int, int]
    context: str
    #: the text the citation's span indexes: a paragraph, or the subject as read (None: unknown)
    where: Para | Traced | None = None

    def locs(self) -> list[Loc]:
        w = self.where
        if w is None:
            return []
        traced = w.traced() if isinstance(w, Para) else w
        return traced.locs(*self.cit.span)


@dataclass
class _Group:
    mentions: list[_Mention] = field(default_factory=list)

    @property
    def first(self) -> tuple[int, int]:
        return min(m.pos for m in self.mentions)


def _title_key(title: str) -> str:
    return collapse_ws(fold(title)).strip(" ,.")


def _num_key(number: str) -> str:
    return canonical_number(number).upper()


def _short_full(keys: list[str]) -> dict[str, str]:
    """Map "104/NĐ-CP" to "104/2022/NĐ-CP" when exactly one full form matches."""
    full: dict[tuple[str, str], list[str]] = {}
    for k in keys:
        parts = k.split("/")
        if len(parts) == 3 and parts[1].isdigit():
            full.setdefault((parts[0], parts[2]), []).append(k)
    out = {}
    for k in keys:
        parts = k.split("/")
        if len(parts) == 2 and "-" not in parts[0]:
            cands = full.get((parts[0], parts[1]), [])
            if len(cands) == 1:
                out[k] = cands[0]
    return out


_LEVEL_PLACE = re.compile(r"(?:^|\s)(tỉnh|thành phố)\s+(\S.*)$")


def _resolve_issuer(issuer: str | None, header: Header) -> str | None:
    """"Ủy ban nhân dân tỉnh" without a province → the document's own province."""
    if not issuer:
        return issuer
    levels = _cfg().levels
    words = issuer.split()
    lv = next((x for x in levels if issuer.endswith(" " + x) or issuer == x), None)
    if lv is None or not header.issuer or len(words) < 2:
        return issuer
    m = _LEVEL_PLACE.search(normalize_text(header.issuer))
    if m and fold(m.group(1)) == fold(lv):
        return f"{issuer} {m.group(2).strip()}"
    return issuer


def _pick_number(ms: list[_Mention]) -> str | None:
    nums = [m.cit.number for m in ms if m.cit.number]
    if not nums:
        return None
    full = [n for n in nums if n.count("/") >= 2 or "-" in n.split("/")[0]]
    pool = full or nums
    mixed = [n for n in pool if any(ch.islower() for ch in n)]
    return (mixed or pool)[0]


def _build(group: _Group, header: Header) -> Reference:
    cfg = _cfg()
    ms = sorted(group.mentions, key=lambda m: m.pos)
    types = [m.cit.doc_type for m in ms if m.cit.doc_type]
    specific = [t for t in types if t not in cfg.generic]
    doc_type = (specific or types or [None])[0]
    number = _pick_number(ms)
    if number and doc_type is None:
        doc_type = symbol_type(number)
    date = next((m.cit.date for m in ms if m.cit.date), None)
    issuer = next((m.cit.issuer for m in ms if m.cit.issuer), None)
    titles = [m.cit.title for m in ms if m.cit.title]
    mixed = [t for t in titles if not t.isupper()]
    title = (mixed or titles or [None])[0]
    year = next((m.cit.year for m in ms if m.cit.year), None)
    best = ms[0]
    for m in ms:
        if cfg.rank.get(m.relation, 99) < cfg.rank.get(best.relation, 99):
            best = m
    # where the relation was decided, else the first mention found in the text
    locs = best.locs() or next((x for x in (m.locs() for m in ms) if x), [])
    return Reference(doc_type=doc_type, number=number, date=date, issuer=_resolve_issuer(issuer, header),
                     relation=best.relation, title=title if number is None else title, year=year,
                     text=best.context, locs=locs)


def _excerpt(text: str, span: tuple[int, int]) -> str:
    a, b = span
    return text[max(0, a - 60) : b + 60].strip()


def extract_references(lines: list[Line], header: Header) -> list[Reference]:
    """Every other document that this document (its ``lines``) cites, once each.

    ``header`` is the document's already extracted header: its number is
    dropped, its subject decides "implements", its type "transmits", its
    ``attached_to`` is always an ``attached_to`` reference, its issuer
    completes relative issuers ("của UBND tỉnh").
    """
    forwarding = _is_forwarding(header)
    per_para = [(p, find_citations(p.text)) for p in paragraphs(lines)]
    subject = normalize_text(header.subject) if header.subject else ""
    subject_cits = find_citations(subject) if subject else []

    # laws known by name in this document: later bare mentions ("theo Luật Hộ tịch")
    titles: dict[str, str] = {}
    for _, cits in per_para + [(None, subject_cits)]:
        for c in cits:
            if c.title and c.doc_type in ("Luật", "Bộ luật"):
                titles.setdefault(_title_key(c.title), c.title)

    mentions: list[_Mention] = []
    for p, cits in per_para:
        if titles:
            cits = sorted(cits + find_law_titles(p.text, titles, [c.span for c in cits]), key=lambda c: c.span)
        if not cits:
            continue
        rels = paragraph_relations(p.text, cits, forwarding=forwarding)
        for c, rel in zip(cits, rels, strict=True):
            mentions.append(_Mention(c, rel, (p.start, c.span[0]), _excerpt(p.text, c.span), p))
    if subject:
        cits = subject_cits
        if titles:
            cits = sorted(cits + find_law_titles(subject, titles, [c.span for c in cits]), key=lambda c: c.span)
        rels = paragraph_relations(subject, cits, forwarding=forwarding, subject=True)
        read = header.sources.subject  # the subject as read, if the header did not respell it
        where = read if read is not None and read.text == subject else None
        for c, rel in zip(cits, rels, strict=True):
            mentions.append(_Mention(c, rel, (-1, c.span[0]), _excerpt(subject, c.span), where))

    return _merge(mentions, header)


def _merge(mentions: list[_Mention], header: Header) -> list[Reference]:
    # keys: numbers; laws by (title, year); bare law names by title alone
    law_keys: dict[str, list[tuple[Any, ...]]] = {}
    for m in mentions:
        c = m.cit
        if c.title and c.doc_type in ("Luật", "Bộ luật") and c.via != "title":
            key = ("n", _num_key(c.number)) if c.number else ("t", _title_key(c.title), c.year)
            lst = law_keys.setdefault(_title_key(c.title), [])
            if key not in lst:
                lst.append(key)
    groups: dict[tuple[Any, ...], _Group] = {}
    for m in mentions:
        c = m.cit
        if c.number:
            key: tuple[Any, ...] = ("n", _num_key(c.number))
        elif c.title:
            cands = law_keys.get(_title_key(c.title), [])
            if c.via == "title" or c.year is None:
                if len(cands) != 1:
                    continue
                key = cands[0]
            else:
                numbered = [k for k in cands if k[0] == "n" and k[1].split("/")[1:2] == [str(c.year)]]
                key = numbered[0] if len(numbered) == 1 else ("t", _title_key(c.title), c.year)
        else:
            continue
        groups.setdefault(key, _Group()).mentions.append(m)

    # short forms into full forms
    alias = _short_full([k[1] for k in groups if k[0] == "n"])
    for short, full in alias.items():
        g = groups.pop(("n", short))
        groups[("n", full)].mentions.extend(g.mentions)

    # the document's own number
    if header.number:
        own = _num_key(header.number)
        own_alias = _short_full([own] + [k[1] for k in groups if k[0] == "n"])
        drop = {own, own_alias.get(own, own)}
        drop |= {s for s, f in alias.items() if f == own}
        drop |= {s for s, f in own_alias.items() if f == own}
        for k in [k for k in groups if k[0] == "n" and k[1] in drop]:
            del groups[k]

    refs = [(g.first, _build(g, header)) for g in groups.values()]

    # the issuing document named in the header
    att = (header.attached_to or "").strip()
    if att and is_number(att):  # not a draft's blank "/QĐ-UBND", not OCR glue
        key = _num_key(att)
        key = _short_full([key] + [r.number.upper() for _, r in refs if r.number]).get(key, key)
        hit = next((r for _, r in refs if r.number and _num_key(r.number) == key), None)
        if hit is None:
            number = canonical_number(att)
            refs.append(((-2, 0), Reference(doc_type=symbol_type(number), number=number,
                                            date=header.attached_date, issuer=header.attached_issuer,
                                            relation="attached_to",
                                            locs=header.sources.locs("attached_to", header.attached_to))))
        else:
            hit.relation = _stronger(hit.relation, "attached_to")
            hit.date = hit.date or header.attached_date
            hit.issuer = hit.issuer or header.attached_issuer

    refs.sort(key=lambda x: (x[1].relation != "attached_to", x[0]))
    return [r for _, r in refs]
