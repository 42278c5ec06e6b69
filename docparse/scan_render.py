"""Print a seed as a scanned document: A4 page images at 200 dpi, and an image-only PDF of them.

Why it exists: the seeds (``corpus/seeds``) and their gold are text, but
many documents reach the registry as scans, read by Tesseract OCR. To
measure what OCR costs, the ``seeds-scan`` set of ``docparse eval``
(:mod:`docparse.evaluate`) prints each seed here, rasterises it into an
image-only PDF, parses that like any upload and scores it against the same
gold as the text; ``tests/test_ocr.py`` OCRs pages printed the same way.
Nothing here reads or parses: it only lays out and draws.

The layout (:func:`scan_rows`) follows Nghị định 30/2020: the header and
signature blocks in two columns, a document starting a page. Drawing
(:func:`render_scan`) needs Pillow and the DejaVu fonts
(``fonts-dejavu-core``).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .normalize import fold

#: Resolution of the scans (the issue's floor is measured at 200 dpi).
SCAN_DPI = 200
_FONTS = Path("/usr/share/fonts/truetype/dejavu")
_BODY_PT = 13.0  # Nghị định 30/2020: body text in 13-14 pt
_HEADER_PT = 10.5  # DejaVu is wide: the Quốc hiệu fits its column on one line, as in Times 12-13 pt
_LIST_PT = 11.0  # "Nơi nhận" list, place and date
_MD_BOLD = re.compile(r"\*\*(.+?)\*\*")
_MD_ITALIC = re.compile(r"(?<!\*)\*(?!\*)(.+?)(?<!\*)\*(?!\*)")
_COLUMN_GAP = re.compile(r"\S(\s{5,})\S")
_SIGNER_NAME = re.compile(r"^(?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]+ ){1,4}[A-ZĐÀ-Ỹ][a-zà-ỹđ]+$")
_PLACE_DATE = re.compile(r"^[^\W\d]+(?: [^\W\d]+){0,3}, ngày\b.*\bnăm \d{4}\s*$")


@dataclass
class _Piece:
    """Text printed in one column of a row."""

    text: str
    bold: bool = False
    centre: bool = False  # centred in its column, else flush left (with a first-line indent across the page)
    size: float = _BODY_PT


@dataclass
class _Row:
    """One printed row: a piece across the page, or a left and a right piece (two columns)."""

    left: _Piece | None = None
    right: _Piece | None = None
    wide: bool = True
    gap: float = 0.0  # blank space before the row, in lines
    new_page: bool = False  # a document starts a page
    keep: int = 0  # rows after this one kept on its page (a header or signature block)
    kind: str = ""  # "header" or "signature" for the rows of those blocks


def _piece(line: str, centre: bool = False, bold: bool | None = None, size: float = _BODY_PT) -> _Piece:
    text = line.strip()
    marked = bool(_MD_BOLD.search(text))
    text = _MD_ITALIC.sub(r"\1", _MD_BOLD.sub(r"\1", text)).replace("**", "").strip()
    if bold is None:
        bold = marked or (text.isupper() and len(text) < 70)
    return _Piece(text, bold, centre, size)


def _next_line(lines: list[str], i: int) -> int:
    """Index of the first non-blank line after ``i`` (``len(lines)`` at the end)."""
    j = i + 1
    while j < len(lines) and not lines[j].strip():
        j += 1
    return j


def _header_rows(lines: list[str], i: int, rows: list[_Row], row: _Row) -> int:
    """Set the header whose Quốc hiệu is ``lines[i]``; return the next line to read.

    The issuer's lines, already set as one-column capitals just above, are
    taken back and put beside the Quốc hiệu and the motto; "Số: ..." goes
    beside the place and date under them.
    """
    number = dated = None
    if rows and rows[-1].wide and rows[-1].left is not None and re.match(r"(?i)^số\b", rows[-1].left.text):
        taken = rows.pop()  # "Số:" printed above the Quốc hiệu (a header without its issuer)
        row.gap, number = taken.gap, _Piece(taken.left.text, False, True, _HEADER_PT)  # type: ignore[union-attr]
    issuer: list[_Piece] = []
    while (rows and len(issuer) < 3 and rows[-1].wide and rows[-1].left is not None
           and rows[-1].left.text.isupper() and len(rows[-1].left.text) < 45):
        taken = rows.pop()
        row.gap = taken.gap
        issuer.insert(0, _Piece(taken.left.text, True, True, _HEADER_PT))  # type: ignore[union-attr]
    right = [_piece(lines[i], True, True, _HEADER_PT)]
    j = _next_line(lines, i)
    if j < len(lines) and fold(lines[j]).strip().startswith("doc lap"):
        right.append(_piece(lines[j], True, True, _HEADER_PT))
        j = _next_line(lines, j)
    while j < len(lines) and (number is None or dated is None):
        text = _piece(lines[j]).text
        if number is None and re.match(r"(?i)^số\b", text):
            number = _Piece(text, False, True, _HEADER_PT)
        elif dated is None and _PLACE_DATE.match(text):
            dated = _Piece(text, False, True, _HEADER_PT)
        else:
            break
        j = _next_line(lines, j)
    first = len(rows)
    for k in range(max(len(issuer), len(right))):
        rows.append(_Row(issuer[k] if k < len(issuer) else None, right[k] if k < len(right) else None, wide=False,
                         gap=row.gap if k == 0 else 0.0, new_page=k == 0, kind="header"))
    if number or dated:
        rows.append(_Row(number, dated, wide=False, gap=0.6, kind="header"))
    rows[first].keep = len(rows) - first - 1
    return j


def _signature_rows(lines: list[str], i: int, rows: list[_Row], row: _Row) -> int | None:
    """Set "Nơi nhận:" and its list beside the signer; None when no signer's name follows the list."""
    left = [_piece(lines[i], bold=True, size=_LIST_PT)]
    j = _next_line(lines, i)
    while j < len(lines) and lines[j].strip().startswith("-"):
        left.append(_piece(lines[j], bold=False, size=_LIST_PT))
        j = _next_line(lines, j)
    right: list[_Piece] = []
    k = j
    while k < len(lines) and len(right) < 5 and len(lines[k].strip()) < 45:
        right.append(_piece(lines[k], True, True))
        if _SIGNER_NAME.match(right[-1].text):
            break
        k = _next_line(lines, k)
    if not right or not _SIGNER_NAME.match(right[-1].text):
        return None
    titles, name = right[:-1], right[-1]
    n = max(len(left), len(titles) + 4)  # room for the signature and the seal
    first = len(rows)
    for r in range(n):
        sign = titles[r] if r < len(titles) else (name if r == n - 1 else None)
        rows.append(_Row(left[r] if r < len(left) else None, sign, wide=False, gap=row.gap if r == 0 else 0.0,
                         new_page=row.new_page and r == 0, kind="signature"))
    rows[first].keep = n - 1
    return _next_line(lines, k)


