"""Regression tests for what fuzzing found (tests/test_fuzz.py, bench/fuzz_readers.py).

Each bug is reproduced here first, from the smallest input that shows it:
built inline when a few lines of code say what is wrong with it (a TIFF whose
second frame has no size, a zip member whose deflate data is damaged), or
kept as the fuzzer wrote it under ``tests/data/fuzz/``. A bug whose fix
belongs to another module's owner is marked ``xfail(strict=True)``: the test
fails the day it is fixed, so the mark is removed with the fix.

Two kinds of bug so far:

* a reader raises an exception it did not expect on a damaged file; the
  catch-all of ``read_bytes`` turns it into "Không đọc được tệp (lỗi không
  mong đợi khi phân tích)", so the contract (only ``ReadError``) holds, but the
  clerk is told the software failed instead of that the file is damaged, and
  nobody learns of the bug;
* a rule whose running time grows with the square (or cube) of its input: a
  header line with a long run of spaces, a deadline naming thousands of
  periods. Each is tested on the function that owns the rule, so that each fix
  is seen on its own, and run in a forked child (:func:`test_fuzz.run_bounded`)
  so that the hang fails the test instead of stalling the run.
"""

from __future__ import annotations

import contextlib
import io
import struct
import zipfile
from pathlib import Path

import pytest
from hostile_files import build_pdf, build_zip
from test_fuzz import run_bounded

from docparse.header import attached, dateplace
from docparse.header.patterns import strip_marks
from docparse.model import Line
from docparse.normalize import fold
from docparse.pipeline import parse_text
from docparse.readers import ReadError, read_bytes
from docparse.tasks.deadlines import parse_deadline

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "fuzz"
#: What read_bytes' catch-all says: a reader met an exception it did not expect.
GENERIC = "lỗi không mong đợi"
#: A fuzz-found input must be read or refused within this (wall time, shared machine).
READ_SECONDS = 30.0
#: The super-linear cases below take a minute or more today; fixed, well under a second.
QUADRATIC_SECONDS = 4.0


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    """Load models and libraries before forking: a child must spend its time bound on the input, not on imports."""
    parse_text((ROOT / "corpus" / "seeds" / "004_1cd2fb9aa37a7db0.txt").read_text(encoding="utf-8"))
    parse_deadline("Quý II/2021")
    read_bytes(_pdf(b"/MediaBox [0 0 595 842]"), "a.pdf")
    with contextlib.suppress(ReadError):
        read_bytes(_damaged_member_docx(), "a.docx")


def _refusal(data: bytes, name: str) -> ReadError:
    """The ReadError ``read_bytes`` raises for ``data`` (the test fails if it reads it, or raises anything else)."""
    with pytest.raises(ReadError) as err:
        read_bytes(data, name)
    msg = str(err.value)
    assert msg and "\n" not in msg
    return err.value


def _no_internal_error(err: ReadError) -> None:
    assert GENERIC not in str(err), f"{err} — hidden: {err.detail}"


# ---------------------------------------------------------------- inputs the fuzzer wrote


def _artifacts() -> list[Path]:
    return sorted(p for p in DATA.glob("*") if p.is_file() and p.suffix != ".md") if DATA.is_dir() else []


def _read_or_refuse(data: bytes, name: str) -> str:
    try:
        src = read_bytes(data, name)
    except ReadError as e:
        return f"ReadError: {e}"
    return f"read: {src.format}, {len(src.blocks)} blocks"


@pytest.mark.parametrize("path", _artifacts(), ids=lambda p: p.name)
def test_fuzz_inputs_keep_the_reader_contract(path: Path) -> None:
    """Every input the fuzzer kept: read, or refused with a ReadError, in bounded time (never another exception)."""
    name = path.name.rsplit("_", 1)[-1] if "_" in path.name else "upload"  # "<what>_<upload name>"
    outcome = run_bounded(lambda: _read_or_refuse(path.read_bytes(), name), READ_SECONDS)
    assert outcome.startswith(("read: ", "ReadError: ")), outcome
    assert "\n" not in outcome


#: Fuzz-found files whose refusal is still the catch-all's message, and why (fixed: remove the entry).
KNOWN_INTERNAL_ERRORS: dict[str, str] = {}


@pytest.mark.parametrize("path", [
    pytest.param(p, marks=pytest.mark.xfail(strict=True, reason=KNOWN_INTERNAL_ERRORS[p.name]))
    if p.name in KNOWN_INTERNAL_ERRORS else p
    for p in _artifacts()
], ids=lambda p: p.name)
def test_fuzz_inputs_are_refused_as_damaged(path: Path) -> None:
    """The fuzz-found files are all damaged: each is refused with a message that says so, not the catch-all's."""
    name = path.name.rsplit("_", 1)[-1]
    _no_internal_error(_refusal(path.read_bytes(), name))


