"""The numbered outline of a document's running text.

Plans are outlines: ``II. NỘI DUNG`` / ``1.`` / ``1.1.`` / ``a)`` / ``-`` /
``+``. Tasks, their field lines and the "TỔ CHỨC THỰC HIỆN" items are all
nodes of that outline, so the tree is built once and every finder walks it.

Pages can reach us out of order (a scan fed in the wrong order, a PDF whose
text layer puts a section's tail before its heading). The numbering says
where each part belongs: an item ``3.`` that cannot follow the ``1.`` of the
current section but follows the ``2.`` of an earlier one goes there, and an
item ``4.2.`` whose parent ``4.`` has not been seen yet waits for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..lines import Para, paragraphs
from ..model import Line
from ..normalize import is_upper_line
from ..spans import Traced

_ROMAN = re.compile(r"^([IVXL]{1,6})\s*[.)/]\s*(?=\S)")
_NUM = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,4})(?:\.|\))\s*(?=\S)|^(\d{1,2}(?:\.\d{1,2}){1,4})\s+(?=\S)")
_LETTER = re.compile(r"^([a-zđ])\)\s*(?=\S)")
_DASH = re.compile(r"^(?:[-–•]\s*)+(?=\S)")
_PLUS = re.compile(r"^\+\s*(?=\S)")
_SIGN_OFF = re.compile(r"^\s*noi nhan\s*:?")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}


def roman_value(s: str) -> int:
    total = 0
    for a, b in zip(s, s[1:] + " ", strict=True):
        v = _ROMAN_VALUES[a]
        total += -v if b != " " and _ROMAN_VALUES[b] > v else v
    return total


@dataclass(eq=False)
class Node:
    """One outline item: its marker, its own text, and what hangs below it."""

    kind: str  # "root", "roman", "num", "letter", "dash", "plus", "para"
    marker: str
    text: str
    start: int  # line index of the first line
    end: int = 0  # line index after the last line of the item's own paragraph
    path: tuple[int, ...] = ()
    #: the first printed line of the item, without its marker: a label alone
    #: on it ("a) Cơ quan thực hiện") has its value on the lines below
    first_line: str = ""
    children: list[Node] = field(default_factory=list)
    parent: Node | None = field(default=None, repr=False)
    #: the top-level section (roman item, or the root) the item belongs to
    section: Node | None = field(default=None, repr=False)
    #: the paragraph the item was read from
    para: Para | None = field(default=None, repr=False)

    def add(self, child: Node) -> None:
        child.parent = self
        self.children.append(child)

    def walk(self):  # type: ignore[no-untyped-def]
        yield self
        for c in self.children:
            yield from c.walk()

    def full_text(self, sep: str = "\n") -> str:
        """The item's text with all it contains, one paragraph per line."""
        parts = [_with_marker(self)] if self.kind != "root" else []
        for c in self.children:
            parts.append(c.full_text(sep))
        return sep.join(p for p in parts if p)

    def traced(self) -> Traced:
        """``text`` with the place in the document of each character."""
        if self.para is None:
            return Traced(self.text)
        return self.para.traced().suffix(self.text)

    def full_traced(self, sep: str = "\n") -> Traced:
        """:meth:`full_text` with the place in the document of each character."""
        parts = [_with_marker_traced(self)] if self.kind != "root" else []
        for c in self.children:
            parts.append(c.full_traced(sep))
        return Traced.join(sep, [p for p in parts if p])

    def extent(self) -> tuple[int, int]:
        """(first, last) line index of the item and all it contains (pages put back in
        order by their numbering may bring parts from elsewhere in the file)."""
        nodes = [n for n in self.walk() if n.kind != "root"] or [self]
        return min(n.start for n in nodes), max(n.end for n in nodes) - 1


def _with_marker(n: Node) -> str:
    if n.kind in ("dash", "plus"):
        return f"{n.marker} {n.text}"
    return n.text if n.kind in ("para", "root") else f"{n.marker} {n.text}".strip()


def _with_marker_traced(n: Node) -> Traced:
    if n.kind in ("dash", "plus"):
        return f"{n.marker} " + n.traced()
    return n.traced() if n.kind in ("para", "root") else (f"{n.marker} " + n.traced()).strip()


def parse_marker(text: str) -> tuple[str, str, tuple[int, ...], str]:
    """(kind, marker, path, rest) of a paragraph's leading list marker."""
    t = text.lstrip()
    m = _ROMAN.match(t)
    if m and not re.match(r"^[IVXL]{1,6}\s*[.)/]\s*\d", t):
        return "roman", m.group(1), (roman_value(m.group(1)),), t[m.end():]
    m = _NUM.match(t)
    if m:
        num = m.group(1) or m.group(2)
        return "num", num, tuple(int(x) for x in num.split(".")), t[m.end():]
    m = _LETTER.match(t)
    if m:
        return "letter", m.group(1), (), t[m.end():]
    m = _PLUS.match(t)
    if m:
        return "plus", "+", (), t[m.end():]
    m = _DASH.match(t)
    if m:
        rest = t[m.end():]
        if rest.startswith("+"):  # "- + Nhóm sổ ...": an export's doubled mark
            return "plus", "+", (), rest[1:].lstrip()
        return "dash", "-", (), rest
    return "para", "", (), t


