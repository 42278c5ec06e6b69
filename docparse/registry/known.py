"""What the registry knows, handed to the parser to spell what a scan damaged.

A scan that lost its diacritics is respelled from the rule files' gazetteer
and the document's own clean mentions (:mod:`docparse.restore`); the
registry adds the names it holds spelled right (table ``spellings``: the
issuers and units of documents read from clean text, and the issuers people
corrected; never a scan's, which would teach the restorer its own damage)
and settles a number read two ways in a bundle ("512" once, "518" once) by
whether it holds that number (:meth:`~docparse.restore.Known.knows_number`).

Only scans ask, so nothing is read for a clean file. A registry on disk is
handed over as its path: :class:`RegistryKnown` pickles to a few bytes and
reads the file, read-only, in the worker that parses, at the moment the
scan asks, so it sees every file written before.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from ..restore import Known
from .keys import number_key


def names_of(conn: sqlite3.Connection) -> list[str]:
    """The names the registry spells right (a few thousand at most: one per folded key).

    A registry made before spellings were kept has none until ``docparse reparse`` reads its files again.
    """
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'spellings'").fetchone() is None:
        return []
    return [r[0] for r in conn.execute("SELECT name FROM spellings ORDER BY key")]


def knows(conn: sqlite3.Connection, number: str) -> bool:
    """Does any document of the registry bear or cite ``number`` (matched by its key)?"""
    key = number_key(number)
    if key is None:
        return False
    row = conn.execute("SELECT EXISTS (SELECT 1 FROM documents WHERE number_key = ?) "
                       "OR EXISTS (SELECT 1 FROM refs WHERE number_key = ?)", [key, key]).fetchone()
    return bool(row[0])


def _read_only(path: str) -> sqlite3.Connection:
    return sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True, timeout=30)


@dataclass(frozen=True)
class RegistryKnown(Known):
    """A registry file's knowledge, read where the parse runs (the worker), when a scan asks."""

    path: str = ""

    def name_list(self) -> list[str]:
        conn = _read_only(self.path)
        try:
            return names_of(conn)
        finally:
            conn.close()

    def knows_number(self, number: str) -> bool:
        conn = _read_only(self.path)
        try:
            return knows(conn, number)
        finally:
            conn.close()


@dataclass(frozen=True)
class _ConnectionKnown(Known):
    """An in-memory registry's knowledge (a test's): asked through its connection, in this process."""

    conn: sqlite3.Connection | None = None

    def name_list(self) -> list[str]:
        assert self.conn is not None
        return names_of(self.conn)

    def knows_number(self, number: str) -> bool:
        assert self.conn is not None
        return knows(self.conn, number)


def known_of(db: sqlite_utils.Database) -> Known:
    """What ``db`` knows, in a form that can be sent to a worker when ``db`` is a file."""
    path = next((row[2] for row in db.conn.execute("PRAGMA database_list") if row[1] == "main"), "")
    if path:
        return RegistryKnown(path=path)
    return _ConnectionKnown(conn=db.conn)
