"""``/api/tasks``: the tracker — filter, set a status, export (CSV, XLSX, iCalendar)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

import sqlite_utils
from fastapi import APIRouter, Body, Depends, HTTPException, Path, Query
from fastapi.responses import Response

from docparse.registry import tracker

from .app import get_db
from .auth import Caller, require_key

router = APIRouter(prefix="/api")
DB = Annotated[sqlite_utils.Database, Depends(get_db)]


@router.get("/tasks", tags=["nhiệm vụ"], summary="Nhiệm vụ theo đơn vị, kế hoạch, hạn, trạng thái; xuất tệp",
            description="`format=csv|xlsx|ics` trả về tệp thay cho JSON (iCalendar: mỗi nhiệm vụ có hạn là một "
                        "sự kiện). Đơn vị viết kiểu nào cũng được: \"UBND cấp huyện\" = \"Ủy ban nhân dân cấp huyện\".",
            responses={200: {"content": {"text/csv": {}, "text/calendar": {},
                                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}})
def tasks(db: DB,
          unit: Annotated[str | None, Query(description="Đơn vị chủ trì hoặc phối hợp", openapi_examples={
              "viết tắt": {"value": "UBND cấp huyện"}, "đầy đủ": {"value": "Sở Tư pháp"}})] = None,
          role: Annotated[Literal["lead", "support"] | None, Query(description="Vai trò của đơn vị")] = None,
          plan: Annotated[int | None, Query(description="Mã văn bản kế hoạch")] = None,
          due_from: Annotated[date | None, Query(examples=["2021-01-01"])] = None,
          due_to: Annotated[date | None, Query(examples=["2021-12-31"])] = None,
          status: Annotated[Literal["overdue", "due_soon", "open", "in_progress", "done", "no_date"] | None,
                            Query(description="quá hạn, sắp đến hạn, chưa xong, đang làm, đã xong, "
                                              "không có hạn")] = None,
          within_days: Annotated[int, Query(ge=0, le=3650, description="\"Sắp đến hạn\" là trong số ngày này")] = 14,
          q: Annotated[str | None, Query(max_length=200, description="Từ trong tên nhiệm vụ")] = None,
          format: Annotated[Literal["json", "csv", "xlsx", "ics"], Query()] = "json",
          limit: Annotated[int, Query(ge=1, le=1000)] = 100,
          offset: Annotated[int, Query(ge=0)] = 0) -> Any:
    filters = {"unit": unit, "role": role, "plan": plan, "due_from": due_from and due_from.isoformat(),
               "due_to": due_to and due_to.isoformat(), "status": status, "within_days": within_days, "q": q}
    try:
        if format == "json":
            return tracker.list_tasks(db, **filters, limit=limit, offset=offset)
        data, media_type, filename = tracker.export(db, format, **filters)
    except ValueError as e:
        raise HTTPException(400, str(e)) from e
    return Response(content=data, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/tasks/{task_id}", tags=["nhiệm vụ"], summary="Một nhiệm vụ")
def task(db: DB, task_id: Annotated[int, Path()]) -> dict[str, Any]:
    found = tracker.get_task(db, task_id)
    if found is None:
        raise HTTPException(404, f"Không có nhiệm vụ #{task_id}")
    return found


@router.patch("/tasks/{task_id}", tags=["nhiệm vụ"], summary="Đặt trạng thái của nhiệm vụ")
def set_status(db: DB, task_id: Annotated[int, Path()], caller: Annotated[Caller, Depends(require_key)],
               body: Annotated[dict[str, Any], Body(openapi_examples={
                   "xong": {"summary": "Đã hoàn thành", "value": {"status": "done"}},
                   "đang làm": {"summary": "Đang thực hiện", "value": {"status": "in_progress"}}})]) -> dict[str, Any]:
    try:
        return tracker.set_status(db, task_id, str(body.get("status", "")), who=caller.name)
    except LookupError as e:
        raise HTTPException(404, str(e)) from e
    except ValueError as e:
        raise HTTPException(400, str(e)) from e
