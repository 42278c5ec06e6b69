"""Ingest: a file's bytes in, its original kept and its documents registered, whole or not at all.

The original is content-addressed (SHA-256): the same bytes uploaded twice
give back the record made the first time. Each file is one transaction: a
parse that fails, or a write that fails half-way, leaves nothing behind,
and the next file of the batch goes on.

Parsing and storing are two steps: :func:`extract` turns bytes into the rows
to store (run in this process, or in a worker of :mod:`docparse.workers`
under a time limit and a memory cap), and the writes always happen in the
calling process, one transaction per file. A batch (:func:`ingest_paths` with
``jobs``) parses on every core while the files are written in the order
given, so the ids a batch gets do not depend on which worker finished first.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlite_utils

from ..model import ParsedDocument, ParsedFile
from ..pipeline import parse_bytes
from ..readers import ReadError
from .documents import body_of, extraction_of, now
from .known import known_of
from .store import canonical_units, delete_document, write_document

if TYPE_CHECKING:
    from ..restore import Known
    from ..workers import Pool

#: Largest upload accepted (the readers cap what they parse; this caps what is stored).
MAX_UPLOAD = 50 * 1024 * 1024
#: A batch reads and parses files in chunks of at most this many files and bytes (two chunks are held).
AHEAD_FILES = 256
AHEAD_BYTES = 128 * 1024 * 1024

#: What a file name's suffix promises, by the format the content was read as.
_SUFFIX_FORMATS = {".pdf": "pdf", ".docx": "docx", ".doc": "doc", ".odt": "odt", ".rtf": "rtf",
                   ".txt": "txt", ".md": "txt", ".png": "image", ".jpg": "image", ".jpeg": "image",
                   ".tif": "image", ".tiff": "image"}
_FORMAT_NAMES = {"pdf": "PDF", "docx": "Word .docx", "doc": "Word .doc", "odt": "OpenDocument .odt",
                 "rtf": "RTF", "txt": "văn bản thuần", "image": "ảnh"}


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


@dataclass
class Extraction:
    """What a file gave, as the registry stores it: per document its extraction and body text.

    This, not the :class:`~docparse.model.ParsedFile`, is what a worker sends
    back: JSON-shaped and a fraction of the size, and the conversion runs on
    the worker's core.
    """

    format: str
    warnings: list[str]
    #: Per document: its extraction, its body, and whether it was read from clean text (no OCR, no respelling).
    documents: list[tuple[dict[str, Any], str, bool]]
    #: The canonical name of each unit its tasks and responsibilities name (:func:`.store.canonical_units`).
    #: Worked out here, on the worker's core: in the writing process it would load the unit gazetteer
    #: (spaCy) a third time, beside the workers, and take its time from the writes.
    units: dict[str, str] = field(default_factory=dict)


#: Bytes, a (safe) file name and what the registry knows in, an :class:`Extraction` out, or :class:`ReadError`.
Extractor = Callable[[bytes, str, "Known | None"], Extraction]


def extract(data: bytes, filename: str, known: Known | None = None) -> Extraction:
    """Parse in this process (a worker runs exactly this); ``known`` spells what a scan damaged."""
    parsed = parse_bytes(data, filename, known)
    documents = [(extraction_of(d), body_of(d), _trusted(parsed, d)) for d in parsed.documents]
    return Extraction(parsed.format, list(parsed.warnings), documents, canonical_units(d for d, _, _ in documents))


def _trusted(parsed: ParsedFile, doc: ParsedDocument) -> bool:
    """Read from clean text: its names may teach the registry spellings (see :mod:`.known`)."""
    return parsed.ocr is None and not doc.respelled


def pooled(pool: Pool, timeout: float | None = None) -> Extractor:
    """An extractor running :func:`extract` in ``pool`` (time limit, memory cap)."""
    def run(data: bytes, filename: str, known: Known | None = None) -> Extraction:
        return pool.call(extract, data, filename, known, timeout=timeout)  # type: ignore[no-any-return]
    return run


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


def too_big_message(size: int) -> str:
    return f"Tệp quá lớn ({size / 2**20:.0f} MB); giới hạn là {MAX_UPLOAD / 2**20:.0f} MB"


def _precheck(db: sqlite_utils.Database, data: bytes, name: str) -> IngestResult | str:
    """A result for a file that needs no parse (empty, too big, already stored), else its SHA-256."""
    if not data:
        return IngestResult(name, "error", error="Tệp rỗng (0 byte)")
    if len(data) > MAX_UPLOAD:
        return IngestResult(name, "error", error=too_big_message(len(data)))
    sha = sha256_of(data)
    if _stored(db, sha):
        return IngestResult(name, "existing", sha, _summaries(db, sha))
    return sha


def _stored(db: sqlite_utils.Database, sha: str) -> bool:
    return db.execute("SELECT 1 FROM files WHERE sha256 = ?", [sha]).fetchone() is not None


def _suffix_warning(name: str, fmt: str) -> list[str]:
    """A name promising another format than the content ("x.docx" holding a PDF): read by content, said so."""
    promised = _SUFFIX_FORMATS.get(Path(name).suffix.lower())
    if promised is None or promised == fmt or fmt not in _FORMAT_NAMES:
        return []
    return [f"Đuôi tệp {Path(name).suffix} không khớp nội dung ({_FORMAT_NAMES[fmt]}): đã đọc theo nội dung"]


def _extracted(name: str, sha: str, extractor: Extractor, data: bytes,
               known: Known | None) -> IngestResult | Extraction:
    try:
        return extractor(data, name, known)
    except ReadError as e:
        return IngestResult(name, "error", sha, error=e.message)
    except Exception as e:  # noqa: BLE001 - one bad file must not stop a batch
        return IngestResult(name, "error", sha, error=f"Lỗi khi phân tích tệp ({type(e).__name__})")


def _store(db: sqlite_utils.Database, data: bytes, name: str, sha: str,
           got: IngestResult | Extraction) -> IngestResult:
    """Write one parsed file in one transaction (or report why not)."""
    if isinstance(got, IngestResult):
        return got
    if _stored(db, sha):  # the same bytes earlier in this batch
        return IngestResult(name, "existing", sha, _summaries(db, sha))
    if not got.documents:
        return IngestResult(name, "error", sha, error="Không nhận ra văn bản nào trong tệp")
    warnings = [*got.warnings, *_suffix_warning(name, got.format)]
    conn = db.conn
    try:
        with conn:  # one transaction per file: all of it lands, or none
            conn.execute(
                "INSERT INTO files (sha256, name, size, format, data, added_at, warnings) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [sha, name, len(data), got.format, data, now(), json.dumps(warnings, ensure_ascii=False)])
            for seq, (extracted, body, trusted) in enumerate(got.documents):
                write_document(db, sha256=sha, seq=seq, extracted=extracted, body=body, trusted=trusted,
                               units=got.units)
    except Exception as e:  # noqa: BLE001 - rolled back; reported as this file's error
        return IngestResult(name, "error", sha, error=f"Không lưu được tệp vào sổ ({type(e).__name__})")
    return IngestResult(name, "created", sha, _summaries(db, sha), warnings)


def ingest_bytes(db: sqlite_utils.Database, data: bytes, filename: str,
                 extractor: Extractor = extract) -> IngestResult:
    """Register one file. Never raises for a bad file: the result carries the error.

    ``extractor`` parses (default: in this process); the service passes
    :func:`pooled` so that a parse runs under the worker pool's limits.
    """
    name = safe_name(filename)
    checked = _precheck(db, data, name)
    if isinstance(checked, IngestResult):
        return checked
    return _store(db, data, name, checked, _extracted(name, checked, extractor, data, known_of(db)))


def _load(path: Path) -> tuple[bytes, str] | IngestResult:
    """A file's bytes, or the error a clerk sees; a file over the cap is never read."""
    name = safe_name(path.name)
    try:
        size = path.stat().st_size
        if size > MAX_UPLOAD:
            return IngestResult(name, "error", error=too_big_message(size))
        with path.open("rb") as fh:
            data = fh.read(MAX_UPLOAD + 1)
    except OSError as e:
        return IngestResult(name, "error", error=f"Không đọc được tệp: {e.strerror or e}")
    return data, name


