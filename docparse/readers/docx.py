"""Word 2007+ (.docx) reader.

The package is opened with :mod:`zipfile` and only its document, styles and
numbering parts are parsed (lxml, python-docx's parser settings), found by the
package's relationships as python-docx finds them; python-docx's
``Document()`` inflates and parses every part, images included, for a third
of the read. The body XML is then walked directly, which keeps paragraphs and
tables in body order and is several times faster than going through
python-docx's proxies. (python-docx still writes the test documents and is
the "reader alone" floor of ``bench parse``.)

What it keeps:

* ``w:p`` and ``w:tbl`` children of the body, in order (also inside block-level
  content controls ``w:sdt`` and ``w:customXml``);
* soft line breaks ``w:br`` / ``w:cr`` as ``"\\n"``, tabs as ``"\\t"``;
* automatic list labels (``1.``, ``a)``, ``-``) rendered from numbering.xml,
  because rules look for them ("Điều 1.", "- Như trên;");
* inserted text of tracked changes (deleted text is dropped), the *result* of
  fields (not their codes), hidden runs dropped, ``w:caps`` upper-cased;
* text boxes (``w:txbxContent``), once (the ``mc:Fallback`` copy is skipped),
  as paragraphs right after the paragraph that anchors them;
* tables as :class:`Table` with merged cells once (``gridSpan`` → colspan,
  ``vMerge`` → rowspan); a table nested in a cell is flattened into the
  cell's text (one line per row, cells separated by tabs);
* bold/italic: the majority of the paragraph's characters, from direct run
  formatting, character styles, paragraph styles and document defaults;
* legacy Vietnamese text (TCVN3, VNI) in Unicode: a run whose font (direct,
  from its styles or the document defaults) is ``.VnTime``/``VNI-Times``...
  is converted by that font; the runs without such a font are checked by
  detection once the document is read, and the document is read again with
  that encoding when they are legacy (see :mod:`docparse.legacy_encodings`).

Section headers and footers (page numbers in practice) are not body text and
are skipped.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from .. import legacy_encodings as legacy
from ..model import Cell, Paragraph, SourceDocument, Table
from .safety import deep_xml_error

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"

P, TBL, R, T, TAB, BR, CR = W + "p", W + "tbl", W + "r", W + "t", W + "tab", W + "br", W + "cr"
TR, TC, TCPR, TRPR, PPR, RPR = W + "tr", W + "tc", W + "tcPr", W + "trPr", W + "pPr", W + "rPr"
SDT, SDTCONTENT, CUSTOMXML = W + "sdt", W + "sdtContent", W + "customXml"
HYPERLINK, SMARTTAG, INS, DEL, MOVETO, MOVEFROM = (W + "hyperlink", W + "smartTag", W + "ins", W + "del",
                                                  W + "moveTo", W + "moveFrom")
FLDSIMPLE, FLDCHAR, INSTRTEXT, DELTEXT = W + "fldSimple", W + "fldChar", W + "instrText", W + "delText"
SYM, NOBREAKHYPHEN, SOFTHYPHEN = W + "sym", W + "noBreakHyphen", W + "softHyphen"
TXBX = W + "txbxContent"
ALT, CHOICE, FALLBACK = MC + "AlternateContent", MC + "Choice", MC + "Fallback"
VAL = W + "val"
_INLINE_CONTAINERS = frozenset({HYPERLINK, SMARTTAG, INS, MOVETO, FLDSIMPLE, CUSTOMXML, W + "bdo", W + "dir"})
_SKIP_INLINE = frozenset({DEL, MOVEFROM, PPR, W + "proofErr", W + "bookmarkStart", W + "bookmarkEnd",
                          W + "commentRangeStart", W + "commentRangeEnd"})
_MATH = frozenset({M + "oMath", M + "oMathPara"})

# Symbol-font characters (private use area) that have a plain equivalent.
_SYMBOLS = {
    0xF06F: "☐", 0xF0A8: "☐", 0xF071: "☐", 0xF0FE: "☑", 0xF0FD: "☒", 0xF0FC: "✓", 0xF0FB: "✗",
    0xF0B7: "•", 0xF0A7: "▪", 0xF0D8: "➢", 0xF076: "❖", 0xF0E0: "→", 0xF0E8: "➔", 0xF02D: "-",
    0xF0A9: "©", 0xF0B1: "±", 0xF0B3: "≥", 0xF0A3: "≤", 0xF0B4: "×", 0xF0B8: "÷",
}


def _on(el) -> bool:  # type: ignore[no-untyped-def]
    """State of an OOXML on/off property element (``<w:b/>``, ``<w:b w:val="0"/>``)."""
    v = el.get(VAL)
    return v is None or v not in ("0", "false", "off", "none")


def _sym_char(code: int) -> str:
    if code in _SYMBOLS:
        return _SYMBOLS[code]
    if 0xF020 <= code <= 0xF0FF:
        return "" if code < 0xF021 else "•"
    return chr(code) if code else ""


# ----------------------------------------------------------------- styles


@dataclass
class _Style:
    bold: bool | None = None
    italic: bool | None = None
    caps: bool | None = None
    based_on: str | None = None
    num: tuple[str, int] | None = None  # (numId, ilvl) of a style-linked list
    font: str | None = None


_B, _I, _CAPS, _SMALLCAPS, _RSTYLE, _RFONTS = W + "b", W + "i", W + "caps", W + "smallCaps", W + "rStyle", W + "rFonts"
_HIDDEN = frozenset({W + "vanish", W + "webHidden", W + "specVanish"})


def _run_props(rpr):  # type: ignore[no-untyped-def]
    """(bold, italic, caps, hidden, character style, font) an ``rPr`` sets directly (None = not set).

    The font is the one for Latin text (``w:hAnsi``, else ``w:ascii``):
    legacy Vietnamese letters sit in the high-ANSI range, so ``hAnsi`` is the
    font that draws them. One loop over the properties, because a document
    has hundreds of runs and this is the reader's inner loop.
    """
    if rpr is None:
        return None, None, None, False, None, None
    bold = italic = caps = style = font = None
    hidden = False
    for el in rpr:
        tag = el.tag
        if tag == _RFONTS:
            font = el.get(W + "hAnsi") or el.get(W + "ascii")
        elif tag == _B:
            bold = _on(el)
        elif tag == _I:
            italic = _on(el)
        elif tag == _RSTYLE:
            style = el.get(VAL)
        elif tag in (_CAPS, _SMALLCAPS):
            caps = _on(el)
        elif tag in _HIDDEN:
            hidden = hidden or _on(el)
    return bold, italic, caps, hidden, style, font


class _Styles:
    def __init__(self, styles_el) -> None:  # type: ignore[no-untyped-def]
        self.raw: dict[str, _Style] = {}
        self.default_para: str | None = None
        self.doc_bold = self.doc_italic = self.doc_caps = False
        self.doc_font: str | None = None
        self._font_cache: dict[str, str | None] = {}
        self._cache: dict[str, tuple[bool | None, bool | None, bool | None]] = {}
        self._num_cache: dict[str, tuple[str, int] | None] = {}
        if styles_el is None:
            return
        rpr_default = styles_el.find(f"{W}docDefaults/{W}rPrDefault/{RPR}")
        b, i, c, _, _, self.doc_font = _run_props(rpr_default)
        self.doc_bold, self.doc_italic, self.doc_caps = bool(b), bool(i), bool(c)
        for st in styles_el.iter(W + "style"):
            sid = st.get(W + "styleId")
            if not sid:
                continue
            s = _Style()
            s.bold, s.italic, s.caps, _, _, s.font = _run_props(st.find(RPR))
            based = st.find(W + "basedOn")
            if based is not None:
                s.based_on = based.get(VAL)
            num_pr = st.find(f"{PPR}/{W}numPr")
            if num_pr is not None:
                nid = num_pr.find(W + "numId")
                lvl = num_pr.find(W + "ilvl")
                if nid is not None:
                    s.num = (nid.get(VAL) or "0", int(lvl.get(VAL) or 0) if lvl is not None else 0)
            self.raw[sid] = s
            if st.get(W + "type") == "paragraph" and _on_attr(st.get(W + "default")):
                self.default_para = sid

    def flags(self, sid: str | None) -> tuple[bool | None, bool | None, bool | None]:
        """(bold, italic, caps) a style sets through its basedOn chain (None = not set)."""
        if not sid:
            return None, None, None
        if sid in self._cache:
            return self._cache[sid]
        self._cache[sid] = (None, None, None)  # cycle guard
        s = self.raw.get(sid)
        if s is None:
            return None, None, None
        pb, pi, pc = self.flags(s.based_on) if s.based_on else (None, None, None)
        out = (s.bold if s.bold is not None else pb, s.italic if s.italic is not None else pi,
               s.caps if s.caps is not None else pc)
        self._cache[sid] = out
        return out

    def font(self, sid: str | None) -> str | None:
        """The font a style sets through its basedOn chain (None = not set)."""
        if not sid:
            return None
        if sid in self._font_cache:
            return self._font_cache[sid]
        self._font_cache[sid] = None  # cycle guard
        s = self.raw.get(sid)
        if s is None:
            return None
        out = s.font if s.font is not None else self.font(s.based_on)
        self._font_cache[sid] = out
        return out

    def numbering(self, sid: str | None) -> tuple[str, int] | None:
        if not sid:
            return None
        if sid in self._num_cache:
            return self._num_cache[sid]
        self._num_cache[sid] = None
        s = self.raw.get(sid)
        if s is None:
            return None
        out = s.num if s.num is not None else self.numbering(s.based_on)
        self._num_cache[sid] = out
        return out


def _on_attr(v: str | None) -> bool:
    return v is not None and v not in ("0", "false", "off")


# ----------------------------------------------------------------- numbering


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    suffix: str = "tab"


@dataclass
class _Numbering:
    abstract: dict[str, dict[int, _Level]] = field(default_factory=dict)
    nums: dict[str, tuple[str, dict[int, int], dict[int, _Level]]] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def parse(cls, el) -> _Numbering:  # type: ignore[no-untyped-def]
        out = cls()
        if el is None:
            return out
        for an in el.iter(W + "abstractNum"):
            aid = an.get(W + "abstractNumId") or ""
            out.abstract[aid] = {int(lv.get(W + "ilvl") or 0): _parse_level(lv) for lv in an.iter(W + "lvl")}
        for num in el.iter(W + "num"):
            nid = num.get(W + "numId") or ""
            a = num.find(W + "abstractNumId")
            starts: dict[int, int] = {}
            levels: dict[int, _Level] = {}
            for ov in num.iter(W + "lvlOverride"):
                ilvl = int(ov.get(W + "ilvl") or 0)
                so = ov.find(W + "startOverride")
                if so is not None:
                    starts[ilvl] = _int(so.get(VAL), 1)
                lv = ov.find(W + "lvl")
                if lv is not None:
                    levels[ilvl] = _parse_level(lv)
            out.nums[nid] = (a.get(VAL) if a is not None else "") or "", starts, levels
        return out

    def label(self, num_id: str, ilvl: int) -> str:
        """Advance the list counter and return the label Word would print (with its suffix)."""
        if num_id in ("", "0") or num_id not in self.nums:
            return ""
        aid, starts, overrides = self.nums[num_id]
        levels = self.abstract.get(aid, {})

        def level(k: int) -> _Level:
            lv = overrides.get(k) or levels.get(k) or _Level()
            if k in starts:
                lv = _Level(starts[k], lv.fmt, lv.text, lv.suffix)
            return lv

        # Lists that override their start keep their own counters; the others
        # continue the abstract list (that is what Word does).
        key = num_id if (starts or overrides) else "a:" + aid
        cnt = self.counters.setdefault(key, {})
        lv = level(ilvl)
        cnt[ilvl] = cnt[ilvl] + 1 if ilvl in cnt else lv.start
        for deeper in [k for k in cnt if k > ilvl]:
            del cnt[deeper]
        if lv.fmt == "none":
            return ""
        if lv.fmt == "bullet":
            text = "".join(_sym_char(ord(c)) if 0xF000 <= ord(c) <= 0xF0FF else c for c in lv.text)
        else:
            def sub(m: re.Match[str]) -> str:
                k = int(m.group(1)) - 1
                value = cnt.get(k, level(k).start)
                return _format_number(value, level(k).fmt if k != ilvl else lv.fmt)

            text = re.sub(r"%([1-9])", sub, lv.text)
        if not text:
            return ""
        return text + ("" if lv.suffix == "nothing" else " ")


def _int(v: str | None, default: int) -> int:
    try:
        return int(v) if v is not None else default
    except ValueError:
        return default


def _parse_level(lv) -> _Level:  # type: ignore[no-untyped-def]
    out = _Level()
    for el in lv:
        tag = el.tag
        if tag == W + "start":
            out.start = _int(el.get(VAL), 1)
        elif tag == W + "numFmt":
            out.fmt = el.get(VAL) or "decimal"
        elif tag == W + "lvlText":
            out.text = el.get(VAL) or ""
        elif tag == W + "suff":
            out.suffix = el.get(VAL) or "tab"
    return out


_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerRoman", "upperRoman"):
        out, v = "", max(n, 1)
        for value, sym in _ROMAN:
            while v >= value:
                out += sym
                v -= value
        return out.upper() if fmt == "upperRoman" else out
    if fmt in ("lowerLetter", "upperLetter"):
        v = max(n, 1) - 1
        letter = chr(ord("a") + v % 26) * (v // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


# ----------------------------------------------------------------- paragraphs


#: Characters of text without a legacy font kept for detection.
_SAMPLE_CHARS = 200_000


class _Reader:
    def __init__(self, styles: _Styles, numbering: _Numbering,
                 para_encodings: list[str | None] | None = None) -> None:
        self.styles = styles
        self.numbering = numbering
        #: second reading: per paragraph (in reading order), the encoding detected
        #: for its runs without a legacy font
        self.para_encodings = para_encodings
        self._para_index = 0
        #: first reading: per paragraph, the non-ASCII text of its runs without a legacy font
        self.sample: list[str] = []
        self._sample_len = 0
        #: encodings converted because a run's font said so
        self.by_font: set[str] = set()

    def decode(self, text: str, font: str | None, st: _ParaState) -> tuple[str, str]:
        """A run's text in Unicode, and the same without the detection-based conversion.

        Converted by its font when the font is a legacy one; else by the
        detected encoding (second reading), which the paragraph keeps only
        if it reads better (:func:`docparse.legacy_encodings.better`).
        """
        if not text:
            return text, text
        enc = legacy.font_encoding(font)
        if enc is not None and not legacy.is_unicode_text(text):
            caps = legacy.font_is_caps(font)  # .VnTimeH draws ASCII letters as capitals too
            if text.isascii() and not caps:
                return text, text
            self.by_font.add(enc)
            out = legacy.convert(text, enc, caps=caps)
            return out, out
        if text.isascii():
            return text, text
        if st.encoding is not None:
            st.fallback = True
            return legacy.convert(text, st.encoding), text
        if self._sample_len < _SAMPLE_CHARS:
            st.sample.append(text)
            self._sample_len += len(text)
        return text, text

    # ---- blocks

    def blocks(self, parent, out: list[Paragraph | Table]) -> None:  # type: ignore[no-untyped-def]
        """Append the blocks of a body-like container (body, text box, cell) to ``out``."""
        for el in parent:
            tag = el.tag
            if tag == P:
                para, boxes = self.paragraph(el)
                out.append(para)
                for box in boxes:
                    self.blocks(box, out)
            elif tag == TBL:
                out.append(self.table(el))
            elif tag == SDT:
                content = el.find(SDTCONTENT)
                if content is not None:
                    self.blocks(content, out)
            elif tag in (CUSTOMXML, INS, MOVETO):
                self.blocks(el, out)
            elif tag == ALT:
                choice = el.find(CHOICE)
                if choice is not None:
                    self.blocks(choice, out)

    def paragraph(self, p) -> tuple[Paragraph, list]:  # type: ignore[no-untyped-def]
        ppr = p.find(PPR)
        style_id = None
        num: tuple[str, int] | None = None
        if ppr is not None:
            ps = ppr.find(W + "pStyle")
            if ps is not None:
                style_id = ps.get(VAL)
            num_pr = ppr.find(W + "numPr")
            if num_pr is not None:
                nid = num_pr.find(W + "numId")
                lvl = num_pr.find(W + "ilvl")
                if nid is not None:
                    num = (nid.get(VAL) or "0", _int(lvl.get(VAL), 0) if lvl is not None else 0)
                elif lvl is not None:
                    base = self.styles.numbering(style_id or self.styles.default_para)
                    num = (base[0], _int(lvl.get(VAL), 0)) if base else None
        if style_id is None:
            style_id = self.styles.default_para
        if num is None:
            num = self.styles.numbering(style_id)
        state = _ParaState(self.styles.flags(style_id), self.styles.font(style_id) or self.styles.doc_font)
        index = self._para_index
        self._para_index += 1
        if self.para_encodings is not None and index < len(self.para_encodings):
            state.encoding = self.para_encodings[index]
        self.inline(p, state)
        if self.para_encodings is None:
            self.sample.append("".join(state.sample))
        text = "".join(state.parts)
        if state.fallback and state.encoding is not None:
            # converted by detection: kept only where it reads better than before
            if state.encoding == legacy.TCVN3:
                text = legacy.recase_tcvn3(text)
            text = legacy.better(text, "".join(state.raw_parts))
        if num is not None:
            label = self.numbering.label(*num)
            if label:
                text = label + text
        n = state.chars
        para = Paragraph(text=text, bold=n > 0 and 2 * state.bold > n, italic=n > 0 and 2 * state.italic > n)
        return para, state.boxes

    def inline(self, parent, st: _ParaState) -> None:  # type: ignore[no-untyped-def]
        for el in parent:
            tag = el.tag
            if tag == R:
                self.run(el, st)
            elif tag in _INLINE_CONTAINERS:
                self.inline(el, st)
            elif tag == SDT:
                content = el.find(SDTCONTENT)
                if content is not None:
                    self.inline(content, st)
            elif tag == ALT:
                choice = el.find(CHOICE)
                if choice is not None:
                    self.inline(choice, st)
            elif tag in _MATH:
                st.add("".join(t.text or "" for t in el.iter(M + "t")), st.para_flags[0] or False,
                       st.para_flags[1] or False)
            elif tag in _SKIP_INLINE:
                continue

    def run(self, r, st: _ParaState) -> None:  # type: ignore[no-untyped-def]
        b, i, c, hidden, cs, font = _run_props(r.find(RPR))
        font = font or self.styles.font(cs) or st.font
        if b is None or i is None or c is None:
            sb, si, sc = self.styles.flags(cs) if cs else (None, None, None)
            pb, pi, pc = st.para_flags
            if b is None:
                b = sb if sb is not None else (pb if pb is not None else self.styles.doc_bold)
            if i is None:
                i = si if si is not None else (pi if pi is not None else self.styles.doc_italic)
            if c is None:
                c = sc if sc is not None else (pc if pc is not None else self.styles.doc_caps)
        for el in r:
            tag = el.tag
            if tag == T:
                if st.in_field_code or hidden:
                    continue
                t, before = self.decode(el.text or "", font, st)
                st.add(t.upper() if c else t, b, i, before.upper() if c else before)
            elif tag == TAB:
                if not st.in_field_code and not hidden:
                    st.add("\t", b, i)
            elif tag in (BR, CR):
                if not st.in_field_code and not hidden:
                    st.add("\n", b, i)
            elif tag == FLDCHAR:
                kind = el.get(W + "fldCharType")
                if kind == "begin":
                    st.fields.append(True)
                elif kind == "separate":
                    if st.fields:
                        st.fields[-1] = False
                elif kind == "end" and st.fields:
                    st.fields.pop()
            elif tag == SYM:
                if not st.in_field_code and not hidden:
                    st.add(_sym_char(_int_hex(el.get(W + "char"))), b, i)
            elif tag == NOBREAKHYPHEN:
                st.add("-", b, i)
            elif tag == SOFTHYPHEN or tag in (INSTRTEXT, DELTEXT, RPR):
                continue
            elif tag == ALT:
                choice = el.find(CHOICE)
                if choice is not None:
                    _find_boxes(choice, st.boxes)
            elif tag in (W + "drawing", W + "pict", W + "object"):
                _find_boxes(el, st.boxes)

    # ---- tables

    def table(self, tbl) -> Table:  # type: ignore[no-untyped-def]
        grid = tbl.find(W + "tblGrid")
        n_cols = len(grid.findall(W + "gridCol")) if grid is not None else 0
        cells: list[Cell] = []
        open_v: dict[int, Cell] = {}
        rows = list(_iter_tag(tbl, TR))
        for r_index, tr in enumerate(rows):
            col = 0
            trpr = tr.find(TRPR)
            if trpr is not None:
                gb = trpr.find(W + "gridBefore")
                if gb is not None:
                    col = _int(gb.get(VAL), 0)
            prev: Cell | None = None
            for tc in _iter_tag(tr, TC):
                tcpr = tc.find(TCPR)
                span, vmerge, hmerge = 1, None, None
                if tcpr is not None:
                    gs = tcpr.find(W + "gridSpan")
                    if gs is not None:
                        span = max(1, _int(gs.get(VAL), 1))
                    vm = tcpr.find(W + "vMerge")
                    if vm is not None:
                        vmerge = vm.get(VAL) or "continue"
                    hm = tcpr.find(W + "hMerge")
                    if hm is not None:
                        hmerge = hm.get(VAL) or "continue"
                if hmerge == "continue" and prev is not None:
                    prev.colspan += span
                    col += span
                    continue
                if vmerge == "continue" and col in open_v:
                    above = open_v[col]
                    above.rowspan = r_index - above.row + 1
                    extra, _ = self.cell_text(tc)
                    if extra.strip():
                        above.text = (above.text + "\n" + extra).strip("\n")
                    prev = None
                    col += span
                    continue
                text, bold = self.cell_text(tc)
                cell = Cell(text=text, row=r_index, col=col, colspan=span, bold=bold)
                cells.append(cell)
                for k in range(col, col + span):
                    open_v.pop(k, None)
                if vmerge == "restart":
                    open_v[col] = cell
                prev = cell
                col += span
            n_cols = max(n_cols, col)
        return Table(cells=cells, n_rows=len(rows), n_cols=n_cols)

    def cell_text(self, tc) -> tuple[str, bool]:  # type: ignore[no-untyped-def]
        blocks: list[Paragraph | Table] = []
        self.blocks(tc, blocks)
        lines: list[str] = []
        bold_chars = chars = 0
        for b in blocks:
            if isinstance(b, Paragraph):
                lines.append(b.text)
                n = len(b.text) - sum(map(str.isspace, b.text))  # non-space characters, counted in C
                chars += n
                if b.bold:
                    bold_chars += n
            else:  # a nested table: one line per row, cells separated by tabs
                for row in b.rows():
                    lines.append("\t".join(c.text.replace("\n", " ") for c in row))
                    n = sum(len(c.text) for c in row)
                    chars += n
                    bold_chars += sum(len(c.text) for c in row if c.bold)
        text = "\n".join(lines).strip("\n")
        return text, chars > 0 and 2 * bold_chars > chars


class _ParaState:
    __slots__ = ("parts", "raw_parts", "chars", "bold", "italic", "para_flags", "font", "encoding", "fallback",
                 "sample", "fields", "boxes")

    def __init__(self, para_flags: tuple[bool | None, bool | None, bool | None], font: str | None = None) -> None:
        self.parts: list[str] = []
        #: the same text without the detection-based conversion (to compare with)
        self.raw_parts: list[str] = []
        #: the paragraph's font (style chain, then document default)
        self.font = font
        #: the detected encoding of the runs without a legacy font (second reading)
        self.encoding: str | None = None
        #: True when a run was converted by detection, not by its font
        self.fallback = False
        #: non-ASCII text of the runs without a legacy font (for detection)
        self.sample: list[str] = []
        self.chars = self.bold = self.italic = 0
        self.para_flags = para_flags
        self.fields: list[bool] = []  # one entry per open field: True while in its code
        self.boxes: list = []

    @property
    def in_field_code(self) -> bool:
        return bool(self.fields) and self.fields[-1]

    def add(self, text: str, bold: bool | None, italic: bool | None, raw: str | None = None) -> None:
        if not text:
            return
        self.parts.append(text)
        self.raw_parts.append(text if raw is None else raw)
        n = len(text) - text.count(" ") - text.count("\t") - text.count("\n")
        self.chars += n
        if bold:
            self.bold += n
        if italic:
            self.italic += n


def _int_hex(v: str | None) -> int:
    try:
        return int(v or "0", 16)
    except ValueError:
        return 0


def _iter_tag(parent, tag: str):  # type: ignore[no-untyped-def]
    """Children with ``tag``, looking through content controls and custom XML wrappers."""
    for el in parent:
        if el.tag == tag:
            yield el
        elif el.tag == SDT:
            content = el.find(SDTCONTENT)
            if content is not None:
                yield from _iter_tag(content, tag)
        elif el.tag in (CUSTOMXML, INS, MOVETO):
            yield from _iter_tag(el, tag)


def _find_boxes(el, out: list) -> None:  # type: ignore[no-untyped-def]
    """Text-box contents under ``el``, skipping ``mc:Fallback`` duplicates."""
    for child in el:
        tag = child.tag
        if tag == TXBX:
            out.append(child)
        elif tag == FALLBACK:
            continue
        elif tag == ALT:
            choice = child.find(CHOICE)
            if choice is not None:
                _find_boxes(choice, out)
        elif isinstance(tag, str):
            _find_boxes(child, out)


# ----------------------------------------------------------------- entry point


def _app_pages(z: zipfile.ZipFile) -> int | None:
    try:
        xml = z.read("docProps/app.xml")
    except (KeyError, zipfile.BadZipFile, OSError):
        return None
    m = re.search(rb"<(?:\w+:)?Pages>\s*(\d+)\s*</", xml)
    return int(m.group(1)) or None if m else None


#: Relationship types, as python-docx names them.
_RT_MAIN = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_RT_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
_RT_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
_PKG_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_PKG_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"


class _NotWord(ValueError):
    """The package is a zip but not a Word document (no main part, or another kind of main part)."""


def _xml_parser():  # type: ignore[no-untyped-def]
    """python-docx's parser settings (blank text between elements dropped, no entities), plain elements."""
    return etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True, load_dtd=False)


