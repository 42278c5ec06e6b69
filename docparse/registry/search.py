"""Search of the registry: document numbers straight to the document, words through SQLite FTS5.

Three kinds of query, told apart by :func:`search`:

- **number** — "2168/QĐ-BTP", "2168/qd-btp", "QĐ 2168", "Quyết định số 2168",
  "87/2020/ND-CP", "2168/QĐ", "87/2020": looked up on the indexed
  ``number_key`` (equal, or a range for a number's start) and ``number_seq``,
  no full-text work. A number the registry does not hold falls through to a
  word search, which finds the documents citing it.
- **text** — words and "quoted phrases" matched in the subject and body.
- **browse** — no query: the filtered documents, newest first.

The full-text index
-------------------
``documents_fts`` is an FTS5 table, rowid = ``documents.id``, with four
columns: ``subject`` and ``body`` as written, and ``subject_fold`` /
``body_fold``, the same text through :func:`~docparse.normalize.fold`
(lower case, no diacritics, "đ" → "d"; unicode61's ``remove_diacritics``
leaves "đ" alone, hence folding in Python). Every query word must match the
folded columns (so "ho tich" finds "hộ tịch" and "Dang ky" finds "Đăng ký");
a word typed with diacritics is OR-ed with the same word on the written
columns, which matches no other rows but adds to bm25, so "hộ tịch" ranks
the documents that print it above those printing "hồ tích". The tokenizer keeps
diacritics (``remove_diacritics 0``) so that the written columns tell them
apart. Adjacent words also score as a phrase ("hộ tịch" together beats
"hộ ... tịch"), again without changing which rows match.

The table is *contentless* (``content=''``): the text already lives in
``documents``, and storing it twice more (written and folded) would triple
the database at a million documents. Without its content FTS5 can only forget
a row if told the exact values it indexed, and ``documents`` has been
rewritten by then (a re-parse updates the row, then calls
:func:`index_document`); so ``documents_fts_text`` keeps those values
zlib-compressed (about half the text's size on the seeds, against 1.75x for
FTS5 keeping its own copy). (SQLite >= 3.43 offers
``contentless_delete=1``, which would make that table unnecessary; this one
runs 3.40.)

Ranking, and scale (issue 7: a million documents)
-------------------------------------------------
Number look-ups are B-tree probes. A word query is ranked inside SQLite
and touches Python only for the returned page (its snippets); ``total`` is
counted up to :data:`COUNT_CAP`. Ranking takes one of two roads:

- at most :data:`BM25_ROWS` matches and every word in at most
  :data:`RARE_DF` documents (a rare word, "nạo vét", a narrow query):
  bm25 over all matches, with :data:`WEIGHTS`;
- more matches, or some word common ("thực hiện", "kế hoạch"): bm25
  costs per match (up to 26 µs each), and would first count every
  document holding each term — most of the million — whatever the page
  asked for. Instead the newest :data:`COUNT_CAP` matches are ranked in
  tiers (written form, subject, phrase), newest first within a tier; each
  tier is one FTS5 query bounded by ``rowid``, so the cost follows the
  window, not the number of matches.

Filters restrict a word search to the ids they select, read from the
indexes of ``documents`` (date, type, issuer, unit tables), never from its
rows; an issuer given as words inside names is the one filter that scans.
Two plans meet them, chosen by capped counts (:func:`_plan`): walk the
words' matches and keep the filtered ones, or, for a filter far narrower
than the words (a small issuer with "thực hiện"), look the words up by
rowid in each filtered document. The window a filter leaves is thin and
spread over the whole registry, so walking every tier over it, as the
tiers above do, would read most of the index once per tier: it is not
sorted whole, the page is taken class by class (:class:`_TierSort`).
Both plans and every road of the sort give the same ids in the same order.
"""

from __future__ import annotations

import html
import json
import re
import sqlite3
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import islice
from typing import Any

import sqlite_utils

from .. import rules
from ..citations import is_number
from ..normalize import collapse_ws, fold, normalize_text
from .keys import number_key, text_key

__all__ = ["COUNT_CAP", "MAX_LIMIT", "SearchError", "ensure_index", "index_document", "search",
           "unindex_document"]

#: ``total`` is exact up to this many matches and reported as this number beyond.
COUNT_CAP = 10_000
#: Largest page.
MAX_LIMIT = 100
#: bm25 weights of (subject, body, subject_fold, body_fold): the subject counts
#: twice the body, and a word typed with diacritics found as typed ten times
#: its fold, so that "hộ tịch" once in a long body still outranks "hồ tích"
#: all over a subject (another word: a reservoir).
WEIGHTS = (20.0, 10.0, 2.0, 1.0)
#: Words in more documents than this are "common": bm25 would cost too much (see _all_rare).
RARE_DF = 20_000
#: bm25 ranks a query only if it matches at most this many documents: its cost is per matching row
#: (6-26 µs each measured at 100,000 documents, the most for phrases), so 2,000 rows stay under 60 ms.
BM25_ROWS = 2_000
#: A filtered word search looks the words up by rowid in each filtered document (plan "filter", see _plan)
#: when the filters select at most 1/PROBE_DOCS of the words' matches: one FTS5 look-up (a seek in every
#: segment, 100-250 µs) costs as much as walking 600-1,400 matches (measured at 100,000). _TierSort looks
#: ids up in a tier, rather than walking it, under the same ratio.
PROBE_DOCS = 1000
#: _TierSort.newest looks for a class's page among the newest TOP_SPAN x (offset + limit) of its ids that lie
#: within 1/TOP_REACH of the largest id, then, if some are there, as far as their density says, up to
#: 1/TOP_REACH_MOST of it.
TOP_SPAN = 8
TOP_REACH = 8
TOP_REACH_MOST = 2
#: _TierSort.look_up looks ids up by rowid only in a tier with PROBE_SPAN x as many matches over their range.
PROBE_SPAN = 4
#: Pages ending beyond this many rows sort the whole window at once (_TierSort.page).
LAZY_ROWS = 100
#: Query length and word count kept: enough for any real query, and a bound on the MATCH built.
MAX_QUERY_CHARS = 500
MAX_TERMS = 24
#: Characters of text shown around the hits.
SNIPPET_CHARS = 240

