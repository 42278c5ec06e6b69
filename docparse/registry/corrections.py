"""Human corrections: stored with who and when beside the extraction, applied over it."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from .documents import CorrectionError, check_correction, now
from .keys import number_key
from .store import remember_spellings, write_document


def correct(db: sqlite_utils.Database, doc_id: int, changes: dict[str, Any], who: str) -> list[dict[str, Any]]:
    """Store corrections of a document's fields and rebuild its row; returns the corrections made.

    Raises :class:`LookupError` for an unknown document and
    :class:`CorrectionError` for a field that cannot be corrected or a bad value.
    """
    rows = list(db.query("SELECT * FROM documents WHERE id = ?", [doc_id]))
    if not rows:
        raise LookupError(f"Không có văn bản #{doc_id}")
    if not changes:
        raise CorrectionError("Không có trường nào để sửa")
    doc = rows[0]
    checked = {f: check_correction(f, v) for f, v in changes.items()}
    who = " ".join(str(who or "").split())[:100] or "không rõ"
    made: list[dict[str, Any]] = []
    stamp = now()
    with db.conn:
        for f, v in checked.items():
            if v == doc.get(f):
                continue
            _record(db, doc_id, f, doc.get(f), v, who, stamp)
            made.append({"field": f, "old_value": doc.get(f), "new_value": v, "who": who, "at": stamp})
        if made:
            _rewrite(db, doc)
            remember_spellings(db.conn, [m["new_value"] for m in made if m["field"] == "issuer"])
        number = next((m for m in made if m["field"] == "number"), None)
        if number:
            _follow_number(db, doc, number["old_value"], number["new_value"], who, stamp)
    return made


def _record(db: sqlite_utils.Database, doc_id: int, field: str, old: Any, new: Any, who: str, at: str) -> None:
    db.conn.execute("INSERT INTO corrections (document_id, field, old_value, new_value, who, at) "
                    "VALUES (?, ?, ?, ?, ?, ?)", [doc_id, field, old, new, who, at])


def _rewrite(db: sqlite_utils.Database, doc: dict[str, Any]) -> None:
    write_document(db, sha256=doc["file_sha256"], seq=doc["seq"], extracted=json.loads(doc["extracted"]),
                   body=doc["body"], doc_id=doc["id"])


def _follow_number(db: sqlite_utils.Database, doc: dict[str, Any], old: str | None, new: str | None,
                   who: str, at: str) -> None:
    """The documents of the same file issued with this one now say its corrected number.

    A plan issued with a decision ("ban hành kèm theo Quyết định số ...")
    names the decision of its own file, whatever number was read; when a
    clerk corrects that number, the plan's ``attached_to`` follows, recorded
    in the plan's own audit trail as a consequence of the first correction.
    """
    old_key = number_key(old)
    if not old_key:
        return
    siblings = db.query("SELECT * FROM documents WHERE file_sha256 = ? AND id != ? AND attached_key = ?",
                        [doc["file_sha256"], doc["id"], old_key])
    for sib in list(siblings):
        _record(db, sib["id"], "attached_to", sib["attached_to"], new, f"{who} (theo số sửa ở văn bản #{doc['id']})", at)
        _rewrite(db, sib)


def history(db: sqlite_utils.Database, doc_id: int) -> list[dict[str, Any]]:
    """The audit trail of a document, oldest first."""
    return list(db.query("SELECT field, old_value, new_value, who, at FROM corrections "
                         "WHERE document_id = ? ORDER BY id", [doc_id]))
