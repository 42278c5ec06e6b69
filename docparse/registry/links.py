"""Links between registered documents: what a document cites, what cites it, and the chains users follow.

A reference is stored as the key of the number it cites (``refs.number_key``);
it is resolved here, when asked, by joining on ``documents.number_key``, the
key of each document's *effective* (corrected) number. Nothing is rewritten
when a target arrives later or a clerk corrects a number: the next query
simply finds it. A reference whose target is not registered is a
placeholder, and stops being one as soon as a document with that number is.

Inside a file (a bundle), a plan issued with a decision is ``attached_to`` it
even when no reference row says so (``documents.attached_key``), and a
citation whose number has a blank sequence ("/QĐ-UBND", a draft's number)
can only mean the document of the same bundle with that symbol.

Everything here reads; results are plain dicts and lists, ready for JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import sqlite_utils

from .keys import is_identifying, number_key, text_key

Row = dict[str, Any]

#: Edges followed up a chain, strongest first: a plan exists to carry out what it
#: implements, is issued by the decision it is attached to, and rests on its bases.
#: A slip leads to what it forwards.
UP_RELATIONS = ("implements", "attached_to", "basis", "transmits")
#: How a plan (or the decision that issues it) says it carries out a document.
IMPLEMENTING = ("implements", "basis")
PLAN_TYPE = "Kế hoạch"

#: A provincial task "takes up" a decision task when their similarity (0-100,
#: :func:`task_similarity`) reaches this. Measured on the seeds, decision tasks
#: from the plan of 2168/QĐ-BTP (seed 000): the tasks the Bình Định plan (seed
#: 002) restates score 69-100, a Kiên Giang plan paraphrasing three of them (the
#: tests) 54-67; the best plan task for a decision task nobody took up (the
#: ministry's own tasks 3.1-3.4, and every task against the Cao Bằng plan of 2019
#: or the plan of 148/QĐ-BTP, either way round) scores at most 44. 50 sits in
#: that gap.
MATCH_THRESHOLD = 50.0

_DOC_COLS = ("id, file_sha256, seq, doc_type, number, number_key, number_symbol, issuer, date, year, "
             "subject, attached_to, attached_key, duplicate_of, warnings, "
             "json_extract(extracted, '$.attached_to') AS extracted_attached_to")


# ---------------------------------------------------------------- documents


def _doc(db: sqlite_utils.Database, doc_id: int) -> Row | None:
    rows = list(db.query(f"SELECT {_DOC_COLS} FROM documents WHERE id = ?", [doc_id]))
    return rows[0] if rows else None


def _docs(db: sqlite_utils.Database, where: str, params: list[Any]) -> list[Row]:
    return list(db.query(f"SELECT {_DOC_COLS} FROM documents WHERE {where} ORDER BY id", params))


def _summary(doc: Row) -> Row:
    """What a link shows of a registered document."""
    return {k: doc.get(k) for k in ("id", "number", "doc_type", "issuer", "date", "subject")}


# ---------------------------------------------------------------- edges


def _edge_year(ref: Row) -> int | None:
    date = ref.get("date") or ""
    return ref.get("year") or (int(date[:4]) if date[:4].isdigit() else None)


def _edges(db: sqlite_utils.Database, doc: Row) -> list[Row]:
    """A document's outgoing edges: its reference rows, with its effective ``attached_to`` applied.

    The parser writes the issuing decision both as ``attached_to`` and as a
    reference; a clerk corrects only ``attached_to``. So a corrected value
    replaces the reference it came from, and a bundle plan with no such
    reference still gets its edge (``implicit``).
    """
    refs = db.query("SELECT seq, doc_type, number, number_key, title, year, date, issuer, relation "
                    "FROM refs WHERE document_id = ? ORDER BY seq", [doc["id"]])
    extracted_key, key = number_key(doc.get("extracted_attached_to")), doc.get("attached_key")
    edges: list[Row] = []
    for r in refs:
        if r["relation"] == "attached_to" and key != extracted_key and r["number_key"] == extracted_key:
            continue  # superseded by the corrected attached_to
        edge = dict(r, implicit=False)
        edge["key"] = edge.pop("number_key")
        edges.append(edge)
    if key:
        same = [e for e in edges if e["key"] == key]
        for e in same:
            if e["relation"] == "mentions":
                e["relation"] = "attached_to"
        if not same:
            edges.append({"seq": len(edges), "doc_type": None, "number": doc.get("attached_to"), "key": key,
                          "title": None, "year": None, "date": None, "issuer": None,
                          "relation": "attached_to", "implicit": True})
    return edges


def _candidates(db: sqlite_utils.Database, key: str | None, src: Row) -> list[Row]:
    """Registered documents a cited key may name (never the citing document itself).

    A key that does not identify a document (a blank sequence, a law cited by
    name) can only name a document of the citing document's own bundle, and
    there a blank sequence matches by symbol: the draft "/QĐ-UBND" is the
    bundle's decision whatever number it was given later.
    """
    if not key:
        return []
    if is_identifying(key):
        return _docs(db, "number_key = ? AND id != ?", [key, src["id"]])
    seq, _, sym = key.partition("/")
    bundle = _docs(db, "file_sha256 = ? AND id != ?", [src["file_sha256"], src["id"]])
    return [d for d in bundle if d["number_key"] == key or (sym and not seq and d["number_symbol"] == sym)]


def _issuer_agrees(cited: str | None, issuer: str | None) -> bool:
    """"Bộ trưởng Bộ Tư pháp" (as cited) agrees with "Bộ Tư pháp" (as registered)."""
    a, b = text_key(cited), text_key(issuer)
    return bool(a and b and (a in b or b in a))


_PLACE = re.compile(r"\b(?:tinh|thanh pho) ([a-z ]+)$")
#: Two spellings of one province name ("Kiên Giang", OCR'd "Kiên Giaag") are alike at least this much.
_SAME_PLACE = 85


def _place(issuer: str | None) -> str | None:
    """The province an issuer belongs to ("Sở Tư pháp tỉnh Cà Mau" → "ca mau"), if it names one."""
    m = _PLACE.search(text_key(issuer) or "")
    return m.group(1).strip() if m else None


def _contradicts(edge: Row, doc: Row, src: Row) -> bool:
    """Does the citation say outright that ``doc`` is not the document it means?

    It does when it dates the document in another year (numbers restart each
    year), or names an issuer of another province ("15/KH-UBND" exists in
    every province). Inside the citing bundle the number alone decides: an
    OCR'd date or issuer there must not break the bundle.
    """
    if doc["file_sha256"] == src["file_sha256"]:
        return False
    from rapidfuzz import fuzz

    year, cited, registered = _edge_year(edge), _place(edge.get("issuer")), _place(doc["issuer"])
    if year and doc["year"] and doc["year"] != year:
        return True
    return bool(cited and registered and fuzz.ratio(cited, registered) < _SAME_PLACE)


def _resolve(db: sqlite_utils.Database, edge: Row, src: Row) -> tuple[Row | None, list[Row]]:
    """The registered document an edge names, and the other documents sharing its number.

    Among documents with the key, one the citation contradicts (another year,
    another province) is only a candidate; of the others, the citing
    bundle's own first, then the one whose type and issuer agree with the
    citation, then an original over a duplicate, then the first registered.
    """
    cands = _candidates(db, edge["key"], src)

    def rank(c: Row) -> tuple[int, int, int, int]:
        agree = (edge.get("doc_type") == c["doc_type"]) + _issuer_agrees(edge.get("issuer"), c["issuer"])
        own_bundle = c["file_sha256"] == src["file_sha256"]
        return (-own_bundle, -agree, int(c["duplicate_of"] is not None), c["id"])

    usable = sorted((c for c in cands if not _contradicts(edge, c, src)), key=rank)
    target = usable[0] if usable else None
    return target, [c for c in cands if c is not target]


def _outgoing_item(db: sqlite_utils.Database, edge: Row, src: Row) -> Row:
    target, others = _resolve(db, edge, src)
    return {**{k: edge[k] for k in ("relation", "number", "doc_type", "date", "issuer", "title", "year")},
            "implicit": edge["implicit"], "registered": target is not None,
            "target": _summary(target) if target else None, "candidates": [_summary(c) for c in others]}


#: Citing documents examined per document, newest first: a decree cited by
#: thousands of documents must not make its page (or a plan's chain) read them all.
INCOMING_LIMIT = 50


def _incoming_sources(doc: Row) -> tuple[str, list[Any]]:
    """SQL for the ids of the documents that may cite ``doc``: its bundle, and by key its citers and plans."""
    key = doc.get("number_key")
    sql, params = "SELECT id FROM documents WHERE file_sha256 = ?", [doc["file_sha256"]]
    if key and is_identifying(key):
        sql += " UNION SELECT document_id FROM refs WHERE number_key = ? UNION SELECT id FROM documents WHERE attached_key = ?"
        params += [key, key]
    return sql, params


def _incoming_ids(db: sqlite_utils.Database, doc: Row, limit: int) -> list[int]:
    """Ids of the ``limit`` newest documents that may cite ``doc`` (read through indexes: a decree
    cited by thousands of documents costs as much as one cited once)."""
    key = doc.get("number_key")
    each = [("SELECT id FROM documents WHERE file_sha256 = ? ORDER BY id DESC LIMIT ?", [doc["file_sha256"]])]
    if key and is_identifying(key):
        each += [("SELECT document_id FROM refs WHERE number_key = ? ORDER BY document_id DESC LIMIT ?", [key]),
                 ("SELECT id FROM documents WHERE attached_key = ? ORDER BY id DESC LIMIT ?", [key])]
    ids: set[int] = set()
    for sql, params in each:
        ids.update(r[0] for r in db.execute(sql, [*params, limit + 1]))
    ids.discard(doc["id"])
    return sorted(ids, reverse=True)[:limit]


def _incoming_count(db: sqlite_utils.Database, doc: Row) -> int:
    sql, params = _incoming_sources(doc)
    return int(db.execute(f"SELECT count(*) FROM ({sql}) WHERE id != ?", [*params, doc["id"]]).fetchone()[0])


def incoming_total(db: sqlite_utils.Database, doc_id: int) -> int:
    """How many documents may cite this one (an upper bound of its incoming links; one index read each)."""
    doc = _doc(db, doc_id)
    return _incoming_count(db, doc) if doc else 0


def _incoming_edges(db: sqlite_utils.Database, doc: Row, limit: int = INCOMING_LIMIT) -> list[tuple[Row, Row]]:
    """(source document, edge) for every edge of another document that resolves to ``doc``.

    At most ``limit`` citing documents are examined, the newest first.

    Sources are looked up by key (citations and ``attached_key``) and, for the
    bundle rules, among the documents of the same file; each edge is then
    resolved exactly as :func:`links` would, so that a document sharing a
    number with another one only gets the links that choose it.
    """
    key = doc.get("number_key")
    out: list[tuple[Row, Row]] = []
    for sid in sorted(_incoming_ids(db, doc, limit)):
        src = _doc(db, sid)
        if src is None:
            continue
        for e in _edges(db, src):
            if e["key"] != key and src["file_sha256"] != doc["file_sha256"]:
                continue
            target, _ = _resolve(db, e, src)
            if target is not None and target["id"] == doc["id"]:
                out.append((src, e))
    return out


def links(db: sqlite_utils.Database, doc_id: int) -> Row | None:
    """``{"outgoing": [...], "incoming": [...]}`` of a document; None for an unknown id.

    Outgoing: one item per reference (and the bundle's implicit
    ``attached_to``), with the registered target or null (a placeholder) and
    the other registered documents sharing the number (``candidates``).
    Incoming: every document whose reference resolves to this one.
    """
    doc = _doc(db, doc_id)
    if doc is None:
        return None
    outgoing = [_outgoing_item(db, e, doc) for e in _edges(db, doc)]
    sources = sorted(_incoming_edges(db, doc), key=lambda p: (p[0]["date"] or "", p[0]["id"]))
    incoming = [{"relation": e["relation"], "implicit": e["implicit"], "cited_as": e["number"],
                 "source": _summary(src)} for src, e in sources]
    return {"outgoing": outgoing, "incoming": incoming, "incoming_total": _incoming_count(db, doc),
            "incoming_limit": INCOMING_LIMIT}


# ---------------------------------------------------------------- chain up


def _step(doc: Row | None, edge: Row | None, relation: str | None) -> Row:
    if doc is not None:
        return {**_summary(doc), "relation": relation, "registered": True}
    assert edge is not None
    return {"id": None, "number": edge["number"], "doc_type": edge["doc_type"], "issuer": edge["issuer"],
            "date": edge["date"], "subject": edge["title"], "relation": relation, "registered": False}


def _climb(edges: list[tuple[Row, Row | None]]) -> tuple[Row, Row | None]:
    """The edge to climb: the strongest relation, then the most recent document.

    A provincial decision rests on the law, the decree and the ministry
    decision that carries the decree out, in that order of rank and of
    date: the most recent one is the one it directly implements.
    """
    top = min(UP_RELATIONS.index(e["relation"]) for e, _ in edges)

    def recency(p: tuple[Row, Row | None]) -> tuple[str, int]:
        e, target = p
        return ((target or {}).get("date") or e.get("date") or str(e.get("year") or ""), e["seq"])

    return max((p for p in edges if UP_RELATIONS.index(p[0]["relation"]) == top), key=recency)


def _next_up(db: sqlite_utils.Database, doc: Row, seen: set[int]) -> tuple[Row, Row | None] | None:
    """The edge to climb from ``doc``: a registered target not yet on the path, else a placeholder."""
    registered: list[tuple[Row, Row]] = []
    placeholders: list[Row] = []
    for e in _edges(db, doc):
        if e["relation"] not in UP_RELATIONS:
            continue
        target, _ = _resolve(db, e, doc)
        if target is None:
            placeholders.append(e)
        elif target["id"] not in seen:
            registered.append((e, target))
    if registered:
        return _climb(registered)
    if placeholders:
        return _climb([(e, None) for e in placeholders])
    return None


def _transmitters(db: sqlite_utils.Database, doc: Row, seen: set[int]) -> list[Row]:
    """The slips forwarding ``doc``, not in ``seen``; a copy of a listed slip (``duplicate_of``) is skipped."""
    slips = [src for src, e in _incoming_edges(db, doc) if e["relation"] == "transmits"]
    listed = seen | {s["id"] for s in slips}
    return [s for s in slips if s["id"] not in seen and s["duplicate_of"] not in listed]


def chain_up(db: sqlite_utils.Database, doc_id: int) -> list[Row]:
    """The path from a document (a provincial plan) up to what it implements; [] for an unknown id.

    Each step is a document summary with ``relation`` (how the previous step
    reaches it; None for the first) and ``registered``; the path ends with a
    placeholder (``id`` None) when the next document up is not registered.
    Then come the slips that transmit a document of the path, with relation
    ``transmits`` and ``transmits`` = the id they forward. A document is
    visited once, so a cycle of citations (misread numbers) ends the path.
    """
    doc = _doc(db, doc_id)
    if doc is None:
        return []
    steps, path, seen = [_step(doc, None, None)], [doc], {doc["id"]}
    while (nxt := _next_up(db, path[-1], seen)) is not None:
        edge, target = nxt
        steps.append(_step(target, edge, edge["relation"]))
        if target is None:
            break
        path.append(target)
        seen.add(target["id"])
    seen |= {d["duplicate_of"] for d in path if d["duplicate_of"]}  # a slip's other copy is the same slip
    for d in path:
        for slip in _transmitters(db, d, seen):
            seen.add(slip["id"])
            steps.append({**_step(slip, None, "transmits"), "transmits": d["id"]})
    return steps


# ---------------------------------------------------------------- task similarity

_CITED_NUMBER = re.compile(r"\bsố\s*:?\s*\S*\d\S*", re.IGNORECASE)
_HAS_DIGIT = re.compile(r"\S*\d\S*")
_NOT_WORD = re.compile(r"[^\w\s]")
#: Two words differing by an OCR slip ("chuyên sau" / "chuyên sâu") still count as shared.
_WORD_SIMILARITY = 85
_MIN_FUZZY_LEN = 5


@lru_cache(maxsize=8192)
def content_words(title: str) -> frozenset[str]:
    """The words of a task title that carry its content, as underthesea segments them.

    Words, not syllables: "cơ sở dữ liệu" and "hộ tịch" are units, so "dữ
    liệu hộ tịch" and "hộ tịch" do not share "hộ" by accident. Segmented in
    lower case, which keeps "cơ sở dữ liệu" one word however it is printed.
    Citations ("số 87/2020/NĐ-CP"), other numbers and punctuation go: a
    task's object is named by words.
    """
    from underthesea import word_tokenize

    from ..normalize import normalize_text

    text = _NOT_WORD.sub(" ", _HAS_DIGIT.sub(" ", _CITED_NUMBER.sub(" ", normalize_text(title).lower())))
    words = (w.strip().replace(" ", "_") for w in word_tokenize(text))
    stop = _stop_words()
    return frozenset(w for w in words if w and w not in stop)


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    """Words that say nothing of the work (rules/task_matching.yaml)."""
    from .. import rules

    return frozenset(str(w) for w in rules.load("task_matching")["stop_words"])


def _shared(words: frozenset[str], other: frozenset[str]) -> int:
    """How many of ``words`` the other title has: the same word, or (OCR) one rapidfuzz finds alike."""
    from rapidfuzz import fuzz, process

    n = 0
    for w in words:
        if w in other or (len(w) >= _MIN_FUZZY_LEN and
                          process.extractOne(w, other, scorer=fuzz.ratio, score_cutoff=_WORD_SIMILARITY)):
            n += 1
    return n


def task_similarity(decision_task: str, plan_task: str) -> float:
    """How far a plan's task takes up a decision's task, 0-100.

    The mean of two overlaps of content words: how much of the decision
    task the plan task covers (a province restates the ministry's task and
    adds its own local detail) and the Dice overlap of both (so that a long
    task naming everything does not match every short one).
    """
    a, b = content_words(decision_task or ""), content_words(plan_task or "")
    if not a or not b:
        return 0.0
    shared = _shared(a, b)
    return round(50 * (shared / len(a) + 2 * shared / (len(a) + len(b))), 1)


# ---------------------------------------------------------------- implementations


def _tasks(db: sqlite_utils.Database, doc_id: int) -> list[Row]:
    return list(db.query("SELECT id, no, title FROM tasks WHERE document_id = ? ORDER BY seq", [doc_id]))


def _task_source(db: sqlite_utils.Database, decision: Row, own: list[Row]) -> Row:
    """Whose tasks are the decision's: its plan with the most tasks (fewest warnings on a tie), else itself.

    The same plan may be registered twice (a clean copy and an OCR copy, as
    seeds 000 and 003); warnings mark the worse extraction.
    """
    counted = [(len(_tasks(db, d["id"])), d) for d in own]
    counted = [(n, d) for n, d in counted if n]
    if not counted:
        return decision
    return min(counted, key=lambda p: (-p[0], len(json.loads(p[1]["warnings"] or "[]")), p[1]["id"]))[1]


def _citing(db: sqlite_utils.Database, targets: Iterable[Row],
            relations: tuple[str, ...]) -> list[tuple[Row, str]]:
    """(document, relation) for each document citing one of ``targets`` with one of ``relations``."""
    out: dict[int, tuple[Row, str]] = {}
    for t in targets:
        for src, e in _incoming_edges(db, t):
            if e["relation"] in relations:
                out.setdefault(src["id"], (src, e["relation"]))
    return list(out.values())


def _attached(db: sqlite_utils.Database, doc: Row) -> list[Row]:
    """The documents issued with ``doc`` (its plans), found by their attached_to edges."""
    seen: dict[int, Row] = {}
    for src, e in _incoming_edges(db, doc):
        if e["relation"] == "attached_to":
            seen.setdefault(src["id"], src)
    return list(seen.values())


def _decision_of(db: sqlite_utils.Database, doc: Row) -> Row:
    """A plan without a number of its own stands for the decision that issues it."""
    if doc.get("number_key") and is_identifying(doc["number_key"]):
        return doc
    for e in _edges(db, doc):
        if e["relation"] == "attached_to":
            target, _ = _resolve(db, e, doc)
            if target is not None:
                return target
    return doc


def _implementing_plans(db: sqlite_utils.Database, decision: Row, own: list[Row]) -> list[tuple[Row, Row]]:
    """(plan, via) for each plan carrying out the decision.

    A plan implements it when the plan itself cites it as implemented or as
    basis, or when the provincial decision that issues the plan does
    (``via["through"]``). Citing the decision's own plan counts as citing
    the decision.
    """
    excluded = {decision["id"], *(d["id"] for d in own)}
    found: dict[int, tuple[Row, Row]] = {}
    for src, relation in _citing(db, [decision, *own], IMPLEMENTING):
        if src["id"] in excluded:
            continue
        if src["doc_type"] == PLAN_TYPE:
            found.setdefault(src["id"], (src, {"relation": relation, "through": None}))
        for plan in _attached(db, src):
            if plan["doc_type"] == PLAN_TYPE and plan["id"] not in excluded:
                found.setdefault(plan["id"], (plan, {"relation": relation, "through": _summary(src)}))
    return sorted(found.values(), key=lambda p: (p[0]["issuer"] or "", p[0]["date"] or "", p[0]["id"]))


def _matches(decision_tasks: list[Row], plan_tasks: list[Row]) -> list[Row]:
    """For each decision task, the plan task that takes it up best, if it reaches the threshold.

    Not one-to-one: a province often folds two ministry tasks into one.
    """
    out: list[Row] = []
    for dt in decision_tasks:
        scored = [(task_similarity(dt["title"] or "", pt["title"] or ""), pt) for pt in plan_tasks]
        if not scored:
            continue
        score, best = max(scored, key=lambda p: p[0])
        if score >= MATCH_THRESHOLD:
            out.append({"decision_task_id": dt["id"], "plan_task_id": best["id"], "plan_task_no": best["no"],
                        "plan_task_title": best["title"], "score": score})
    return out


def implementations(db: sqlite_utils.Database, doc_id: int) -> Row | None:
    """Down from a (ministry) decision: every plan implementing it and the decision tasks each takes up.

    Returns ``{"decision", "task_source", "decision_tasks", "plans"}``: the
    decision's summary, the document its tasks come from (its plan, or
    itself), those tasks (``id``, ``no``, ``title``), and per implementing
    plan ``{"plan", "via", "matches"}``, matches being
    ``{"decision_task_id", "plan_task_id", "plan_task_no", "plan_task_title", "score"}``:
    a "decision tasks x provinces" table. None for an unknown id; a plan
    issued with a decision may be given for the decision.
    """
    doc = _doc(db, doc_id)
    if doc is None:
        return None
    decision = _decision_of(db, doc)
    own = _attached(db, decision)
    source = _task_source(db, decision, own)
    decision_tasks = _tasks(db, source["id"])
    plans = [{"plan": _summary(plan), "via": via, "matches": _matches(decision_tasks, _tasks(db, plan["id"]))}
             for plan, via in _implementing_plans(db, decision, own)]
    return {"decision": _summary(decision), "task_source": _summary(source),
            "decision_tasks": decision_tasks, "plans": plans}
