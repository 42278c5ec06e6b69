"""Rich Text Format (.rtf) reader.

A small RTF tokenizer of our own rather than ``striprtf``: Vietnamese RTF
needs what a stripper throws away.

* **Code pages per font.** ``\\'xx`` bytes are decoded by the code page of the
  current font's ``\\fcharset`` (163 = Windows-1258), else the document's
  ``\\ansicpgN``. Windows-1258 writes tones as combining marks ("a" + U+0301),
  so every paragraph is NFC-composed. ``\\uN`` escapes are Unicode, and the
  ``\\ucN`` fallback characters after them are skipped.
* **Legacy fonts.** A run in a TCVN3 (``.VnTime``...) or VNI (``VNI-Times``...)
  font is converted by its font; the remaining text goes through detection
  (:mod:`docparse.legacy_encodings`), per paragraph.
* **Paragraphs and tables.** ``\\par`` ends a paragraph, ``\\line`` is a line
  break; ``\\intbl`` paragraphs closed by ``\\cell`` and ``\\row`` become a
  :class:`Table` whose grid comes from the rows' ``\\cellx`` edges, with
  horizontal (``\\clmgf``/``\\clmrg``) and vertical (``\\clvmgf``/``\\clvmrg``)
  merges as spans, like the .docx reader.
* bold/italic by majority of a paragraph's characters; list labels Word
  writes in ``\\pntext``/``\\listtext`` kept; fields keep their result;
  pictures, objects, headers, footers and ``\\*`` destinations skipped.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, replace

from .. import legacy_encodings as legacy
from ..model import Cell, Paragraph, SourceDocument, Table
from .styled import StyledParagraph

_TOKEN = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?"  # control word
    rb"|\\'([0-9a-fA-F]{2})"  # hex byte
    rb"|\\([^a-zA-Z'])"  # control symbol
    rb"|([{}])"
    rb"|[\r\n]+"
    rb"|([^\\{}\r\n]+)",
    re.S,
)

#: \fcharset -> code page (the others: the document's \ansicpg).
_CHARSETS = {
    0: None, 1: None, 2: "latin-1", 77: "mac_roman", 128: "cp932", 129: "cp949", 130: "johab", 134: "gbk",
    136: "big5", 161: "cp1253", 162: "cp1254", 163: "cp1258", 177: "cp1255", 178: "cp1256", 186: "cp1257",
    204: "cp1251", 222: "cp874", 238: "cp1250",
}

#: Destinations whose text is not body text.
_SKIP = frozenset({
    "colortbl", "stylesheet", "info", "pict", "header", "footer", "headerl", "headerr", "headerf", "footerl",
    "footerr", "footerf", "footnote", "fldinst", "objdata", "objclass", "listtable", "listoverridetable",
    "rsidtbl", "latentstyles", "themedata", "colorschememapping", "datastore", "xmlnstbl", "generator",
    "revtbl", "filetbl", "txe", "xe", "tc", "bkmkstart", "bkmkend", "annotation", "atnid", "atnauthor",
    "shpinst", "nonshppict", "do", "userprops", "docvar", "pgdsctbl", "protusertbl", "mmathPr", "pnseclvl",
    "template", "author", "operator", "title", "subject", "keywords", "comment", "doccomm", "company",
})

_SYMBOLS = {
    "emdash": "—", "endash": "–", "lquote": "‘", "rquote": "’", "ldblquote": "“", "rdblquote": "”",
    "bullet": "•", "emspace": " ", "enspace": " ", "qmspace": " ", "tab": "\t", "line": "\n",
    "nestcell": "\t", "nestrow": "\n",
}

#: Groups nested deeper than this are refused (a crafted file must not cost a deep stack).
_MAX_DEPTH = 512


@dataclass
class _State:
    font: int | None = None
    uc: int = 1
    bold: bool = False
    italic: bool = False
    skip: bool = False
    dest: str | None = None


_Para = StyledParagraph


@dataclass
class _CellDef:
    right: int
    hmerge: str | None = None  # "first" / "cont"
    vmerge: str | None = None


class _Parser:
    def __init__(self) -> None:
        self.codepage = "cp1252"
        self.default_font: int | None = None
        self.fonts: dict[int, tuple[str, str | None]] = {}  # number -> (name, code page)
        self.pages: int | None = None
        self.blocks: list[_Para | list[list[tuple[_CellDef | None, list[_Para]]]]] = []
        self.para = _Para()
        self.in_table = False
        self.rows: list[list[tuple[_CellDef | None, list[_Para]]]] = []
        self.row: list[tuple[_CellDef | None, list[_Para]]] = []
        self.cell: list[_Para] = []
        self.cell_defs: list[_CellDef] = []
        self.merge: tuple[str | None, str | None] = (None, None)  # (horizontal, vertical) of the next \cellx
        self.pending_bytes = bytearray()
        self.skip_chars = 0
        self.font_entry: int | None = None
        self.font_name: list[str] = []
        self.font_charset: int | None = None
        self.by_font: set[str] = set()

    # ---- text

    def _font(self, st: _State) -> tuple[str, str | None]:
        num = st.font if st.font is not None else self.default_font
        return self.fonts.get(num, ("", None)) if num is not None else ("", None)

    def emit(self, text: str, st: _State) -> None:
        if not text or st.skip:
            return
        if st.dest == "fonttbl":
            self.font_text(text)
            return
        name, _ = self._font(st)
        self.para.add(text, st.bold, st.italic, name)
        self.by_font |= self.para.runs.by_font

    def flush_bytes(self, st: _State) -> None:
        if not self.pending_bytes:
            return
        data = bytes(self.pending_bytes)
        self.pending_bytes.clear()
        name, cp = self._font(st)
        if legacy.font_encoding(name) is not None or st.dest == "fonttbl":
            text = legacy.as_bytes_text(data)  # the tables read bytes
        else:
            text = _decode(data, cp or self.codepage)
        self.emit(text, st)

    def font_text(self, text: str) -> None:
        for ch in text:
            if ch == ";":
                if self.font_entry is not None:
                    cp = _CHARSETS.get(self.font_charset) if self.font_charset is not None else None
                    self.fonts[self.font_entry] = ("".join(self.font_name).strip(), cp)
                self.font_name = []
            else:
                self.font_name.append(ch)

    # ---- structure

    def end_para(self) -> None:
        if self.in_table:
            self.cell.append(self.para)
        else:
            self.close_table()
            self.blocks.append(self.para)
        self.para = _Para()

    def end_cell(self) -> None:
        if not self.para.empty or not self.cell:
            self.cell.append(self.para)
        self.para = _Para()
        index = len(self.row)
        cdef = self.cell_defs[index] if index < len(self.cell_defs) else None
        self.row.append((cdef, self.cell))
        self.cell = []

    def end_row(self) -> None:
        if not self.para.empty:
            self.end_cell()
        # Writers that put the row definition after the cells: take it now.
        defs = self.cell_defs
        self.row = [(c if c is not None or k >= len(defs) else defs[k], paras)
                    for k, (c, paras) in enumerate(self.row)]
        self.rows.append(self.row)
        self.row = []
        self.cell = []
        self.para = _Para()

    def close_table(self) -> None:
        if self.row or self.cell:
            self.end_row()
        if self.rows:
            self.blocks.append(self.rows)
            self.rows = []

    # ---- control words

    def word(self, w: str, arg: int | None, st: _State, group_start: bool) -> None:
        if w == "bin":
            return  # handled by the loop
        if group_start and (w in _SKIP or w == "fonttbl"):
            if w == "fonttbl":
                st.dest = "fonttbl"
            else:
                st.skip = True
            return
        if w == "nofpages" and arg is not None:
            self.pages = arg
            return
        if st.dest == "fonttbl":
            if w == "f" and arg is not None:
                self.font_entry, self.font_name, self.font_charset = arg, [], None
            elif w == "fcharset" and arg is not None:
                self.font_charset = arg
            return
        if st.skip:
            return
        if w == "ansicpg" and arg is not None:
            self.codepage = f"cp{arg}"
        elif w == "deff" and arg is not None:
            self.default_font = arg
        elif w == "f" and arg is not None:
            st.font = arg
        elif w == "uc" and arg is not None:
            st.uc = max(0, arg)
        elif w == "u" and arg is not None:
            code = arg + 65536 if arg < 0 else arg
            self.emit(chr(code) if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000 else "", st)
            self.skip_chars = st.uc
        elif w == "b":
            st.bold = arg != 0
        elif w == "i":
            st.italic = arg != 0
        elif w == "plain":
            st.bold = st.italic = False
            st.font = None
        elif w in ("par", "sect"):
            self.end_para()
        elif w == "pard":
            self.in_table = False
        elif w == "intbl":
            self.in_table = True
        elif w == "cell":
            self.end_cell()
        elif w == "row":
            self.end_row()
        elif w == "trowd":
            self.cell_defs = []
            self.merge = (None, None)
        elif w in ("clmgf", "clmrg", "clvmgf", "clvmrg"):
            h, v = self.merge
            if w == "clmgf":
                h = "first"
            elif w == "clmrg":
                h = "cont"
            elif w == "clvmgf":
                v = "first"
            else:
                v = "cont"
            self.merge = (h, v)
        elif w == "cellx" and arg is not None:
            self.cell_defs.append(_CellDef(arg, *self.merge))
            self.merge = (None, None)
        elif w in _SYMBOLS:
            self.emit(_SYMBOLS[w], st)

    def symbol(self, ch: str, st: _State) -> None:
        if ch in "\\{}":
            self.emit(ch, st)
        elif ch == "~":
            self.emit("\u00a0", st)
        elif ch == "_":
            self.emit("-", st)
        elif ch in "\r\n":
            if not st.skip and st.dest != "fonttbl":
                self.end_para()
        elif ch == "*":
            st.skip = True
        # "\-" (optional hyphen), "\:" and the others: nothing to show


def _decode(data: bytes, codepage: str) -> str:
    try:
        codecs.lookup(codepage)
    except LookupError:
        codepage = "cp1252"
    return data.decode(codepage, errors="replace")


def _parse(data: bytes) -> _Parser:
    from . import ReadError

    p = _Parser()
    stack: list[_State] = []
    st = _State()
    pos, n = 0, len(data)
    group_start = False
    while pos < n:
        m = _TOKEN.match(data, pos)
        if m is None:  # a lone backslash at the end
            break
        pos = m.end()
        word, arg, hexbyte, sym, brace, text = m.groups()
        if hexbyte is not None:
            if p.skip_chars:
                p.skip_chars -= 1
                continue
            p.pending_bytes.append(int(hexbyte, 16))
            group_start = False
            continue
        p.flush_bytes(st)
        if brace is not None:
            p.skip_chars = 0
            if brace == b"{":
                if len(stack) >= _MAX_DEPTH:
                    raise ReadError("Tệp RTF lồng nhau quá sâu (có thể bị hỏng)")
                stack.append(st)
                st = replace(st)
                group_start = True
            else:
                if st.dest == "fonttbl" and p.font_name and p.font_entry is not None:
                    p.font_text(";")  # an entry closed without its ";"
                st = stack.pop() if stack else _State()
                group_start = False
            continue
        if word is not None:
            w = word.decode("ascii")
            value = int(arg) if arg is not None else None
            if w == "bin" and value:
                pos = min(n, pos + max(0, value))  # raw binary data: skipped
            else:
                p.skip_chars = 0 if w != "u" else p.skip_chars
                p.word(w, value, st, group_start)
            group_start = False
            continue
        if sym is not None:
            p.symbol(sym.decode("latin-1"), st)
            group_start = group_start and sym == b"*"
            continue
        if text is not None:
            group_start = False
            if p.skip_chars:
                k = min(p.skip_chars, len(text))
                p.skip_chars -= k
                text = text[k:]
            if text:
                # 8-bit bytes written raw (not as \'xx) are in the same code page
                if text.isascii():
                    p.emit(text.decode("ascii"), st)
                else:
                    p.pending_bytes.extend(text)
                    p.flush_bytes(st)
    p.flush_bytes(st)
    if not p.para.empty:
        p.end_para()
    p.close_table()
    return p


# ----------------------------------------------------------------- tables


def _grid(rows: list[list[tuple[_CellDef | None, list[_Para]]]]) -> list[int]:
    edges = sorted({c.right for row in rows for c, _ in row if c is not None})
    return edges


def _cell_text(paras: list[_Para]) -> tuple[str, bool]:
    texts = [p.text() for p in paras]
    chars = sum(p.chars for p in paras)
    bold = sum(p.bold for p in paras)
    return "\n".join(texts).strip("\n"), chars > 0 and 2 * bold > chars


def _table(rows: list[list[tuple[_CellDef | None, list[_Para]]]]) -> Table:
    grid = _grid(rows)
    cells: list[Cell] = []
    open_v: dict[int, Cell] = {}
    n_cols = 0
    for r, row in enumerate(rows):
        col = 0
        prev: Cell | None = None
        for cdef, paras in row:
            if cdef is not None and grid:
                end = grid.index(cdef.right) if cdef.right in grid else len(grid) - 1
                span = max(1, end - col + 1)
            else:
                span = 1
            text, bold = _cell_text(paras)
            if cdef is not None and cdef.hmerge == "cont" and prev is not None:
                prev.colspan += span
                col += span
                continue
            if cdef is not None and cdef.vmerge == "cont" and col in open_v:
                above = open_v[col]
                above.rowspan = r - above.row + 1
                if text.strip():
                    above.text = (above.text + "\n" + text).strip("\n")
                prev = None
                col += span
                continue
            cell = Cell(text=text, row=r, col=col, colspan=span, bold=bold)
            cells.append(cell)
            for k in range(col, col + span):
                open_v.pop(k, None)
            if cdef is not None and cdef.vmerge == "first":
                open_v[col] = cell
            prev = cell
            col += span
        n_cols = max(n_cols, col)
    return Table(cells=cells, n_rows=len(rows), n_cols=max(n_cols, len(grid)))


# ----------------------------------------------------------------- entry point


def _detect(p: _Parser) -> str | None:
    """Detection for the text not converted by its font (sets each paragraph's encoding)."""
    paras: list[_Para] = []
    for b in p.blocks:
        if isinstance(b, _Para):
            paras.append(b)
        else:
            paras += [q for row in b for _, cell in row for q in cell]
    return legacy.assign_encodings([q.runs for q in paras])


def read_rtf(data: bytes, *, max_pages: int = 500) -> SourceDocument:
    from . import ReadError

    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    p = _parse(data)
    if p.pages is not None and p.pages > max_pages:
        raise ReadError(f"Văn bản quá dài ({p.pages} trang; giới hạn {max_pages} trang)")
    warnings: list[str] = []
    found = _detect(p)
    blocks: list[Paragraph | Table] = []
    for b in p.blocks:
        if isinstance(b, _Para):
            n = b.chars
            blocks.append(Paragraph(b.text(), bold=n > 0 and 2 * b.bold > n, italic=n > 0 and 2 * b.italic > n))
        else:
            blocks.append(_table(b))
    if found is not None:
        warnings.append(f"Văn bản gõ bằng bảng mã cũ {legacy.label(found)} (nhận ra theo nội dung): "
                        "đã chuyển sang Unicode")
    for enc in sorted(p.by_font):
        warnings.append(f"Văn bản dùng phông {legacy.label(enc)}: đã chuyển sang Unicode")
    if not any((isinstance(b, Paragraph) and b.text.strip()) or isinstance(b, Table) for b in blocks):
        warnings.append("Tệp RTF không có nội dung văn bản")
    return SourceDocument(blocks=blocks, format="rtf", pages=p.pages, warnings=warnings)
