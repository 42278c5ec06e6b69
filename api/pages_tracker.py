"""One page of the tracker, read so that it costs the same on a registry of a hundred thousand documents.

``tracker.list_tasks`` counts and sorts every matching task joined to its
document before cutting the page (0.9 s for the unfiltered list, 3 s for
"overdue" over 500,000 tasks). A page needs less: the ids of the page, in
order, from an index on the tracker's own order; a count capped at
:data:`COUNT_CAP`, without the join (a task has exactly one document); and
the documents of those fifty rows only. The filters are the tracker's own
(:func:`docparse.registry.tracker._where`), so the page lists exactly what
the API and the exports list. This belongs in ``tracker.py``; until then it
lives here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlite_utils

from docparse.registry import tracker

#: ``total`` is exact up to this many tasks; beyond, the page says "more than".
COUNT_CAP = 10_000
WITHIN_DAYS = 14
_ORDER = "ORDER BY t.due IS NULL, t.due, t.document_id, t.seq"


def list_page(db: sqlite_utils.Database, *, limit: int, offset: int, today: date | None = None,
              **filters: Any) -> dict[str, Any]:
    """``{"total", "capped", "results"}`` like ``tracker.list_tasks``; raises ValueError for a bad filter."""
    day = today or date.today()
    where, params = tracker._where(db, **filters, within_days=WITHIN_DAYS, today=day)
    ids = [r[0] for r in db.execute(f"SELECT t.id FROM tasks t{where} {_ORDER} LIMIT ? OFFSET ?",
                                    [*params, int(limit), int(offset)])]
    total = db.execute(f"SELECT count(*) FROM (SELECT 1 FROM tasks t{where} LIMIT {COUNT_CAP + 1})",
                       params).fetchone()[0]
    rows: list[dict[str, Any]] = []
    if ids:
        marks = ", ".join("?" for _ in ids)
        rows = list(db.query(f"SELECT {tracker._COLUMNS} {tracker._FROM} WHERE t.id IN ({marks})", ids))
        place = {i: k for k, i in enumerate(ids)}
        rows.sort(key=lambda r: place[r["id"]])
    return {"total": min(total, COUNT_CAP), "capped": total > COUNT_CAP,
            "results": tracker._results(db, rows, day, WITHIN_DAYS)}