def scan_rows(text: str) -> list[_Row]:
    """The lines of a seed as printed rows.

    Laid out the way Nghị định 30/2020 prints a document: each header
    (issuer beside Quốc hiệu and motto, "Số:" beside place and date) and each
    signature block ("Nơi nhận:" and its list beside the signer's title and
    name) in two columns; a document starts a new page; a place and date
    alone goes to the right; a line with a wide run of spaces (a header
    exported as text) is two columns. The rest is one column: short capitals
    and ``**marked**`` lines bold, capitals centred, blank lines as paragraph
    spacing.
    """
    lines = [ln.rstrip() for ln in text.splitlines()]
    rows: list[_Row] = []
    i = _next_line(lines, -1)
    gap, new_page = 0.0, False
    while i < len(lines):
        after = _next_line(lines, i)
        row = _Row(gap=gap, new_page=new_page)
        text_i = _piece(lines[i]).text
        f = fold(text_i).strip()
        if f.startswith("cong hoa xa hoi") and f.rstrip(" .").endswith("viet nam"):
            i, gap, new_page = _header_rows(lines, i, rows, row), 0.5, False
            continue
        if f.rstrip(": ") == "noi nhan":
            j = _signature_rows(lines, i, rows, row)
            if j is not None:
                i, gap, new_page = j, 0.0, True
                continue
        if f.startswith("noi nh"):
            row.kind = "signature"  # no signer's name to set beside the list: one column
        m = _COLUMN_GAP.search(text_i)
        if _PLACE_DATE.match(text_i):
            row.wide, row.right = False, _Piece(text_i, False, True, _LIST_PT)
        elif m and text_i[m.end(1)].isupper():
            row.wide = False
            row.left = _piece(text_i[: m.start(1)], True, size=_HEADER_PT)
            row.right = _piece(text_i[m.end(1):], True, size=_HEADER_PT)
            if fold(row.right.text).startswith("cong hoa xa hoi"):
                row.new_page, row.kind = True, "header"
        else:
            row.left = _piece(lines[i])
            row.left.centre = row.left.bold and row.left.text.isupper()
            if re.search(r"\bcong hoa xa h\w{1,2}i\b", f):
                # both header columns already run together in one line (an OCR copy): a header all the same
                row.new_page, row.left.size, row.kind = True, _HEADER_PT, "header"
        rows.append(row)
        gap, new_page = (0.5 if after > i + 1 else 0.0), False
        i = after
    return rows


