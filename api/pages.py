"""Pages for people: upload, review and correct, search, links, the tracker — server-rendered, in Vietnamese.

Routes (the JSON API stays under ``/api/``):

- ``/``: upload (drag and drop, many files, progress per file) and the
  documents, newest first or the review queue (``?list=review``);
- ``/search``: one box for words or a number, filters, highlighted snippets;
- ``/documents/{id}``: fields beside the source text, each field lit where it
  was read, corrections in place, audit trail, links, the chain up to the
  ministry decision, the provinces implementing a decision, tasks;
- ``/tracker``: tasks by unit, plan, deadline and status, exports;
- ``/login``, ``/logout``: the key typed once; an HttpOnly cookie then
  authorises writing from the pages (see :mod:`api.auth`).

Templates are Jinja2 (``api/templates``), one CSS and one script file
(``api/static``); no build step, nothing fetched from elsewhere. The script
only enhances: every form also works as a plain HTML form posting to the
fallback routes here (``POST /upload``, ``/documents/{id}/fields``,
``/tracker/tasks/{id}``).

Every list is paged and reads through the registry's indexed queries (the
same functions as the API), so a page costs the same on a large registry.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import sqlite_utils
from fastapi import APIRouter, Depends, FastAPI, Form, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import UploadFile as StarletteUpload
from starlette.exceptions import HTTPException as StarletteHTTPException

from docparse import rules
from docparse.registry import links as links_mod
from docparse.registry import tracker
from docparse.registry.corrections import correct
from docparse.registry.documents import CORRECTABLE, CorrectionError
from docparse.registry.ingest import MAX_UPLOAD, IngestResult, ingest_bytes, safe_name
from docparse.registry.search import SearchError
from docparse.registry.search import search as run_search

from . import pages_tracker
from . import pages_view as v
from .app import get_db
from .auth import KEYS_ENV, SESSION_COOKIE, Caller, caller_of_key, caller_of_session, session_token
from .documents import CappedUpload, extract_in_worker

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.filters["vn_date"] = v.vn_date
templates.env.filters["vn_datetime"] = v.vn_datetime
templates.env.filters["filesize"] = v.filesize
templates.env.globals.update(doc_title=v.doc_title, RELATION_LABELS=v.RELATION_LABELS,
                             INCOMING_LABELS=v.INCOMING_LABELS, STATE_LABELS=v.STATE_LABELS,
                             STATUS_LABELS=v.STATUS_LABELS, TASK_PART_LABELS=v.TASK_PART_LABELS)

router = APIRouter(include_in_schema=False)
DB = Annotated[sqlite_utils.Database, Depends(get_db)]

PAGE_SIZE = 25
TASK_PAGE_SIZE = 50
#: Furthest page offered (the search API pages up to this offset).
MAX_OFFSET = 100_000
#: The login cookie lasts a working week; logging out or changing the keys ends it sooner.
SESSION_SECONDS = 7 * 24 * 3600
#: The key of the README's first command, quoted on the login page as an example.
README_KEYS = "demo:doi-khoa-nay"


def install(app: FastAPI) -> None:
    """Add the pages, their static files and HTML error pages to the app (called by ``create_app``)."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", ""):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code,
                                headers=getattr(exc, "headers", None))
        return error_page(request, exc.status_code, str(exc.detail))


# ---------------------------------------------------------------- common


