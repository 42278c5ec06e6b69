"""The docparse service: the registry's JSON API under ``/api/`` (pages for people come at ``/``).

``create_app`` takes the database path and API keys explicitly so that tests
and ``docparse serve`` build the same app; every request opens its own
SQLite connection (WAL lets readers run beside a writer).
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from docparse.registry.db import connect, db_path, open_db

from .auth import load_keys

log = logging.getLogger("docparse.api")

DESCRIPTION = """
Sổ đăng ký văn bản hành chính: tải văn bản lên (.docx, .pdf, .txt), tìm theo số
hiệu hoặc theo từ (có dấu hay không dấu), xem văn bản được trích dẫn và văn bản
trích dẫn nó, theo dõi nhiệm vụ của các kế hoạch.

Đọc và tìm kiếm không cần khóa; ghi (tải lên, sửa trường, đặt trạng thái
nhiệm vụ) cần khóa API trong tiêu đề `X-API-Key`.
"""

TAGS = [
    {"name": "văn bản", "description": "Tải lên, xem, sửa văn bản và tệp gốc"},
    {"name": "liên kết", "description": "Văn bản được trích dẫn, văn bản trích dẫn, chuỗi kế hoạch → quyết định"},
    {"name": "tìm kiếm", "description": "Tìm theo số hiệu hoặc theo từ"},
    {"name": "nhiệm vụ", "description": "Theo dõi nhiệm vụ: lọc, đặt trạng thái, xuất CSV/XLSX/iCalendar"},
]


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    """Uploads are parsed in worker processes (:mod:`docparse.workers`), started on the first upload:
    they are stopped here, when the app shuts down, so that no worker outlives the service. The
    service's own models (the unit gazetteer, the word segmenter) load in the background meanwhile,
    so that the first search by unit or decision page does not wait seconds for them."""
    from docparse.registry.warm import warm_up_in_background
    from docparse.workers import serving

    warm_up_in_background()
    with serving():
        yield


def create_app(db: str | os.PathLike[str] | None = None,
               api_keys: dict[str, str] | list[str] | None = None) -> FastAPI:
    """The app over the registry at ``db`` (else ``$DOCPARSE_DB``); keys else from the environment."""
    from . import documents, pages, search, tasks

    path = db_path(db)
    open_db(path).conn.close()  # create the file and schema once, before any request
    app = FastAPI(title="docparse", version="0.1.0", description=DESCRIPTION, openapi_tags=TAGS,
                  lifespan=_lifespan)
    app.state.db_path = path
    app.state.api_keys = load_keys(api_keys)
    app.include_router(documents.router)
    app.include_router(search.router)
    app.include_router(tasks.router)
    pages.install(app)  # the pages for people at /, /search, /documents/{id}, /tracker; files at /static

    @app.get("/api/health", tags=["văn bản"], summary="Máy chủ còn chạy và sổ mở được")
    def health(request: Request) -> dict[str, object]:
        db = connect(request.app.state.db_path)
        try:
            n = db.execute("SELECT count(*) FROM documents").fetchone()[0]
        finally:
            db.conn.close()
        return {"ok": True, "documents": n}

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [f"{'.'.join(str(x) for x in e.get('loc', ())[1:]) or 'yêu cầu'}: {e.get('msg')}"
                    for e in exc.errors()]
        return JSONResponse(status_code=422, content={"detail": "Yêu cầu không hợp lệ", "problems": problems})

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("lỗi khi xử lý %s %s", request.method, request.url.path)
        return JSONResponse(status_code=500, content={"detail": "Lỗi máy chủ; yêu cầu chưa được thực hiện."})

    return app


def get_db(request: Request) -> Iterator[object]:
    """FastAPI dependency: one connection per request, closed after it."""
    db = connect(request.app.state.db_path)
    try:
        yield db
    finally:
        db.conn.close()
