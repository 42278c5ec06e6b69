"""``/api/search``: one box for words or a number, with filters and paging."""

from __future__ import annotations

from typing import Annotated, Any

import sqlite_utils
from fastapi import APIRouter, Depends, Query

from docparse.registry.search import search as run_search

from .app import get_db

router = APIRouter(prefix="/api")
DB = Annotated[sqlite_utils.Database, Depends(get_db)]


@router.get("/search", tags=["tìm kiếm"], summary="Tìm văn bản theo từ hoặc theo số hiệu",
            description="Không phân biệt dấu và đ/d (\"ho tich\" tìm thấy \"hộ tịch\"), kết quả đúng dấu xếp "
                        "trước. Một số hiệu viết kiểu nào cũng được (`2168/QĐ-BTP`, `2168/qd-btp`, `QĐ 2168`) "
                        "và dẫn thẳng tới văn bản đó.")
def search(db: DB,
           q: Annotated[str | None, Query(max_length=500, description="Từ cần tìm hoặc số hiệu", openapi_examples={
               "từ có dấu": {"value": "đăng ký hộ tịch"},
               "không dấu": {"value": "dang ky ho tich"},
               "số hiệu": {"value": "2168/QĐ-BTP"},
               "số hiệu viết tắt": {"value": "QĐ 2168"}})] = None,
           type: Annotated[str | None, Query(description="Loại văn bản", examples=["Kế hoạch"])] = None,
           issuer: Annotated[str | None, Query(description="Cơ quan ban hành", examples=["Bộ Tư pháp"])] = None,
           year: Annotated[int | None, Query(ge=1945, le=2100, examples=[2020])] = None,
           date_from: Annotated[str | None, Query(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", examples=["2020-01-01"])] = None,
           date_to: Annotated[str | None, Query(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", examples=["2020-12-31"])] = None,
           unit: Annotated[str | None, Query(description="Đơn vị được giao nhiệm vụ",
                                             examples=["UBND cấp huyện"])] = None,
           limit: Annotated[int, Query(ge=1, le=100)] = 20,
           offset: Annotated[int, Query(ge=0, le=100_000)] = 0) -> dict[str, Any]:
    return run_search(db, q, doc_type=type, issuer=issuer, year=year, date_from=date_from, date_to=date_to,
                      unit=unit, limit=limit, offset=offset)
