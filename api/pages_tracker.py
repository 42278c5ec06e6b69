"""One page of the tracker, read so that it costs the same on a registry of a hundred thousand documents.

The filters, order and page read are the tracker's own (:func:`docparse.registry.tracker.list_tasks`),
so the page lists exactly what the API and the exports list; the page only caps the count.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlite_utils

from docparse.registry import tracker

#: ``total`` is exact up to this many tasks; beyond, the page says "more than".
COUNT_CAP = 10_000
WITHIN_DAYS = 14


def list_page(db: sqlite_utils.Database, *, limit: int, offset: int, today: date | None = None,
              **filters: Any) -> dict[str, Any]:
    """``{"total", "capped", "results"}`` like ``tracker.list_tasks``; raises ValueError for a bad filter."""
    return tracker.list_tasks(db, **filters, within_days=WITHIN_DAYS, today=today, limit=limit, offset=offset,
                              count_cap=COUNT_CAP)
