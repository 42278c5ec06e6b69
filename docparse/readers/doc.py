"""Word 97-2003 (.doc) through antiword.

Why antiword (Debian package ``antiword``) and not LibreOffice headless:
measured on corpus/dev/files/d15 (the corpus' one .doc), antiword converts in
under 10 ms with 2 MB of memory and a ~1 MB package; ``soffice --headless
--convert-to`` took 1.1-1.6 s and 210 MB per file, with ~260 MB of packages
(49 Debian packages for ``libreoffice-writer-nogui``). Both gave the same
header fields. LibreOffice would keep fonts (so TCVN3/VNI runs could be
converted by font) and list numbers; antiword gives neither, so legacy text
in a .doc is found by detection (:mod:`docparse.legacy_encodings`), with the
font table only as a hint, and list labels are not rendered.

antiword's DocBook output (``-x db``) is read rather than its text output:
it keeps paragraphs whole, tables as rows and entries (the text output draws
``|`` boxes where a wrapped cell and a new row look alike) and bold/italic
as ``<emphasis>``. Tables become :class:`Table` on one column grid built from
the column widths antiword reports, as the .docx reader does; when the XML
is unusable the text output (``-w 0``: one paragraph per line) is read instead.

Everything runs in a temporary directory with a timeout; the one-line
messages of :class:`ReadError` cover antiword missing, encrypted files, files
that are not Word documents, and failed conversions.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

from .. import legacy_encodings as legacy
from ..model import Cell, Paragraph, SourceDocument, Table

#: Seconds antiword may run on one file.
TIMEOUT = 60
#: Output larger than this is cut (a 50 MB .doc gives far less text).
MAX_OUTPUT = 64 * 1024 * 1024
#: Column edges closer than this (points) are one edge of the table grid.
_GRID_SNAP = 12.0

_MISSING = "Không đọc được tệp .doc: máy chủ chưa cài antiword (gói Debian 'antiword')"
_ENCRYPTED = "Tệp .doc được đặt mật khẩu (mã hóa): hãy gỡ mật khẩu rồi gửi lại"
_NOT_WORD = "Tệp không phải văn bản Word 97-2003 (.doc) (có thể là tệp Excel/PowerPoint cũ hoặc bị hỏng)"
_FAILED = "Không chuyển đổi được tệp .doc (có thể bị hỏng)"
_TIMEOUT = "Đọc tệp .doc quá lâu, đã dừng (tệp quá phức tạp hoặc bị hỏng)"


def _run(exe: str, path: str, args: list[str], home: str) -> subprocess.CompletedProcess[bytes]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    return subprocess.run([exe, *args, path], capture_output=True, timeout=TIMEOUT, env=env, check=False)


def _error_for(stderr: str) -> str:
    low = stderr.lower()
    if "encrypted" in low:
        return _ENCRYPTED
    if "is not a word document" in low or "not from" in low or "version of word is not supported" in low:
        return _NOT_WORD
    if "fast" in low and "saved" in low:
        return "Tệp .doc lưu kiểu 'fast save' chưa đọc được: hãy mở bằng Word và lưu lại"
    return _FAILED


def read_doc(data: bytes, *, max_pages: int = 500) -> SourceDocument:
    """Read a Word 97-2003 file; ``max_pages`` is not enforced (antiword gives no page count)."""
    from . import ReadError

    exe = shutil.which("antiword")
    if exe is None:
        raise ReadError(_MISSING, detail="antiword not on PATH")
    with tempfile.TemporaryDirectory(prefix="docparse-doc-") as tmp:
        path = os.path.join(tmp, "input.doc")
        with open(path, "wb") as fh:
            fh.write(data)
        try:
            proc = _run(exe, path, ["-x", "db"], tmp)
        except subprocess.TimeoutExpired as e:
            raise ReadError(_TIMEOUT, detail=f"antiword timeout {TIMEOUT}s") from e
        except OSError as e:
            raise ReadError(_MISSING, detail=f"{type(e).__name__}: {e}") from e
        stderr = proc.stderr.decode("utf-8", "replace").replace(path, "input.doc")
        if proc.returncode != 0:
            raise ReadError(_error_for(stderr), detail=f"antiword exit {proc.returncode}: {stderr.strip()[:300]}")
        blocks = blocks_from_docbook(proc.stdout[:MAX_OUTPUT])
        if blocks is None:
            try:
                proc = _run(exe, path, ["-w", "0", "-m", "UTF-8.txt"], tmp)
            except (subprocess.TimeoutExpired, OSError) as e:
                raise ReadError(_FAILED, detail=f"{type(e).__name__}: {e}") from e
            if proc.returncode != 0:
                raise ReadError(_FAILED, detail=f"antiword text exit {proc.returncode}")
            blocks = blocks_from_text(proc.stdout[:MAX_OUTPUT].decode("utf-8", "replace"))
    warnings: list[str] = []
    enc = undo_legacy(blocks, hint=_font_hint(data))
    if enc is not None:
        warnings.append(f"Văn bản gõ bằng bảng mã cũ {legacy.label(enc)} (nhận ra theo nội dung): "
                        "đã chuyển sang Unicode")
    if not any((isinstance(b, Paragraph) and b.text.strip()) or isinstance(b, Table) for b in blocks):
        warnings.append("Tệp .doc không có nội dung văn bản")
    return SourceDocument(blocks=blocks, format="doc", pages=None, warnings=warnings)


# ----------------------------------------------------------------- legacy text


def _font_hint(data: bytes) -> str | None:
    """The legacy encoding the font table names (Word 97 stores font names in UTF-16LE).

    Only a hint for detection: offices kept ``.VnTime`` in their templates long
    after they typed Unicode (d15, from 2019, lists it and is Unicode).
    """
    if ".Vn".encode("utf-16-le") in data:
        return legacy.TCVN3
    if "VNI-".encode("utf-16-le") in data:
        return legacy.VNI
    return None


def _texts(blocks: list[Paragraph | Table]) -> list[str]:
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Paragraph):
            out.append(b.text)
        else:
            out += [c.text for c in b.cells]
    return out


def undo_legacy(blocks: list[Paragraph | Table], hint: str | None = None) -> str | None:
    """Convert TCVN3/VNI paragraphs and cells in place when detection says so; return the encoding.

    antiword writes the document's 8-bit text through Windows-1252, which
    is exactly the form the tables read. Each paragraph or cell keeps its
    conversion only where it reads better (a Unicode header above a TCVN3
    body stays as it is).
    """
    found = legacy.detect_document(_texts(blocks), hint=hint)
    if found.encoding is None:
        return None
    for b in blocks:
        if isinstance(b, Paragraph):
            b.text = legacy.convert_paragraph(b.text, found.encoding)
        else:
            for c in b.cells:
                c.text = legacy.convert_paragraph(c.text, found.encoding)
    return found.encoding


# ----------------------------------------------------------------- DocBook


def _clean(text: str) -> str:
    """An element's text without antiword's layout newlines and indentation."""
    lines = [ln.rstrip() for ln in text.split("\n")]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def _styled_text(el) -> tuple[str, bool, bool]:  # type: ignore[no-untyped-def]
    """(text, bold, italic) of a ``para``/``entry``: bold/italic by majority of characters."""
    parts: list[tuple[str, str | None]] = []

    def walk(node, style: str | None) -> None:  # type: ignore[no-untyped-def]
        if node.text:
            parts.append((node.text, style))
        for child in node:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "informaltable":
                pass  # a nested table is read as its own block
            elif tag == "emphasis":
                walk(child, "bold" if child.get("role") == "bold" else "italic")
            elif tag not in ("footnote",):
                walk(child, style)
            if child.tail:
                parts.append((child.tail, style))

    walk(el, None)
    text = _clean("".join(p for p, _ in parts))
    n = sum(len(p) - p.count(" ") - p.count("\n") for p, _ in parts)
    nb = sum(len(p) - p.count(" ") - p.count("\n") for p, s in parts if s == "bold")
    ni = sum(len(p) - p.count(" ") - p.count("\n") for p, s in parts if s == "italic")
    return text, n > 0 and 2 * nb > n, n > 0 and 2 * ni > n


def _width(spec) -> float:  # type: ignore[no-untyped-def]
    raw = (spec.get("colwidth") or "").strip().lower().removesuffix("pt").removesuffix("*")
    try:
        return max(0.0, float(raw))
    except ValueError:
        return 0.0


def _table(el) -> Table:  # type: ignore[no-untyped-def]
    """One ``informaltable`` (one ``tgroup`` per run of rows with the same columns) on one grid."""
    groups = []
    for tg in el.iter("tgroup"):
        widths = [_width(s) for s in tg.findall("colspec")]
        rows = [[e for e in row if e.tag == "entry"] for row in tg.iter("row")]
        groups.append((widths, rows))
    # Column edges of every group, snapped together: the Word table's grid.
    edges: list[float] = []
    for widths, _ in groups:
        x = 0.0
        for w in widths:
            x += w
            edges.append(x)
    grid: list[float] = []
    for x in sorted(edges):
        if not grid or x - grid[-1] > _GRID_SNAP:
            grid.append(x)
        else:
            grid[-1] = max(grid[-1], x)

    def col_at(x: float) -> int:
        return min(range(len(grid)), key=lambda k: abs(grid[k] - x)) if grid else 0

    cells: list[Cell] = []
    n_rows = n_cols = 0
    for widths, rows in groups:
        for entries in rows:
            x = 0.0
            col = 0
            for k, entry in enumerate(entries):
                w = widths[k] if k < len(widths) and any(widths) else 0.0
                if w > 0:
                    end = col_at(x + w)
                    span = max(1, end - col + 1) if end >= col else 1
                    x += w
                else:
                    span = 1
                text, bold, _ = _styled_text(entry)
                cells.append(Cell(text=text, row=n_rows, col=col, colspan=span, bold=bold))
                col += span
            n_cols = max(n_cols, col)
            n_rows += 1
    return Table(cells=cells, n_rows=n_rows, n_cols=max(n_cols, len(grid)))


def _walk(el, out: list[Paragraph | Table]) -> None:  # type: ignore[no-untyped-def]
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in ("bookinfo", "footnote"):
            continue
        if tag == "informaltable":
            out.append(_table(child))
        elif tag in ("para", "title", "simpara"):
            text, bold, italic = _styled_text(child)
            has_table = child.find(".//informaltable") is not None
            if text or (tag == "para" and not has_table):  # antiword wraps each table in a <para>
                out.append(Paragraph(text, bold=bold, italic=italic))
            for table in child.iter("informaltable"):
                out.append(_table(table))
        else:
            _walk(child, out)


def blocks_from_docbook(xml: bytes) -> list[Paragraph | Table] | None:
    """Blocks of antiword's DocBook output; None when it is not usable XML."""
    from lxml import etree

    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False)
    try:
        root = etree.fromstring(xml, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if root is None or root.tag != "book":
        return None
    out: list[Paragraph | Table] = []
    for chapter in root:
        if isinstance(chapter.tag, str) and chapter.tag != "bookinfo" and chapter.tag != "title":
            _walk(chapter, out)
    return out


# ----------------------------------------------------------------- text (fallback)


def blocks_from_text(text: str) -> list[Paragraph | Table]:
    """Blocks of antiword's ``-w 0`` text: one paragraph a line, ``|a|b|`` lines as table rows."""
    out: list[Paragraph | Table] = []
    rows: list[list[str]] = []

    def flush() -> None:
        if rows:
            cells = [Cell(text=t.strip(), row=r, col=c) for r, row in enumerate(rows) for c, t in enumerate(row)]
            out.append(Table(cells=cells, n_rows=len(rows), n_cols=max(len(r) for r in rows)))
            rows.clear()

    for line in text.splitlines():
        s = line.strip()
        if len(s) > 1 and s.startswith("|") and s.endswith("|"):
            rows.append(s[1:-1].split("|"))
            continue
        flush()
        out.append(Paragraph(line.rstrip()))
    flush()
    return out
