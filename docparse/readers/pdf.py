"""PDF reader: the text layer on pdfplumber / pdfminer.six, OCR for the pages without a usable one.

Per page:

1. **Characters** of the page content (pdfplumber), plus the characters drawn
   by **annotation appearance streams** — pdfminer never renders annotations,
   and e-signing tools (VGCA/vSign...) stamp the document number and the day
   of a signed document as Widget annotations of the signature fields: their
   ``/AP /N`` Form XObject holds a ``Tj`` in its own font. Those streams are run
   through pdfminer's interpreter with the matrix that maps the form's BBox
   onto the annotation's ``/Rect`` (PDF 32000-1 §12.5.5), so their characters
   land at their printed position and merge with the page's own words:
   ``Số: /SCT - CN`` + overlay ``4378`` reads ``Số: 4378 /SCT - CN``, as
   ``pdftotext -layout`` prints it. Blank characters that something visible
   is printed over (the spaces a draft leaves for the number) are dropped, so
   the digits stay one word.
2. **Tables** from pdfplumber's table finder, on visible ruling only
   (white-filled rectangles that some generators put behind every word are
   ignored), kept only if no word crosses a cell border; their words are not
   repeated as paragraphs.
3. **Lines** clustered by the vertical centres of words (an overlay in another
   font size still joins its line; a 14 pt title beside 10 pt lines does not
   glue two of them together).
4. **Column bands**: runs of lines that share an empty vertical strip with text
   on both sides of it — the header (issuer | Quốc hiệu, Số |
   place and date) and the signature block (Nơi nhận | signer) — come out as a
   ``column="left"`` paragraph followed by a ``column="right"`` one instead of
   being interleaved line by line.
5. **Paragraphs** from the remaining lines (break on vertical gaps, first-line
   indents, short last lines and changes of bold/italic); line breaks are
   kept as ``"\\n"``.

Pages the text layer cannot serve are **OCR'd** (:mod:`.ocr`, Tesseract):
pages without text (a scan; also a page-sized image carrying only a
signature stamp's few characters), pages whose layer is not Vietnamese
(fonts without a usable ToUnicode map: :mod:`.quality` measures the share of
valid syllables) and pages that failed to parse. PDFium renders them
(:func:`_ocr_pages`) and their words go through the same lines, column bands
and paragraphs as a text page (:func:`layout_words`). The page count is
checked with PDFium before anything is read, and the pages to OCR are capped
(:data:`.ocr.MAX_OCR_PAGES`). Without Tesseract, a PDF with no text at all
raises :class:`ReadError` ("cần OCR") and a garbage layer is read but flagged
in ``warnings``.
"""

from __future__ import annotations

import contextlib
import io
import re
import time
from bisect import bisect_left
from dataclasses import dataclass, field
from statistics import median
from typing import Any

from ..model import Cell, Paragraph, SourceDocument, Table

Char = dict[str, Any]

_BOLD = re.compile(r"bold|black|heavy|semibold|demibold|[-,]bd\b|\bbd\b", re.I)
_ITALIC = re.compile(r"italic|oblique|[-,]it\b|\bit\b", re.I)
_PAGE_NUMBER = re.compile(r"^\s*(?:[-–]\s*)?(?:trang\s+)?\d{1,4}(?:\s*/\s*\d{1,4})?(?:\s*[-–])?\s*$", re.I)

# Annotation flags (PDF 32000-1 table 165): Invisible, Hidden, NoView.
_HIDDEN_FLAGS = 1 | 2 | 32


# ----------------------------------------------------------------- overlays


def _page_ctm(page_obj) -> tuple[float, ...]:  # type: ignore[no-untyped-def]
    """The initial CTM pdfminer uses for this page (same as PDFPageInterpreter.process_page)."""
    x0, y0, x1, y1 = page_obj.mediabox
    rotate = page_obj.rotate
    if rotate == 90:
        return (0, -1, 1, 0, -y0, x1)
    if rotate == 180:
        return (-1, 0, 0, -1, x1, y1)
    if rotate == 270:
        return (0, 1, -1, 0, y1, -x0)
    return (1, 0, 0, 1, -x0, -y0)


def _num_list(v: Any, n: int) -> list[float] | None:
    from pdfminer.pdftypes import resolve1

    v = resolve1(v)
    if not isinstance(v, (list, tuple)) or len(v) != n:
        return None
    try:
        return [float(resolve1(x)) for x in v]
    except (TypeError, ValueError):
        return None


