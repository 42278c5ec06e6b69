"""OpenDocument text (.odt) reader: ``content.xml`` read with lxml.

No odfpy: lxml (already there for python-docx) walks the XML directly, the
way :mod:`.docx` does, and the zip members are read with a size bound.

What it keeps, in body order:

* ``text:p`` and ``text:h`` as paragraphs (also inside lists, sections and
  text boxes), ``text:s`` as spaces, ``text:tab`` as ``"\\t"``,
  ``text:line-break`` as ``"\\n"``; notes, annotations and tracked deletions
  are dropped;
* list labels rendered from the list style (``1.``, ``a)``, ``-``), because
  rules look for them;
* ``table:table`` as :class:`Table` with merged cells once
  (``number-columns-spanned`` / ``number-rows-spanned``; covered cells are
  skipped), a table nested in a cell flattened into the cell's text;
* bold/italic by majority of characters, from the paragraph and span styles
  (automatic styles of content.xml, named styles of styles.xml, parents);
* legacy Vietnamese text: runs in a TCVN3/VNI font converted by font, the rest
  by detection (:mod:`docparse.legacy_encodings`).

Zip safety: every member read is bounded (:data:`MAX_MEMBER`) by its declared
size *and* by what is actually inflated; a generic zip check runs before any
reader (``readers/safety.py``).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from .. import legacy_encodings as legacy
from ..model import Cell, Paragraph, SourceDocument, Table
from .safety import deep_xml_error
from .styled import StyledParagraph

#: Largest zip member read (inflated bytes).
MAX_MEMBER = 64 * 1024 * 1024

OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
FO = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"
DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
SVG = "{urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0}"
META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"

_SKIP_INLINE = frozenset({TEXT + "note", OFFICE + "annotation", OFFICE + "annotation-end", TEXT + "bookmark",
                          TEXT + "bookmark-start", TEXT + "bookmark-end", TEXT + "reference-mark-start",
                          TEXT + "reference-mark-end", TEXT + "soft-page-break", TEXT + "change",
                          TEXT + "change-start", TEXT + "change-end", TEXT + "tracked-changes"})
_SKIP_BLOCK = frozenset({TEXT + "tracked-changes", TEXT + "sequence-decls", TEXT + "variable-decls",
                         TEXT + "user-field-decls", OFFICE + "forms", TEXT + "table-of-content-source",
                         TEXT + "index-title-template"})


def _read_member(z: zipfile.ZipFile, name: str) -> bytes | None:
    """A member's bytes, or None when absent; refused past :data:`MAX_MEMBER` (declared or inflated)."""
    from . import ReadError

    try:
        info = z.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_MEMBER:
        raise ReadError("Tệp .odt có phần nội dung quá lớn (có thể là tệp độc hại)",
                        detail=f"{name}: {info.file_size} bytes declared")
    with z.open(info) as fh:
        data = fh.read(MAX_MEMBER + 1)
    if len(data) > MAX_MEMBER:
        raise ReadError("Tệp .odt có phần nội dung quá lớn (có thể là tệp độc hại)",
                        detail=f"{name}: inflates past {MAX_MEMBER} bytes")
    return data


def _parse_xml(data: bytes):  # type: ignore[no-untyped-def]
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    return etree.fromstring(data, parser)


# ----------------------------------------------------------------- styles


@dataclass
class _Style:
    parent: str | None = None
    bold: bool | None = None
    italic: bool | None = None
    font: str | None = None
    list_style: str | None = None


@dataclass
class _ListLevel:
    kind: str = "number"  # number / bullet / none
    fmt: str = "1"
    prefix: str = ""
    suffix: str = "."
    bullet: str = "•"
    start: int = 1


