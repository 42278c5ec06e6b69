"""Work assigned in sentences rather than in field lines.

Decisions and official letters assign work in two ways:

* one sentence names lead and supporters: "Điều 2. Giao Sở Tư pháp chủ
  trì, phối hợp với các sở, ngành có liên quan ... tổ chức triển khai ...";
* an item names a unit and its lettered sub-items say what it must do:
  "1. Sở Công Thương" / "a) Rà soát ..." / "b) Chủ trì, phối hợp với ...".

Both give RawTasks whose lead field is the sentence itself; the builder
reads the roles out of it like any other lead value.
"""

from __future__ import annotations

import re
import string
from functools import cache

from ..model import Line, RawTask
from ..normalize import fold, fold_alternation
from ..spans import Traced
from .fields import config, section_kind
from .outline import Node
from .roles import patterns, read_roles

_CUE_WINDOW = 300
_ARTICLE = re.compile(r"^\s*(?:Điều|Dieu|ĐIỀU)\s+(\d+)\s*[.:]\s*", re.IGNORECASE)


@cache
def _deadline_re() -> re.Pattern[str]:
    cues = config()["prose"]["deadline_cues"]
    return re.compile(rf"(?:{fold_alternation(cues)})\b[^.;]*")


def _deadline_clause(text: Traced) -> Traced | None:
    m = _deadline_re().search(fold(text.text))
    return text[m.start():m.end()].strip(" ,") if m else None


@cache
def _cue_re() -> re.Pattern[str]:
    prose = config()["prose"]
    return re.compile(rf"\b(?:{fold_alternation(prose['openers'] + prose['lead_roles'])})\b")


def _is_assignment(text: str) -> bool:
    """An opener ("Giao ...") or a lead role ("... chủ trì") with work after the units."""
    p = patterns()
    f = fold(text)
    if not _cue_re().search(f[:_CUE_WINDOW]):
        return False  # cheap test first: the units are only read where a cue is near
    roles = read_roles(text)
    if not roles.lead or not roles.rest.strip(" .;,:"):
        return False  # "Giao các cơ quan, đơn vị:" heads a list; its items are the tasks
    return bool(p["opener"].match(f)) or roles.cued


def _raw(no: str | None, title: Traced, sentence: Traced, line: int, end: int,
         first: int | None = None) -> RawTask:
    fields = {"lead": sentence}
    clause = _deadline_clause(sentence)
    if clause:
        fields["deadline"] = clause
    title = title.strip().rstrip(".;:").strip()
    return RawTask(no=no, title=title.text, fields={k: v.text for k, v in fields.items()}, line=line,
                   source="prose", end=end, first=line if first is None else first,
                   traces={"title": title, **fields})


def _unit_heading(node: Node) -> bool:
    """"1. Sở Công Thương", "1. Bộ Tài chính chủ trì, phối hợp với ...:": units (and their
    roles) over lettered duties, with nothing to do in the item itself."""
    if not any(c.kind in ("letter", "dash") for c in node.children):
        return False
    roles = read_roles(node.text.strip().rstrip(":."))
    return bool(roles.lead) and not roles.rest.strip(" .;,:")


def find_prose_tasks(root: Node, lines: list[Line]) -> list[RawTask]:
    tasks: list[RawTask] = []

    def visit(node: Node, skip: bool) -> None:
        for child in node.children:
            child_skip = skip
            if child.kind in ("roman", "head"):
                child_skip = section_kind(child.text) == "skip"
            text = child.text
            m = _ARTICLE.match(text)
            if not child_skip and m and _is_assignment(text[m.end():]):
                body = child.traced()[m.end():]
                tasks.append(_raw(f"Điều {m.group(1)}", body, body, child.start, child.end - 1))
            elif not child_skip and child.kind == "num" and _unit_heading(child):
                head = child.traced().strip().rstrip(":.")
                no = ".".join(map(str, child.path))
                k = 0
                for sub in child.children:
                    if sub.kind not in ("letter", "dash"):
                        continue
                    letter = sub.marker if sub.kind == "letter" else string.ascii_lowercase[k % 26]
                    k += 1
                    duty = sub.traced()
                    sentence = _join_lead(head, duty)
                    first, last = sub.extent()
                    tasks.append(_raw(f"{no}{letter}", duty, sentence, sub.start, last, first))
                continue
            elif not child_skip and child.kind in ("num", "letter", "dash", "para") and _is_assignment(text):
                no = ".".join(map(str, child.path)) if child.kind == "num" else None
                own = child.traced()
                tasks.append(_raw(no, own, own, child.start, child.end - 1))
            visit(child, child_skip)

    visit(root, False)
    return tasks


def _join_lead(head: Traced, duty: Traced) -> Traced:
    """The heading's units as the subject of the duty: "Công an tỉnh chủ trì, phối hợp với ..."."""
    if not duty:
        return head
    return head + ": " + duty[:1].with_text(duty.text[:1].lower()) + duty[1:]