def overlay_chars(page, rsrc) -> list[Char]:  # type: ignore[no-untyped-def]
    """Characters drawn by the page's annotation appearance streams, as pdfplumber chars.

    Each char dict gets ``"overlay": True``. Hidden/NoView annotations are
    skipped, and so are Popup and Link annotations (no printed text). Text
    fields without an appearance stream fall back to their ``/V`` value.
    """
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar, LTContainer
    from pdfminer.pdfinterp import PDFPageInterpreter
    from pdfminer.pdftypes import PDFStream, dict_value, resolve1
    from pdfminer.psparser import PSLiteral
    from pdfminer.utils import apply_matrix_pt, mult_matrix

    page_obj = page.page_obj
    annots = resolve1(page_obj.annots) if page_obj.annots else None
    if not isinstance(annots, list):
        return []
    out: list[Char] = []
    base_ctm = _page_ctm(page_obj)
    for ref in annots[:500]:
        annot = resolve1(ref)
        if not isinstance(annot, dict):
            continue
        subtype = resolve1(annot.get("Subtype"))
        sub = subtype.name if isinstance(subtype, PSLiteral) else ""
        if sub in ("Popup", "Link"):
            continue
        flags = resolve1(annot.get("F")) or 0
        if isinstance(flags, int) and flags & _HIDDEN_FLAGS:
            continue
        rect = _num_list(annot.get("Rect"), 4)
        if rect is None:
            continue
        rx0, rx1 = sorted((rect[0], rect[2]))
        ry0, ry1 = sorted((rect[1], rect[3]))
        ap = resolve1(annot.get("AP"))
        normal = resolve1(ap.get("N")) if isinstance(ap, dict) else None
        if isinstance(normal, dict) and not isinstance(normal, PDFStream):
            state = resolve1(annot.get("AS"))
            normal = resolve1(normal.get(state.name)) if isinstance(state, PSLiteral) else None
        if not isinstance(normal, PDFStream):
            continue
        bbox = _num_list(normal.get("BBox"), 4)
        matrix = _num_list(normal.get("Matrix"), 6) or [1, 0, 0, 1, 0, 0]
        if bbox is None:
            continue
        # Map the form's transformed BBox onto the annotation rectangle.
        pts = [apply_matrix_pt(tuple(matrix), (x, y)) for x in (bbox[0], bbox[2]) for y in (bbox[1], bbox[3])]
        bx0, bx1 = min(p[0] for p in pts), max(p[0] for p in pts)
        by0, by1 = min(p[1] for p in pts), max(p[1] for p in pts)
        sx = (rx1 - rx0) / (bx1 - bx0) if bx1 > bx0 else 1.0
        sy = (ry1 - ry0) / (by1 - by0) if by1 > by0 else 1.0
        fit = (sx, 0, 0, sy, rx0 - bx0 * sx, ry0 - by0 * sy)
        ctm = mult_matrix(mult_matrix(tuple(matrix), fit), base_ctm)
        device = PDFPageAggregator(rsrc, laparams=None)
        interp = PDFPageInterpreter(rsrc, device)
        device.begin_page(page_obj, base_ctm)
        res = resolve1(normal.get("Resources"))
        interp.render_contents(dict_value(res) if isinstance(res, dict) else {}, [normal], ctm=ctm)
        device.end_page(page_obj)
        layout = device.get_result()
        stack = [layout]
        while stack:
            item = stack.pop()
            if isinstance(item, LTChar):
                ch = page.process_object(item)
                ch["overlay"] = True
                out.append(ch)
            elif isinstance(item, LTContainer):
                stack.extend(item)
    return out


# ----------------------------------------------------------------- words and lines


@dataclass
class _Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    n: int  # non-space characters
    bold: int
    italic: int
    overlay: int
    size: float


@dataclass
class _Line:
    words: list[_Word] = field(default_factory=list)
    top: float = 0.0
    bottom: float = 0.0

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def size(self) -> float:
        return median(w.size for w in self.words)

    def counts(self, words: list[_Word] | None = None) -> tuple[int, int, int, int]:
        ws = self.words if words is None else words
        return (sum(w.n for w in ws), sum(w.bold for w in ws), sum(w.italic for w in ws),
                sum(w.overlay for w in ws))

    def text(self, words: list[_Word] | None = None) -> str:
        ws = self.words if words is None else words
        out = ""
        prev: _Word | None = None
        for w in ws:
            if prev is not None:
                gap = w.x0 - prev.x1
                out += "\t" if gap > max(3.0 * w.size, 30.0) else " "
            out += w.text
            prev = w
        return out


