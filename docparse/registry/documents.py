"""Documents in the registry: extraction, human corrections, and the row built from both.

The parser's output for a document is stored untouched (``extracted``);
the columns searched and joined on hold the *effective* value of each
field, that is the latest human correction where there is one, else the
extraction. Re-parsing replaces ``extracted`` and rebuilds the columns from
it and the same corrections, so a correction survives any rule change.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from ..model import ParsedDocument
from .keys import is_identifying, number_key, number_parts, text_key

#: Header fields a clerk may correct, and how a value is checked.
CORRECTABLE = ("doc_type", "number", "issuer", "place", "date", "subject", "attached_to")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class CorrectionError(ValueError):
    """A correction that cannot be stored; the message is for a clerk."""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def extraction_of(doc: ParsedDocument) -> dict[str, Any]:
    """What the parser said of one document (GOLD.md shape), kept beside its corrections."""
    return doc.to_json()


def body_of(doc: ParsedDocument) -> str:
    return "\n".join(ln.text for ln in doc.lines)


def corrections_of(db: sqlite_utils.Database, doc_id: int) -> dict[str, str | None]:
    """The latest correction of each field of a document."""
    out: dict[str, str | None] = {}
    for row in db.query("SELECT field, new_value FROM corrections WHERE document_id = ? ORDER BY id",
                        [doc_id]):
        out[row["field"]] = row["new_value"]
    return out


def effective(extracted: dict[str, Any], corrections: dict[str, str | None]) -> dict[str, Any]:
    """The document's columns: each field's correction if any, else its extraction."""
    v = {f: corrections.get(f, extracted.get(f)) for f in CORRECTABLE}
    seq, sym = number_parts(v["number"])
    date = v["date"]
    return {
        **v,
        "number_key": number_key(v["number"]),
        "number_seq": seq,
        "number_symbol": sym,
        "issuer_key": text_key(v["issuer"]),
        "year": int(date[:4]) if date and date[:4].isdigit() else None,
        "attached_key": number_key(v["attached_to"]),
        "signer": json.dumps(extracted.get("signer"), ensure_ascii=False),
        "recipients": json.dumps(extracted.get("recipients") or [], ensure_ascii=False),
    }


def warnings_for(row: dict[str, Any], extracted: dict[str, Any], duplicate_of: int | None) -> list[str]:
    """What a clerk should check on this document (the review queue sorts on these)."""
    out: list[str] = []
    if not row.get("number"):
        if not row.get("attached_to"):  # a plan issued with a decision is known by the decision's number
            out.append("Không tìm thấy số văn bản")
    elif not is_identifying(row["number"]):
        out.append("Số văn bản để trống")
    if not row.get("date"):
        out.append("Không tìm thấy ngày ban hành")
    elif len(row["date"]) < 10:
        out.append("Ngày ban hành không đầy đủ")
    if row.get("doc_type") == "Kế hoạch" and not extracted.get("tasks"):
        out.append("Kế hoạch không có nhiệm vụ nào được nhận ra")
    if duplicate_of:
        out.append(f"Có thể trùng văn bản đã có (#{duplicate_of})")
    return out


def find_duplicate(db: sqlite_utils.Database, row: dict[str, Any], sha256: str, doc_id: int | None) -> int | None:
    """An earlier document of another file with the same number, issuer and year.

    Nghị định 30/2020/NĐ-CP makes number + issuer + year identify a document:
    a second file with all three is the same document or a numbering error.
    """
    if not is_identifying(row.get("number")) or not row.get("issuer_key") or not row.get("year"):
        return None
    # "+" keeps SQLite on the number_key index: left to choose, it took the issuer's index and read
    # every earlier document of a ministry on each insert (9.9 ms a document at 100,000 documents).
    hit = list(db.query(
        "SELECT id FROM documents WHERE number_key = ? AND +issuer_key = ? AND +year = ? "
        "AND file_sha256 != ? AND id != ? ORDER BY id LIMIT 1",
        [row["number_key"], row["issuer_key"], row["year"], sha256, doc_id or -1]))
    return hit[0]["id"] if hit else None


def check_correction(field: str, value: Any) -> str | None:
    if field not in CORRECTABLE:
        raise CorrectionError(f"Không sửa được trường '{field}'. Các trường sửa được: {', '.join(CORRECTABLE)}")
    if value is None:
        return None
    if not isinstance(value, str):
        raise CorrectionError(f"Giá trị của '{field}' phải là chuỗi ký tự")
    value = " ".join(value.split())
    if field == "date" and value and not _DATE.match(value):
        raise CorrectionError("Ngày phải có dạng NNNN-TT-NN (ví dụ 2020-10-26)")
    return value or None
