"""Ingest: a file's bytes in, its original kept and its documents registered, whole or not at all.

The original is content-addressed (SHA-256): the same bytes uploaded twice
give back the record made the first time. Each file is one transaction: a
parse that fails, or a write that fails half-way, leaves nothing behind,
and the next file of the batch goes on.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from ..pipeline import parse_bytes
from ..readers import ReadError
from .documents import body_of, extraction_of, now
from .store import delete_document, write_document

#: Largest upload accepted (the readers cap what they parse; this caps what is stored).
MAX_UPLOAD = 50 * 1024 * 1024


@dataclass
class IngestResult:
    """What happened to one file; ``error`` is a one-line message for a clerk."""

    file: str
    status: str  # "created", "existing" or "error"
    sha256: str | None = None
    documents: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "status": self.status, "sha256": self.sha256,
                "documents": self.documents, "warnings": self.warnings, "error": self.error}


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _summaries(db: sqlite_utils.Database, sha: str) -> list[dict[str, Any]]:
    rows = db.query("SELECT id, doc_type, number, issuer, date, subject, attached_to, duplicate_of, warnings, "
                    "(SELECT count(*) FROM tasks t WHERE t.document_id = d.id) AS tasks "
                    "FROM documents d WHERE file_sha256 = ? ORDER BY seq", [sha])
    return [{**r, "warnings": json.loads(r["warnings"])} for r in rows]


def safe_name(filename: str) -> str:
    """The file name to keep: no directories, no control characters ("../../x.pdf" → "x.pdf")."""
    name = Path(str(filename).replace("\\", "/")).name
    name = "".join(c for c in name if c.isprintable() and c not in '<>:"|?*').strip(" .")
    return name[:200] or "tep-khong-ten"


def ingest_bytes(db: sqlite_utils.Database, data: bytes, filename: str) -> IngestResult:
    """Register one file. Never raises for a bad file: the result carries the error."""
    name = safe_name(filename)
    if not data:
        return IngestResult(name, "error", error="Tệp rỗng (0 byte)")
    if len(data) > MAX_UPLOAD:
        return IngestResult(name, "error", error=f"Tệp quá lớn ({len(data) / 2**20:.0f} MB); "
                                                  f"giới hạn là {MAX_UPLOAD / 2**20:.0f} MB")
    sha = sha256_of(data)
    if db.execute("SELECT 1 FROM files WHERE sha256 = ?", [sha]).fetchone():
        return IngestResult(name, "existing", sha, _summaries(db, sha))
    try:
        parsed = parse_bytes(data, name)
    except ReadError as e:
        return IngestResult(name, "error", sha, error=e.message)
    except Exception as e:  # noqa: BLE001 - one bad file must not stop a batch
        return IngestResult(name, "error", sha, error=f"Lỗi khi phân tích tệp ({type(e).__name__})")
    if not parsed.documents:
        return IngestResult(name, "error", sha, error="Không nhận ra văn bản nào trong tệp")
    conn = db.conn
    try:
        with conn:  # one transaction per file: all of it lands, or none
            conn.execute(
                "INSERT INTO files (sha256, name, size, format, data, added_at, warnings) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [sha, name, len(data), parsed.format, data, now(),
                 json.dumps(parsed.warnings, ensure_ascii=False)])
            for seq, doc in enumerate(parsed.documents):
                write_document(db, sha256=sha, seq=seq, extracted=extraction_of(doc), body=body_of(doc))
    except Exception as e:  # noqa: BLE001 - rolled back; reported as this file's error
        return IngestResult(name, "error", sha, error=f"Không lưu được tệp vào sổ ({type(e).__name__})")
    return IngestResult(name, "created", sha, _summaries(db, sha), list(parsed.warnings))


def ingest_paths(db: sqlite_utils.Database, paths: Iterable[Path],
                 progress: Callable[[IngestResult], None] | None = None) -> list[IngestResult]:
    """Ingest files one by one (one transaction each); ``progress`` hears of each result."""
    out: list[IngestResult] = []
    for p in paths:
        try:
            data = p.read_bytes()
        except OSError as e:
            res = IngestResult(safe_name(p.name), "error", error=f"Không đọc được tệp: {e.strerror or e}")
        else:
            res = ingest_bytes(db, data, p.name)
        out.append(res)
        if progress:
            progress(res)
    return out


def file_row(db: sqlite_utils.Database, sha: str) -> dict[str, Any] | None:
    """A stored original (bytes included), with the media type to serve it as."""
    rows = list(db.query("SELECT sha256, name, size, format, data FROM files WHERE sha256 = ?", [sha]))
    if not rows:
        return None
    row = rows[0]
    row["media_type"] = mimetypes.guess_type(row["name"])[0] or "application/octet-stream"
    return row


@dataclass
class ReparseSummary:
    files: int = 0
    documents: int = 0
    changed: int = 0
    removed: int = 0
    failed: list[str] = field(default_factory=list)


def reparse(db: sqlite_utils.Database, progress: Callable[[str], None] | None = None) -> ReparseSummary:
    """Re-extract every stored original with the current rules, keeping human corrections."""
    summary = ReparseSummary()
    shas = [r["sha256"] for r in db.query("SELECT sha256 FROM files ORDER BY added_at, sha256")]
    for sha in shas:
        row = file_row(db, sha)
        assert row is not None
        summary.files += 1
        try:
            parsed = parse_bytes(row["data"], row["name"])
        except Exception as e:  # noqa: BLE001 - keep the old extraction of a file the rules now refuse
            summary.failed.append(f"{row['name']}: {getattr(e, 'message', type(e).__name__)}")
            if progress:
                progress(row["name"])
            continue
        old = {r["seq"]: (r["id"], r["extracted"]) for r in
               db.query("SELECT id, seq, extracted FROM documents WHERE file_sha256 = ?", [sha])}
        with db.conn:
            for seq, doc in enumerate(parsed.documents):
                extracted = extraction_of(doc)
                doc_id, before = old.pop(seq, (None, None))
                if before is None or json.loads(before) != extracted:
                    summary.changed += 1
                write_document(db, sha256=sha, seq=seq, extracted=extracted, body=body_of(doc), doc_id=doc_id)
                summary.documents += 1
            for doc_id, _ in old.values():
                delete_document(db, doc_id)
                summary.removed += 1
        if progress:
            progress(row["name"])
    return summary