def _make_words(chars: list[Char]) -> list[_Word]:
    from pdfplumber.utils import extract_words

    raw = extract_words(chars, return_chars=True, x_tolerance=3, y_tolerance=3, keep_blank_chars=False,
                        use_text_flow=False)
    out = []
    for w in raw:
        cs = w["chars"]
        n = bold = italic = overlay = 0
        for c in cs:
            if c["text"].isspace():
                continue
            n += 1
            font = c.get("fontname") or ""
            if _BOLD.search(font):
                bold += 1
            if _ITALIC.search(font):
                italic += 1
            if c.get("overlay"):
                overlay += 1
        size = median(c.get("size") or (c["bottom"] - c["top"]) for c in cs)
        out.append(_Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"], n, bold, italic, overlay, size))
    return out


def _make_lines(words: list[_Word]) -> list[_Line]:
    """Cluster words into lines by their vertical centres; words in a line sorted by x.

    Centres, not extents: a 14 pt "KT. CHỦ TỊCH" beside two 10 pt "Nơi nhận"
    lines must not glue those two lines together.
    """
    lines: list[_Line] = []
    centres: list[float] = []  # running mean of each line's word centres
    counts: list[int] = []
    heights: list[float] = []  # height of each line's first word
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        h = max(w.bottom - w.top, 0.1)
        cy = (w.top + w.bottom) / 2
        target = -1
        best = None
        for k in range(max(0, len(lines) - 4), len(lines)):
            d = abs(cy - centres[k])
            if d <= 0.5 * min(h, heights[k]) and (best is None or d < best):
                target, best = k, d
        if target < 0:
            lines.append(_Line([w], w.top, w.bottom))
            centres.append(cy)
            counts.append(1)
            heights.append(h)
        else:
            line = lines[target]
            line.words.append(w)
            line.top = min(line.top, w.top)
            line.bottom = max(line.bottom, w.bottom)
            counts[target] += 1
            centres[target] += (cy - centres[target]) / counts[target]
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    lines.sort(key=lambda ln: ln.top)
    return lines


def _majority(n: int, k: int) -> bool:
    return n > 0 and 2 * k > n


# ----------------------------------------------------------------- column bands


def _free_intervals(lines: list[_Line], min_gap: float) -> list[tuple[float, float]]:
    """Vertical strips between the words of ``lines`` that no word touches, at least ``min_gap`` wide."""
    spans = sorted((w.x0, w.x1) for ln in lines for w in ln.words)
    out = []
    reach = spans[0][1] if spans else 0.0
    for a, b in spans[1:]:
        if a - reach >= min_gap:
            out.append((reach, a))
        reach = max(reach, b)
    return out


def _band_gap(lines: list[_Line], min_gap: float) -> tuple[float, float] | None:
    """The empty strip splitting ``lines`` in two columns, if there is one.

    A strip counts when at least one line has text on both sides of it and at
    least two lines have text on each side (the signature block interleaves
    10 pt "Nơi nhận" lines with 14 pt title lines, so few lines are two-sided).
    """
    best = None
    best_key = None
    for a, b in _free_intervals(lines, min_gap):
        left = sum(1 for ln in lines if ln.x0 < a)
        right = sum(1 for ln in lines if ln.x1 > b)
        both = sum(1 for ln in lines if ln.x0 < a and ln.x1 > b)
        if both < 1 or left < 2 or right < 2:
            continue
        key = (min(left, right), both, b - a)
        if best_key is None or key > best_key:
            best, best_key = (a, b), key
    return best


def _fits_band(band: list[_Line], line: _Line, min_gap: float) -> bool:
    """May ``line`` extend ``band`` (whose lines already share an empty strip)?

    Two-sided lines always may. A line with text on one side only must sit
    under that side's column rather than be centred on the page (a title such
    as "THÔNG TƯ" right under the header), and a left-side one must not be
    separated from the band by a blank line ("Kính gửi:" under the subject);
    the right side keeps the signer's name that follows the space left for
    the signature.
    """
    gap = _band_gap([*band, line], min_gap)
    if gap is None:
        return True
    g0, g1 = gap
    if line.x0 < g0 and line.x1 > g1:
        return True
    two = [ln for ln in band if ln.x0 < g0 and ln.x1 > g1]
    lo = min(ln.x0 for ln in two)
    hi = max(ln.x1 for ln in two)
    centre = (line.x0 + line.x1) / 2
    if line.x1 <= g0:
        side = median((ln.x0 + max(w.x1 for w in ln.words if w.x1 <= g0)) / 2 for ln in two)
        height = median(ln.height for ln in band)
        if line.top - band[-1].bottom > 1.6 * max(height, 1.0):
            return False
    else:
        side = median((min(w.x0 for w in ln.words if w.x0 >= g1) + ln.x1) / 2 for ln in two)
    return abs(centre - side) < abs(centre - (lo + hi) / 2)


def _continues(prev: _Line, line: _Line) -> bool:
    """Does ``line`` read as the next line of ``prev``'s paragraph (same size, ordinary spacing)?"""
    return abs(prev.size - line.size) < 0.6 and line.top - prev.bottom <= 0.8 * max(prev.height, 1.0)


def _find_bands(lines: list[_Line], min_gap: float) -> list[tuple[int, int, tuple[float, float]]]:
    """Maximal runs ``[i, j)`` of lines split by a common gap, with text on both sides twice."""
    bands = []
    i = 0
    n = len(lines)
    while i < n:
        j = i + 1
        # Grow while a wide enough common empty strip remains.
        while j < n and _free_intervals(lines[i:j + 1], min_gap) and _fits_band(lines[i:j], lines[j], min_gap):
            j += 1
        gap = _band_gap(lines[i:j], min_gap) if j - i >= 2 else None
        if gap is not None:
            # Lines on the left only at the start of a band lower on the page are
            # the end of the paragraph above ("thực hiện./." before "Nơi nhận").
            start = i
            while start < j and start > 0 and _continues(lines[start - 1], lines[start]) and all(
                w.x1 <= gap[0] for w in lines[start].words
            ):
                start += 1
            bands.append((start, j, gap))
            i = j
        else:
            i += 1
    return bands


# ----------------------------------------------------------------- tables


def _visible_rect(obj: dict[str, Any]) -> bool:
    """False for fill-only white rectangles (text backgrounds) that draw nothing visible."""
    if obj.get("object_type") != "rect":
        return True
    if obj.get("stroke"):
        return True
    color = obj.get("non_stroking_color")
    if isinstance(color, (int, float)):
        color = (color,)
    if not color:
        return True
    c = tuple(float(x) for x in color if isinstance(x, (int, float)))
    white = (len(c) == 1 and c[0] >= 0.99) or (len(c) == 3 and min(c) >= 0.99) or (len(c) == 4 and max(c) <= 0.01)
    if white:
        return False
    # A thin filled rectangle is a ruling line; a fat coloured one is shading.
    return min(obj.get("width", 0), obj.get("height", 0)) <= 3


def _cluster(values: list[float], tol: float = 2.0) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _index(grid: list[float], v: float) -> int:
    best = 0
    for k, g in enumerate(grid):
        if abs(g - v) < abs(grid[best] - v):
            best = k
    return best


@dataclass
class _TableBox:
    bbox: tuple[float, float, float, float]
    cells: list[tuple[float, float, float, float]]


def _find_tables(page, words: list[_Word]) -> list[_TableBox]:  # type: ignore[no-untyped-def]
    objs = page.objects
    visible_rects = [r for r in objs.get("rect", []) if _visible_rect(r)]
    n_edges = len(visible_rects) + len(objs.get("line", []))
    if n_edges < 4:
        return []
    view = page.filter(_visible_rect) if len(visible_rects) != len(objs.get("rect", [])) else page
    out = []
    for t in view.find_tables():
        cells = [c for c in t.cells if c is not None]
        if len(cells) < 2:
            continue
        xs = _cluster([c[0] for c in cells] + [c[2] for c in cells])
        ys = _cluster([c[1] for c in cells] + [c[3] for c in cells])
        if len(xs) < 3 or len(ys) < 2:
            continue  # one column: a frame or a box around text, not a table
        # A real table never cuts a word in two.
        crossing = 0
        inside = 0
        x0, top, x1, bottom = t.bbox
        for w in words:
            cy = (w.top + w.bottom) / 2
            if not (top <= cy <= bottom and w.x1 > x0 and w.x0 < x1):
                continue
            inside += 1
            if any(w.x0 + 1 < x < w.x1 - 1 for x in xs):
                crossing += 1
        if inside == 0 or crossing > max(1, inside // 20):
            continue
        out.append(_TableBox(t.bbox, cells))
    return out


def _table_block(box: _TableBox, words: list[_Word], page_no: int) -> Table:
    xs = _cluster([c[0] for c in box.cells] + [c[2] for c in box.cells])
    ys = _cluster([c[1] for c in box.cells] + [c[3] for c in box.cells])
    cells: list[Cell] = []
    buckets: dict[int, list[_Word]] = {}
    for w in words:
        cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
        for k, (x0, top, x1, bottom) in enumerate(box.cells):
            if x0 <= cx <= x1 and top <= cy <= bottom:
                buckets.setdefault(k, []).append(w)
                break
    for k, (x0, top, x1, bottom) in enumerate(box.cells):
        row, col = _index(ys, top), _index(xs, x0)
        rowspan = max(1, _index(ys, bottom) - row)
        colspan = max(1, _index(xs, x1) - col)
        lines = _make_lines(buckets.get(k, []))
        text = "\n".join(ln.text() for ln in lines)
        n = sum(ln.counts()[0] for ln in lines)
        b = sum(ln.counts()[1] for ln in lines)
        cells.append(Cell(text=text, row=row, col=col, rowspan=rowspan, colspan=colspan, bold=_majority(n, b)))
    cells.sort(key=lambda c: (c.row, c.col))
    return Table(cells=cells, n_rows=max(1, len(ys) - 1), n_cols=max(1, len(xs) - 1), page=page_no)


# ----------------------------------------------------------------- paragraphs


def _paragraphs(lines: list[_Line], page_no: int, left: float, right: float) -> list[tuple[float, Paragraph]]:
    """Group consecutive lines into paragraphs; return ``(top, Paragraph)`` pairs."""
    out: list[tuple[float, Paragraph]] = []
    if not lines:
        return out
    gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:], strict=False) if b.top > a.bottom - 1]
    typical_gap = median(gaps) if gaps else 0.0
    width = max(right - left, 1.0)
    cur: list[_Line] = []

    def flush() -> None:
        if not cur:
            return
        n = b = i = o = 0
        for ln in cur:
            c = ln.counts()
            n, b, i, o = n + c[0], b + c[1], i + c[2], o + c[3]
        text = "\n".join(ln.text() for ln in cur)
        role = "overlay" if o == n and n > 0 else "body"
        out.append((cur[0].top, Paragraph(text=text, bold=_majority(n, b), italic=_majority(n, i), page=page_no,
                                          role=role)))
        cur.clear()

    prev_style: tuple[bool, bool, bool] | None = None
    for ln in lines:
        n, b, i, o = ln.counts()
        style = (_majority(n, b), _majority(n, i), o == n and n > 0)
        if cur:
            prev = cur[-1]
            gap = ln.top - prev.bottom
            new = (
                style != prev_style
                or gap > typical_gap + 0.45 * max(prev.height, 1.0)
                or (ln.x0 > prev.x0 + 12 and ln.x0 > left + 12)  # first-line indent
                or prev.x1 < right - 0.15 * width  # the previous line ended short
            )
            if new:
                flush()
        cur.append(ln)
        prev_style = style
    flush()
    return out


