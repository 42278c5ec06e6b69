"""Tasks written as numbered items with field lines.

::

    1.1. Xây dựng Thông tư hướng dẫn ...
    - Đơn vị chủ trì: Cục Hộ tịch, quốc tịch, chứng thực.
    - Thời gian hoàn thành: trình Lãnh đạo Bộ trong Quý II/2021.

An item is a task when field lines hang directly below it; a heading whose
sub-items carry the fields is not (GOLD.md). Field lines may themselves be
numbered ("4.2. Cơ quan thực hiện:" over "- Cơ quan chủ trì thực hiện: ...")
or have their value on the following lines ("a) Cơ quan thực hiện" over
"- Cấp tỉnh: Sở Tư pháp chủ trì ...").
"""

from __future__ import annotations

import string

from ..model import Line, RawTask
from ..spans import Traced
from .fields import describes_procedures, match_label, section_kind
from .outline import Node

_TASK_FIELDS = ("lead", "support", "product", "deadline")


def _field_of(node: Node) -> tuple[str, str] | None:
    if node.kind in ("root", "roman", "head"):
        return None
    return match_label(node.text, whole_line=node.first_line)


def _collect(node: Node, out: dict[str, list[Traced]]) -> None:
    """Gather the field values that hang directly below ``node``."""
    for child in node.children:
        hit = _field_of(child)
        if hit is None:
            continue
        name, text = hit
        if name == "body":
            continue
        sub_fields = [c for c in child.children if _field_of(c)]
        if not text and sub_fields:  # "4.2. Cơ quan thực hiện:" over labelled lines
            _collect(child, out)
            continue
        value = child.traced().suffix(text) if text else Traced()
        if not text:
            value = Traced.join("\n", [c.full_traced() for c in child.children])
        elif not text.rstrip().endswith("."):
            # a list wrapped after its ";" became a paragraph of its own
            for c in child.children:
                if c.kind != "para":
                    break
                value = value + " " + c.traced()
        if value:
            out.setdefault(name, []).append(value)


def _title(node: Node) -> Traced:
    return node.traced().strip().rstrip(".:;").strip()


def find_text_tasks(root: Node, lines: list[Line]) -> list[RawTask]:
    """Every outline item that carries task fields, with its full number."""
    tasks: list[RawTask] = []
    if describes_procedures([ln.fold for ln in lines]):
        return tasks

    def visit(node: Node, no: str | None, skip: bool) -> None:
        if node.kind in ("roman", "head"):
            skip = section_kind(node.text) is not None
        letters = iter(string.ascii_lowercase)  # unnumbered sub-items that are tasks: 1a, 1b
        for child in node.children:
            if _field_of(child) is not None:
                continue
            if child.kind == "num":
                child_no = ".".join(map(str, child.path))
            elif child.kind == "letter":
                child_no = f"{no or ''}{child.marker}"
            elif child.kind in ("dash", "plus"):
                child_no = no or ""
            else:
                visit(child, no, skip)
                continue
            if not skip:
                fields: dict[str, list[Traced]] = {}
                _collect(child, fields)
                if any(k in fields for k in _TASK_FIELDS):
                    if child.kind in ("dash", "plus"):
                        child_no += next(letters, "")
                    title = _title(child)
                    traces = {k: Traced.join("\n- ", v) for k, v in fields.items()}
                    first, last = child.extent()
                    tasks.append(RawTask(
                        no=child_no, title=title.text,
                        fields={k: v.text for k, v in traces.items()},
                        line=child.start, source="text", end=last, first=first,
                        traces={"title": title, **traces}))
            visit(child, child_no, skip)

    visit(root, None, False)
    return tasks