def _part_name(base: str, target: str) -> str:
    """A relationship's target as a zip member name (relative to the source part's folder, or absolute)."""
    if target.startswith("/"):
        return target[1:]
    parts = [x for x in (base + target).split("/") if x not in ("", ".")]
    out: list[str] = []
    for x in parts:
        if x == "..":
            if out:
                out.pop()
        else:
            out.append(x)
    return "/".join(out)


def _rels(z: zipfile.ZipFile, source: str, parser) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """{relationship type: member name} of a part's internal relationships (the first of each type)."""
    folder, _, name = source.rpartition("/")
    base = folder + "/" if folder else ""
    try:
        xml = z.read(f"{base}_rels/{name}.rels")
    except KeyError:
        return {}
    out: dict[str, str] = {}
    for rel in etree.fromstring(xml, parser).iter(_PKG_RELS):
        kind, target = rel.get("Type"), rel.get("Target")
        if kind and target and rel.get("TargetMode") != "External":
            out.setdefault(kind, _part_name(base, target))
    return out


def _content_type(z: zipfile.ZipFile, member: str, parser) -> str | None:  # type: ignore[no-untyped-def]
    types = etree.fromstring(z.read("[Content_Types].xml"), parser)
    for el in types.iter(_PKG_CT + "Override"):
        if (el.get("PartName") or "").lstrip("/").lower() == member.lower():
            return el.get("ContentType")
    ext = member.rpartition(".")[2].lower()
    for el in types.iter(_PKG_CT + "Default"):
        if (el.get("Extension") or "").lower() == ext:
            return el.get("ContentType")
    return None