_FTS_DDL = ("CREATE VIRTUAL TABLE documents_fts USING fts5(subject, body, subject_fold, body_fold, "
            "content='', tokenize='unicode61 remove_diacritics 0')")
_TEXT_DDL = "CREATE TABLE documents_fts_text (id INTEGER PRIMARY KEY, data BLOB NOT NULL)"
# The unit filter reads responsibilities by unit; db.py indexes it only by document.
_UNIT_INDEX = "CREATE INDEX IF NOT EXISTS responsibilities_unit ON responsibilities(unit)"
_EXACT_COLS = "{subject body}"
_FOLD_COLS = "{subject_fold body_fold}"
_REBUILD_BATCH = 500


class SearchError(ValueError):
    """A filter value that cannot be used (bad date or year); the message is for a clerk."""


# ------------------------------------------------------------------ index


def ensure_index(db: sqlite_utils.Database) -> None:
    """Create the index, or rebuild it from ``documents`` when its layout is not this module's.

    Called by ``open_db``, outside any file transaction; a rebuild (older
    layout, e.g. the two-column placeholder) commits on its own then, so that
    the service does not start holding a write lock. Inside a caller's
    transaction it leaves committing to the caller. Also indexes
    ``responsibilities(unit)`` for the unit filter (db.py's schema has no such index).
    """
    conn = db.conn
    conn.execute(_UNIT_INDEX)
    if _layout_ok(conn):
        return
    if conn.in_transaction:
        _rebuild(conn)
    else:
        with conn:
            _rebuild(conn)


def _layout_ok(conn: sqlite3.Connection) -> bool:
    have = dict(conn.execute("SELECT name, sql FROM sqlite_master "
                             "WHERE name IN ('documents_fts', 'documents_fts_text')").fetchall())
    return have.get("documents_fts") == _FTS_DDL and have.get("documents_fts_text") == _TEXT_DDL


def _rebuild(conn: sqlite3.Connection) -> None:
    conn.execute("DROP TABLE IF EXISTS documents_fts")
    conn.execute("DROP TABLE IF EXISTS documents_fts_text")
    conn.execute(_FTS_DDL)
    conn.execute(_TEXT_DDL)
    last = 0
    while True:  # in batches by id: a million bodies are not read into memory at once
        rows = conn.execute("SELECT id, subject, body FROM documents WHERE id > ? ORDER BY id LIMIT ?",
                            [last, _REBUILD_BATCH]).fetchall()
        for doc_id, subject, body in rows:
            _add(conn, doc_id, subject, body)
        if len(rows) < _REBUILD_BATCH:
            return
        last = rows[-1][0]


def index_document(db: sqlite_utils.Database, doc_id: int) -> None:
    """(Re)index one document from its ``documents`` row, inside the caller's transaction."""
    conn = db.conn
    unindex_document(db, doc_id)
    row = conn.execute("SELECT subject, body FROM documents WHERE id = ?", [doc_id]).fetchone()
    if row is not None:
        _add(conn, doc_id, row[0], row[1])


def unindex_document(db: sqlite_utils.Database, doc_id: int) -> None:
    """Forget one document, telling FTS5 the values it indexed (a contentless table needs them)."""
    conn = db.conn
    row = conn.execute("SELECT data FROM documents_fts_text WHERE id = ?", [doc_id]).fetchone()
    if row is None:
        return
    values = json.loads(zlib.decompress(row[0]).decode("utf-8"))
    conn.execute("INSERT INTO documents_fts (documents_fts, rowid, subject, body, subject_fold, body_fold) "
                 "VALUES ('delete', ?, ?, ?, ?, ?)", [doc_id, *values])
    conn.execute("DELETE FROM documents_fts_text WHERE id = ?", [doc_id])


def _add(conn: sqlite3.Connection, doc_id: int, subject: str | None, body: str | None) -> None:
    """Index the text, and keep what was indexed for :func:`unindex_document`.

    The body comes from the pipeline's lines, already normalised; the subject
    may be a clerk's correction, so it is normalised here (as the query is).
    The folded values are kept too, not recomputed at delete time: a later
    change to ``fold`` must not make FTS5 forget other words than it indexed.
    """
    s, b = normalize_text(subject or ""), body or ""
    values = [s, b, fold(s), fold(b)]
    conn.execute("INSERT INTO documents_fts (rowid, subject, body, subject_fold, body_fold) "
                 "VALUES (?, ?, ?, ?, ?)", [doc_id, *values])
    data = zlib.compress(json.dumps(values, ensure_ascii=False).encode("utf-8"), 1)
    conn.execute("INSERT INTO documents_fts_text (id, data) VALUES (?, ?)", [doc_id, data])


# ---------------------------------------------------------------- filters


@dataclass
class _Where:
    """SQL conditions on ``documents d`` with their named parameters."""

    clauses: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def sql(self) -> str:
        return " AND ".join(self.clauses) or "1"

    def add(self, clause: str, **params: Any) -> None:
        self.clauses.append(clause)
        self.params.update(params)


_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_date(value: str, name: str) -> str:
    value = str(value).strip()
    if not _DATE.fullmatch(value):
        raise SearchError(f"{name} phải có dạng NNNN, NNNN-TT hoặc NNNN-TT-NN (ví dụ 2020-10-26)")
    return value


