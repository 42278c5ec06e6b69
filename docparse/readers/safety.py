"""Checks on a zip-based document (.docx, .odt) before a reader opens it.

A .docx or .odt is a zip of XML parts, and both layers can be turned into a
weapon that costs a few kilobytes to send:

* a **zip bomb**: a member that inflates to gigabytes (deflate reaches about
  1000:1), or thousands of members, or many members sharing one compressed
  stream. A reader may inflate *every* part when it opens the package
  (python-docx's ``Document()`` does), so the caps apply to the whole
  archive, not only to the parts docparse reads. Python's :mod:`zipfile` never inflates a member past the size
  declared in the central directory (and checks its CRC), so caps on the
  declared sizes are caps on what any reader will actually inflate;
* **XML** that is deeply nested (a recursive reader overflows its stack;
  libxml2 stops at 256 levels anyway, with an unreadable message) or that
  declares entities ("billion laughs": ten nested entities expanding to
  gigabytes). Office Open XML and OpenDocument never use a DTD, so any
  ``<!DOCTYPE`` is refused outright rather than expanded with limits.

The XML scan is a streaming pass of the standard library's expat over each
part's prolog: a DOCTYPE (and so any entity declaration, which lives only in
one) stops it before any expansion. This is what defusedxml does for entities
(handlers on expat that raise), so no dependency is added for it. The scan
ends at the root element's start tag, because XML allows a DOCTYPE nowhere
after it (a later one is a syntax error the reader's parser refuses); reading
whole parts cost a .docx 2 ms of its read for nothing. Memory stays flat:
members are fed in chunks. Depth is left to libxml2 (:func:`deep_xml_error`).

Only our own limits are reported here; a member that is merely malformed
(bad XML, bad CRC) is left to the reader, which knows whether it needs that
part and says so in its own words.
"""

from __future__ import annotations

import io
import xml.parsers.expat
import zipfile
import zlib

#: More members than this is not a document (the corpus: 10 to 26).
MAX_MEMBERS = 2000
#: One member inflated (the largest corpus document.xml: under 1 MB).
MAX_MEMBER_BYTES = 100 * 1024 * 1024
#: All members inflated: a reader opening the whole package (python-docx) holds them all at once.
MAX_TOTAL_BYTES = 300 * 1024 * 1024
#: Inflated / compressed, for members above :data:`RATIO_FLOOR` (the corpus: 32:1 at most).
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024
#: Element nesting; libxml2 (lxml, python-docx) refuses deeper documents itself.
MAX_XML_DEPTH = 256

#: Read size of the prolog scan: a part's root tag is within its first few hundred bytes.
_PROLOG_CHUNK = 4096
_XML_SUFFIXES = (".xml", ".rels")

__all__ = ["MAX_MEMBERS", "MAX_MEMBER_BYTES", "MAX_TOTAL_BYTES", "MAX_RATIO", "MAX_XML_DEPTH", "deep_xml_error",
           "check_package", "check_zip", "check_xml"]


def _mb(n: float) -> str:
    return f"{n / (1024 * 1024):,.0f} MB"


def _error(message: str, detail: str):  # type: ignore[no-untyped-def]
    from . import ReadError  # the package imports this module lazily: no cycle at import time

    return ReadError(message, detail=detail)


def check_package(data: bytes, fmt: str) -> None:
    """Run :func:`check_zip` on a .docx or .odt (``fmt`` from ``detect_format``); other formats pass."""
    if fmt in ("docx", "odt"):
        check_zip(data)


