"""Point relative deadlines at the task they wait for.

"Phù hợp tiến độ xây dựng Thông tư hướng dẫn ..." waits for the task whose
title or product is that Thông tư; "tại điểm 3 Mục II kế hoạch này" names the
item outright. Finding a deadline and resolving what it hangs on are separate
steps (as eyecite separates finding citations from resolving them): the
deadline parser keeps the phrase, this module looks it up among the plan's
tasks once they are all known.
"""

from __future__ import annotations

import re
from functools import cache

from rapidfuzz import fuzz

from ..model import Task
from ..normalize import fold
from .fields import config

_MIN_SCORE = 88


@cache
def _pointer() -> re.Pattern[str]:
    return re.compile(config()["pointer"])


def _best_match(phrase: str, task: Task, tasks: list[Task]) -> str | None:
    want = fold(phrase)
    best, best_no = 0.0, None
    for other in tasks:
        if other is task or not other.no:
            continue
        for text in (other.title, other.product):
            if not text or len(text) < 10:
                continue
            score = fuzz.partial_ratio(want, fold(text))
            if score > best:
                best, best_no = score, other.no
    return best_no if best >= _MIN_SCORE else None


def resolve_deadlines(tasks: list[Task]) -> None:
    """Fill ``deadline.after`` where a relative deadline names another task."""
    numbers = {t.no for t in tasks if t.no}
    for task in tasks:
        d = task.deadline
        if d is None or d.kind != "relative":
            continue
        m = _pointer().search(fold(d.text))
        if m and m.group(1) in numbers and m.group(1) != task.no:
            d.after = m.group(1)
        elif d.depends_on:
            d.after = _best_match(d.depends_on, task, tasks)