def _open_package(data: bytes):  # type: ignore[no-untyped-def]
    """(body, styles, numbering, pages) of a .docx: elements (styles and numbering may be None), and the
    page count the saving application recorded (None when it did not).

    Only the three parts the reader uses are inflated and parsed, found by
    the package's relationships as python-docx finds them. python-docx's
    ``Document()`` inflates every part (images too) and parses every XML part
    with its element classes: 4-5 ms of a 15 ms read for parts never used.
    """
    from . import WORDML_MAIN

    parser = _xml_parser()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        main = _rels(z, "", parser).get(_RT_MAIN)
        if main is None:
            raise _NotWord("no main document part")
        kind = _content_type(z, main, parser)
        if kind is None or kind.encode() != WORDML_MAIN:
            raise _NotWord(f"not a Word document: main part {main!r} is {kind!r}")
        document = etree.fromstring(z.read(main), parser)
        rels = _rels(z, main, parser)
        styles = etree.fromstring(z.read(rels[_RT_STYLES]), parser) if _RT_STYLES in rels else None
        numbering = etree.fromstring(z.read(rels[_RT_NUMBERING]), parser) if _RT_NUMBERING in rels else None
        pages = _app_pages(z)
    body = document.find(W + "body")
    if body is None:
        raise _NotWord("the main part has no body")
    return body, styles, numbering, pages


