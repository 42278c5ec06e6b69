"""Plain-text and Markdown exports (.txt / .md).

Encoding is *detected*: byte-order marks first, then every plausible decoding
(UTF-8, UTF-16 LE/BE when the NUL-byte pattern says so, Windows-1258) is
scored by :func:`text_score` — the share of characters that can occur in
Vietnamese text, with decode errors and stray control characters counted
against it — and the best score wins. Windows-1258 writes tone marks as
combining characters, so its decoding is NFC-composed before scoring.

The seeds are Markdown exports: ``**bold**``, ``*italic*`` and heading hashes
are stripped from the text and turned into :attr:`Paragraph.bold` /
:attr:`Paragraph.italic`. One :class:`Paragraph` per line; blank lines are kept
as empty paragraphs because later stages use them, and tabs inside a line are
kept.

Text typed in a legacy Vietnamese encoding (TCVN3 "ABC", VNI) decodes
without error but reads "QuyÕt ®Þnh": after the decoding, the text is checked
by :func:`docparse.legacy_encodings.detect` and converted when a legacy
reading has clearly more valid Vietnamese syllables. A single-byte file is
converted from its bytes; in a Unicode file (mojibake pasted from an old
document) each line is converted only where that reads better.

Converters that export a Word table to text write one cell per tab-indented
line, rows separated by a blank line, and a cell's further lines without the
tab. Such a run becomes a :class:`Table` (see :func:`_tab_table`), so that the
task-table finder sees rows and columns whatever the file format.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .. import legacy_encodings as legacy
from ..model import Cell, Paragraph, SourceDocument, Table

# --------------------------------------------------------------- scoring

# Marks that Vietnamese letters carry: circumflex, breve, horn + the five tones.
_VI_MARKS = frozenset("\u0302\u0306\u031b\u0300\u0301\u0303\u0309\u0323")
# Typographic characters that are normal in Vietnamese administrative text.
_OK_PUNCT = frozenset("“”‘’–—…•·°§№±×÷€\u00a0\u00ad\u200b\ufeff")


@lru_cache(maxsize=8192)
def _char_class(ch: str) -> int:
    """1 = plausible in Vietnamese text, 0 = odd but harmless, -1 = damage."""
    if ch.isascii():
        o = ord(ch)
        if o < 32 and ch not in "\t\n\r\f\v":
            return -1  # control characters: a wrong decoding (or binary data)
        return 1
    if ch == "\ufffd" or 0x80 <= ord(ch) < 0xA0:
        return -1  # replacement character, C1 controls
    cat = unicodedata.category(ch)
    if cat in ("Cc", "Cs", "Co", "Cn"):
        return -1
    if ch in _OK_PUNCT:
        return 1
    if ch in "đĐ":
        return 1
    if cat.startswith("L"):
        nfd = unicodedata.normalize("NFD", ch)
        if nfd[0].isascii() and nfd[0].isalpha() and all(m in _VI_MARKS for m in nfd[1:]):
            return 1
        return 0
    if cat == "Mn":
        return 0  # a combining mark left over after NFC: suspicious, not fatal
    if cat.startswith("Z"):
        return 1
    return 0


def text_score(text: str) -> float:
    """Share of characters plausible in Vietnamese text, minus 3x the damaged ones.

    1.0 for clean Vietnamese or ASCII; mojibake (UTF-8 read as a legacy code
    page gives ``Ã¡``, ``â€œ`` ...) and decode errors pull it down; binary
    junk goes negative. Whitespace is not counted.
    """
    good = bad = n = 0
    for ch in text:
        if ch in " \n\r\t":
            continue
        n += 1
        c = _char_class(ch)
        if c > 0:
            good += 1
        elif c < 0:
            bad += 1
    if n == 0:
        return 1.0
    return (good - 3 * bad) / n


# --------------------------------------------------------------- decoding

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _nul_pattern(sample: bytes) -> tuple[float, float]:
    """Share of NUL bytes at even and at odd offsets of ``sample``."""
    half = max(1, len(sample) // 2)
    even = sample[0::2].count(0) / half
    odd = sample[1::2].count(0) / half
    return even, odd


def _candidates(data: bytes) -> list[str]:
    sample = data[:65536]
    even, odd = _nul_pattern(sample)
    out: list[str] = []
    # BOM-less UTF-16: ASCII and Latin letters have a NUL high byte, so NULs
    # pile up on one parity (odd offsets for LE, even for BE). The parity
    # decides which goes first (the tie-break); the score decides the winner.
    if even or odd:
        out += ["utf-16-le", "utf-16-be"] if odd >= even else ["utf-16-be", "utf-16-le"]
    out += ["utf-8", "cp1258"]
    return out


def _decode(data: bytes, enc: str) -> str:
    """Decode with replacement characters (counted as damage by :func:`text_score`)."""
    return data.decode(enc, errors="replace")


_SAMPLE = 100_000


def _score_sampled(text: str) -> float:
    """:func:`text_score` on the head, middle and tail of a long text, plus its decode errors.

    Scoring is a Python loop; decoding is not. Long files are scored on samples
    but replacement characters are counted over the whole decoding.
    """
    if len(text) <= 3 * _SAMPLE:
        return text_score(text)
    mid = len(text) // 2
    sample = text[:_SAMPLE] + text[mid:mid + _SAMPLE] + text[-_SAMPLE:]
    rest = text.count("\ufffd") - sample.count("\ufffd")
    return text_score(sample) - 3 * max(0, rest) / len(text)


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode ``data`` to NFC text; return ``(text, encoding_name)``."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = _decode(data, enc).lstrip("\ufeff")
            return unicodedata.normalize("NFC", text), enc
    best: tuple[float, int, str, str] | None = None
    for rank, enc in enumerate(_candidates(data)):
        try:
            text = _decode(data, enc)
        except (LookupError, UnicodeError):
            continue
        text = unicodedata.normalize("NFC", text)
        score = _score_sampled(text)
        # Higher score wins; on a tie the earlier candidate (UTF-16 when the
        # NUL pattern says so, then UTF-8) wins.
        key = (score, -rank, text, enc)
        if best is None or key[:2] > best[:2]:
            best = key
    assert best is not None
    return best[2], best[3]


# --------------------------------------------------------------- legacy encodings

#: Characters scored by detection: enough for a verdict, bounded for big files.
_LEGACY_SAMPLE = 200_000
_SINGLE_BYTE = frozenset({"cp1258"})


def undo_legacy(data: bytes, text: str, encoding: str) -> tuple[str, str | None]:
    """``text`` converted from TCVN3 or VNI when detection says so; ``(text, legacy encoding)``.

    The tables read bytes, so a single-byte decoding is redone from the bytes
    (Windows-1258 has moved some of them to combining marks); a Unicode
    decoding holds the legacy characters as they are.
    """
    if text.isascii():
        return text, None
    if encoding in _SINGLE_BYTE:
        raw = legacy.as_bytes_text(data)
        found = legacy.detect(raw[:_LEGACY_SAMPLE], as_is=text[:_LEGACY_SAMPLE])
        if found.encoding is None:
            return text, None
        out = legacy.convert(raw, found.encoding)
        if found.encoding == legacy.TCVN3:
            out = legacy.recase_tcvn3(out)
        return out, found.encoding
    lines = text.split("\n")
    found = legacy.detect_document(lines)
    if found.encoding is None:
        return text, None
    return "\n".join(legacy.convert_paragraph(line, found.encoding) for line in lines), found.encoding


# --------------------------------------------------------------- Markdown

_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s+|$)")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
# **bold** / __bold__ is not used: underscores occur in OCR text and file names.
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EMPH = re.compile(r"(?<![*\w])\*(?=[^\s*])([^*]+?)(?<=[^\s*])\*(?![*\w])")


def strip_markdown(line: str) -> tuple[str, bool, bool]:
    """``(text, bold, italic)`` of one Markdown line.

    Heading hashes go; ``**...**`` and ``*...*`` lose their markers, and the
    line is bold/italic when most of its non-space characters were inside such
    spans (a line entirely wrapped in ``**`` is bold). List markers such as
    ``- + Nhóm sổ`` are text and stay.
    """
    m = _HEADING.match(line)
    if m:
        line = line[m.end():]
    if "*" not in line and "\\" not in line:
        return line, False, False
    n = len(line)
    # ***x*** is bold and italic: take the strong markers first.
    text, (bold, (ital,)) = _strip_spans_track(line, _STRONG, [False] * n, [[False] * n])
    text, (ital, (bold,)) = _strip_spans_track(text, _EMPH, ital, [bold])
    if "\\" in text:
        text, res = _unescape_track(text, [bold, ital])
        bold, ital = res
    visible = [i for i, c in enumerate(text) if not c.isspace()]
    if not visible:
        return text, False, False
    nb = sum(1 for i in visible if bold[i])
    ni = sum(1 for i in visible if ital[i])
    return text, nb * 2 > len(visible), ni * 2 > len(visible)


def _strip_spans_track(
    text: str, pattern: re.Pattern[str], mark: list[bool], others: list[list[bool]]
) -> tuple[str, tuple[list[bool], list[list[bool]]]]:
    """Remove ``pattern``'s markers, set ``mark`` on the inner text, keep ``others`` aligned."""
    pieces: list[tuple[int, int, bool]] = []  # (start, end, inside) of kept slices
    pos = 0
    for m in pattern.finditer(text):
        pieces.append((pos, m.start(), False))
        pieces.append((m.start(1), m.end(1), True))
        pos = m.end()
    pieces.append((pos, len(text), False))
    out = []
    new_mark: list[bool] = []
    new_others: list[list[bool]] = [[] for _ in others]
    for a, b, inside in pieces:
        out.append(text[a:b])
        new_mark += [True] * (b - a) if inside else mark[a:b]
        for k, o in enumerate(others):
            new_others[k] += o[a:b]
    return "".join(out), (new_mark, new_others)