def check_zip(data: bytes) -> None:
    """Refuse a zip whose members are too many, too big, too compressed, encrypted, or whose XML is hostile.

    Raises :class:`~docparse.readers.ReadError`; returns quietly for an archive
    it cannot open (the reader reports that one).
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise _error(f"Tệp nén có quá nhiều thành phần ({len(infos):,}; giới hạn {MAX_MEMBERS:,}) "
                         "— không phải văn bản bình thường", detail=f"zip members: {len(infos)}")
        total = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise _error("Tệp có thành phần được mã hóa (đặt mật khẩu) — không đọc được",
                             detail=f"encrypted member {info.filename!r}")
            size = info.file_size
            total += size
            if size > MAX_MEMBER_BYTES:
                raise _error(f"Tệp giải nén ra quá lớn ({_mb(size)} trong một thành phần; giới hạn "
                             f"{_mb(MAX_MEMBER_BYTES)}) — có thể là bom nén (zip bomb)",
                             detail=f"{info.filename!r}: {size} bytes inflated")
            if size > RATIO_FLOOR and size > MAX_RATIO * max(info.compress_size, 1):
                ratio = size / max(info.compress_size, 1)
                raise _error(f"Tỉ lệ nén bất thường ({ratio:,.0f}:1; giới hạn {MAX_RATIO}:1) "
                             "— có thể là bom nén (zip bomb)", detail=f"{info.filename!r}: ratio {ratio:.0f}")
        if total > MAX_TOTAL_BYTES:
            raise _error(f"Tệp giải nén ra quá lớn ({_mb(total)}; giới hạn {_mb(MAX_TOTAL_BYTES)}) "
                         "— có thể là bom nén (zip bomb)", detail=f"total inflated {total} bytes")
        for info in infos:
            if info.filename.lower().endswith(_XML_SUFFIXES) and not info.is_dir():
                try:
                    with zf.open(info) as member:
                        check_xml(member, info.filename)
                except zlib.error as e:  # the directory is sound, the compressed bytes are not
                    raise _error("Tệp bị hỏng: một phần nội dung nén không giải nén được",
                                 detail=f"{info.filename!r}: zlib: {e}") from None
                except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
                    continue  # a damaged member: the reader decides whether it matters


class _Hostile(Exception):
    def __init__(self, message: str, detail: str) -> None:
        super().__init__(message)
        self.message, self.detail = message, detail


def deep_xml_error(error: Exception, name: str = ""):  # type: ignore[no-untyped-def]
    """The clerk's message for an XML part nested too deep, when ``error`` is lxml refusing one; else None.

    The depth is bounded by libxml2 itself (:data:`MAX_XML_DEPTH`, unless a
    parser asks for ``huge_tree``, which none of ours does), so the readers
    parsing with lxml are the check: counting depth here with a Python call
    per element cost a .docx about 4 ms of its read.
    """
    if "Excessive depth" not in str(error):
        return None
    return _error(f"Cấu trúc XML lồng quá sâu (hơn {MAX_XML_DEPTH} tầng) — tệp hỏng hoặc độc hại",
                  f"{name}: {error}")


class _Root(Exception):
    """The root element started: the prolog, the only place a DOCTYPE can be, is over."""


def check_xml(stream: io.RawIOBase | io.BufferedIOBase | zipfile.ZipExtFile, name: str = "") -> None:
    """Stream one XML part's prolog through expat: no DOCTYPE or entity declarations, an encoding it knows.

    Raises :class:`~docparse.readers.ReadError` for those; a syntax error is
    not ours to report and ends the scan quietly. The scan stops at the root
    element, so a part is inflated only as far as its first tag (the first
    chunk, in practice); depth is lxml's to refuse (:func:`deep_xml_error`).
    """
    parser = xml.parsers.expat.ParserCreate()

    def root(*_args: object) -> None:
        raise _Root

    def doctype(*_args: object) -> None:
        raise _Hostile("Tệp chứa khai báo DTD/thực thể XML (văn bản Word/ODF không có) — có thể là tệp độc hại",
                       f"{name}: DOCTYPE / entity declaration")

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.UnparsedEntityDeclHandler = doctype
    parser.StartElementHandler = root
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        while chunk := stream.read(_PROLOG_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Root:
        return
    except _Hostile as e:
        raise _error(e.message, e.detail) from None
    except LookupError as e:  # an encoding no reader knows ("UTF-9"): the part cannot be read at all
        raise _error("Tệp bị hỏng: một phần XML khai báo bảng mã không hợp lệ", f"{name}: {e}") from None
    except xml.parsers.expat.ExpatError:
        return