def _mark_page_numbers(items: list[tuple[float, Paragraph]]) -> None:
    """A bare number alone as the first or last line of a page is a page number."""
    if not items:
        return
    for k in (0, len(items) - 1):
        _, para = items[k]
        if para.column is None and "\n" not in para.text and _PAGE_NUMBER.match(para.text):
            para.role = "page_header"


# ----------------------------------------------------------------- page


def _dedupe(chars: list[Char]) -> list[Char]:
    """Drop characters printed twice at the same place (fake bold, shadow text)."""
    seen = set()
    out = []
    for c in chars:
        key = (c["text"], round(c["x0"]), round(c["top"]))
        if key in seen:
            continue
        seen.add(key)
        out.append(c)
    return out


def _drop_phantom_spaces(chars: list[Char]) -> list[Char]:
    """Drop blank characters that something visible is printed over.

    Drafts leave room for the number and day with spaces (``Số:      /SCT``);
    once a signing stamp (or a flattened copy of it) fills that room, those
    spaces would split ``4378`` into ``4 3 7 8``.
    """
    spaces = [c for c in chars if c["text"].isspace()]
    if not spaces:
        return chars
    buckets: dict[int, list[tuple[float, float, float, float]]] = {}
    for c in chars:
        if not c["text"].isspace():
            buckets.setdefault(int(c["top"] // 8), []).append((c["x0"], c["x1"], c["top"], c["bottom"]))
    index = {k: ([b[0] for b in sorted(v)], sorted(v)) for k, v in buckets.items()}
    phantom = set()
    for sp in spaces:
        sx0, sx1, stop, sbottom = sp["x0"], sp["x1"], sp["top"], sp["bottom"]
        need = 0.5 * (sx1 - sx0)  # covered at least half-way
        if need <= 0:
            continue
        k0 = int(stop // 8)
        hit = False
        for k in (k0 - 1, k0, k0 + 1):
            if k not in index:
                continue
            x0s, boxes = index[k]
            j = bisect_left(x0s, sx1)
            while j > 0 and not hit:
                j -= 1
                x0, x1, top, bottom = boxes[j]
                if x0 < sx0 - 40:
                    break
                if min(x1, sx1) - max(x0, sx0) >= need and top < sbottom and bottom > stop:
                    hit = True
            if hit:
                break
        if hit:
            phantom.add(id(sp))
    return [c for c in chars if id(c) not in phantom] if phantom else chars


def _segment_items(lines: list[_Line], page_no: int, min_gap: float, left: float,
                   right: float) -> list[tuple[float, Paragraph]]:
    """Paragraphs of a run of lines: column bands split in two, the rest grouped."""
    out: list[tuple[float, Paragraph]] = []
    used = 0
    for i, j, (g0, g1) in _find_bands(lines, min_gap):
        out += _paragraphs(lines[used:i], page_no, left, right)
        band = lines[i:j]
        for column, pick in (("left", lambda w, g0=g0: w.x1 <= g0), ("right", lambda w, g1=g1: w.x0 >= g1)):
            texts, n, b, it = [], 0, 0, 0
            for ln in band:
                ws = [w for w in ln.words if pick(w)]
                if not ws:
                    continue
                texts.append(ln.text(ws))
                c = ln.counts(ws)
                n, b, it = n + c[0], b + c[1], it + c[2]
            if texts:
                out.append((band[0].top, Paragraph(text="\n".join(texts), bold=_majority(n, b),
                                                   italic=_majority(n, it), page=page_no, column=column)))
        used = j
    out += _paragraphs(lines[used:], page_no, left, right)
    return out


def _flow_items(words: list[_Word], page_no: int, cuts: list[float]) -> list[tuple[float, Paragraph]]:
    """Lines, column bands and paragraphs of the words outside tables; ``cuts`` are table tops."""
    lines = _make_lines(words)
    if not lines:
        return []
    # A page number alone at the top or bottom of the page stays out of the
    # column bands: centred on the page, it would join the header's right column.
    numbers: list[tuple[float, Paragraph]] = []
    for k in (0, -1):
        ln = lines[k] if lines else None
        if ln is not None and len(lines) > 1 and len(ln.words) == 1 and _PAGE_NUMBER.match(ln.text()):
            lines.remove(ln)
            numbers.append((ln.top, Paragraph(text=ln.text(), page=page_no, role="page_header")))
    if not lines:
        return numbers
    min_gap = max(10.0, 1.2 * median(ln.size for ln in lines))
    left = min(ln.x0 for ln in lines)
    right = max(ln.x1 for ln in lines)
    # Tables cut the flow: no paragraph or column band runs across one.
    cuts = sorted(cuts)
    segments: list[list[_Line]] = [[]]
    for ln in lines:
        while cuts and ln.top > cuts[0]:
            cuts.pop(0)
            segments.append([])
        segments[-1].append(ln)
    para_items: list[tuple[float, Paragraph]] = []
    for seg in segments:
        para_items += _segment_items(seg, page_no, min_gap, left, right)
    _mark_page_numbers(para_items)
    return sorted(numbers + para_items, key=lambda it: it[0])


def layout_words(boxes: list[tuple[str, float, float, float, float, float]], page_no: int) -> list[Paragraph]:
    """Paragraphs of words given as ``(text, x0, x1, top, bottom, size)`` in points, top-down.

    The OCR reader's way into the same layout as a text page: lines, the
    header's and signature's column bands, paragraphs, page numbers.
    """
    words = [_Word(t, x0, x1, top, bottom, sum(1 for ch in t if not ch.isspace()), 0, 0, 0, size)
             for t, x0, x1, top, bottom, size in boxes if t.strip()]
    items = _flow_items(words, page_no, [])
    items.sort(key=lambda it: it[0])
    return [b for _, b in items]


def _read_page(page, page_no: int, rsrc) -> tuple[list[Paragraph | Table], int, int]:  # type: ignore[no-untyped-def]
    """Blocks of one page, the number of text characters, and how many of them were overlays."""
    chars = [c for c in page.chars if c.get("upright", True)]
    try:
        ov = overlay_chars(page, rsrc)
    except Exception:  # noqa: BLE001 - a broken annotation must not lose the page
        ov = []
    ov = [c for c in ov if c.get("upright", True) and c["text"].strip()]
    chars = _drop_phantom_spaces(_dedupe(chars + ov))
    for c in chars:
        if c["text"].startswith("(cid:"):
            c["text"] = "\ufffd"  # a glyph without a Unicode mapping
    n_text = sum(1 for c in chars if not c["text"].isspace())
    if not n_text:
        return [], 0, 0
    words = _make_words(chars)
    tables = _find_tables(page, words)
    items: list[tuple[float, Paragraph | Table]] = []
    free_words = words
    for box in tables:
        x0, top, x1, bottom = box.bbox
        inside = [w for w in free_words if x0 <= (w.x0 + w.x1) / 2 <= x1 and top <= (w.top + w.bottom) / 2 <= bottom]
        ids = {id(w) for w in inside}
        free_words = [w for w in free_words if id(w) not in ids]
        items.append((top, _table_block(box, inside, page_no)))
    items += _flow_items(free_words, page_no, [box.bbox[1] for box in tables])
    # Stable sort keeps left before right for bands (same top).
    items.sort(key=lambda it: it[0])
    return [b for _, b in items], n_text, sum(1 for c in ov if not c["text"].isspace())


def _scan_image(page) -> tuple[float, float | None]:  # type: ignore[no-untyped-def]
    """``(share of the page under its largest image, that image's resolution in dpi)``.

    A scanned page is one page-sized image; its resolution decides what the
    page is rendered at for OCR.
    """
    area = float(page.width * page.height) or 1.0
    best, dpi = 0.0, None
    for im in page.images:
        w = min(im["x1"], page.width) - max(im["x0"], 0)
        h = min(im["bottom"], page.height) - max(im["top"], 0)
        if w > 0 and h > 0 and w * h / area > best:
            best = w * h / area
            src = im.get("srcsize") or (0, 0)
            dpi = 72.0 * float(src[0]) / (im["x1"] - im["x0"]) if src[0] and im["x1"] > im["x0"] else None
    return best, dpi


def _block_text(blocks: list[Paragraph | Table]) -> str:
    out = []
    for b in blocks:
        out += [b.text] if isinstance(b, Paragraph) else [c.text for c in b.cells]
    return "\n".join(out)


# ----------------------------------------------------------------- document


def _open_error(e: BaseException):  # type: ignore[no-untyped-def]
    from . import ReadError

    inner = e.args[0] if e.args and isinstance(e.args[0], BaseException) else e
    name = type(inner).__name__
    detail = f"{name}: {inner}"
    if name in ("PDFPasswordIncorrect", "PDFEncryptionError", "PDFEncryptionWarning") or "crypt" in name.lower():
        return ReadError("PDF được mã hóa (có mật khẩu) — không đọc được nội dung", detail=detail)
    return ReadError("Tệp PDF bị hỏng hoặc không hợp lệ", detail=detail)


def _count_pages(data: bytes) -> int | None:
    """The page count from PDFium (a millisecond even for thousands of pages), before anything is read.

    Raises the "encrypted" :class:`ReadError` when PDFium wants a password;
    ``None`` when PDFium cannot open the file (pdfplumber then gets its say,
    and its own message).
    """
    from . import ReadError

    try:
        import pypdfium2 as pdfium
    except ImportError:  # pragma: no cover - a dependency of pdfplumber
        return None
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise ReadError("PDF được mã hóa (có mật khẩu) — không đọc được nội dung", detail=str(e)) from e
        return None
    try:
        return len(doc)
    finally:
        doc.close()


#: A page with fewer text characters than this over a page-sized image is a
#: scan whose only text is a stamp (an e-signature's "Ký bởi: ..."): it is OCR'd.
_SCAN_TEXT_CHARS = 200
_SCAN_IMAGE_COVER = 0.6


def _ocr_pages(data: bytes, pages: dict[int, int]) -> list[Any]:
    """OCR the 1-based ``pages`` of the PDF (page -> dpi), rendered by PDFium.

    Why PDFium (pypdfium2, already installed with pdfplumber) and not
    ``pdftoppm``: it renders in-process into a PIL image, with no temporary
    files and no extra system package, honours ``/Rotate`` and draws
    annotations (signature stamps) as printed. Pages are rendered in colour so
    that :func:`.ocr.clean` can lift red seals off the signer's name. PDFium
    is not thread-safe, so rendering is serialised; recognition, the costly
    part, runs in parallel.
    """
    import threading

    import pypdfium2 as pdfium

    from . import ocr

    doc = pdfium.PdfDocument(data)
    lock = threading.Lock()

    def loader(k: int, dpi: int):  # type: ignore[no-untyped-def]
        def load():  # type: ignore[no-untyped-def]
            with lock:
                page = doc[k - 1]
                try:
                    return page.render(scale=dpi / 72).to_pil()
                finally:
                    page.close()

        return load

    try:
        return ocr.ocr_images([(k, dpi, loader(k, dpi)) for k, dpi in sorted(pages.items())])
    finally:
        doc.close()


def read_pdf(data: bytes, *, max_pages: int = 500, max_ocr_pages: int | None = None) -> SourceDocument:
    """Read a PDF's text layer; pages without one, or with a garbage one, are OCR'd.

    The page count is checked first (:func:`_count_pages`), so a 2,000-page
    file is refused before any page is read. Pages to OCR: no text at all;
    a page-sized image with a few characters on it (a scan with a signature
    stamp); a text layer that is not Vietnamese (:mod:`.quality`). They are
    capped at ``max_ocr_pages`` (default :data:`.ocr.MAX_OCR_PAGES`); beyond it
    the file is refused rather than kept busy for minutes. Without Tesseract
    installed, the reader behaves as before OCR existed: a scan is refused
    ("cần OCR") and a garbage layer is kept with a warning.
    """
    from . import ReadError, ocr, quality

    n_count = _count_pages(data)
    if n_count is not None and n_count > max_pages:
        raise ReadError(f"Văn bản quá dài ({n_count} trang; giới hạn {max_pages} trang)")
    try:
        import pdfplumber
        from pdfminer.pdfinterp import PDFResourceManager
    except ImportError as e:  # pragma: no cover - dependency is declared
        raise ReadError("Thiếu thư viện pdfplumber để đọc PDF", detail=str(e)) from e
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as e:  # noqa: BLE001 - PdfminerException wraps pdfminer's errors
        raise _open_error(e) from e
    warnings: list[str] = []
    per_page: list[list[Paragraph | Table]] = []
    texts: list[str] = []
    scans: list[int] = []  # 1-based pages to OCR because they are images
    dpis: dict[int, int] = {}  # pages rendered below ocr.DPI: the scan's own resolution
    # Not ``with pdf:``: pdfplumber's close() walks the pages again, and on a broken page
    # tree it raises again, replacing the ReadError below with a library error.
    try:
        try:
            pages = pdf.pages
        except Exception as e:  # noqa: BLE001
            raise _open_error(e) from e
        n_pages = len(pages)
        if n_pages == 0:
            raise ReadError("Tệp PDF bị hỏng hoặc không có trang nào")
        if n_pages > max_pages:
            raise ReadError(f"Văn bản quá dài ({n_pages} trang; giới hạn {max_pages} trang)")
        rsrc = PDFResourceManager(caching=True)
        overlay = 0
        failed = []
        for k, page in enumerate(pages, start=1):
            try:
                page_blocks, n_text, n_overlay = _read_page(page, k, rsrc)
                if n_text < _SCAN_TEXT_CHARS:
                    cover, dpi = _scan_image(page)
                    if not n_text or cover >= _SCAN_IMAGE_COVER:
                        scans.append(k)
                    if dpi and cover >= _SCAN_IMAGE_COVER:
                        dpis[k] = round(max(ocr.MIN_DPI, min(ocr.DPI, dpi)))
            except Exception as e:  # noqa: BLE001 - keep the other pages
                failed.append(k)
                warnings.append(f"Trang {k}: không đọc được ({type(e).__name__})")
                page_blocks, n_overlay = [], 0
            finally:
                page.close()
            overlay += n_overlay
            per_page.append(page_blocks)
            texts.append(_block_text(page_blocks))
    finally:
        with contextlib.suppress(Exception):
            pdf.close()
    garbage = [k + 1 for k in quality.garbage_pages(texts)]
    to_ocr = sorted(set(scans) | set(garbage) | set(failed))
    ocr_info = None
    done: list[Any] = []
    seconds = 0.0
    if to_ocr and ocr.available():
        cap = ocr.MAX_OCR_PAGES if max_ocr_pages is None else max_ocr_pages
        if len(to_ocr) > cap:
            raise ReadError(f"Bản quét quá dài để nhận dạng OCR ({len(to_ocr)} trang; giới hạn {cap} trang)")
        start = time.perf_counter()
        try:
            done = _ocr_pages(data, {k: dpis.get(k, ocr.DPI) for k in to_ocr})
        except Exception:  # noqa: BLE001 - PDFium cannot render what pdfminer read: keep the text layer
            done = []
        seconds = time.perf_counter() - start
    if done:
        read = set()
        for p in done:
            paras = ocr.page_paragraphs(p)
            if paras:
                read.add(p.page)
            if paras or not texts[p.page - 1].strip():
                per_page[p.page - 1] = list(paras)
        ocr_info = ocr.summary(done, seconds)
        # A page that failed to parse but was OCR'd is no longer a page lost.
        warnings = [w for w in warnings if not any(w.startswith(f"Trang {k}: không đọc được") for k in read)]
        warnings[:0] = [ocr.warning(done), *ocr.failure_warnings(done)]
        garbage = [k for k in garbage if k not in read]
    blocks = [b for page_blocks in per_page for b in page_blocks]
    if not any(_block_text([b]).strip() for b in blocks):
        if failed and (ocr_info is None or len(failed) == n_pages):
            raise ReadError("Tệp PDF bị hỏng: không đọc được trang nào")
        if ocr_info is not None:
            raise ReadError("PDF không có chữ đọc được, kể cả khi nhận dạng OCR")
        raise ReadError("PDF không có lớp văn bản (bản quét) — cần OCR")
    empty = [k for k in range(1, n_pages + 1) if not per_page[k - 1] and k not in failed]
    if empty and ocr_info is None:
        warnings.append(f"Trang không có lớp văn bản (ảnh quét?): {ocr.pages_text(empty[:10])}"
                        + ("..." if len(empty) > 10 else ""))
    if b"%%EOF" not in data[-2048:]:
        warnings.append("Tệp PDF có vẻ bị cắt cụt (thiếu phần cuối): có thể thiếu nội dung")
    if overlay:
        warnings.append(f"Đã lấy {overlay} ký tự từ lớp phủ (chữ ký số/chú thích) trên trang")
    if garbage:
        warnings.append("Lớp văn bản PDF bị lỗi phông (ký tự không giải mã được) — nên dùng OCR")
    return SourceDocument(blocks=blocks, format="pdf", pages=n_pages, warnings=warnings, ocr=ocr_info)
