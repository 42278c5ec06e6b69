"""Readers: one backend per file format, all filling one :class:`SourceDocument`.

The format is decided by *sniffing the content* (magic bytes), never by the
file name: clerks rename files, mail gateways append ``.pdf`` to anything, and
an old Word file saved as ``x.docx`` must still get an honest message.

    %PDF                     -> :mod:`.pdf`   (pdfplumber / pdfminer.six; OCR for pages without text)
    PK.. with word/document  -> :mod:`.docx`  (python-docx + the body XML)
    PK.. OpenDocument text   -> :mod:`.odt`
    D0 CF 11 E0 (OLE2)       -> :mod:`.doc`   (Word 97-2003)
    {\rtf                    -> :mod:`.rtf`
    PNG / JPEG / TIFF        -> :mod:`.image` (OCR)
    anything else            -> :mod:`.text`  (encoding detected, Markdown stripped)

Every failure a clerk can meet comes out as :class:`ReadError`, whose message
is one short plain-language line (Vietnamese first). No library traceback
escapes :func:`read_file` / :func:`read_bytes`.
"""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from pathlib import Path

from ..model import SourceDocument

#: Files larger than this are refused before they are read.
MAX_BYTES = 50 * 1024 * 1024
#: Documents with more pages than this are refused (PDF page count; for .docx
#: the page count Word stored in docProps/app.xml, when there is one).
MAX_PAGES = 500

_PDF_MAGIC = b"%PDF"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"

__all__ = ["MAX_BYTES", "MAX_PAGES", "ReadError", "detect_format", "read_bytes", "read_file"]


class ReadError(Exception):
    """A file could not be read; ``str(err)`` is a one-line message for a clerk.

    ``detail`` keeps the technical reason (exception type and text) for logs.
    """

    def __init__(self, message: str, detail: str | None = None) -> None:
        message = " ".join(str(message).split())  # always one line
        super().__init__(message)
        self.message = message
        self.detail = detail


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def _too_big(size: int, max_bytes: int) -> ReadError:
    return ReadError(f"Tệp quá lớn ({_mb(size)}; giới hạn {_mb(max_bytes)})")


#: The content type of a WordprocessingML main part (ECMA-376 part 2), as written in ``[Content_Types].xml``.
WORDML_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
#: Word writes about 1.5 KB of content types; a bigger one is not read during detection.
_MAX_CONTENT_TYPES = 256 * 1024


def _declares_wordml(z: zipfile.ZipFile, names: set[str]) -> bool:
    """Does ``[Content_Types].xml`` declare a WordprocessingML main part? (Read only when small:
    detection runs before the zip-bomb checks.)"""
    if "[Content_Types].xml" not in names:
        return False
    info = z.getinfo("[Content_Types].xml")
    return info.file_size <= _MAX_CONTENT_TYPES and WORDML_MAIN in z.read(info)


def detect_format(data: bytes) -> str:
    """Name the format of ``data`` from its first bytes.

    One of ``"pdf"``, ``"docx"``, ``"zip"`` (a zip that is not a .docx: .xlsx,
    ...), ``"odt"``, ``"broken-zip"`` (zip signature, unreadable archive: a
    truncated .docx), ``"doc"`` (OLE2: Word 97-2003), ``"rtf"``, ``"image"``
    (PNG, JPEG, TIFF) or ``"text"``.
    """
    head = data[:1024]
    if head.startswith(_PDF_MAGIC) or _PDF_MAGIC in head:
        # The PDF header may legally sit anywhere in the first 1024 bytes.
        return "pdf"
    if head.startswith(_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
                # Word's layout, or a main part elsewhere that the package's content types declare
                wordml = "word/document.xml" in names or _declares_wordml(z, names)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error):
            return "broken-zip"
        if wordml:
            return "docx"
        # ODF puts its uncompressed "mimetype" member first, so its value sits at offset 38
        return "odt" if _ODT_MIMETYPE in head[:100] and "content.xml" in names else "zip"
    if head.startswith(_OLE_MAGIC):
        return "doc"
    if head.lstrip(b"\xef\xbb\xbf").startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(_IMAGE_MAGIC):
        return "image"
    return "text"


