"""The registry's SQLite database: one file, opened the same way everywhere.

sqlite-utils gives table creation and upserts without an ORM; the schema is
declared here once so that every module (ingest, search, links, tracker)
reads the same columns. WAL mode lets the service answer searches while a
batch ingest writes.

Tables (``*_key`` columns hold the matching form of a value, see :mod:`.keys`):

- ``files``: the originals, byte for byte, keyed by SHA-256;
- ``documents``: one row per document of a file, its *effective* fields
  (extraction with human corrections applied) and ``extracted`` (the
  parser's own JSON for it, kept beside them);
- ``corrections``: the audit trail of human corrections;
- ``refs``: what each document cites (resolved to a document by number key
  at query time, so a link resolves by itself when its target arrives);
- ``tasks``, ``task_units``, ``units``, ``responsibilities``: the tracker;
- ``documents_fts``: the full-text index (owned by :mod:`.search`).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import sqlite_utils

#: Environment variable naming the database file.
DB_ENV = "DOCPARSE_DB"
DEFAULT_DB = "docparse.db"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    sha256 TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    format TEXT,
    data BLOB NOT NULL,
    added_at TEXT NOT NULL,
    warnings TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    file_sha256 TEXT NOT NULL REFERENCES files(sha256),
    seq INTEGER NOT NULL,
    doc_type TEXT,
    number TEXT,
    number_key TEXT,
    number_seq TEXT,
    number_symbol TEXT,
    issuer TEXT,
    issuer_key TEXT,
    place TEXT,
    date TEXT,
    year INTEGER,
    subject TEXT,
    signer TEXT,
    recipients TEXT NOT NULL DEFAULT '[]',
    attached_to TEXT,
    attached_key TEXT,
    body TEXT NOT NULL DEFAULT '',
    extracted TEXT NOT NULL,
    duplicate_of INTEGER,
    warnings TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    parsed_at TEXT NOT NULL,
    UNIQUE (file_sha256, seq)
);
CREATE INDEX IF NOT EXISTS documents_number_key ON documents(number_key);
CREATE INDEX IF NOT EXISTS documents_number_seq ON documents(number_seq);
CREATE INDEX IF NOT EXISTS documents_attached_key ON documents(attached_key);
-- browsing by type, newest first, and by type within a year (a date range): one index walk
DROP INDEX IF EXISTS documents_type_year;
CREATE INDEX IF NOT EXISTS documents_type_date ON documents(doc_type, date);
CREATE INDEX IF NOT EXISTS documents_issuer_key ON documents(issuer_key);
CREATE INDEX IF NOT EXISTS documents_date ON documents(date);
-- the review queue: most warnings first, without reading every row's body
CREATE INDEX IF NOT EXISTS documents_review ON documents(json_array_length(warnings) DESC, id DESC)
    WHERE warnings != '[]';
CREATE TABLE IF NOT EXISTS corrections (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    who TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS corrections_document ON corrections(document_id);
CREATE TABLE IF NOT EXISTS refs (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    seq INTEGER NOT NULL,
    doc_type TEXT,
    number TEXT,
    number_key TEXT,
    title TEXT,
    year INTEGER,
    date TEXT,
    issuer TEXT,
    relation TEXT NOT NULL,
    text TEXT
);
CREATE INDEX IF NOT EXISTS refs_document ON refs(document_id);
-- who cites a number, newest first, from the index alone (a decree is cited by thousands)
DROP INDEX IF EXISTS refs_number_key;
CREATE INDEX IF NOT EXISTS refs_number_key_document ON refs(number_key, document_id);
CREATE TABLE IF NOT EXISTS tasks (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    seq INTEGER NOT NULL,
    no TEXT,
    title TEXT,
    product TEXT,
    funding TEXT,
    deadline_text TEXT,
    deadline_kind TEXT,
    start TEXT,
    due TEXT,
    after TEXT,
    status TEXT NOT NULL DEFAULT 'open',
    status_by TEXT,
    status_at TEXT,
    fold TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS tasks_document ON tasks(document_id);
-- due ranges and states (overdue, due soon) read from the index alone, status included
DROP INDEX IF EXISTS tasks_due;
CREATE INDEX IF NOT EXISTS tasks_due_status ON tasks(due, status);
-- the tracker's order: dated tasks first, by due date, then plan and position
CREATE INDEX IF NOT EXISTS tasks_order ON tasks(due IS NULL, due, document_id, seq);
CREATE INDEX IF NOT EXISTS tasks_status_order ON tasks(status, due IS NULL, due, document_id, seq);
CREATE TABLE IF NOT EXISTS units (
    canonical TEXT PRIMARY KEY,
    name TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS task_units (
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    unit TEXT NOT NULL REFERENCES units(canonical),
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    pos INTEGER NOT NULL
);
-- "does this task charge the unit", answered from the index alone (the tracker's walk of a common unit)
DROP INDEX IF EXISTS task_units_task;
CREATE INDEX IF NOT EXISTS task_units_task_unit ON task_units(task_id, unit, role);
CREATE INDEX IF NOT EXISTS task_units_unit ON task_units(unit, role);
CREATE TABLE IF NOT EXISTS responsibilities (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    unit TEXT NOT NULL,
    name TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS responsibilities_document ON responsibilities(document_id);
-- names spelled right (issuers and units of documents not read from a scan, and corrections), by folded
-- key: what the registry tells the restorer of a scan (registry.known)
CREATE TABLE IF NOT EXISTS spellings (
    key TEXT PRIMARY KEY,
    name TEXT NOT NULL
);
"""


def db_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The database file: the argument, else ``$DOCPARSE_DB``, else ./docparse.db."""
    return Path(path or os.environ.get(DB_ENV) or DEFAULT_DB)


def _migrate(db: sqlite_utils.Database) -> None:
    """Bring a registry made by an earlier version up to this schema (columns added, then filled)."""
    cols = {r[1] for r in db.conn.execute("PRAGMA table_info(tasks)")}
    if cols and "fold" not in cols:
        with db.conn:
            db.conn.execute("ALTER TABLE tasks ADD COLUMN fold TEXT NOT NULL DEFAULT ''")
            rows = db.conn.execute("SELECT id, title, product FROM tasks").fetchall()
            db.conn.executemany("UPDATE tasks SET fold = ? WHERE id = ?",
                                [(task_fold(t, pr), i) for i, t, pr in rows])


def task_fold(title: str | None, product: str | None) -> str:
    """What the tracker's word filter reads: title and product, folded (no per-row Python at query time)."""
    from .keys import text_key

    return text_key(f"{title or ''} \n {product or ''}") or ""


def connect(path: str | os.PathLike[str] | None = None) -> sqlite_utils.Database:
    """A connection to an existing registry (one per request or thread; cheap)."""
    conn = sqlite3.connect(db_path(path), check_same_thread=False, timeout=30)
    db = sqlite_utils.Database(conn)
    conn.execute("PRAGMA busy_timeout = 30000")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    return db


def open_db(path: str | os.PathLike[str] | None = None) -> sqlite_utils.Database:
    """Open (creating if needed) the registry at ``path``, schema ensured, WAL on."""
    from .search import ensure_index

    p = db_path(path)
    if p.parent and not p.parent.exists():
        p.parent.mkdir(parents=True, exist_ok=True)
    db = connect(p)
    db.enable_wal()
    _migrate(db)
    db.conn.executescript(_SCHEMA)
    ensure_index(db)
    db.conn.commit()
    return db