def read_docx(data: bytes, *, max_pages: int = 500) -> SourceDocument:
    from . import ReadError

    try:
        body, styles_el, numbering_el, pages = _open_package(data)
    except (zipfile.BadZipFile, KeyError, _NotWord, EOFError) as e:
        raise ReadError("Tệp không phải .docx hợp lệ (có thể bị hỏng)", detail=f"{type(e).__name__}: {e}") from e
    except Exception as e:  # lxml XMLSyntaxError, zlib errors of a truncated member...
        raise deep_xml_error(e, "docx") or ReadError("Tệp .docx bị hỏng (nội dung XML không đọc được)",
                                                     detail=f"{type(e).__name__}: {e}") from e
    if pages is not None and pages > max_pages:
        raise ReadError(f"Văn bản quá dài ({pages} trang; giới hạn {max_pages} trang)")
    styles = _Styles(styles_el)
    reader = _Reader(styles, _Numbering.parse(numbering_el))
    blocks: list[Paragraph | Table] = []
    reader.blocks(body, blocks)
    warnings: list[str] = []
    found = legacy.detect_document(reader.sample)
    if found.encoding is not None:
        # Legacy text under a Unicode font: read again, converting those runs
        # (by the paragraph's own verdict when it is long enough to have one).
        by_font = reader.by_font
        encodings = [(legacy.detect(t).encoding or found.encoding) if t else None for t in reader.sample]
        reader = _Reader(styles, _Numbering.parse(numbering_el), encodings)
        blocks = []
        reader.blocks(body, blocks)
        reader.by_font |= by_font
        warnings.append(f"Văn bản gõ bằng bảng mã cũ {legacy.label(found.encoding)} (nhận ra theo nội dung): "
                        "đã chuyển sang Unicode")
    for enc in sorted(reader.by_font):
        warnings.append(f"Văn bản dùng phông {legacy.label(enc)}: đã chuyển sang Unicode")
    if not any((isinstance(b, Paragraph) and b.text.strip()) or isinstance(b, Table) for b in blocks):
        warnings.append("Tệp .docx không có nội dung văn bản")
    return SourceDocument(blocks=blocks, format="docx", pages=pages, warnings=warnings)