# ---------------------------------------------------------------- readers: damaged files reported as an internal error


W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
         b'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')


def test_docx_with_an_unknown_xml_encoding_is_reported_as_damaged() -> None:
    """Fuzzer: an XML declaration mutated to ``encoding="UTF-9"`` in word/document.xml.

    expat raises LookupError (not ExpatError) for an encoding it does not know,
    from ``safety.check_xml`` (safety.py:151, ``parser.Parse``).
    """
    doc = b'<?xml version="1.0" encoding="UTF-9"?><w:document ' + W + b"><w:body/></w:document>"
    err = _refusal(build_zip([("[Content_Types].xml", TYPES), ("word/document.xml", doc)]), "vanban.docx")
    _no_internal_error(err)


def _damaged_member_docx() -> bytes:
    """A .docx whose word/document.xml has a reserved deflate block type: the zip directory and sizes are fine."""
    good = build_zip([("[Content_Types].xml", TYPES),
                      ("word/document.xml", b"<w:document " + W + b"><w:body>" + b"<w:p/>" * 50 + b"</w:body></w:document>")])
    info = zipfile.ZipFile(io.BytesIO(good)).getinfo("word/document.xml")
    off = info.header_offset
    name_len, extra_len = struct.unpack("<HH", good[off + 26: off + 30])
    data = bytearray(good)
    data[off + 30 + name_len + extra_len] = 0xFF  # first deflate block: BTYPE 11 (reserved)
    return bytes(data)


def test_docx_with_damaged_deflate_data_is_reported_as_damaged() -> None:
    """Fuzzer: bytes flipped inside a deflated member; ``zlib.error`` ("invalid block type",
    "invalid distance too far back") from zipfile.py:_read1, called by safety.check_xml (safety.py:150)."""
    err = _refusal(_damaged_member_docx(), "vanban.docx")
    _no_internal_error(err)


def _tiff_with_a_frame_without_size() -> bytes:
    """Two 8x8 frames; the second frame's ImageWidth/ImageLength tags renumbered to unknown ones."""
    from PIL import Image

    img = Image.new("L", (8, 8), 255)
    buf = io.BytesIO()
    img.save(buf, format="TIFF", save_all=True, append_images=[img])
    data = bytearray(buf.getvalue())
    first = struct.unpack("<I", data[4:8])[0]
    n = struct.unpack("<H", data[first: first + 2])[0]
    second = struct.unpack("<I", data[first + 2 + 12 * n: first + 6 + 12 * n])[0]
    for k in range(struct.unpack("<H", data[second: second + 2])[0]):
        at = second + 2 + 12 * k
        tag = struct.unpack("<H", data[at: at + 2])[0]
        if tag in (256, 257):
            data[at: at + 2] = struct.pack("<H", 0x8000 + tag)
    return bytes(data)


def test_tiff_whose_second_frame_has_no_size_is_reported_as_damaged() -> None:
    """Fuzzer: the two-page TIFF seed with its second frame damaged. ``Image.open`` reads the first
    frame; ``img.n_frames`` (image.py:49) seeks the second and Pillow raises TypeError
    (TiffImagePlugin.py ``_setup``), which the reader's except tuple did not list. Fixed in image.py
    while the fuzzing was being written; kept as a regression test."""
    err = _refusal(_tiff_with_a_frame_without_size(), "scan.tif")
    _no_internal_error(err)


def _pdf(media_box: bytes) -> bytes:
    """A one-page PDF with a correct xref table and the given /MediaBox entry."""
    ops = b"BT /F1 11 Tf 50 800 Td (So: 12/QD-UBND) Tj ET"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R " + media_box + b" /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(ops) + ops + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    return build_pdf(objs)


def test_pdf_fixture_is_readable() -> None:
    """The PDF the two tests below damage is read as it is (so they test the damage, not the builder)."""
    src = read_bytes(_pdf(b"/MediaBox [0 0 595 842]"), "a.pdf")
    assert src.format == "pdf"