def _is_heading(text: str) -> bool:
    """An unnumbered heading in capitals ("TỔ CHỨC THỰC HIỆN") opens a section."""
    return len(text) < 150 and is_upper_line(text) and not text.rstrip().endswith((",", ";"))


class _Builder:
    def __init__(self) -> None:
        self.root = Node("root", "", "", 0)
        self.root.section = self.root
        self.sections: list[Node] = [self.root]
        self.section = self.root
        self.last_top: dict[int, int] = {}  # id(section) -> last top-level number
        self.by_path: dict[tuple[int, tuple[int, ...]], Node] = {}
        self.orphans: dict[tuple[int, ...], list[Node]] = {}
        self.chain: list[Node] = [self.root]  # the open items, outermost first

    def add(self, p: Para, first_line: str) -> None:
        kind, marker, path, rest = parse_marker(p.text)
        node = Node(kind, marker, rest.strip(), p.start, p.end, path, parse_marker(first_line)[3].strip(),
                    para=p)
        if kind == "para" and _is_heading(node.text):
            kind = node.kind = "head"
        if kind in ("roman", "head"):
            self.root.add(node)
            node.section = node
            self.sections.append(node)
            self.section = node
            self.chain = [node]
        elif kind == "num":
            self._add_num(node)
        elif kind == "para":
            node.section = self.chain[-1].section
            self.chain[-1].add(node)
        else:
            self._add_mark(node)

    def _add_num(self, node: Node) -> None:
        if len(node.path) == 1:
            sec = self._section_for(node.path[0])
            self.section = sec
            sec.add(node)
        else:
            parent = self._find(node.path[:-1])
            if parent is None:
                node.section = self.section
                self.orphans.setdefault(node.path[:-1], []).append(node)
                self.chain = [node]
                return
            parent.add(node)
            self.section = parent.section or self.root
        node.section = self.section
        self.by_path[(id(self.section), node.path)] = node
        if len(node.path) == 1:
            self.last_top[id(self.section)] = node.path[0]
        for orphan in self.orphans.pop(node.path, []):
            node.add(orphan)
            orphan.section = self.section
            self.by_path[(id(self.section), orphan.path)] = orphan
        self.chain = [node]

    def _section_for(self, n: int) -> Node:
        """The section whose numbering an item ``n.`` continues.

        The current one, unless the numbering cannot go on there (going back,
        or a jump) or pages are known to be shuffled (items wait for a parent
        not seen yet), and an earlier section expects exactly ``n``.
        """
        last = self.last_top.get(id(self.section))
        if last is None and n == 1 or last is not None and last + 1 == n:
            return self.section
        shuffled = bool(self.orphans) or last is None or n <= last or n > last + 2
        if shuffled and n > 1:
            for sec in reversed(self.sections):
                if sec is not self.section and self.last_top.get(id(sec), 0) + 1 == n:
                    return sec
        return self.section

    def _find(self, path: tuple[int, ...]) -> Node | None:
        hit = self.by_path.get((id(self.section), path))
        if hit is not None:
            return hit
        for sec in reversed(self.sections):
            hit = self.by_path.get((id(sec), path))
            if hit is not None:
                return hit
        for chain_node in reversed(self.chain):  # an orphan's own sub-items
            if chain_node.kind == "num" and chain_node.path == path:
                return chain_node
        return None

    def _add_mark(self, node: Node) -> None:
        """Letters, dashes and pluses: a mark already open is a sibling, a new one a child."""
        for i in range(len(self.chain) - 1, 0, -1):
            if self.chain[i].kind == node.kind:
                self.chain = self.chain[:i]
                break
        parent = self.chain[-1]
        parent.add(node)
        node.section = parent.section
        self.chain.append(node)

    def finish(self) -> Node:
        for path, nodes in self.orphans.items():  # parents never seen: keep them at top level
            for n in nodes:
                n.path = path + n.path[len(path):]
                self.root.add(n)
        for n in self.root.walk():  # orphans were attached first: put numbered children in order
            slots = [i for i, c in enumerate(n.children) if c.kind == "num"]
            ordered = sorted((n.children[i] for i in slots), key=lambda c: c.path)
            for i, c in zip(slots, ordered, strict=True):
                n.children[i] = c
        return self.root


def build_outline(lines: list[Line]) -> Node:
    """The outline tree of the running text in ``lines`` (table cells are left out)."""
    b = _Builder()
    body = []
    skipping = False
    for ln in lines:
        if ln.table is not None:
            continue
        if _SIGN_OFF.match(ln.fold):
            skipping = True  # "Nơi nhận:" lists recipients, not duties ...
        elif skipping and not ln.blank and is_upper_line(ln.text):
            skipping = False  # ... until the next heading (signature, PHỤ LỤC)
        if not skipping:
            body.append(ln)
    first = {ln.index: ln.text for ln in body}
    for p in paragraphs(body):
        b.add(p, first[p.start])
    return b.finish()
