"""From a reader's blocks to normalised lines, and from lines to paragraphs.

Every extractor reads :class:`~docparse.model.Line` objects: one place where
normalisation happens, and a fold computed once per line instead of once per
rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import Line, Paragraph, SourceDocument, Table
from .normalize import collapse_ws, fold, is_upper_line, normalize_text
from .spans import STRIDE, Traced

_NON_WS = re.compile(r"\S")


def _make_lines(text: str, start: int, **attrs: object) -> list[Line]:
    out = []
    for i, raw in enumerate(text.split("\n")):
        t = normalize_text(raw.rstrip("\r"))
        out.append(Line(text=t, fold=fold(t), index=start + i, **attrs))  # type: ignore[arg-type]
    return out


def to_lines(src: SourceDocument) -> list[Line]:
    """Flatten blocks into lines in reading order; table cells row by row."""
    lines: list[Line] = []
    for t_index, block in enumerate(src.blocks):
        if isinstance(block, Paragraph):
            lines += _make_lines(block.text, len(lines), bold=block.bold, italic=block.italic,
                                 page=block.page, role=block.role)
        elif isinstance(block, Table):
            for row in block.rows():
                for cell in row:
                    lines += _make_lines(cell.text, len(lines), bold=cell.bold, page=block.page,
                                         table=t_index, row=cell.row, col=cell.col)
    return lines


def lines_from_text(text: str) -> list[Line]:
    """Lines of a plain string: what table tests and ``parse_text`` use."""
    return _make_lines(text, 0)


@dataclass
class Para:
    """A logical paragraph: hard-wrapped lines joined back into one string."""

    text: str
    start: int  # index of the first line (into the line list it came from)
    end: int  # index after the last line
    cell: tuple[int, int, int] | None = None  # (table, row, col) when inside a table
    #: the lines joined (blank ones left out)
    parts: list[Line] = field(default_factory=list, repr=False, compare=False)
    _traced: Traced | None = field(default=None, init=False, repr=False, compare=False)

    def traced(self) -> Traced:
        """``text`` with the place of each character in the lines (computed on first use).

        Joining only strips and changes white space, so the non-space
        characters of ``text`` are those of the lines, in order.
        """
        if self._traced is None:
            self._traced = self._by_lines() or self._by_characters()
        return self._traced

    def _by_lines(self) -> Traced | None:
        """The usual case: the lines, stripped, joined with one space."""
        pos: list[int] = []
        for ln in self.parts:
            t = ln.text
            a = len(t) - len(t.lstrip())
            b = len(t.rstrip())
            if a >= b:
                continue
            if pos:
                pos.append(-1)
            base = ln.index * STRIDE
            pos += range(base + a, base + b)
        if len(pos) != len(self.text):
            return None
        text = self.text
        k = 0
        for ln in self.parts:  # same length: check the characters are the same
            t = ln.text.strip()
            if not t:
                continue
            if text.startswith(t, k):
                k += len(t) + 1
            else:
                return None
        return Traced(text, pos)

    def _by_characters(self) -> Traced:
        src = [ln.index * STRIDE + m.start() for ln in self.parts for m in _NON_WS.finditer(ln.text)]
        pos = [-1] * len(self.text)
        hits = [m.start() for m in _NON_WS.finditer(self.text)]
        if len(hits) == len(src):
            for k, p in zip(hits, src, strict=True):
                pos[k] = p
        return Traced(self.text, pos)


_MARKER = re.compile(
    r"^\s*(?:[-+•*–]\s|\d+(?:\.\d+)*[.)]\s|[a-zđ][)]\s|[IVXLC]+[.)]\s|dieu\s+\d+|can cu\b|noi nhan|kinh gui|"
    r"quyet dinh\s*:|thuc hien\b|theo de nghi)",
)
# Words a Vietnamese sentence cannot end on: a line ending with one goes on.
_OPEN_END = re.compile(r"\b(?:va|cua|cac|voi|ve|cho|theo|tai|trong|tu|den|de|nhung|hoac|la|thuoc)\s*$")
_TERMINAL = re.compile(r"[.;:!?]\s*$|\./\.\s*$")


def _starts_new(prev: Line, line: Line, gap: bool) -> bool:
    if line.table != prev.table or line.row != prev.row or line.col != prev.col:
        return True
    if _MARKER.match(line.fold):
        return True
    prev_t = prev.text.rstrip()
    if prev_t.endswith(("-", "/", ",")) or _OPEN_END.search(prev.fold):
        return False  # a line ending in a comma or a joining word always goes on
    first = line.text.lstrip()[:1]
    if first.islower() and not prev_t.endswith((".", "!", "?")):
        return False  # "...từ sổ giấy;" + "chuyển đổi và ...": one item wrapped after its ";"
    if _TERMINAL.search(prev_t):
        return True
    if first.islower() or first.isdigit() or first in "(“\"":
        return False
    # Capitals after a line with no closing punctuation: a new paragraph only
    # if a blank line separated them (titles, headings) or either is a title.
    if is_upper_line(prev.text) != is_upper_line(line.text):
        return True
    return gap


def _join(parts: list[str]) -> str:
    out = ""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if not out:
            out = p
        elif out.endswith(("-", "/")) and re.search(r"[A-ZĐ0-9][-/]$", out):
            out += p  # a number or symbol broken at its hyphen: "2173/QĐ-" + "BTP"
        else:
            out += " " + p
    return collapse_ws(out)  # the parts are stripped: the same as re.sub(r"\s+", " ", out)


def paragraphs(lines: list[Line]) -> list[Para]:
    """Join hard-wrapped lines (also across the blank lines some exports add)."""
    paras: list[Para] = []
    cur: list[Line] = []
    gap = False
    for line in lines:
        if line.blank:
            gap = True
            continue
        if cur and _starts_new(cur[-1], line, gap):
            paras.append(_para(cur))
            cur = []
        cur.append(line)
        gap = False
    if cur:
        paras.append(_para(cur))
    return paras


def _para(cur: list[Line]) -> Para:
    first = cur[0]
    cell = (first.table, first.row or 0, first.col or 0) if first.table is not None else None
    return Para(text=_join([x.text for x in cur]), start=first.index, end=cur[-1].index + 1, cell=cell,
                parts=cur)
