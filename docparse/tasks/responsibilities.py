"""Who is charged with what in "TỔ CHỨC THỰC HIỆN".

Each item of that section opens with the units it charges ("Sở Tài chính
chủ trì ...", "1.1. Sở Tư pháp:" over its duties). GOLD.md wants one entry
per unit charged, with the item's text; an item charging three units gives
three entries. Items that charge nobody ("Kinh phí thực hiện Kế hoạch này
được bố trí ...") give none.
"""

from __future__ import annotations

from ..model import Responsibility
from .build import repair
from .fields import section_kind
from .outline import Node
from .roles import read_roles


def _item_text(node: Node) -> str:
    """The item without its number; a "Unit:" heading gives the duties below it."""
    own = node.text.strip()
    below = [c.full_text() for c in node.children]
    if own.endswith(":") and below:
        return "\n".join(below)
    return "\n".join([own, *below]) if below else own


def _charged(node: Node, ocr: bool) -> list[Responsibility]:
    roles = read_roles(((repair(node.text) if ocr else node.text) or "").rstrip(":"))
    if not roles.lead:
        return []
    text = _item_text(node)
    return [Responsibility(unit=u, text=text) for u in roles.lead]


def find_responsibilities(root: Node, *, ocr: bool = False) -> list[Responsibility]:
    out: list[Responsibility] = []
    for sec in root.children:
        if sec.kind not in ("roman", "head") or section_kind(sec.text) != "responsibility":
            continue
        for item in sec.children:
            found = _charged(item, ocr)
            if not found and item.kind == "num":
                # "1. Trách nhiệm của các cơ quan, đơn vị" over "1.1. Sở Tư pháp:" ...
                for sub in item.children:
                    if sub.kind != "para":
                        found += _charged(sub, ocr)
            out += found
    return out
