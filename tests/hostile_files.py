"""Hostile and broken files, built in a few milliseconds each (no fixture files, nothing downloaded).

Each builder returns the bytes (and :func:`hostile_inputs` the name a clerk's
upload would carry). The PDFs are written by hand: a PDF is text objects and a
cross-reference table, so a 2,000-page one is 2,000 tiny page objects sharing
one content stream, and an encrypted one needs only RC4 and MD5 (the standard
security handler, revision 2: PDF 32000-1 §7.6.3, algorithms 2 and 4). The zip
bomb is a real one: its document.xml inflates to 10 GB from about 10 MB,
made by repeating one deflate block that was full-flushed (and so does not
refer back to earlier data); its CRC is computed by combining CRCs, not by
inflating it.

The plain writers (:func:`build_pdf`: objects and an xref table;
:func:`build_zip`: members through ``zipfile``) are those the fuzzer builds
its seeds with, in ``bench/fuzz_readers.py`` (``bench/`` cannot import from
``tests/``); they are imported here so that the tests take every built file
from this module.
"""

from __future__ import annotations

import hashlib
import struct
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # bench/ is a folder of the repository, not an installed package
    sys.path.insert(0, str(ROOT))

from bench.fuzz_readers import build_pdf, build_zip, pdf_text, xml_escape  # noqa: E402

SEED = ROOT / "corpus" / "seeds" / "001_4d3cbe0d2efac68f.txt"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


# ----------------------------------------------------------------- PDF


def _ascii_lines(text: str, n: int = 40) -> list[str]:
    """The first lines of a seed without diacritics (the PDF's standard font has no Vietnamese glyphs)."""
    return [pdf_text(line) for line in text.splitlines()[:n]]


def _content(lines: list[str]) -> bytes:
    ops = ["BT", "/F1 11 Tf", "14 TL", "50 800 Td"]
    ops += [f"({line}) Tj T*" for line in lines]
    ops.append("ET")
    return "\n".join(ops).encode("latin-1")


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def text_pdf(lines: list[str] | None = None, pages: int = 1) -> bytes:
    """A text PDF of ``pages`` pages, all showing ``lines`` (default: the seed plan, without diacritics)."""
    lines = lines if lines is not None else _ascii_lines(SEED.read_text(encoding="utf-8"))
    first_page = 5
    kids = b" ".join(b"%d 0 R" % (first_page + k) for k in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        _stream(_content(lines)),
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                b"/Resources << /Font << /F1 3 0 R >> >> >>"] * pages
    return build_pdf(objects, binary=True)


_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def rc4(key: bytes, data: bytes) -> bytes:
    """RC4, the cipher of the PDF standard security handler (revisions 2-3): enough to encrypt a test PDF."""
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def encrypted_pdf(user_password: bytes = b"mat-khau", owner_password: bytes = b"chu-so-huu") -> bytes:
    """A one-page text PDF encrypted with RC4 40-bit (revision 2): unreadable without the user password."""
    file_id = hashlib.md5(b"docparse hostile test").digest()
    permissions = -44  # print and copy refused; any value will do
    o_key = hashlib.md5((owner_password + _PAD)[:32]).digest()[:5]
    o_entry = rc4(o_key, (user_password + _PAD)[:32])
    key = hashlib.md5((user_password + _PAD)[:32] + o_entry + struct.pack("<i", permissions)
                      + file_id).digest()[:5]
    u_entry = rc4(key, _PAD)

    def enc(num: int, data: bytes) -> bytes:
        obj_key = hashlib.md5(key + struct.pack("<i", num)[:3] + b"\x00\x00").digest()[:10]
        return rc4(obj_key, data)

    content = enc(4, _content(_ascii_lines(SEED.read_text(encoding="utf-8"))))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        _stream(content),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 3 0 R >> >> >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>" % (
            o_entry.hex().encode(), u_entry.hex().encode(), permissions),
    ]
    return build_pdf(objects, binary=True, trailer_extra=b"/Encrypt 6 0 R /ID [<%s> <%s>] " % (
        file_id.hex().encode(), file_id.hex().encode()))


# ----------------------------------------------------------------- zip / docx


@dataclass
class _Member:
    name: str
    raw: bytes  # deflated (raw deflate, no zlib header)
    crc: int
    size: int


def _member(name: str, data: bytes) -> _Member:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return _Member(name, c.compress(data) + c.flush(), zlib.crc32(data), len(data))


def _raw_zip(members: list[_Member]) -> bytes:
    """A zip by hand, with Zip64 sizes where a member passes 4 GB (zipfile cannot write raw deflate)."""
    out = bytearray()
    central = bytearray()
    for m in members:
        big = m.size >= 0xFFFFFFFF or len(m.raw) >= 0xFFFFFFFF
        name = m.name.encode()
        extra = struct.pack("<HHQQ", 1, 16, m.size, len(m.raw)) if big else b""
        sizes = (0xFFFFFFFF, 0xFFFFFFFF) if big else (len(m.raw), m.size)
        version = 45 if big else 20
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, version, 0, 8, 0, 0x21, m.crc, *sizes,
                           len(name), len(extra)) + name + extra + m.raw
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, version, version, 0, 8, 0, 0x21, m.crc,
                               *sizes, len(name), len(extra), 0, 0, 0, 0, offset) + name + extra
    cd_offset = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), cd_offset, 0)
    return bytes(out)


_CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                  b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                  b'<Default Extension="xml" ContentType="application/xml"/>'
                  b'<Override PartName="/word/document.xml" ContentType="application/'
                  b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         b'relationships/officeDocument" Target="word/document.xml"/></Relationships>')


def _document_xml(body: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>').encode()


def docx(document_xml: bytes | None = None) -> bytes:
    """A minimal .docx (three parts); by default one paragraph per line of the seed plan."""
    if document_xml is None:
        paras = "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{xml_escape(line)}</w:t></w:r></w:p>"
                        for line in SEED.read_text(encoding="utf-8").splitlines())
        document_xml = _document_xml(paras)
    return _raw_zip([_member("[Content_Types].xml", _CONTENT_TYPES), _member("_rels/.rels", _RELS),
                     _member("word/document.xml", document_xml)])


def deep_docx(depth: int = 100_000) -> bytes:
    """document.xml nested ``depth`` elements deep (a recursive reader's stack, libxml2's limit)."""
    return docx(_document_xml("<x>" * depth + "</x>" * depth))


def deep_odt(depth: int = 100_000) -> bytes:
    """An OpenDocument text whose content.xml nests ``depth`` elements (read by lxml, not python-docx)."""
    ns = 'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns}><office:body>'
               + "<x>" * depth + "</x>" * depth + "</office:body></office:document-content>").encode()
    # the mimetype first and stored, as ODF asks
    return build_zip([("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", content)],
                     stored_first=True)


def billion_laughs_docx() -> bytes:
    """document.xml declaring ten nested entities (10^9 "lol"s, 3 GB) and using the last."""
    ents = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{k} "{f"&lol{k - 1};" * 10}">' for k in range(1, 10)]
    xml = (f'<?xml version="1.0"?>\n<!DOCTYPE w:document [{"".join(ents)}]>\n'
           f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>')
    return docx(xml.encode())


def late_doctype_docx() -> bytes:
    """The same entities declared after the root element starts, past the prolog the safety scan reads.

    XML allows a DOCTYPE only before the root, so the reader's parser must
    refuse this one as a syntax error rather than expand it.
    """
    ents = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{k} "{f"&lol{k - 1};" * 10}">' for k in range(1, 10)]
    xml = (f'<?xml version="1.0"?>\n<w:document xmlns:w="{W_NS}"><!DOCTYPE w:document [{"".join(ents)}]>'
           '<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>')
    return docx(xml.encode())


# CRC-32 of a long run of bytes without reading it: zlib's crc32_combine, in Python.
def _gf2_times(mat: list[int], vec: int) -> int:
    out = 0
    i = 0
    while vec:
        if vec & 1:
            out ^= mat[i]
        vec >>= 1
        i += 1
    return out


def _gf2_square(mat: list[int]) -> list[int]:
    return [_gf2_times(mat, mat[n]) for n in range(32)]


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """The CRC-32 of A + B from crc(A), crc(B) and len(B) (zlib's algorithm)."""
    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]
    even = _gf2_square(odd)
    odd = _gf2_square(even)
    while True:
        even = _gf2_square(odd)
        if len2 & 1:
            crc1 = _gf2_times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = _gf2_square(even)
        if len2 & 1:
            crc1 = _gf2_times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


def zip_bomb_docx(gigabytes: int = 10) -> bytes:
    """A .docx whose document.xml inflates to ``gigabytes`` GB of blanks inside a valid body (~1 MB per GB)."""
    head = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t xml:space="preserve">').encode()
    tail = b"</w:t></w:r></w:p></w:body></w:document>"
    chunk = b" " * (1 << 20)
    repeats = gigabytes * 1024 - 1
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)  # history reset: the block stands alone
    last = c.compress(tail) + c.flush(zlib.Z_FINISH)
    raw = first + block * repeats + last
    size = len(head) + len(chunk) * repeats + len(tail)
    crc_chunk = zlib.crc32(chunk)
    crc = zlib.crc32(head)
    # crc of ``repeats`` chunks by doubling: crc(X+X) = combine(crc X, crc X, len X)
    run_crc, run_len, n, acc_crc, acc_len = crc_chunk, len(chunk), repeats, None, 0
    while n:
        if n & 1:
            acc_crc = run_crc if acc_crc is None else crc32_combine(acc_crc, run_crc, run_len)
            acc_len += run_len
        run_crc, run_len = crc32_combine(run_crc, run_crc, run_len), run_len * 2
        n >>= 1
    crc = crc32_combine(crc, acc_crc or 0, acc_len)
    crc = crc32_combine(crc, zlib.crc32(tail), len(tail))
    return _raw_zip([_member("[Content_Types].xml", _CONTENT_TYPES), _member("_rels/.rels", _RELS),
                     _Member("word/document.xml", raw, crc, size)])