class _Styles:
    def __init__(self) -> None:
        self.raw: dict[tuple[str, str], _Style] = {}  # (family, name)
        self.fonts: dict[str, str] = {}  # style:font-face name -> family
        self.lists: dict[str, dict[int, _ListLevel]] = {}
        self.defaults: dict[str, _Style] = {}
        self._cache: dict[tuple[str, str], tuple[bool | None, bool | None, str | None]] = {}

    def load(self, root) -> None:  # type: ignore[no-untyped-def]
        if root is None:
            return
        for face in root.iter(STYLE + "font-face"):
            name = face.get(STYLE + "name")
            if name:
                self.fonts[name] = (face.get(SVG + "font-family") or name).strip("'\"")
        for st in root.iter(STYLE + "style", STYLE + "default-style"):
            s = _Style(parent=st.get(STYLE + "parent-style-name"), list_style=st.get(STYLE + "list-style-name"))
            props = st.find(STYLE + "text-properties")
            if props is not None:
                w = props.get(FO + "font-weight")
                if w is not None:
                    s.bold = w in ("bold", "600", "700", "800", "900")
                f = props.get(FO + "font-style")
                if f is not None:
                    s.italic = f in ("italic", "oblique")
                font = props.get(STYLE + "font-name") or props.get(FO + "font-family")
                if font:
                    s.font = self.fonts.get(font, font.strip("'\""))
            family = st.get(STYLE + "family") or "paragraph"
            if st.tag == STYLE + "default-style":
                self.defaults[family] = s
            else:
                self.raw[(family, st.get(STYLE + "name") or "")] = s
        for ls in root.iter(TEXT + "list-style"):
            levels: dict[int, _ListLevel] = {}
            for lv in ls:
                level = int(lv.get(TEXT + "level") or 1)
                if lv.tag == TEXT + "list-level-style-number":
                    levels[level] = _ListLevel("number", lv.get(STYLE + "num-format") or "",
                                               lv.get(STYLE + "num-prefix") or "", lv.get(STYLE + "num-suffix") or "",
                                               start=_int(lv.get(TEXT + "start-value"), 1))
                elif lv.tag == TEXT + "list-level-style-bullet":
                    char = lv.get(TEXT + "bullet-char") or "•"
                    # symbol-font bullets (U+F0B7...) have no meaning without their font
                    levels[level] = _ListLevel("bullet", bullet="•" if 0xF000 <= ord(char[0]) <= 0xF0FF else char)
                else:
                    levels[level] = _ListLevel("none")
            self.lists[ls.get(STYLE + "name") or ""] = levels

    def flags(self, family: str, name: str | None) -> tuple[bool | None, bool | None, str | None]:
        """(bold, italic, font) a style sets through its parents (None = not set)."""
        if not name:
            d = self.defaults.get(family)
            return (d.bold, d.italic, d.font) if d else (None, None, None)
        key = (family, name)
        if key in self._cache:
            return self._cache[key]
        self._cache[key] = (None, None, None)  # cycle guard
        s = self.raw.get(key)
        if s is None:
            return self.flags(family, None)
        pb, pi, pf = self.flags(family, s.parent)
        out = (s.bold if s.bold is not None else pb, s.italic if s.italic is not None else pi,
               s.font if s.font is not None else pf)
        self._cache[key] = out
        return out


def _int(v: str | None, default: int) -> int:
    try:
        return int(v) if v is not None else default
    except ValueError:
        return default