def _unescape_track(text: str, flags: list[list[bool]]) -> tuple[str, list[list[bool]]]:
    out = []
    new: list[list[bool]] = [[] for _ in flags]
    pos = 0
    for m in _ESCAPE.finditer(text):
        out.append(text[pos:m.start()] + m.group(1))
        for k, f in enumerate(flags):
            new[k] += f[pos:m.start()] + [f[m.start(1)]]
        pos = m.end()
    out.append(text[pos:])
    for k, f in enumerate(flags):
        new[k] += f[pos:]
    return "".join(out), new


# --------------------------------------------------------------- tab-cell tables


def _blank(raw: str) -> bool:
    return not raw.strip(" \t\r\u00a0\u200b\ufeff")


def _tab_rows(raw_lines: list[str], start: int) -> tuple[list[list[list[str]]], int]:
    """The rows (cells as lists of raw lines) of the tab-cell run at ``start``, and its end.

    A tab-indented line starts a cell; a blank line followed by a tab line
    starts a new row. A line without the tab continues the current cell, also
    after blank lines (exports put blank lines between the "- " items of one
    cell) -- unless the current row already has as many cells as the first
    row: then the blank line ended the table and the line is running text.
    """
    rows: list[list[list[str]]] = []
    row: list[list[str]] = []
    gap = False
    end = start
    for k in range(start, len(raw_lines)):
        raw = raw_lines[k].rstrip("\r")
        if raw.startswith("\t"):
            if gap and row:
                rows.append(row)
                row = []
            row.append([raw[1:]])
        elif _blank(raw):
            gap = True
            continue
        else:
            width = len(rows[0]) if rows else len(row)
            if gap and len(row) >= width:
                break
            row[-1].append(raw)
        gap = False
        end = k + 1
    if row:
        rows.append(row)
    return rows, end