def _ext(filename: str) -> str:
    return Path(filename or "").suffix.lower()


def read_bytes(
    data: bytes,
    filename: str = "",
    *,
    max_bytes: int = MAX_BYTES,
    max_pages: int = MAX_PAGES,
) -> SourceDocument:
    """Read a document held in memory; ``filename`` is only used for messages."""
    try:
        return _read(data, filename, max_bytes, max_pages)
    except ReadError:
        raise
    except MemoryError as e:
        raise ReadError("Không đủ bộ nhớ để đọc tệp này", detail="MemoryError") from e
    except RecursionError as e:
        raise ReadError("Tệp có cấu trúc quá phức tạp hoặc bị hỏng, không đọc được",
                        detail="RecursionError") from e
    except Exception as e:  # noqa: BLE001 - the contract: nothing but ReadError escapes
        raise ReadError("Không đọc được tệp (lỗi không mong đợi khi phân tích)",
                        detail=f"{type(e).__name__}: {e}") from e


def read_file(path: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES,
              max_pages: int = MAX_PAGES) -> SourceDocument:
    """Read the document at ``path``; raise :class:`ReadError` for anything unreadable."""
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError as e:
        raise ReadError(f"Không tìm thấy tệp: {p.name}", detail=str(e)) from e
    except OSError as e:
        raise ReadError(f"Không mở được tệp: {p.name}", detail=str(e)) from e
    if p.is_dir():
        raise ReadError(f"Đây là thư mục, không phải tệp: {p.name}")
    if st.st_size > max_bytes:
        raise _too_big(st.st_size, max_bytes)
    try:
        with p.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except PermissionError as e:
        raise ReadError(f"Không có quyền đọc tệp: {p.name}", detail=str(e)) from e
    except OSError as e:
        raise ReadError(f"Không đọc được tệp: {p.name}", detail=str(e)) from e
    return read_bytes(data, p.name, max_bytes=max_bytes, max_pages=max_pages)


def _read(data: bytes, filename: str, max_bytes: int, max_pages: int) -> SourceDocument:
    if not data:
        raise ReadError("Tệp rỗng (0 byte)")
    if len(data) > max_bytes:
        raise _too_big(len(data), max_bytes)
    fmt = detect_format(data)
    ext = _ext(filename)
    if fmt == "pdf":
        from .pdf import read_pdf

        return read_pdf(data, max_pages=max_pages)
    from .safety import check_package  # zip bombs, hostile XML: refused before any .docx/.odt reader
    check_package(data, fmt)
    if fmt == "docx":
        from .docx import read_docx

        return read_docx(data, max_pages=max_pages)
    if fmt == "broken-zip":
        raise ReadError("Tệp không phải .docx hợp lệ (có thể bị hỏng)")
    if fmt == "zip":
        if ext == ".docx":
            raise ReadError("Tệp không phải .docx hợp lệ (có thể bị hỏng)")
        raise ReadError("Tệp nén ZIP không phải văn bản Word (.docx): định dạng chưa được hỗ trợ")
    if fmt == "odt":
        from .odt import read_odt

        return read_odt(data, max_pages=max_pages)
    if fmt == "doc":
        from .doc import read_doc

        return read_doc(data, max_pages=max_pages)
    if fmt == "rtf":
        from .rtf import read_rtf

        return read_rtf(data, max_pages=max_pages)
    if fmt == "image":
        from .image import read_image

        return read_image(data, max_pages=max_pages)
    # Not a known binary format: a .docx/.pdf name on it means a broken file.
    if ext in (".docx", ".docm", ".dotx"):
        raise ReadError("Tệp không phải .docx hợp lệ (có thể bị hỏng)")
    if ext == ".pdf":
        raise ReadError("Tệp không phải PDF hợp lệ (có thể bị hỏng)")
    if ext in (".doc", ".dot"):
        raise ReadError("Tệp .doc không hợp lệ (có thể bị hỏng)")
    from .text import read_text

    return read_text(data, filename=filename)
