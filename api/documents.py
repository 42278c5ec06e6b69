"""``/api/documents``: upload, read, correct; ``/api/files``: the originals, byte for byte."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import sqlite_utils
from fastapi import APIRouter, Body, Depends, File, HTTPException, Path, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from starlette.types import Message

from docparse import workers
from docparse.registry import links as links_mod
from docparse.registry.corrections import correct, history
from docparse.registry.documents import CORRECTABLE, CorrectionError
from docparse.registry.ingest import (
    MAX_UPLOAD,
    Extraction,
    IngestResult,
    extract,
    file_row,
    ingest_bytes,
    safe_name,
    too_big_message,
)
from docparse.registry.tracker import list_tasks
from docparse.restore import Known

from .app import get_db
from .auth import Caller, require_key

router = APIRouter(prefix="/api")
DB = Annotated[sqlite_utils.Database, Depends(get_db)]
DocId = Annotated[int, Path(description="Mã văn bản trong sổ", examples=[1])]

_SUMMARY = ("id, doc_type, number, issuer, place, date, subject, attached_to, duplicate_of, warnings, "
            "file_sha256, created_at")


def _summary(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: row[k] for k in ("id", "doc_type", "number", "issuer", "place", "date", "subject",
                               "attached_to", "duplicate_of")}
    out["warnings"] = json.loads(row.get("warnings") or "[]")
    return out


#: One upload request, all its files and the multipart envelope together; a larger one is refused (413).
MAX_REQUEST = 2 * MAX_UPLOAD + 1024 * 1024


def _too_large() -> HTTPException:
    return HTTPException(413, f"Dữ liệu tải lên quá lớn: một lần tải tối đa {MAX_REQUEST // 2**20} MB, "
                              f"mỗi tệp tối đa {MAX_UPLOAD // 2**20} MB")


class CappedUpload(APIRoute):
    """The upload route, with the body capped at :data:`MAX_REQUEST` before the form parser sees it.

    The form parser spools every byte it is sent (to disk past 1 MB) before
    the endpoint runs, so the cap must sit in front of it: a declared
    ``Content-Length`` over the cap is refused before anything is read, and a
    body sent without one (chunked) is counted as it arrives and refused the
    moment it passes the cap. Either way the client gets 413 and a message.
    """

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handler = super().get_route_handler()

        async def capped(request: Request) -> Response:
            declared = request.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > MAX_REQUEST:
                raise _too_large()
            receive, received = request.receive, 0

            async def counting() -> Message:
                nonlocal received
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > MAX_REQUEST:
                        raise _too_large()
                return message

            return await handler(Request(request.scope, counting))

        return capped


def extract_in_worker(data: bytes, name: str, known: Known | None = None) -> Extraction:
    """Parse an upload in the service's worker pool: under its time limit and memory cap.

    ``known`` (the registry's names and numbers, see :mod:`docparse.registry.known`)
    travels as the registry's path; the worker reads it only for a scan.
    """
    return workers.shared_pool().call(extract, data, name, known)  # type: ignore[no-any-return]


async def upload(db: DB, caller: Annotated[Caller, Depends(require_key)],
                 files: Annotated[list[UploadFile], File(description="Các tệp .docx, .pdf, .txt")]) -> JSONResponse:
    results: list[IngestResult] = []
    for f in files:
        name = safe_name(f.filename or "")
        if f.size is not None and f.size > MAX_UPLOAD:  # spooled already: its size is known without reading it
            results.append(IngestResult(name, "error", error=too_big_message(f.size)))
            continue
        data = await f.read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            results.append(IngestResult(name, "error", error=too_big_message(len(data))))
            continue
        results.append(await run_in_threadpool(ingest_bytes, db, data, name, extract_in_worker))
    statuses = {r.status for r in results}
    code = 201 if "created" in statuses else 200 if "existing" in statuses else 422
    return JSONResponse(status_code=code, content={"results": [r.to_json() for r in results]})


router.add_api_route(
    "/documents", upload, methods=["POST"], route_class_override=CappedUpload, tags=["văn bản"],
    status_code=201, summary="Tải lên một hoặc nhiều tệp văn bản",
    description="Mỗi tệp được lưu nguyên bản (theo SHA-256), phân tích và ghi vào sổ trong một giao "
                "dịch riêng: tệp lỗi không làm dừng các tệp khác và không để lại dữ liệu dở dang. "
                "Tải lại đúng tệp cũ trả về bản ghi đã có (`existing`). Mỗi tệp tối đa "
                f"{MAX_UPLOAD // 2**20} MB, một lần tải tối đa {MAX_REQUEST // 2**20} MB; mỗi tệp được phân "
                "tích trong tiến trình riêng, có giới hạn thời gian và bộ nhớ.",
    responses={201: {"description": "Ít nhất một tệp được ghi mới"},
               200: {"description": "Mọi tệp đã có sẵn trong sổ"},
               413: {"description": "Dữ liệu tải lên vượt giới hạn; không tệp nào được đọc"},
               422: {"description": "Không tệp nào đọc được; `results[].error` nói lý do"}})


@router.get("/documents", tags=["văn bản"], summary="Văn bản mới nhất, hoặc hàng đợi cần kiểm tra")
def recent(db: DB,
           review: Annotated[bool, Query(description="Chỉ văn bản có cảnh báo (thiếu số, ngày, nhiệm vụ)")] = False,
           limit: Annotated[int, Query(ge=1, le=200)] = 50,
           offset: Annotated[int, Query(ge=0)] = 0) -> dict[str, Any]:
    where = "WHERE warnings != '[]'" if review else ""
    total = db.execute(f"SELECT count(*) FROM documents {where}").fetchone()[0]
    order = "json_array_length(warnings) DESC, id DESC" if review else "id DESC"
    rows = db.query(f"SELECT {_SUMMARY} FROM documents {where} ORDER BY {order} LIMIT ? OFFSET ?",
                    [limit, offset])
    return {"total": total, "results": [_summary(r) for r in rows]}


def _document(db: sqlite_utils.Database, doc_id: int) -> dict[str, Any]:
    rows = list(db.query("SELECT * FROM documents WHERE id = ?", [doc_id]))
    if not rows:
        raise HTTPException(404, f"Không có văn bản #{doc_id}")
    return rows[0]


@router.get("/documents/{doc_id}", tags=["văn bản"], summary="Một văn bản: các trường, nhiệm vụ, liên kết, tệp gốc")
def document(db: DB, doc_id: DocId) -> dict[str, Any]:
    row = _document(db, doc_id)
    extracted = json.loads(row["extracted"])
    f = db.execute("SELECT name, size, format FROM files WHERE sha256 = ?", [row["file_sha256"]]).fetchone()
    return {
        **_summary(row),
        "signer": json.loads(row["signer"] or "null"),
        "recipients": json.loads(row["recipients"] or "[]"),
        "extracted": {k: extracted.get(k) for k in CORRECTABLE},
        "corrections": history(db, doc_id),
        "references": [dict(r) for r in db.query(
            "SELECT doc_type, number, date, issuer, relation, title, year FROM refs "
            "WHERE document_id = ? ORDER BY seq", [doc_id])],
        "tasks": list_tasks(db, plan=doc_id, limit=1000)["results"],
        "responsibilities": [dict(r) for r in db.query(
            "SELECT name AS unit, text FROM responsibilities WHERE document_id = ? ORDER BY id", [doc_id])],
        "links": links_mod.links(db, doc_id),
        "file": {"sha256": row["file_sha256"], "name": f[0], "size": f[1], "format": f[2],
                 "download": f"/api/files/{row['file_sha256']}"},
        "body": row["body"],
    }


@router.patch("/documents/{doc_id}", tags=["văn bản"], summary="Sửa trường của văn bản (lưu vào nhật ký sửa)",
              description="Chỉ các trường gửi lên được sửa; bản trích xuất gốc vẫn được giữ bên cạnh, "
                          "sửa đổi được giữ khi phân tích lại. Trường sửa được: " + ", ".join(CORRECTABLE))
def patch_document(db: DB, doc_id: DocId, caller: Annotated[Caller, Depends(require_key)],
                   changes: Annotated[dict[str, Any], Body(openapi_examples={
                       "số hiệu": {"summary": "Sửa số hiệu", "value": {"number": "2168/QĐ-BTP"}},
                       "ngày": {"summary": "Sửa ngày ban hành", "value": {"date": "2020-10-26"}},
                       "trích yếu": {"summary": "Sửa trích yếu",
                                    "value": {"subject": "Ban hành Kế hoạch triển khai thi hành Nghị định số "
                                                         "87/2020/NĐ-CP"}}})]) -> dict[str, Any]:
    try:
        made = correct(db, doc_id, changes, who=caller.name)
    except LookupError as e:
        raise HTTPException(404, str(e)) from e
    except CorrectionError as e:
        raise HTTPException(400, str(e)) from e
    return {"corrections": made, "document": _summary(_document(db, doc_id))}


@router.get("/documents/{doc_id}/links", tags=["liên kết"], summary="Văn bản nó trích dẫn và văn bản trích dẫn nó")
def document_links(db: DB, doc_id: DocId) -> dict[str, Any]:
    out = links_mod.links(db, doc_id)
    if out is None:
        raise HTTPException(404, f"Không có văn bản #{doc_id}")
    return out


@router.get("/documents/{doc_id}/chain", tags=["liên kết"],
            summary="Chuỗi từ kế hoạch của tỉnh lên quyết định của bộ mà nó triển khai")
def document_chain(db: DB, doc_id: DocId) -> dict[str, Any]:
    _document(db, doc_id)
    return {"chain": links_mod.chain_up(db, doc_id)}


@router.get("/documents/{doc_id}/implementations", tags=["liên kết"],
            summary="Các kế hoạch triển khai một quyết định, và nhiệm vụ nào của quyết định mỗi kế hoạch đã nhận")
def document_implementations(db: DB, doc_id: DocId) -> dict[str, Any]:
    _document(db, doc_id)
    return links_mod.implementations(db, doc_id)


@router.get("/files/{sha256}", tags=["văn bản"], summary="Tải tệp gốc (đúng từng byte đã nhận)",
            response_class=Response)
def download(db: DB, sha256: Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]) -> Response:
    row = file_row(db, sha256)
    if row is None:
        raise HTTPException(404, "Không có tệp này trong sổ")
    from urllib.parse import quote

    return Response(content=row["data"], media_type=row["media_type"],
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(row['name'])}"})