def _caller(request: Request) -> Caller | None:
    return caller_of_session(request)


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    keys = request.app.state.api_keys
    context.setdefault("nav", "")
    return templates.TemplateResponse(request, name, {
        "caller": _caller(request), "keys_configured": bool(keys), "keys_env": KEYS_ENV,
        "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""), **context},
        status_code=status_code)


def error_page(request: Request, status_code: int, detail: str) -> HTMLResponse:
    titles = {404: "Không tìm thấy", 401: "Cần đăng nhập", 403: "Không được phép", 400: "Yêu cầu không hợp lệ"}
    if status_code == 404 and detail in ("Not Found", ""):
        detail = "Không có trang này. Kiểm tra lại địa chỉ, hoặc tìm văn bản ở trang Tìm kiếm."
    return render(request, "error.html", status_code=status_code, code=status_code,
                  title=titles.get(status_code, "Có lỗi"), detail=detail)


def _page_links(request: Request, total: int, page: int, size: int) -> dict[str, Any]:
    """Previous/next links keeping the other query parameters."""
    params = dict(request.query_params)

    def url(p: int) -> str:
        return request.url.path + "?" + urlencode({**params, "page": p})

    last = max(1, -(-min(total, MAX_OFFSET + size) // size))
    return {"page": page, "pages": last, "total": total, "first": (page - 1) * size + 1 if total else 0,
            "last": min(total, page * size), "prev": url(page - 1) if page > 1 else None,
            "next": url(page + 1) if page < last else None}


def _safe_next(target: str | None) -> str:
    """A local path to go back to after logging in (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


Page = Annotated[int, Query(ge=1, le=MAX_OFFSET // PAGE_SIZE + 1)]


def _name_plans(db: sqlite_utils.Database, summaries: list[dict[str, Any] | None]) -> None:
    """Give document summaries without a number their ``attached_to``, so a plan reads "Kế hoạch (kèm
    theo 2168/QĐ-BTP)", not "Kế hoạch #8". One query for the whole page (summaries from the search and
    links modules do not carry the column)."""
    want = {d["id"]: d for d in summaries if d and d.get("id") and not d.get("number") and "attached_to" not in d}
    if not want:
        return
    ids = list(want)[:500]
    marks = ", ".join("?" for _ in ids)
    for doc_id, attached in db.execute(f"SELECT id, attached_to FROM documents WHERE id IN ({marks})", ids):
        want[doc_id]["attached_to"] = attached
    for d in summaries:
        if d and d.get("id") in want and "attached_to" not in d:
            d["attached_to"] = want[d["id"]].get("attached_to")


# ---------------------------------------------------------------- home: upload and the documents


def _documents_list(db: sqlite_utils.Database, review: bool, page: int) -> dict[str, Any]:
    from .documents import recent

    return recent(db, review=review, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)


def _review_count(db: sqlite_utils.Database) -> int:
    """How many documents wait in the review queue (read from the review index)."""
    return db.execute("SELECT count(*) FROM documents WHERE warnings != '[]'").fetchone()[0]


@router.get("/", response_class=HTMLResponse)
def home(request: Request, db: DB,
         view: Annotated[str, Query(alias="list", pattern="^(recent|review)$")] = "recent",
         page: Page = 1) -> HTMLResponse:
    review = view == "review"
    found = _documents_list(db, review, page)
    review_total = found["total"] if review else _review_count(db)
    return render(request, "home.html", nav="home", list=view, docs=found["results"],
                  paging=_page_links(request, found["total"], page, PAGE_SIZE), review_total=review_total,
                  max_mb=MAX_UPLOAD // 2**20, uploaded=None)


async def upload_form(request: Request, db: DB) -> HTMLResponse:
    """The upload form without the script: store the files, then show their results on the home page.

    The same limits as the API's upload: the request capped before the form
    parser reads it, each file parsed in the worker pool under its time limit.
    """
    caller = _caller(request)
    form = await request.form()
    files = [f for f in form.getlist("files") if isinstance(f, StarletteUpload)]
    results: list[dict[str, Any]] = []
    if caller is None:
        return error_page(request, 401, "Cần đăng nhập (gõ khóa API ở trang Đăng nhập) trước khi tải tệp lên.")
    for f in files:
        data = await f.read(MAX_UPLOAD + 1)
        if not data and not f.filename:
            continue
        if len(data) > MAX_UPLOAD:
            res = IngestResult(safe_name(f.filename or ""), "error",
                               error=f"Tệp quá lớn; giới hạn là {MAX_UPLOAD // 2**20} MB")
        else:
            res = await run_in_threadpool(ingest_bytes, db, data, f.filename or "", extract_in_worker)
        results.append(res.to_json())
    found = _documents_list(db, False, 1)
    return render(request, "home.html", nav="home", list="recent", docs=found["results"],
                  paging=_page_links(request, found["total"], 1, PAGE_SIZE),
                  review_total=_review_count(db), max_mb=MAX_UPLOAD // 2**20,
                  uploaded=results)


router.add_api_route("/upload", upload_form, methods=["POST"], response_class=HTMLResponse,
                     route_class_override=CappedUpload)


# ---------------------------------------------------------------- search


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, db: DB,
                q: Annotated[str | None, Query(max_length=500)] = None,
                type: Annotated[str | None, Query(max_length=100)] = None,
                issuer: Annotated[str | None, Query(max_length=300)] = None,
                year: Annotated[str | None, Query(max_length=10)] = None,
                page: Page = 1) -> HTMLResponse:
    error, found = None, None
    asked = any((q or "").strip() or (x or "").strip() for x in (type, issuer, year))
    if asked:
        try:
            found = run_search(db, q, doc_type=type or None, issuer=issuer or None, year=(year or "").strip() or None,
                               limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        except SearchError as e:
            error = str(e)
        else:
            _name_plans(db, found["results"])
    types = [t["name"] for t in rules.load("doc_types")["types"]]
    return render(request, "search.html", nav="search", q=q or "", type=type or "", issuer=issuer or "",
                  year=year or "", types=types, found=found, error=error,
                  paging=_page_links(request, found["total"], page, PAGE_SIZE) if found else None)


# ---------------------------------------------------------------- one document


def _document_page(request: Request, db: sqlite_utils.Database, doc_id: int,
                   message: str | None = None, problem: str | None = None) -> HTMLResponse:
    from .documents import document

    doc = document(db, doc_id)  # 404 if unknown
    row = db.execute("SELECT json_extract(extracted, '$.spans'), json_extract(extracted, '$.signer'), "
                     "json_extract(extracted, '$.recipients') FROM documents WHERE id = ?", [doc_id]).fetchone()
    spans = json.loads(row[0]) if row and row[0] else None
    keys = v.span_keys(spans)
    extracted = {**doc["extracted"], "signer": json.loads(row[1] or "null"),
                 "recipients": json.loads(row[2] or "[]")}
    fields = v.field_rows(doc, extracted, doc["corrections"], keys, CORRECTABLE)

    seqs = dict(db.execute("SELECT id, seq FROM tasks WHERE document_id = ?", [doc_id]).fetchall())
    tasks = sorted(doc["tasks"], key=lambda t: seqs.get(t["id"], 0))
    for t in tasks:
        k = seqs.get(t["id"])
        t["key"] = f"t-{k}" if f"t-{k}" in keys else None
    refs = doc["references"]
    for k, r in enumerate(refs):
        r["key"] = f"r-{k}" if f"r-{k}" in keys else None
    outgoing = (doc["links"] or {}).get("outgoing", [])
    used: set[int] = set()
    for item in outgoing:  # the reference each link comes from, for its "show in the text" button
        item["key"] = None
        for k, r in enumerate(refs):
            if k not in used and r.get("number") == item.get("number") and r["key"]:
                item["key"] = r["key"]
                used.add(k)
                break

    steps = links_mod.chain_up(db, doc_id)
    impl_raw = None
    if doc["doc_type"] == "Quyết định" or (doc["doc_type"] == "Kế hoạch" and doc.get("attached_to")):
        impl_raw = links_mod.implementations(db, doc_id)
    incoming = (doc["links"] or {}).get("incoming", [])
    shown = [*(o.get("target") for o in outgoing), *(c for o in outgoing for c in o.get("candidates") or []),
             *(i["source"] for i in incoming), *steps]
    if impl_raw:
        shown += [impl_raw["decision"], impl_raw["task_source"], *(p["plan"] for p in impl_raw["plans"]),
                  *(p["via"].get("through") for p in impl_raw["plans"])]
    _name_plans(db, shown)
    chain = v.chain_view(steps)
    show_chain = len(chain["path"]) > 1
    impl = v.implementation_table(impl_raw)
    return render(request, "document.html", nav="", doc=doc, title=v.doc_title(doc), fields=fields,
                  source=v.source_html(doc["body"], keys), has_spans=bool(keys), tasks=tasks, refs=refs,
                  outgoing=outgoing, incoming=incoming, chain=chain,
                  show_chain=show_chain, impl=impl, message=message, problem=problem,
                  doc_types=[t["name"] for t in rules.load("doc_types")["types"]])


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document_page(request: Request, db: DB, doc_id: int) -> HTMLResponse:
    return _document_page(request, db, doc_id)


@router.post("/documents/{doc_id}/fields", response_class=HTMLResponse)
def correct_form(request: Request, db: DB, doc_id: int, field: Annotated[str, Form()],
                 value: Annotated[str, Form()] = "") -> Response:
    """The correction form without the script: store it, then show the page again."""
    caller = _caller(request)
    if caller is None:
        return error_page(request, 401, "Cần đăng nhập (gõ khóa API ở trang Đăng nhập) trước khi sửa.")
    if field == "date":
        value = v.iso_from_vn(value) or ""
    try:
        made = correct(db, doc_id, {field: value}, who=caller.name)
    except LookupError as e:
        raise HTTPException(404, str(e)) from e
    except CorrectionError as e:
        return _document_page(request, db, doc_id, problem=str(e))
    label = v.FIELD_LABELS.get(field, field)
    return _document_page(request, db, doc_id,
                          message=f"Đã lưu: {label}." if made else f"{label} không thay đổi.")


# ---------------------------------------------------------------- tracker


def _due(text: str | None, start: bool) -> str | None:
    """A typed bound ("31/12/2025", "12/2025", "2025" or ISO) as an ISO day; a partial one covers its month or year."""
    iso = v.iso_from_vn(text)
    if not iso:
        return None
    if len(iso) == 4 and iso.isdigit():
        return f"{iso}-01-01" if start else f"{iso}-12-31"
    if len(iso) == 7 and iso[:4].isdigit() and iso[5:].isdigit():
        if start:
            return f"{iso}-01"
        import calendar

        return f"{iso}-{calendar.monthrange(int(iso[:4]), int(iso[5:]))[1]:02d}" if 1 <= int(iso[5:]) <= 12 else iso
    return iso


@router.get("/tracker", response_class=HTMLResponse)
def tracker_page(request: Request, db: DB,
                 unit: Annotated[str | None, Query(max_length=200)] = None,
                 role: Annotated[str | None, Query(pattern="^(lead|support|)$")] = None,
                 plan: Annotated[str | None, Query(max_length=12)] = None,
                 status: Annotated[str | None, Query(max_length=20)] = None,
                 due_from: Annotated[str | None, Query(max_length=10)] = None,
                 due_to: Annotated[str | None, Query(max_length=10)] = None,
                 q: Annotated[str | None, Query(max_length=200)] = None,
                 page: Annotated[int, Query(ge=1, le=MAX_OFFSET // TASK_PAGE_SIZE + 1)] = 1) -> HTMLResponse:
    filters = {"unit": (unit or "").strip() or None, "role": role or None,
               "plan": int(plan) if (plan or "").strip().isdigit() else None,
               "status": status or None, "due_from": _due(due_from, start=True), "due_to": _due(due_to, start=False),
               "q": (q or "").strip() or None}
    error, found = None, {"total": 0, "capped": False, "results": []}
    try:
        found = pages_tracker.list_page(db, **filters, limit=TASK_PAGE_SIZE, offset=(page - 1) * TASK_PAGE_SIZE)
    except ValueError as e:
        error = str(e)
    plan_doc = None
    if filters["plan"] is not None:
        rows = list(db.query("SELECT id, doc_type, number, issuer, date, subject, attached_to FROM documents "
                             "WHERE id = ?", [filters["plan"]]))
        plan_doc = rows[0] if rows else None
    export = {k: ("" if val is None else str(val)) for k, val in filters.items() if val is not None}
    return render(request, "tracker.html", nav="tracker", f=filters, raw={"plan": plan or ""},
                  tasks=found["results"], total=found["total"], capped=found.get("capped"), error=error, plan_doc=plan_doc, export=export,
                  paging=_page_links(request, found["total"], page, TASK_PAGE_SIZE),
                  statuses=tracker.STATUSES, today=v.today().isoformat())


@router.post("/tracker/tasks/{task_id}", response_class=HTMLResponse)
def status_form(request: Request, db: DB, task_id: int, status: Annotated[str, Form()],
                back: Annotated[str, Form()] = "/tracker") -> Response:
    """The status form without the script."""
    caller = _caller(request)
    if caller is None:
        return error_page(request, 401, "Cần đăng nhập (gõ khóa API ở trang Đăng nhập) trước khi đặt trạng thái.")
    try:
        tracker.set_status(db, task_id, status, who=caller.name)
    except LookupError as e:
        raise HTTPException(404, str(e)) from e
    except ValueError as e:
        raise HTTPException(400, str(e)) from e
    return RedirectResponse(_safe_next(back), status_code=303)


# ---------------------------------------------------------------- login


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "login.html", nav="login", next=_safe_next(next), error=None,
                  readme_keys=README_KEYS)


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, key: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/") -> Response:
    keys = request.app.state.api_keys
    caller = caller_of_key(keys, key.strip()) if keys and key.strip() else None
    if caller is None:
        error = ("Máy chủ này chưa có khóa nào nên chưa ai ghi được." if not keys else
                 "Khóa không đúng. Gõ đúng phần sau dấu hai chấm, phân biệt chữ hoa chữ thường." if key.strip()
                 else "Hãy gõ khóa.")
        return render(request, "login.html", status_code=401, nav="login", next=_safe_next(next), error=error,
                      readme_keys=README_KEYS)
    resp = RedirectResponse(_safe_next(next), status_code=303)
    resp.set_cookie(SESSION_COOKIE, session_token(key.strip()), max_age=SESSION_SECONDS, httponly=True,
                    samesite="strict", secure=request.url.scheme == "https", path="/")
    return resp


@router.post("/logout")
def logout(next: Annotated[str, Form()] = "/") -> Response:
    resp = RedirectResponse(_safe_next(next), status_code=303)
    resp.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return resp