def _filters(conn: sqlite3.Connection, doc_type: str | None, issuer: str | None, year: int | str | None,
             date_from: str | None, date_to: str | None, unit: str | None) -> _Where:
    where = _Where()
    if not _blank(doc_type):
        where.add("d.doc_type = :doc_type", doc_type=str(doc_type).strip())
    if not _blank(issuer):
        _issuer_filter(conn, where, str(issuer))
    if not _blank(year):
        _year_filter(where, year)
    if not _blank(date_from):
        _date_from_filter(where, _check_date(str(date_from), "Từ ngày"))
    if not _blank(date_to):
        # A partial date stands for its whole month or year: "2020-10" runs to "2020-10-31".
        # "~" sorts after digits and "-", so every date starting with date_to is below it.
        where.add("d.date <= :date_to", date_to=_check_date(str(date_to), "Đến ngày") + "~")
    if not _blank(unit):
        _unit_filter(where, str(unit))
    return where


def _year_filter(where: _Where, year: int | str) -> None:
    """The year as a range of ``date``, which is indexed (``year`` is the date's first four digits).

    The range is answered from the index alone; ``year = ?`` would read every
    row of the year to check it.
    """
    text = str(year).strip()
    if not text.isdigit() or len(text) > 4:
        raise SearchError("Năm phải là một số (ví dụ 2020)")
    y = int(text)
    where.add("d.date >= :year_lo AND d.date < :year_hi", year_lo=f"{y:04d}", year_hi=f"{y + 1:04d}")


def _date_from_filter(where: _Where, start: str) -> None:
    """Dates from ``start`` on, and the partial dates whose month or year contains it.

    "2020" and "2020-10" sort before "2020-10-05" as strings but may be on or
    after it; they are exactly the prefixes of ``start``.
    """
    where.add("(d.date >= :date_from OR d.date IN (:date_from_y, :date_from_m))",
              date_from=start, date_from_y=start[:4], date_from_m=start[:7])


def _issuer_filter(conn: sqlite3.Connection, where: _Where, issuer: str) -> None:
    """Issuers containing the given words, diacritics and case aside ("tư pháp" → "Bộ Tư pháp").

    Abbreviations are expanded as units are ("UBND tỉnh Cao Bằng" → "Ủy ban
    nhân dân tỉnh Cao Bằng"), as the header parser expands the issuer. A name
    that is a whole issuer (the usual case: picked from a list) is one
    indexed equality; only other text scans for words inside the names.
    """
    from ..tasks.unit_lists import canonical_unit

    keys = sorted({k for k in (text_key(issuer), text_key(canonical_unit(issuer))) if k})
    if not keys:
        return
    whole = [k for k in keys if conn.execute("SELECT 1 FROM documents WHERE issuer_key = ? LIMIT 1", [k]).fetchone()]
    if whole:
        where.add(f"d.issuer_key IN ({', '.join(f':issuer{i}' for i in range(len(whole)))})",
                  **{f"issuer{i}": k for i, k in enumerate(whole)})
        return
    tests = []
    for i, key in enumerate(keys):
        tests.append(f"(' ' || d.issuer_key || ' ') LIKE :issuer{i} ESCAPE '\\'")
        where.params[f"issuer{i}"] = f"% {_like_escape(key)} %"
    where.clauses.append("(" + " OR ".join(tests) + ")")


def _unit_filter(where: _Where, unit: str) -> None:
    """Documents giving a task to the unit (lead or support) or stating its responsibilities."""
    from ..tasks.unit_lists import canonical_unit

    where.add("d.id IN (SELECT t.document_id FROM task_units u JOIN tasks t ON t.id = u.task_id "
              "WHERE u.unit = :unit UNION SELECT r.document_id FROM responsibilities r WHERE r.unit = :unit)",
              unit=canonical_unit(unit))


# ---------------------------------------------------------------- search


def search(db: sqlite_utils.Database, q: str | None, *, doc_type: str | None = None,
           issuer: str | None = None, year: int | str | None = None, date_from: str | None = None,
           date_to: str | None = None, unit: str | None = None, limit: int = 20,
           offset: int = 0) -> dict[str, Any]:
    """Search the registry: ``{"total", "results", "kind"}``.

    ``kind`` is "number" (the query named a registered document), "text"
    (words) or "browse" (no query: newest first). Each result is
    ``{"id", "number", "doc_type", "issuer", "date", "subject", "snippet"}``,
    ``snippet`` being HTML (escaped text, hits in ``<mark>``). ``total`` is
    exact up to :data:`COUNT_CAP` and :data:`COUNT_CAP` beyond (counting a
    million matches would cost more than the search). Any ``q`` is accepted;
    a bad filter value raises :class:`SearchError`.
    """
    limit = min(max(_int(limit, 20), 1), MAX_LIMIT)
    offset = max(_int(offset, 0), 0)
    where = _filters(db.conn, doc_type, issuer, year, date_from, date_to, unit)
    text = _clean_query(q)
    if not text:
        return _browse(db.conn, where, limit, offset)
    for condition, params in _number_conditions(text):
        found = _by_number(db.conn, condition, params, where, limit, offset)
        if found["total"]:
            return found
    return _full_text(db.conn, text, where, limit, offset)


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _clean_query(q: str | None) -> str:
    """The query as the documents are stored (NFC, one dash and space style), bounded."""
    if not q:
        return ""
    q = str(q)[: MAX_QUERY_CHARS * 2].encode("utf-8", "ignore").decode("utf-8")  # lone surrogates
    q = "".join(c if c.isprintable() else " " for c in q)
    return collapse_ws(normalize_text(q))[:MAX_QUERY_CHARS]


def _page(conn: sqlite3.Connection, select: str, params: dict[str, Any], limit: int,
          offset: int) -> list[int]:
    rows = conn.execute(f"{select} LIMIT :limit OFFSET :offset", {**params, "limit": limit, "offset": offset})
    return [r[0] for r in rows]