def _tab_cell(parts: list[str], row: int, col: int) -> Cell:
    texts: list[str] = []
    bolds: list[bool] = []
    for raw in parts:
        body, bold, _ = strip_markdown(raw.strip(" \t\r\u00a0"))
        if body.strip():
            texts.append(body.strip())
            bolds.append(bold)
    return Cell(text="\n".join(texts), row=row, col=col, bold=bool(bolds) and all(bolds))


def _tab_table(raw_lines: list[str], start: int) -> tuple[Table | None, int]:
    """A :class:`Table` from the tab-cell run at ``start`` (None if it is no table).

    A row whose cells after the first all repeat one text is a merged group
    row ("I" then the group's name in every other cell): it becomes one cell
    spanning those columns, as the docx reader gives a merged cell.
    """
    rows, end = _tab_rows(raw_lines, start)
    if len(rows) < 2 or len(rows[0]) < 2:
        return None, start
    cells: list[Cell] = []
    n_cols = 0
    for r, parts in enumerate(rows):
        row = [_tab_cell(p, r, c) for c, p in enumerate(parts)]
        for lead in (0, 1):
            rest = row[lead:]
            if len(rest) >= 3 and rest[0].text and all(c.text == rest[0].text for c in rest):
                rest[0].colspan = len(rest)
                row = row[:lead + 1]
                break
        cells += row
        n_cols = max(n_cols, sum(c.colspan for c in row))
    return Table(cells=cells, n_rows=len(rows), n_cols=n_cols), end


# --------------------------------------------------------------- reader


def read_text(data: bytes, filename: str = "") -> SourceDocument:
    from . import ReadError

    text, encoding = decode_text(data)
    text, legacy_encoding = undo_legacy(data, text, encoding)
    score = _score_sampled(text)
    if score < 0.5:
        raise ReadError("Tệp không phải văn bản đọc được (dữ liệu nhị phân hoặc bảng mã không nhận ra)",
                        detail=f"best decoding {encoding}, score {score:.2f}")
    warnings: list[str] = []
    if score < 0.9:
        warnings.append(f"Văn bản có nhiều ký tự lạ (bảng mã {encoding}?): có thể bị lỗi phông/bảng mã")
    if legacy_encoding is not None:
        warnings.append(f"Văn bản gõ bằng bảng mã cũ {legacy.label(legacy_encoding)}: đã chuyển sang Unicode")
    elif encoding not in ("utf-8", "utf-8-sig"):
        warnings.append(f"Bảng mã: {encoding}")
    blocks: list[Paragraph | Table] = []
    raw_lines = text.splitlines()
    i = 0
    while i < len(raw_lines):
        raw = raw_lines[i]
        i += 1
        if raw.startswith("\t") and not _blank(raw):
            table, end = _tab_table(raw_lines, i - 1)
            if table is not None:
                blocks.append(table)
                i = end
                continue
        line = raw.rstrip(" \r\u00a0")
        if not line.strip():
            blocks.append(Paragraph(""))
            continue
        body, bold, italic = strip_markdown(line)
        blocks.append(Paragraph(body, bold=bold, italic=italic))
    return SourceDocument(blocks=list(blocks), format="txt", pages=None, warnings=warnings)
