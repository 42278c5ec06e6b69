"""Writing a document and its rows (references, tasks, units) inside the caller's transaction.

Every write here is plain SQL on the caller's connection: sqlite-utils'
table helpers commit on their own, and a file must land whole or not at all
(one transaction per file, opened by :mod:`.ingest`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

import sqlite_utils

from .db import task_fold
from .documents import corrections_of, effective, find_duplicate, now, warnings_for
from .keys import law_key, number_key, text_key
from .search import index_document


def _insert(conn: sqlite3.Connection, table: str, row: dict[str, Any]) -> int:
    cols = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    cur = conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(row.values()))
    return int(cur.lastrowid or 0)


def _update(conn: sqlite3.Connection, table: str, key: int, row: dict[str, Any]) -> None:
    sets = ", ".join(f"{c} = ?" for c in row)
    conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*row.values(), key])


def write_document(db: sqlite_utils.Database, *, sha256: str, seq: int, extracted: dict[str, Any],
                   body: str, doc_id: int | None = None, trusted: bool = False,
                   units: Mapping[str, str] | None = None) -> tuple[int, list[str], int | None]:
    """Insert (or rewrite, when ``doc_id`` is given) one document and its rows.

    Returns (id, warnings, duplicate_of). Human corrections already stored for
    ``doc_id`` are applied over ``extracted``; task statuses set by people are
    carried over to the re-extracted tasks with the same number and title,
    which also keep their ids (a tracker link or calendar entry stays valid).
    ``trusted``: the document was read from clean text (no OCR, no respelling),
    so its issuer and unit names are kept as spellings (:func:`remember_spellings`).
    ``units``: canonical names of its units already worked out (:func:`canonical_units`, by the worker
    that parsed the file); the others are worked out here.
    """
    conn = db.conn
    fixes = corrections_of(db, doc_id) if doc_id else {}
    row = effective(extracted, fixes)
    duplicate_of = find_duplicate(db, row, sha256, doc_id)
    warnings = warnings_for(row, extracted, duplicate_of)
    stamp = now()
    cols = {**row, "body": body, "extracted": json.dumps(extracted, ensure_ascii=False),
            "duplicate_of": duplicate_of, "warnings": json.dumps(warnings, ensure_ascii=False),
            "parsed_at": stamp}
    statuses: dict[tuple[str | None, str | None], tuple[int, str, str | None, str | None]] = {}
    if doc_id is None:
        doc_id = _insert(conn, "documents", {"file_sha256": sha256, "seq": seq, "created_at": stamp, **cols})
    else:
        _update(conn, "documents", doc_id, cols)
        for t in conn.execute("SELECT no, title, id, status, status_by, status_at FROM tasks "
                              "WHERE document_id = ?", [doc_id]):
            statuses.setdefault((t[0], t[1]), (t[2], t[3], t[4], t[5]))
        _delete_children(conn, doc_id)
    _write_refs(conn, doc_id, extracted.get("references") or [])
    _write_tasks(conn, doc_id, extracted.get("tasks") or [], statuses, units or {})
    _write_responsibilities(conn, doc_id, extracted.get("responsibilities") or [], units or {})
    if trusted:
        remember_spellings(conn, [row.get("issuer"), *_unit_names(extracted)])
    index_document(db, doc_id)
    return doc_id, warnings, duplicate_of


def _delete_children(conn: sqlite3.Connection, doc_id: int) -> None:
    conn.execute("DELETE FROM task_units WHERE task_id IN (SELECT id FROM tasks WHERE document_id = ?)",
                 [doc_id])
    for table in ("tasks", "refs", "responsibilities"):
        conn.execute(f"DELETE FROM {table} WHERE document_id = ?", [doc_id])


def delete_document(db: sqlite_utils.Database, doc_id: int) -> None:
    """Remove a document a re-parse no longer finds (its corrections go with it)."""
    from .search import unindex_document

    conn = db.conn
    _delete_children(conn, doc_id)
    conn.execute("DELETE FROM corrections WHERE document_id = ?", [doc_id])
    unindex_document(db, doc_id)
    conn.execute("DELETE FROM documents WHERE id = ?", [doc_id])


def _write_refs(conn: sqlite3.Connection, doc_id: int, refs: list[dict[str, Any]]) -> None:
    for k, r in enumerate(refs):
        key = number_key(r.get("number")) or law_key(r.get("title"), r.get("year"))
        _insert(conn, "refs", {
            "document_id": doc_id, "seq": k, "doc_type": r.get("doc_type"), "number": r.get("number"),
            "number_key": key, "title": r.get("title"), "year": r.get("year"), "date": r.get("date"),
            "issuer": r.get("issuer"), "relation": r.get("relation") or "mentions", "text": r.get("text"),
        })


def remember_spellings(conn: sqlite3.Connection, names: Iterable[str | None]) -> None:
    """Keep names as the registry spells them (the newest spelling of a folded key wins).

    Only names read from clean text or typed by a person: a name a scan
    damaged ("Cục HS tịch") would otherwise be taught back to the restorer
    as a spelling, and spread to every later scan.
    """
    rows = {text_key(n): n.strip() for n in names if n and n.strip()}
    conn.executemany("INSERT OR REPLACE INTO spellings (key, name) VALUES (?, ?)",
                     [(k, n) for k, n in rows.items() if k])


def _unit_names(extracted: dict[str, Any]) -> list[str]:
    """The units an extraction names: its tasks' lead and supporting units, then its responsibilities'."""
    names = [n for t in extracted.get("tasks") or [] for role in ("lead", "support") for n in t.get(role) or []]
    return names + [r["unit"] for r in extracted.get("responsibilities") or [] if r.get("unit")]


def canonical_units(extractions: Iterable[dict[str, Any]]) -> dict[str, str]:
    """The canonical name of every unit the extractions name (:func:`_unit_names`)."""
    from ..tasks.unit_lists import canonical_unit

    return {n: canonical_unit(n) for n in {n for e in extractions for n in _unit_names(e)}}


def _unit(conn: sqlite3.Connection, name: str, known: Mapping[str, str]) -> str:
    canonical = known.get(name)
    if canonical is None:
        from ..tasks.unit_lists import canonical_unit

        canonical = canonical_unit(name)
    conn.execute("INSERT OR IGNORE INTO units (canonical, name) VALUES (?, ?)", [canonical, name])
    return canonical


def _write_tasks(conn: sqlite3.Connection, doc_id: int, tasks: list[dict[str, Any]],
                 before: dict[tuple[str | None, str | None], tuple[int, str, str | None, str | None]],
                 units: Mapping[str, str]) -> None:
    for k, t in enumerate(tasks):
        d = t.get("deadline") or {}
        old_id, status, by, at = before.pop((t.get("no"), t.get("title")), (None, "open", None, None))
        task_id = _insert(conn, "tasks", {
            "id": old_id, "document_id": doc_id, "seq": k, "no": t.get("no"), "title": t.get("title"),
            "product": t.get("product"), "funding": t.get("funding"), "deadline_text": d.get("text"),
            "deadline_kind": d.get("kind"), "start": d.get("start"), "due": d.get("due"),
            "after": d.get("after"), "status": status, "status_by": by, "status_at": at,
            "fold": task_fold(t.get("title"), t.get("product")),
        })
        for role in ("lead", "support"):
            for pos, name in enumerate(t.get(role) or []):
                _insert(conn, "task_units", {"task_id": task_id, "unit": _unit(conn, name, units), "role": role,
                                             "name": name, "pos": pos})


def _write_responsibilities(conn: sqlite3.Connection, doc_id: int, items: list[dict[str, Any]],
                            units: Mapping[str, str]) -> None:
    for r in items:
        _insert(conn, "responsibilities", {"document_id": doc_id, "unit": _unit(conn, r["unit"], units),
                                           "name": r["unit"], "text": r.get("text") or ""})