_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("i", "I"):
        out, v = "", max(n, 1)
        for value, sym in _ROMAN:
            while v >= value:
                out += sym
                v -= value
        return out.upper() if fmt == "I" else out
    if fmt in ("a", "A"):
        v = max(n, 1) - 1
        letter = chr(ord("a") + v % 26) * (v // 26 + 1)
        return letter.upper() if fmt == "A" else letter
    return str(n) if fmt else ""


# ----------------------------------------------------------------- body


_Para = StyledParagraph


@dataclass
class _Grid:
    """A table being read: cells as (row, col, rowspan, colspan, paragraphs or nested grids)."""

    cells: list[tuple[int, int, int, int, list]] = field(default_factory=list)
    n_rows: int = 0
    n_cols: int = 0


_Block = _Para | _Grid


class _Reader:
    def __init__(self, styles: _Styles) -> None:
        self.styles = styles
        self.counters: dict[int, dict[int, int]] = {}
        self.paras: list[_Para] = []

    def blocks(self, parent, out: list[_Block], list_ctx: tuple[str | None, int, int] | None = None) -> None:  # type: ignore[no-untyped-def]
        for el in parent:
            tag = el.tag
            if tag in (TEXT + "p", TEXT + "h"):
                out.append(self.paragraph(el, list_ctx))
                list_ctx = self._continued(list_ctx)
                for frame in el.iter(DRAW + "text-box"):
                    self.blocks(frame, out)
            elif tag == TABLE + "table":
                out.append(self.table(el))
            elif tag == TEXT + "list":
                self.list(el, out, list_ctx)
            elif tag in _SKIP_BLOCK or not isinstance(tag, str):
                continue
            elif tag in (TEXT + "section", TEXT + "index-body", TEXT + "table-of-content",
                         TEXT + "alphabetical-index", TEXT + "illustration-index", OFFICE + "text"):
                self.blocks(el, out)

    @staticmethod
    def _continued(ctx: tuple[str | None, int, int] | None) -> tuple[str | None, int, int] | None:
        # Only the first paragraph of a list item carries the label.
        return (ctx[0], ctx[1], -1) if ctx is not None else None

    def list(self, el, out: list[_Block], outer: tuple[str | None, int, int] | None) -> None:  # type: ignore[no-untyped-def]
        style = el.get(TEXT + "style-name") or (outer[0] if outer else None)
        level = (outer[1] + 1) if outer else 1
        key = id(el) if el.get(TEXT + "continue-numbering") != "true" else hash(style)
        counters = self.counters.setdefault(key, {})
        for item in el:
            if item.tag not in (TEXT + "list-item", TEXT + "list-header"):
                continue
            levels = self.styles.lists.get(style or "", {})
            lv = levels.get(level)
            start = _int(item.get(TEXT + "start-value"), lv.start if lv else 1)
            counters[level] = start if item.get(TEXT + "start-value") else counters.get(level, start - 1) + 1
            number = counters[level] if item.tag == TEXT + "list-item" else -1
            self.blocks(item, out, (style, level, number))

    def label(self, ctx: tuple[str | None, int, int] | None) -> str:
        if ctx is None or ctx[2] < 0:
            return ""
        style, level, number = ctx
        lv = self.styles.lists.get(style or "", {}).get(level)
        if lv is None or lv.kind == "none":
            return ""
        if lv.kind == "bullet":
            return lv.bullet + " "
        body = _format_number(number, lv.fmt)
        return f"{lv.prefix}{body}{lv.suffix} " if body else ""

    def paragraph(self, p, list_ctx: tuple[str | None, int, int] | None = None) -> _Para:  # type: ignore[no-untyped-def]
        style = p.get(TEXT + "style-name")
        para = _Para(label=self.label(list_ctx))
        b, i, f = self.styles.flags("paragraph", style)
        self.inline(p, para, bool(b), bool(i), f)
        self.paras.append(para)
        return para

    def inline(self, el, para: _Para, bold: bool, italic: bool, font: str | None) -> None:  # type: ignore[no-untyped-def]
        if el.text:
            para.add(el.text, bold, italic, font)
        for child in el:
            tag = child.tag
            if tag == TEXT + "span":
                sb, si, sf = self.styles.flags("text", child.get(TEXT + "style-name"))
                self.inline(child, para, bold if sb is None else sb, italic if si is None else si,
                            font if sf is None else sf)
            elif tag == TEXT + "s":
                para.add(" " * max(1, _int(child.get(TEXT + "c"), 1)), bold, italic, font)
            elif tag == TEXT + "tab":
                para.add("\t", bold, italic, font)
            elif tag == TEXT + "line-break":
                para.add("\n", bold, italic, font)
            elif tag in _SKIP_INLINE or tag == DRAW + "frame" or not isinstance(tag, str):
                pass  # frames' text boxes are read as blocks after the paragraph
            else:  # links, fields, ruby, meta: their text
                self.inline(child, para, bold, italic, font)
            if child.tail:
                para.add(child.tail, bold, italic, font)

    def table(self, tbl) -> _Grid:  # type: ignore[no-untyped-def]
        grid = _Grid()
        n_cols = sum(_int(c.get(TABLE + "number-columns-repeated"), 1) for c in tbl.iter(TABLE + "table-column")
                     if c.getparent() is tbl or c.getparent().getparent() is tbl)
        r = 0
        for row in self._rows(tbl):
            repeat = min(_int(row.get(TABLE + "number-rows-repeated"), 1), 1000)
            for _ in range(repeat if any(self._has_text(c) for c in row) else 1):
                col = 0
                for cell in row:
                    if cell.tag == TABLE + "covered-table-cell":
                        col += min(_int(cell.get(TABLE + "number-columns-repeated"), 1), 1000)
                        continue
                    if cell.tag != TABLE + "table-cell":
                        continue
                    span = max(1, _int(cell.get(TABLE + "number-columns-spanned"), 1))
                    rspan = max(1, _int(cell.get(TABLE + "number-rows-spanned"), 1))
                    reps = min(_int(cell.get(TABLE + "number-columns-repeated"), 1), 1000)
                    for _ in range(reps):
                        content: list[_Block] = []
                        self.blocks(cell, content)
                        grid.cells.append((r, col, rspan, span, content))
                        col += 1  # the columns it spans are covered-table-cells of their own
                n_cols = max(n_cols, col, max((c + s for rr, c, _, s, _ in grid.cells if rr == r), default=0))
                r += 1
        grid.n_rows, grid.n_cols = r, n_cols
        return grid

    def _rows(self, tbl):  # type: ignore[no-untyped-def]
        for el in tbl:
            if el.tag == TABLE + "table-row":
                yield el
            elif el.tag in (TABLE + "table-header-rows", TABLE + "table-rows", TABLE + "table-row-group"):
                yield from self._rows(el)

    @staticmethod
    def _has_text(el) -> bool:  # type: ignore[no-untyped-def]
        return any((t or "").strip() for t in el.itertext())


# ----------------------------------------------------------------- to the model


def _cell_text(content: list[_Block]) -> tuple[str, bool]:
    lines: list[str] = []
    chars = bold = 0
    for b in content:
        if isinstance(b, _Para):
            lines.append(b.paragraph().text)
            chars += b.chars
            bold += b.bold
        else:  # a nested table: one line per row, cells separated by tabs
            for row in _to_table(b).rows():
                lines.append("\t".join(c.text.replace("\n", " ") for c in row))
    return "\n".join(lines).strip("\n"), chars > 0 and 2 * bold > chars


def _to_table(g: _Grid) -> Table:
    cells = []
    for r, c, rspan, span, content in g.cells:
        text, bold = _cell_text(content)
        cells.append(Cell(text=text, row=r, col=c, rowspan=rspan, colspan=span, bold=bold))
    return Table(cells=cells, n_rows=g.n_rows, n_cols=g.n_cols)


def _page_count(meta: bytes | None) -> int | None:
    if not meta:
        return None
    m = re.search(rb'page-count="(\d+)"', meta)
    return int(m.group(1)) or None if m else None


def read_odt(data: bytes, *, max_pages: int = 500) -> SourceDocument:
    from . import ReadError

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            content = _read_member(z, "content.xml")
            styles_xml = _read_member(z, "styles.xml")
            meta = _read_member(z, "meta.xml")
    except ReadError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as e:
        # RuntimeError: an encrypted member
        raise ReadError("Tệp .odt bị hỏng hoặc được đặt mật khẩu", detail=f"{type(e).__name__}: {e}") from e
    if content is None:
        raise ReadError("Tệp .odt không có phần nội dung (content.xml)")
    pages = _page_count(meta)
    if pages is not None and pages > max_pages:
        raise ReadError(f"Văn bản quá dài ({pages} trang; giới hạn {max_pages} trang)")
    try:
        root = _parse_xml(content)
        styles_root = _parse_xml(styles_xml) if styles_xml else None
    except Exception as e:  # lxml XMLSyntaxError
        raise deep_xml_error(e, "odt") or ReadError("Tệp .odt bị hỏng (nội dung XML không đọc được)",
                                                    detail=f"{type(e).__name__}: {e}") from e
    styles = _Styles()
    styles.load(styles_root)
    styles.load(root)  # automatic styles of content.xml (after the named ones they refer to)
    body = root.find(f"{OFFICE}body/{OFFICE}text")
    if body is None:
        raise ReadError("Tệp OpenDocument không phải văn bản (.odt)")
    reader = _Reader(styles)
    raw: list[_Block] = []
    reader.blocks(body, raw)
    warnings: list[str] = []
    found = legacy.assign_encodings([p.runs for p in reader.paras])
    if found is not None:
        warnings.append(f"Văn bản gõ bằng bảng mã cũ {legacy.label(found)} (nhận ra theo nội dung): "
                        "đã chuyển sang Unicode")
    for enc in sorted(set().union(*(p.runs.by_font for p in reader.paras)) if reader.paras else ()):
        warnings.append(f"Văn bản dùng phông {legacy.label(enc)}: đã chuyển sang Unicode")
    blocks: list[Paragraph | Table] = [b.paragraph() if isinstance(b, _Para) else _to_table(b) for b in raw]
    if not any((isinstance(b, Paragraph) and b.text.strip()) or isinstance(b, Table) for b in blocks):
        warnings.append("Tệp .odt không có nội dung văn bản")
    return SourceDocument(blocks=blocks, format="odt", pages=pages, warnings=warnings)