def render_scan(text: str, dpi: int = SCAN_DPI, marks: list[set[str]] | None = None) -> list[Any]:
    """``text`` printed on A4 pages (:func:`scan_rows`), as grey PIL images at ``dpi``.

    Margins of Nghị định 30/2020 (left 30 mm, right 15 mm, top and bottom
    20 mm), DejaVu Serif (``fonts-dejavu-core``: the serif at hand closest to
    the Times New Roman of real documents), a 10 mm first-line indent, and a
    page number at the top of every page of a document but its first.
    ``marks``, when given, gets for each page the kinds of block printed on
    it ("start" of a document, "header", "signature"): tests OCR those
    pages only.
    """
    from PIL import Image, ImageDraw, ImageFont

    def mm(v: float) -> int:
        return round(v / 25.4 * dpi)

    fonts: dict[tuple[bool, float], Any] = {}

    def font(p: _Piece) -> Any:
        key = (p.bold, p.size)
        if key not in fonts:
            name = "DejaVuSerif-Bold.ttf" if p.bold else "DejaVuSerif.ttf"
            fonts[key] = ImageFont.truetype(str(_FONTS / name), round(p.size * dpi / 72))
        return fonts[key]

    width, height = mm(210), mm(297)
    left, top, bottom = mm(30), mm(20), mm(20)
    body = width - left - mm(15)
    indent = mm(10)
    pages: list[Any] = []
    draw: Any = None
    y = page_no = 0

    def new_page(document: bool) -> None:
        nonlocal draw, y, page_no
        img = Image.new("L", (width, height), 255)
        pages.append(img)
        if marks is not None:
            marks.append(set())
        draw = ImageDraw.Draw(img)
        y = top
        page_no = 1 if document else page_no + 1
        if page_no > 1:
            n, f = str(page_no), font(_Piece("", size=_LIST_PT))
            draw.text((left + (body - draw.textlength(n, font=f)) / 2, mm(10)), n, font=f, fill=0)

    def wrap(p: _Piece, w: float, first_indent: float) -> list[str]:
        out: list[str] = []
        cur = ""
        for word in p.text.split():
            cand = f"{cur} {word}" if cur else word
            if cur and draw.textlength(cand, font=font(p)) > w - (0 if out else first_indent):
                out.append(cur)
                cur = word
            else:
                cur = cand
        return out + ([cur] if cur else [])

    def lay_out(row: _Row) -> tuple[list[tuple[_Piece, float, float, list[str]]], int, int]:
        cols = ([(row.left, left, body)] if row.wide
                else [(row.left, left, 0.4 * body), (row.right, left + 0.42 * body, 0.58 * body)])
        laid = [(p, x0, w, wrap(p, w, indent if row.wide and not p.centre else 0.0))
                for p, x0, w in cols if p is not None and p.text]
        line_h = round(max([p.size for p, *_ in laid] or [_BODY_PT]) * dpi / 72 * 1.35)
        n = max((len(ls) for *_, ls in laid), default=1)
        return laid, line_h, n

    new_page(True)
    rows = scan_rows(text)
    for r, row in enumerate(rows):
        laid, line_h, n = lay_out(row)
        block = 0
        for x in rows[r:r + row.keep + 1]:
            _, h, k = lay_out(x)
            block += round(x.gap * h) + k * h
        if (row.new_page and y > top) or y + block > height - bottom:
            new_page(row.new_page)
        else:
            y += round(row.gap * line_h)
        if marks is not None and (r == 0 or row.new_page):
            marks[-1].add("start")
        if marks is not None and row.kind:
            marks[-1].add(row.kind)
        for p, x0, w, ls in laid:
            for k, ln in enumerate(ls):
                x = x0 + (w - draw.textlength(ln, font=font(p))) / 2 if p.centre else x0
                if k == 0 and row.wide and not p.centre:
                    x += indent
                draw.text((x, y + k * line_h), ln, font=font(p), fill=0)
        y += n * line_h
    return pages


def scan_pdf(pages: list[Any], dpi: int = SCAN_DPI) -> bytes:
    """An image-only PDF of ``pages`` (JPEG, as scanners write them): no text layer at all."""
    buf = io.BytesIO()
    first, *rest = [p.convert("L") for p in pages]
    first.save(buf, "PDF", save_all=True, append_images=rest, resolution=float(dpi), quality=85)
    return buf.getvalue()