def ingest_paths(db: sqlite_utils.Database, paths: Iterable[Path],
                 progress: Callable[[IngestResult], None] | None = None, *,
                 jobs: int = 0, timeout: float | None = None) -> list[IngestResult]:
    """Ingest files (one transaction each, in the order given); ``progress`` hears of each result.

    ``jobs`` = 0 parses in this process, without limits. ``jobs`` ≥ 1 parses in
    that many worker processes (:class:`docparse.workers.Pool`, started only if
    some file needs parsing), each file under ``timeout`` seconds (default:
    the pool's) and the workers' memory cap; the database writes stay here.
    """
    paths = list(paths)
    out: list[IngestResult] = []

    def emit(res: IngestResult) -> None:
        out.append(res)
        if progress:
            progress(res)

    if jobs <= 0:
        settled = False  # the first parse loads the models: settled after it, as a worker does
        for p in paths:
            loaded = _load(p)
            res = loaded if isinstance(loaded, IngestResult) else ingest_bytes(db, *loaded)
            emit(res)
            if not settled and res.status == "created":
                from ..workers import settle_loaded

                settle_loaded()
                settled = True
        return out
    _Batch(db, min(jobs, max(1, len(paths))), timeout, emit).run(paths)
    return out


class _Batch:
    """A batch on worker processes: parsed a chunk ahead, largest files first, written strictly in order.

    Files are taken in chunks of consecutive paths (at most
    :data:`AHEAD_FILES` files and :data:`AHEAD_BYTES` bytes). A chunk's parses
    are queued largest file first: a long file started last would leave the
    other cores idle at the end of the batch. Chunk k is written, in input
    order, while chunk k + 1 parses, so at most two chunks are held in memory.
    """

    def __init__(self, db: sqlite_utils.Database, jobs: int, timeout: float | None,
                 emit: Callable[[IngestResult], None]) -> None:
        self.db, self.jobs, self.timeout, self.emit = db, jobs, timeout, emit
        self.pool: Pool | None = None
        self.threads: ThreadPoolExecutor | None = None
        self.parsing: dict[str, Future[IngestResult | Extraction]] = {}  # sha -> parse, for repeats
        self.known = known_of(db)  # read by the workers when a scan asks: it sees what was written before

    def run(self, paths: list[Path]) -> None:
        try:
            held: list[_Item] = []
            for chunk in _chunks(paths):
                started = self._start(chunk)
                self._write(held)
                held = started
            self._write(held)
        finally:
            if self.pool is not None:
                self.pool.close()
            if self.threads is not None:
                self.threads.shutdown(wait=True, cancel_futures=True)

    def _start(self, chunk: list[Path]) -> list[_Item]:
        """Read a chunk and queue its parses, largest first; its items in input order."""
        items = [self._read(p) for p in chunk]
        for i in sorted(range(len(items)), key=lambda i: -len(items[i][1])):
            name, data, sha, parse = items[i]
            if parse is None:
                fut = self.parsing.get(sha)
                if fut is None:
                    fut = self.parsing[sha] = self._submit(data, name, sha)
                items[i] = (name, data, sha, fut)
        return items

    def _read(self, path: Path) -> _Item:
        loaded = _load(path)
        if isinstance(loaded, IngestResult):
            return loaded.file, b"", "", loaded
        data, name = loaded
        checked = _precheck(self.db, data, name)
        if isinstance(checked, IngestResult):
            return name, b"", "", checked
        return name, data, checked, None

    def _submit(self, data: bytes, name: str, sha: str) -> Future[IngestResult | Extraction]:
        if self.pool is None:
            from ..workers import Pool

            self.pool = Pool(self.jobs, timeout=self.timeout, warm_up=False)  # the first parse loads the models
            self.threads = ThreadPoolExecutor(self.jobs, thread_name_prefix="docparse-ingest")
        assert self.threads is not None
        return self.threads.submit(_extracted, name, sha, pooled(self.pool, self.timeout), data, self.known)

    def _write(self, items: list[_Item]) -> None:
        for name, data, sha, parse in items:
            if isinstance(parse, IngestResult):
                self.emit(parse)
                continue
            assert parse is not None
            got = parse.result()
            if isinstance(got, IngestResult):
                got = IngestResult(name, got.status, got.sha256, got.documents, got.warnings, got.error)
            self.emit(_store(self.db, data, name, sha, got))