@pytest.mark.parametrize("media_box", [b"/MediaBox [0 0 /x 842]", b"/MediaBox null"], ids=["name-in-box", "null-box"])
def test_pdf_with_a_broken_page_box_keeps_its_message(media_box: bytes) -> None:
    """Fuzzer: a mutated /MediaBox. ``pdf.pages`` raises inside ``with pdf:`` and read_pdf raises
    ``_open_error`` (pdf.py:842, "Tệp PDF bị hỏng hoặc không hợp lệ"); leaving the ``with`` block calls
    pdfplumber's ``close()``, which iterates ``self.pages`` again and raises again (PdfminerException or
    TypeError from pdfplumber/page.py ``_normalize_box``), replacing the ReadError. Fixed in pdf.py
    (no ``with pdf:``) while the fuzzing was being written; kept as a regression test."""
    err = _refusal(_pdf(media_box), "congvan.pdf")
    _no_internal_error(err)


# ---------------------------------------------------------------- super-linear rules
#
# A PDF's text layer pads columns with spaces, and a crafted upload can hold anything: a run
# of a few thousand spaces in a header line is enough for these rules to take minutes.


def _line(text: str, index: int = 0) -> Line:
    return Line(text=text, fold=fold(text), index=index)


def test_date_line_search_is_linear_in_a_run_of_spaces() -> None:
    """``date_line`` (``(?P<place>[^\\d,;:()]{2,40}?)\\s*,``), searched by dateplace.find_date
    (dateplace.py:96) on every header line: from each start position the lazy place and the greedy
    ``\\s*`` retry over the whole run. 8,000 spaces take ~4 s, 30,000 about a minute."""
    lines = [_line("x" + " " * 30_000 + "y"), _line("Hà Nội, ngày 01 tháng 02 năm 2024", 1)]
    run_bounded(lambda: dateplace.find_date(lines), QUADRATIC_SECONDS)


def test_date_line_gap_after_ngay_is_linear_in_a_run_of_spaces() -> None:
    """The part of ``date_line`` between "ngày" and "tháng" (``\\s*(?P<d>\\d{1,2})?\\s*[^\\d\\w]{0,3}\\s*\\w?\\s*``)
    has four ways to take each space; when no "tháng" follows ("Hà Nội, ngày" then spaces, the rest of
    the date wrapped to the next line) every split is tried: 100 spaces take ~1 s, 200 ~16 s, 300
    over a minute. ``date_line`` is searched on every line of every header (segment._is_header_line,
    subject._stops, dateplace.find_date). Possessive quantifiers (``\\s*+``, ``[^\\d\\w]{0,3}+``, Python
    3.11) give the same matches on all 30,366 corpus lines and take 0.3 ms on 400 spaces."""
    lines = [_line("Hà Nội, ngày" + " " * 300 + "x")]
    run_bounded(lambda: dateplace.find_date(lines), QUADRATIC_SECONDS)


def test_strip_marks_is_linear_in_a_run_of_spaces() -> None:
    """``_MARKS = r"^[\\s*#_>\\-–•+]+|[\\s*_]+$"`` (header/patterns.py:84), used by strip_marks on
    header lines (segment._is_header_line, signer, issuer): ``re.sub`` tries the trailing alternative
    at every position of a run, and each try runs to the end of the run. 20,000 spaces take ~3 s,
    60,000 about half a minute."""
    text = "x" + " " * 60_000 + "y"
    run_bounded(lambda: strip_marks(text), QUADRATIC_SECONDS)


def test_attachment_line_issuer_is_linear_in_a_run_of_spaces() -> None:
    """``_ISSUER = r"\\bc\\w{1,2}a\\s+(?P<body>.+?)\\s*\\)?\\s*$"`` (header/attached.py:18) on an
    attachment line "(Ban hành kèm theo ... của <issuer>" followed by spaces and one more character:
    the lazy body grows one character at a time and the run is split every way between the two
    ``\\s*``. 800 spaces take ~1.5 s, 1,600 ~10 s, 3,000 over a minute (cubic)."""
    lines = [_line("(Ban hành kèm theo Quyết định số 12/QĐ-UBND ngày 01/02/2024 của Ủy ban nhân dân tỉnh"
                   + " " * 3_000 + "x")]
    run_bounded(lambda: attached.find_attached(lines) is not None, QUADRATIC_SECONDS)


def test_deadline_naming_many_periods_parses_quickly() -> None:
    """Pathological values: a deadline cell naming 12,000 periods (a pasted table) takes minutes.
    ``_narrowest`` (deadlines.py:169) checks each period against all dated ones; with repeats the
    ``any`` never stops early. A plan whose items run past 99 reaches it too: items ``100.`` are not
    outline markers, so one task's deadline collects every later "Thời gian" line."""
    text = "Quý II/2021 và " * 12_000
    run_bounded(lambda: parse_deadline(text).kind, QUADRATIC_SECONDS)
