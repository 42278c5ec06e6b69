"""Full-text search (placeholder index; the search module proper replaces this)."""

from __future__ import annotations

import sqlite_utils


def ensure_index(db: sqlite_utils.Database) -> None:
    db.conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5(subject, body)")


def index_document(db: sqlite_utils.Database, doc_id: int) -> None:
    unindex_document(db, doc_id)
    db.conn.execute("INSERT INTO documents_fts (rowid, subject, body) "
                    "SELECT id, coalesce(subject, ''), body FROM documents WHERE id = ?", [doc_id])


def unindex_document(db: sqlite_utils.Database, doc_id: int) -> None:
    db.conn.execute("DELETE FROM documents_fts WHERE rowid = ?", [doc_id])
