"""Tasks and responsibilities of a document (issue: task tables).

Three finders, one per way a document writes work down — numbered items with
field lines (:mod:`.running_text`), task tables (:mod:`.tables`) and
assignments in sentences (:mod:`.prose`) — give :class:`RawTask` objects;
:mod:`.build` turns them into :class:`Task` (units split, deadlines
normalised) and :mod:`.resolve` points relative deadlines at the task they
wait for. "TỔ CHỨC THỰC HIỆN" items give :class:`Responsibility` entries.
"""

from __future__ import annotations

from ..model import Header, Line, Responsibility, Task
from ..restore import needs_restore

#: Lines read to tell a scan that lost its diacritics from clean text (the header uses as many).
_OCR_SAMPLE = 80


def _year(header: Header) -> int | None:
    d = header.date or header.attached_date
    return int(d[:4]) if d and d[:4].isdigit() else None


def extract_tasks(lines: list[Line], header: Header, *,
                  respelled: bool = False) -> tuple[list[Task], list[Responsibility]]:
    """The tasks and responsibilities of one document's lines.

    ``respelled``: the pipeline already put the diacritics back into these
    lines (a scan read through the restorer), so values are not restored again.
    """
    # Imported here so that each stage module can be imported (and tested) on its own.
    from .build import build_task
    from .outline import build_outline
    from .prose import find_prose_tasks
    from .resolve import resolve_deadlines
    from .responsibilities import find_responsibilities
    from .running_text import find_text_tasks
    from .tables import find_table_tasks

    root = build_outline(lines)
    raws = find_text_tasks(root, lines) + find_table_tasks(lines)
    if not raws:
        raws = find_prose_tasks(root, lines)
    year = _year(header)
    # the header asked the same of the same sample: the answer is cached
    ocr = not respelled and needs_restore("\n".join(ln.text for ln in lines[:_OCR_SAMPLE] if not ln.blank))
    tasks = [build_task(r, year=year, ocr=ocr) for r in raws]
    resolve_deadlines(tasks)
    return tasks, find_responsibilities(root, ocr=ocr)