def _total(conn: sqlite3.Connection, from_where: str, params: dict[str, Any], ids: list[int], limit: int,
           offset: int) -> int:
    """Matches, counted only when the page does not tell, and at most :data:`COUNT_CAP`."""
    if (ids and len(ids) < limit) or (not ids and offset == 0):
        return offset + len(ids)
    sql = f"SELECT count(*) FROM (SELECT 1 {from_where} LIMIT {COUNT_CAP + 1})"
    return min(conn.execute(sql, params).fetchone()[0], COUNT_CAP)


def _browse(conn: sqlite3.Connection, where: _Where, limit: int, offset: int) -> dict[str, Any]:
    from_where = f"FROM documents d WHERE {where.sql}"
    ids = _page(conn, f"SELECT d.id {from_where} ORDER BY d.date DESC, d.id DESC", where.params, limit, offset)
    return {"total": _total(conn, from_where, where.params, ids, limit, offset),
            "results": _results(conn, ids, None), "kind": "browse"}


def _by_number(conn: sqlite3.Connection, condition: str, params: dict[str, Any], where: _Where, limit: int,
               offset: int) -> dict[str, Any]:
    """Documents with the number, the original before its duplicates, newest first."""
    params = {**where.params, **params}
    from_where = f"FROM documents d WHERE {condition} AND {where.sql}"
    order = "ORDER BY (d.duplicate_of IS NOT NULL), d.date DESC, d.id DESC"
    ids = _page(conn, f"SELECT d.id {from_where} {order}", params, limit, offset)
    return {"total": _total(conn, from_where, params, ids, limit, offset),
            "results": _results(conn, ids, None), "kind": "number"}


def _full_text(conn: sqlite3.Connection, text: str, where: _Where, limit: int, offset: int) -> dict[str, Any]:
    units = _parse_query(text)
    if not units:
        return {"total": 0, "results": [], "kind": "text"}
    try:
        matches = _estimate(conn, " AND ".join(_on_fold(u.tokens) for u in units))
        if _all_rare(conn, units, matches):
            ids, total = _by_bm25(conn, units, where, limit, offset)
        else:
            ids, total = _by_tiers(conn, units, where, _plan(conn, where, matches), matches, limit, offset)
    except sqlite3.OperationalError as e:  # the expression is built to be valid; never a 500 if it is not
        if not str(e).startswith("fts5"):
            raise
        return {"total": 0, "results": [], "kind": "text"}
    return {"total": total, "results": _results(conn, ids, _highlighter(units)), "kind": "text"}