#: A file of a batch: name, bytes, SHA-256, and its parse (a result already, when none is needed).
_Item = tuple[str, bytes, str, "Future[IngestResult | Extraction] | IngestResult | None"]


def _chunks(paths: list[Path]) -> Iterator[list[Path]]:
    """Consecutive paths, at most AHEAD_FILES of them and AHEAD_BYTES on disk (a file over it alone)."""
    chunk: list[Path] = []
    size = 0
    for p in paths:
        try:
            n = min(p.stat().st_size, MAX_UPLOAD + 1)
        except OSError:
            n = 0
        if chunk and (len(chunk) >= AHEAD_FILES or size + n > AHEAD_BYTES):
            yield chunk
            chunk, size = [], 0
        chunk.append(p)
        size += n
    if chunk:
        yield chunk


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
    known = known_of(db)
    for sha in shas:
        row = file_row(db, sha)
        assert row is not None
        summary.files += 1
        try:
            parsed = parse_bytes(row["data"], row["name"], known)
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
                write_document(db, sha256=sha, seq=seq, extracted=extracted, body=body_of(doc), doc_id=doc_id,
                               trusted=_trusted(parsed, doc))
                summary.documents += 1
            for doc_id, _ in old.values():
                delete_document(db, doc_id)
                summary.removed += 1
        if progress:
            progress(row["name"])
    return summary