def _estimate(conn: sqlite3.Connection, match: str) -> int:
    """Documents matching ``match``: exact up to :data:`BM25_ROWS`, else estimated from the newest matches.

    One walk of the newest :data:`BM25_ROWS` + 1 matches (what counting them
    to that cap costs); beyond, their density among the newest ids, times
    the largest id.
    """
    rows = [r[0] for r in conn.execute("SELECT rowid FROM documents_fts WHERE documents_fts MATCH ? "
                                       f"ORDER BY rowid DESC LIMIT {BM25_ROWS + 1}", [match])]
    if len(rows) <= BM25_ROWS:
        return len(rows)
    top = max(conn.execute("SELECT max(id) FROM documents").fetchone()[0] or 0, rows[0])
    return max(len(rows), len(rows) * top // (top - rows[-1] + 1))


def _all_rare(conn: sqlite3.Connection, units: list[_Unit], matches: int) -> bool:
    """Can bm25 rank this query cheaply: at most :data:`BM25_ROWS` matches (``matches``, from
    :func:`_estimate`), every word in at most :data:`RARE_DF` documents (each count stops there)?

    bm25 costs per matching row, and first counts, over the whole index, the
    documents holding each term of the expression: cheap for "hộ tịch" among
    a million documents, not for "thực hiện", which most of them print. Too
    many matches or one common word send the query to :func:`_by_tiers`.
    The words are counted one token at a time, without positions: a quoted
    phrase is as rare as its rarest word says (an upper bound; counting the
    phrase itself reads positions, 160 ms for "cơ sở dữ liệu" at 100,000).
    """
    def count(match: str, cap: int) -> int:
        sql = f"SELECT count(*) FROM (SELECT 1 FROM documents_fts WHERE documents_fts MATCH ? LIMIT {cap + 1})"
        return int(conn.execute(sql, [match]).fetchone()[0])

    if matches > BM25_ROWS:
        return False
    return all(min(count(_on_fold((t,)), RARE_DF) for t in u.tokens) <= RARE_DF for u in units)


def _plan(conn: sqlite3.Connection, where: _Where, matches: int) -> str:
    """How :func:`_by_tiers` meets the filters: "filter" (look the words up in each filtered
    document) when the filters select at most ``matches`` / :data:`PROBE_DOCS` documents, else "words".

    "words" walks the words' matches and keeps those the filters select: its
    cost follows the matches (0.1-0.3 µs per document and word at 100,000).
    "filter" gives FTS5 the filtered ids, which it looks up one by one, a seek
    in every segment of the index each time (100-250 µs): worth it only for
    a filter far narrower than the words (a small issuer with "thực hiện").
    ``matches`` is :func:`_estimate`'s; the filters are counted on their
    indexes, up to the cap only.
    """
    cap = matches // PROBE_DOCS
    if not where.clauses or cap < 1:
        return "words"
    sql = f"SELECT count(*) FROM (SELECT 1 FROM documents d WHERE {where.sql} LIMIT {cap + 1})"
    return "filter" if conn.execute(sql, where.params).fetchone()[0] <= cap else "words"


def _by_bm25(conn: sqlite3.Connection, units: list[_Unit], where: _Where, limit: int,
             offset: int) -> tuple[list[int], int]:
    """All matches ranked by bm25 (column weights :data:`WEIGHTS`, written forms and word pairs adding)."""
    params = {**where.params, "match": _match_expression(units)}
    from_where = f"FROM documents_fts WHERE documents_fts MATCH :match{_only(where)}"
    score = "bm25(documents_fts, {})".format(", ".join(map(str, WEIGHTS)))
    select = f"SELECT documents_fts.rowid, {score} AS score {from_where} ORDER BY score, documents_fts.rowid DESC"
    ids = _page(conn, select, params, limit, offset)
    return ids, _total(conn, from_where, params, ids, limit, offset)


def _only(where: _Where) -> str:
    """The filters as a set of ids from the indexes of ``documents``, tested on each match.

    "+" keeps FTS5 from taking it as rowid look-ups (see :func:`_plan`); a
    join would read each matching document's row, body and all, to test it.
    """
    return f" AND +documents_fts.rowid IN (SELECT d.id FROM documents d WHERE {where.sql})" if where.clauses else ""


def _by_tiers(conn: sqlite3.Connection, units: list[_Unit], where: _Where, plan: str, matches: int, limit: int,
              offset: int) -> tuple[list[int], int]:
    """Common words: the newest :data:`COUNT_CAP` matches, in tiers, newest first within a tier.

    Tiers, most telling first: every word as typed with its diacritics; every
    word in the subject; the words together as one phrase. One FTS5 query
    finds the matches newest first and stops at :data:`COUNT_CAP` (their ids,
    plain integers, are the window; fewer means an exact total): plan "words"
    walks the words' matches and keeps the filtered ones, plan "filter" looks
    the words up in each filtered document (see :func:`_plan`). Every page
    that ``total`` allows lies inside the window, which is then sorted by
    tier (:class:`_TierSort`) without running the search again.
    """
    params = {**where.params, "match": " AND ".join(_on_fold(u.tokens) for u in units)}
    only = (f" AND documents_fts.rowid IN (SELECT d.id FROM documents d WHERE {where.sql})" if plan == "filter"
            else _only(where))
    newest = [r[0] for r in conn.execute(f"SELECT documents_fts.rowid FROM documents_fts WHERE documents_fts "
                                         f"MATCH :match{only} ORDER BY documents_fts.rowid DESC LIMIT {COUNT_CAP}",
                                         params)]
    if not newest or offset >= len(newest):
        return [], len(newest)
    return (_TierSort(conn, _tiers(units), newest, bool(where.clauses), matches, params["match"]).page(limit, offset),
            len(newest))


@dataclass
class _TierSort:
    """A page of the window sorted by tier (first tier first), then newest first.

    Sorting the whole window walks every tier over all of it: for a filter
    leaving a thin window spread over the registry (one year, one issuer),
    that is most of the registry, once per tier. A page needs less. The
    window falls into classes (in the first tier or not, in the second or
    not, ...), which come in order; the page is taken from the first
    classes, each asked only for its newest ids up to the page's end
    (:meth:`members`). A class is found from what is known of the tiers: a
    tier walked whole (at most once each, as sorting the whole window
    would), a few ids looked up one by one, or one FTS5 query for the
    class's unknown tiers over the newest ids that the known ones leave.
    """

    conn: sqlite3.Connection
    tiers: list[str]
    window: list[int]  # newest first
    filtered: bool  # the window is not every match from its oldest id up
    matches: int  # the words' matches, about: what a walk of one tier reads
    base: str  # the words: every id of the window matches them
    walked: dict[int, set[int]] = field(default_factory=dict)  # tier -> the window's ids in it
    looked_up: dict[int, dict[int, bool]] = field(default_factory=dict)  # tier -> id -> in it
    kept: dict[tuple[tuple[int, bool], ...], list[int]] = field(default_factory=dict)  # see known

    def page(self, limit: int, offset: int) -> list[int]:
        if offset + limit <= LAZY_ROWS:
            return self.part([], offset, limit)[0]
        # a page deep in the window: sort all of it, each tier walked over it
        params: dict[str, Any] = {"window": json.dumps(self.window), "lo": self.window[-1], "hi": self.window[0]}
        order = []
        for i, tier in enumerate(self.tiers):
            params[f"tier{i}"] = tier
            order.append(f"value IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH :tier{i} "
                         f"AND rowid >= :lo AND rowid <= :hi) DESC")
        return _page(self.conn, f"SELECT value FROM json_each(:window) ORDER BY {', '.join(order)}, value DESC",
                     params, limit, offset)

    def part(self, known: list[tuple[int, bool]], off: int, lim: int) -> tuple[list[int], int]:
        """The ids at [off, off + lim) of the class ``known`` ((tier, in it) for the first tiers),
        sorted by the next tiers; and its size, up to off + lim."""
        need = off + lim
        if len(known) == len(self.tiers):
            ids = self.members(known, need)
            return ids[off:], len(ids)
        first, n_first = self.part([*known, (len(known), True)], off, lim)
        if n_first >= need:
            return first, n_first
        rest, n_rest = self.part([*known, (len(known), False)], max(0, off - n_first), lim - len(first))
        return first + rest, n_first + n_rest

    def members(self, tiers: list[tuple[int, bool]], need: int) -> list[int]:
        """The newest ``need`` ids of the window in (or not in) each tier as ``tiers`` says (fewer: all)."""
        while True:
            ids = self.known([(t, want) for t, want in tiers if t in self.walked])
            unknown = [(t, want) for t, want in tiers if t not in self.walked]
            if not unknown or not ids:
                return ids[:need]
            if len(ids) * PROBE_DOCS <= self.matches:  # few: look each id up
                for t, _ in unknown:
                    self.look_up(t, ids)
                return [x for x in ids if all(self.looked_up[t][x] == want for t, want in unknown)][:need]
            found = self.newest(unknown, ids, need)
            if found is not None:
                return found
            self.walk(min((t for t, _ in unknown), key=self.rarest))

    def known(self, tiers: list[tuple[int, bool]]) -> list[int]:
        """The window's ids in (or not in) each walked tier as ``tiers`` says, newest first (kept: the
        classes share them)."""
        key = tuple(tiers)
        if key not in self.kept:
            if not tiers:
                return self.window
            *rest, (t, want) = tiers
            walked = self.walked[t]
            self.kept[key] = [x for x in self.known(rest) if (x in walked) == want]
        return self.kept[key]

    def rarest(self, t: int) -> int:
        """The order in which tiers are walked whole: the usually rarest first (the subject; the phrase;
        the written form, which most documents print), a common tier being left to :meth:`newest`."""
        tier = self.tiers[t]
        return 0 if tier.startswith("subject_fold") else 1 if tier.startswith(_FOLD_COLS) else 2

    def newest(self, tiers: list[tuple[int, bool]], ids: list[int], need: int) -> list[int] | None:
        """The newest ``need`` of ``ids`` in (or not in) each tier as ``tiers`` says, if they are found
        among the newest ``ids`` cheaply; else None.

        FTS5 queries over the newest ids: first the newest :data:`TOP_SPAN` x
        ``need`` within 1 / :data:`TOP_REACH` of the largest id; then, if
        some were found, as far again as their density says the rest are,
        while that stays within 1 / :data:`TOP_REACH_MOST` of the largest id.
        Each range is walked oldest first: FTS5 stops at a range's end only
        on a match, and a walk newest first could go on past the oldest id
        through the rest of the registry; past the newest, only through the
        range walked before.
        """
        yes = [self.tiers[t] for t, want in tiers if want] or [self.base]
        expr = " AND ".join(f"({e})" for e in yes)
        no = [self.tiers[t] for t, want in tiers if not want]
        if no:
            expr = f"({expr}) NOT ({' OR '.join(f'({e})' for e in no)})"
        top = self.window[0]
        part = [x for x in ids[:TOP_SPAN * need] if x >= ids[0] - top // TOP_REACH]
        found: list[int] = []
        while len(part) >= need - len(found) and part:
            found += reversed([r[0] for r in self.conn.execute(
                "SELECT documents_fts.rowid FROM documents_fts WHERE documents_fts MATCH :expr "
                "AND documents_fts.rowid >= :lo AND documents_fts.rowid <= :hi "
                "AND +documents_fts.rowid IN (SELECT value FROM json_each(:ids)) ORDER BY documents_fts.rowid",
                {"expr": expr, "lo": part[-1], "hi": part[0], "ids": json.dumps(part)})])
            if len(found) >= need:
                return found[:need]
            if not found:
                return None
            covered = ids[0] - part[-1] + 1
            reach = covered * need * 3 // (2 * len(found))  # where the page should end, and a half more
            if reach > top // TOP_REACH_MOST:
                return None
            part = [x for x in ids if ids[0] - reach <= x < part[-1]]
        return None

    def walk(self, t: int) -> None:
        """Tier ``t`` walked over the window, oldest to newest (FTS5 seeks to the first)."""
        params: dict[str, Any] = {"tier": self.tiers[t], "lo": self.window[-1], "hi": self.window[0]}
        inside = ""
        if self.filtered:
            params["ids"] = json.dumps(self.window)
            inside = " AND +rowid IN (SELECT value FROM json_each(:ids))"
        self.walked[t] = {r[0] for r in self.conn.execute(
            f"SELECT rowid FROM documents_fts WHERE documents_fts MATCH :tier AND rowid >= :lo AND rowid <= :hi{inside}",
            params)}

    def look_up(self, t: int, ids: list[int]) -> None:
        """Whether each of ``ids`` is in tier ``t``, looked up by rowid.

        A look-up that misses walks on to the tier's next match: so the tier
        is first walked over the ids' range for up to :data:`PROBE_SPAN` times
        as many matches as there are ids; fewer, and those are the answer.
        """
        seen = self.looked_up.setdefault(t, {})
        ids = [x for x in ids if x not in seen]
        if not ids:
            return
        params: dict[str, Any] = {"tier": self.tiers[t], "lo": min(ids), "hi": max(ids)}
        most = PROBE_SPAN * len(ids)
        found = {r[0] for r in self.conn.execute(
            "SELECT rowid FROM documents_fts WHERE documents_fts MATCH :tier AND rowid >= :lo AND rowid <= :hi "
            f"ORDER BY rowid LIMIT {most}", params)}
        if len(found) >= most:
            params["ids"] = json.dumps(ids)
            found = {r[0] for r in self.conn.execute(
                "SELECT rowid FROM documents_fts WHERE documents_fts MATCH :tier "
                "AND rowid IN (SELECT value FROM json_each(:ids))", params)}
        seen.update((x, x in found) for x in ids)


def _tiers(units: list[_Unit]) -> list[str]:
    """MATCH expressions of the tiers of :func:`_by_tiers`, first tier first."""
    tiers = []
    if any(fold(" ".join(u.tokens)) != " ".join(u.tokens).lower() for u in units):
        tiers.append(" AND ".join(f'{_EXACT_COLS} : "{" ".join(u.tokens)}"' for u in units))
    tiers.append(" AND ".join(f'subject_fold : "{fold(" ".join(u.tokens))}"' for u in units))
    tokens = [t for u in units for t in u.tokens]
    if len(units) > 1 and len(tokens) <= 8:
        tiers.append(_on_fold(tuple(tokens)))
    return tiers


def _results(conn: sqlite3.Connection, ids: list[int], marks: _Marks | None) -> list[dict[str, Any]]:
    """The page's rows in the page's order; the body is read (for a snippet) only for a word search."""
    if not ids:
        return []
    body = "body" if marks else "'' AS body"
    slots = ", ".join("?" for _ in ids)
    rows = {r[0]: r for r in conn.execute(
        f"SELECT id, number, doc_type, issuer, date, subject, {body} FROM documents WHERE id IN ({slots})", ids)}
    out = []
    for i in ids:
        if i not in rows:  # an index entry without its row: skip rather than fail
            continue
        _, number, doc_type, issuer, date, subject, text = rows[i]
        out.append({"id": i, "number": number, "doc_type": doc_type, "issuer": issuer, "date": date,
                    "subject": subject, "snippet": _snippet(subject, text, marks)})
    return out


# ---------------------------------------------------------------- numbers


@cache
def _type_words() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Folded type word → (type name, folded upper-case abbreviations): "qd" and "quyet dinh" → QD."""
    dt = rules.load("doc_types")
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    for t in dt["types"]:
        abbrs = tuple(sorted({fold(a).upper() for a in t.get("abbr") or []}))
        out[fold(t["name"])] = (t["name"], abbrs)
        for a in t.get("abbr") or []:
            out.setdefault(fold(a), (t["name"], abbrs))
    for alias, name in (dt.get("cite_aliases") or {}).items():
        out.setdefault(fold(alias), out.get(fold(name), (name, (fold(alias).upper(),))))
    return out


@cache
def _number_query_re() -> re.Pattern[str]:
    words = sorted(_type_words(), key=len, reverse=True)
    types = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    return re.compile(rf"(?:(?P<type>{types})\s*)?(?P<so>(?:so|s0|s6)\s*:?\s*)?(?P<num>\S.*?)[.,;]?")


# A partial number: sequence (party form "11-CT" too) and the start of a symbol.
_PARTIAL = re.compile(r"\d{1,5}(?:-[^\W\d_]{1,5})?(?:/[\w&-]+)+")


def _number_conditions(text: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """The number look-ups a query stands for, most precise first (none for words).

    "2168/qd-btp" → the number key; "2168/QĐ", "87/2020" → keys that start
    with it; "QĐ 2168", "Quyết định số 2168" → keys "2168/QĐ…" or "2168-QĐ/…",
    then a Quyết định numbered 2168 whatever its symbol; "số 2168" → the sequence.
    """
    m = _number_query_re().fullmatch(fold(text))
    if not m:
        return
    num = text[m.start("num"):m.end("num")]  # fold keeps offsets: the number as typed
    squeezed = re.sub(r"\s*([/-])\s*", r"\1", num)
    if "/" in squeezed and (is_number(num) or _PARTIAL.fullmatch(squeezed)):
        key = number_key(squeezed)
        if key:
            yield "d.number_key = :nk", {"nk": key}
            yield _key_prefixes([key])
    elif num.isdigit() and len(num) <= 5 and (m.group("type") or m.group("so")):
        if not m.group("type"):
            yield "d.number_seq = :seq", {"seq": num}
            return
        name, abbrs = _type_words()[collapse_ws(m.group("type"))]
        if abbrs:
            yield _key_prefixes([f"{num}/{a}" for a in abbrs] + [f"{num}-{a}/" for a in abbrs])
        # a type whose numbers need not carry its abbreviation (Công văn: "1437/BTP-CNTT")
        yield "d.number_seq = :seq AND d.doc_type = :type_name", {"seq": num, "type_name": name}


def _key_prefixes(keys: list[str]) -> tuple[str, dict[str, Any]]:
    """Number keys equal to one of ``keys`` or continuing it with a new group ("-…" or "/…").

    Ranges of the ``number_key`` index, so that only the matching rows are
    read ("2168/QD" is "2168/QD", "2168/QD-…" or "2168/QD/…"; "2168-QD/" is "2168-QD/…").
    """
    tests, params = [], {}
    for i, key in enumerate(keys):
        params[f"k{i}"] = key
        if key.endswith("/"):
            tests.append(f"(d.number_key >= :k{i} AND d.number_key < :k{i}_end)")
            params[f"k{i}_end"] = _after(key)
            continue
        tests.append(f"d.number_key = :k{i} OR (d.number_key >= :k{i}_dash AND d.number_key < :k{i}_dash_end) "
                     f"OR (d.number_key >= :k{i}_slash AND d.number_key < :k{i}_slash_end)")
        params.update({f"k{i}_dash": key + "-", f"k{i}_dash_end": _after(key + "-"),
                       f"k{i}_slash": key + "/", f"k{i}_slash_end": _after(key + "/")})
    return "(" + " OR ".join(tests) + ")", params


def _after(prefix: str) -> str:
    """The smallest string above every string starting with ``prefix`` (its last character + 1)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


# ------------------------------------------------------------------ words


@dataclass(frozen=True)
class _Unit:
    """One word, or a quoted phrase, of the query (tokens as FTS5's unicode61 splits them)."""

    tokens: tuple[str, ...]
    quoted: bool


_QUOTED = re.compile(r'"([^"]*)"')
# unicode61 keeps letters and digits together and splits on everything else:
# the same split here means every quoted string below holds at least one token.
_TOKEN = re.compile(r"[^\W_]+")


def _parse_query(text: str) -> list[_Unit]:
    """Words and balanced "phrases"; operators, stray quotes and punctuation are plain text."""
    units: list[_Unit] = []
    pos = 0
    for m in _QUOTED.finditer(text):
        units += [_Unit((t,), False) for t in _TOKEN.findall(text[pos:m.start()])]
        tokens = tuple(_TOKEN.findall(m.group(1)))
        if tokens:
            units.append(_Unit(tokens, True))
        pos = m.end()
    units += [_Unit((t,), False) for t in _TOKEN.findall(text[pos:])]
    kept, n = [], 0
    for u in units:  # bound the expression: MAX_TERMS tokens in all
        n += len(u.tokens)
        if n > MAX_TERMS:
            break
        kept.append(u)
    return kept


def _on_fold(tokens: tuple[str, ...]) -> str:
    return f'{_FOLD_COLS} : "{fold(" ".join(tokens))}"'


def _phrase(tokens: tuple[str, ...]) -> list[str]:
    """The tokens as a phrase on the folded columns and, if typed with diacritics, on the written ones.

    Typed without them ("ho tich"), the marks are left to the documents: an
    OCR text that lost its own should not rank first for it.
    """
    written = " ".join(tokens)
    on_fold = _on_fold(tokens)
    return [on_fold] if fold(written) == written.lower() else [f'{_EXACT_COLS} : "{written}"', on_fold]


def _match_expression(units: list[_Unit]) -> str:
    """Every unit required (folded); written forms and adjacent-word phrases only add to the score.

    Each term is quoted, so FTS5 reads AND, NEAR, *, ^, : and parentheses in
    the user's text as words; tokens hold letters and digits only, so no
    quote can end a string early.
    """
    parts = []
    for i, u in enumerate(units):
        alternatives = _phrase(u.tokens)
        nxt = units[i + 1] if i + 1 < len(units) else None
        if nxt is not None and not u.quoted and not nxt.quoted:
            alternatives += _phrase(u.tokens + nxt.tokens)
        parts.append("(" + " OR ".join(alternatives) + ")")
    return " AND ".join(parts)


# --------------------------------------------------------------- snippets


@dataclass(frozen=True)
class _Marks:
    """What to mark in a snippet.

    ``strict``: words typed with diacritics as typed (case aside), the others
    by their fold, so "hộ tịch" marks "Hộ tịch" but not "hồ tích" nearby.
    ``loose``: every word by its fold, for a document found through the fold only.
    Each entry is (pattern, runs on the folded text).
    """

    strict: tuple[tuple[re.Pattern[str], bool], ...]
    loose: tuple[tuple[re.Pattern[str], bool], ...]


def _words_re(words: set[str]) -> re.Pattern[str]:
    alternatives = "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])", re.IGNORECASE)


def _highlighter(units: list[_Unit]) -> _Marks:
    tokens = {t for u in units for t in u.tokens}
    marked = {t.lower() for t in tokens if fold(t) != t.lower()}
    plain = {fold(t) for t in tokens if fold(t) == t.lower()}
    strict = tuple((_words_re(words), on_fold) for words, on_fold in ((marked, False), (plain, True)) if words)
    return _Marks(strict, ((_words_re({fold(t) for t in tokens}), True),))


def _snippet(subject: str | None, body: str | None, marks: _Marks | None) -> str:
    """HTML: the body (else the subject) around its hits, hits in <mark>; the subject's start otherwise."""
    if marks is not None:
        for patterns in (marks.strict, marks.loose):
            for text in (body, subject):
                hits = _hits(text or "", patterns)
                if hits:
                    return _render(text or "", hits)
    return _plain(subject or body or "")


def _hits(text: str, patterns: tuple[tuple[re.Pattern[str], bool], ...],
          most: int = 64) -> list[tuple[int, int, str]]:
    """(start, end, folded word) of the first hits, folding only as much of the text as needed.

    fold keeps offsets, so a hit in the folded text is the same span of the
    original: "ho tich" marks "hộ tịch" as printed. The prefix read grows 4x
    at a time: a long body is not folded whole when a hit comes early.
    """
    n = 4096
    while True:
        part = text[:n]
        folded = fold(part)
        whole = n >= len(text)
        hits = sorted((m.start(), m.end(), folded[m.start():m.end()])
                      for pattern, on_fold in patterns
                      for m in islice(pattern.finditer(folded if on_fold else part), most)
                      if whole or m.end() < len(part))
        if hits or whole:
            return _no_overlap(hits[:most])
        n *= 4


def _no_overlap(hits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for h in hits:
        if not out or h[0] >= out[-1][1]:
            out.append(h)
    return out


def _render(text: str, hits: list[tuple[int, int, str]]) -> str:
    start, end = _window(text, hits)
    out, pos = [], start
    for s, e in _merge(text, [(s, e) for s, e, _ in hits if s >= start and e <= end]):
        out.append(html.escape(_spaced(text[pos:s])))
        out.append(f"<mark>{html.escape(collapse_ws(text[s:e]))}</mark>")
        pos = e
    out.append(html.escape(_spaced(text[pos:end])))
    return ("…" if start > 0 else "") + "".join(out).strip() + ("…" if end < len(text) else "")


def _spaced(text: str) -> str:
    """Whitespace runs (line breaks of the body) as one space, ends kept."""
    return re.sub(r"\s+", " ", text)


def _merge(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Hits separated by whitespace only become one mark: "<mark>hộ tịch</mark>"."""
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and (text[out[-1][1]:s].isspace() or out[-1][1] == s):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _window(text: str, hits: list[tuple[int, int, str]]) -> tuple[int, int]:
    """The stretch of :data:`SNIPPET_CHARS` showing the most distinct query words, earliest first.

    It starts a little before its first hit and is cut on spaces or line breaks, not inside words.
    """
    lead = SNIPPET_CHARS // 4
    best, best_n = 0, 0
    for i, (s, _, _) in enumerate(hits):
        reach = s - lead + SNIPPET_CHARS
        n = len({w for _, e, w in hits[i:] if e <= reach})
        if n > best_n:
            best, best_n = i, n
    first_start, first_end = hits[best][0], hits[best][1]
    start = max(0, first_start - lead)
    if start > 0:
        space = _SPACE.search(text, start, first_start)
        start = space.end() if space else first_start
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        spaces = [m.start() for m in _SPACE.finditer(text, first_end, end)]
        end = spaces[-1] if spaces else end
    return start, end


_SPACE = re.compile(r"\s+")


def _plain(text: str) -> str:
    """The first :data:`SNIPPET_CHARS` of a text, cut on a word, escaped."""
    text = collapse_ws(text)
    if len(text) <= SNIPPET_CHARS:
        return html.escape(text)
    cut = text.rfind(" ", 0, SNIPPET_CHARS)
    return html.escape(text[: cut if cut > 0 else SNIPPET_CHARS]) + "…"
