"""Coverage-guided fuzzing of the readers: ``python -m bench fuzz --seconds 120``.

Why: ``read_bytes`` promises that whatever a clerk uploads, only a
:class:`~docparse.readers.ReadError` with a one-line message comes out, and
soon. Hand-written hostile files (``tests/hostile_files.py``) test the
attacks we thought of; a coverage-guided fuzzer (atheris, i.e. libFuzzer on
Python bytecode) mutates real files and keeps every input that reaches new
code in the readers and the libraries under them (pdfminer, pdfplumber,
python-docx, Pillow), so it finds the inputs nobody thought of.

The run is two processes. The parent (:func:`main`) prepares the seeds in a
scratch corpus, starts the fuzzing child with a hard time limit, and prints
the summary (executions, coverage, what was found). The child
(``--child``) runs atheris; libFuzzer ends the process with C ``exit()``, so
the child writes its findings to ``summary.json`` as it goes and the parent
reads them, and a child that crashes or hangs is still reported.

Contract checked on every input:

* only ``ReadError`` leaves ``read_bytes`` (anything else is *escaped*);
* its message is one non-empty line (*message*);
* a ``ReadError`` raised by the catch-all of ``read_bytes`` ("lỗi không mong
  đợi") hides an internal exception of a reader: reported as *unexpected*
  with the exception and its last frame, since the clerk gets no useful
  message and the owner no bug report;
* within ``--per-input`` seconds (*slow*; a real hang is stopped by
  libFuzzer's ``-timeout`` and reported as *timeout*);
* what is read is a well-formed :class:`~docparse.model.SourceDocument`
  (text encodable as UTF-8, table cells inside their grid), and the line
  model (``to_lines``) accepts it (*schema*); with ``--parse`` the whole
  pipeline runs on it too (*parse*).

Seeds: ``corpus/seeds`` (text, also re-encoded), the dev ``.docx`` and
``.doc`` files, the first page of each dev PDF (whole scans take seconds a
run), and small .docx/.odt/.rtf/.pdf/.png files built here. The writers
they are built with (:func:`build_zip`, :func:`build_pdf`) serve the tests'
built files too (``tests/hostile_files.py``, ``tests/test_fuzz_regressions.py``):
the tests can import from ``bench/``, not the other way round. Zip-based inputs
(.docx, .odt) are mutated *inside* the archive by a custom mutator (a
member's bytes mutated, then the archive re-packed with correct CRCs):
byte flips in a deflated member only ever reach the CRC check.

OCR is replaced by a canned Tesseract answer unless ``--ocr`` is given: a
real OCR call costs seconds and tests Tesseract, not our code.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import unicodedata
import warnings
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"

#: The names an input is uploaded under (picked by its length: deterministic per input).
NAMES = ("upload.docx", "upload.pdf", "upload.doc", "upload.txt", "upload", "upload.odt", "upload.rtf", "scan.png")
#: The catch-all message of ``read_bytes``: a reader raised something it did not expect.
GENERIC = "lỗi không mong đợi"
#: Largest input the fuzzer makes (bytes).
MAX_LEN = 400_000

# ---------------------------------------------------------------- writers (tests/hostile_files.py uses them too)


def xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def build_zip(members: list[tuple[str, bytes]], stored_first: bool = False) -> bytes:
    """A zip of ``(name, bytes)``, deflated (the first stored if ``stored_first``), dated 2024-01-01."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for k, (name, data) in enumerate(members):
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if stored_first and k == 0 else zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return out.getvalue()


def pdf_text(line: str) -> str:
    """``line`` as a PDF string's text: escaped, without diacritics (no Vietnamese in the standard fonts)."""
    plain = unicodedata.normalize("NFD", line.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if not unicodedata.combining(c) and ord(c) < 128)
    return plain.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def build_pdf(objects: list[bytes], *, trailer_extra: bytes = b"", binary: bool = False) -> bytes:
    """A PDF of ``objects`` (numbered from 1; object 1 is the catalog) with a correct xref table.

    ``trailer_extra`` goes into the trailer dictionary after ``/Root``; ``binary`` adds the comment
    of high bytes after the header that marks the file as binary (PDF 32000-1 §7.5.2).
    """
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" if binary else b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, trailer_extra, xref)
    return bytes(out)


# ---------------------------------------------------------------- seeds


def _seed_lines(n: int = 40) -> list[str]:
    text = (CORPUS / "seeds" / "004_1cd2fb9aa37a7db0.txt").read_text(encoding="utf-8")
    return [x for x in text.splitlines() if x.strip()][:n]


def tiny_docx(lines: list[str]) -> bytes:
    """A minimal .docx: paragraphs (the first bold) and a 2x3 task table."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    paras = "".join(
        f"<w:p><w:r>{'<w:rPr><w:b/></w:rPr>' if k == 0 else ''}<w:t xml:space=\"preserve\">{xml_escape(x)}</w:t></w:r></w:p>"
        for k, x in enumerate(lines))

    def cell(t: str) -> str:
        return f"<w:tc><w:p><w:r><w:t>{xml_escape(t)}</w:t></w:r></w:p></w:tc>"

    rows = [["TT", "Nội dung", "Đơn vị chủ trì"], ["1", "Rà soát thủ tục", "Sở Tư pháp"]]
    table = "<w:tbl>" + "".join("<w:tr>" + "".join(cell(t) for t in r) + "</w:tr>" for r in rows) + "</w:tbl>"
    doc = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{w}"><w:body>{paras}{table}</w:body></w:document>'
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
             'wordprocessingml.document.main+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    return build_zip([("[Content_Types].xml", types.encode()), ("_rels/.rels", rels.encode()),
                 ("word/document.xml", doc.encode())])


def tiny_odt(lines: list[str]) -> bytes:
    """A minimal OpenDocument text: ``mimetype`` stored first, then content.xml."""
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"')
    paras = "".join(f"<text:p>{xml_escape(x)}</text:p>" for x in lines)
    table = ("<table:table><table:table-row><table:table-cell><text:p>TT</text:p></table:table-cell>"
             "<table:table-cell><text:p>Đơn vị chủ trì</text:p></table:table-cell></table:table-row>"
             "<table:table-row><table:table-cell><text:p>1</text:p></table:table-cell>"
             "<table:table-cell><text:p>Sở Tư pháp</text:p></table:table-cell></table:table-row></table:table>")
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns}><office:body><office:text>'
               f"{paras}{table}</office:text></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    return build_zip([("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", content.encode()),
                 ("META-INF/manifest.xml", manifest.encode())], stored_first=True)


def tiny_rtf(lines: list[str]) -> bytes:
    r"""A minimal RTF: Vietnamese letters as ``\uN?`` escapes, and a one-row table."""

    def esc(t: str) -> str:
        out = []
        for ch in t:
            if ch in "\\{}":
                out.append("\\" + ch)
            elif ord(ch) < 128:
                out.append(ch)
            else:
                n = ord(ch)
                out.append(f"\\u{n if n < 32768 else n - 65536}?")
        return "".join(out)

    body = "".join(f"\\pard {esc(x)}\\par\n" for x in lines)
    table = "\\trowd\\cellx2000\\cellx6000 TT\\cell " + esc("Đơn vị chủ trì") + "\\cell\\row\n"
    return ("{\\rtf1\\ansi\\ansicpg1258\\deff0{\\fonttbl{\\f0 Times New Roman;}}\n" + body + table + "}").encode("ascii")


def tiny_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with an uncompressed text stream (ASCII: the standard font has no Vietnamese)."""
    ops = "BT /F1 11 Tf 14 TL 50 800 Td " + " ".join(f"({pdf_text(x)}) Tj T*" for x in lines) + " ET"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(ops) + ops.encode("latin-1") + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    return build_pdf(objs)


def tiny_images() -> list[tuple[str, bytes]]:
    """Small PNG, JPEG and two-page TIFF scans of a header line."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (240, 60), 255)
    ImageDraw.Draw(img).text((5, 20), "So: 12/QD-UBND", fill=0)
    out = []
    for fmt, kw in (("PNG", {}), ("JPEG", {"quality": 50}), ("TIFF", {"save_all": True, "append_images": [img]})):
        buf = io.BytesIO()
        img.save(buf, format=fmt, **kw)
        out.append((f"tiny.{fmt.lower()}", buf.getvalue()))
    return out


def first_page(pdf: bytes) -> bytes | None:
    """The first page of a PDF as a PDF of its own (a whole scan is too slow to read thousands of times)."""
    try:
        import pypdfium2 as pdfium

        src = pdfium.PdfDocument(pdf)
        new = pdfium.PdfDocument.new()
        new.import_pages(src, [0])
        buf = io.BytesIO()
        new.save(buf)
        return buf.getvalue()
    except Exception:  # noqa: BLE001 - a seed we cannot cut is left out
        return None


def seeds() -> list[tuple[str, bytes]]:
    """(name, bytes) of every seed input: real files and small built ones of each format."""
    out: list[tuple[str, bytes]] = []
    for p in sorted((CORPUS / "seeds").glob("*.txt")):
        raw = p.read_bytes()
        out.append((p.name, raw[:8000]))
    text = (CORPUS / "seeds" / "001_4d3cbe0d2efac68f.txt").read_text(encoding="utf-8")[:3000]
    out += [("seed-utf16.txt", text.encode("utf-16")), ("seed-cp1258.txt", text.encode("cp1258", "replace")),
            ("seed-bom.txt", b"\xef\xbb\xbf" + text.encode()), ("seed.md", ("# " + text).encode()),
            ("seed.html", f"<html><body><p>{xml_escape(text)}</p></body></html>".encode())]
    for p in sorted((CORPUS / "dev" / "files").iterdir()):
        if p.suffix in (".docx", ".doc"):
            out.append((p.name, p.read_bytes()))
        elif p.suffix == ".pdf":
            page = first_page(p.read_bytes())
            if page is not None and len(page) <= MAX_LEN:
                out.append((p.stem + "-p1.pdf", page))
    lines = _seed_lines()
    out += [("tiny.docx", tiny_docx(lines)), ("tiny.odt", tiny_odt(lines)), ("tiny.rtf", tiny_rtf(lines)),
            ("tiny.pdf", tiny_pdf(lines))]
    out += tiny_images()
    return [(n, d) for n, d in out if 0 < len(d) <= MAX_LEN]


# ---------------------------------------------------------------- the child: atheris


#: Canned Tesseract output (TSV): two lines of words, so the OCR layout code runs.
_TSV = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n" + "".join(
    f"4\t1\t1\t1\t{ln}\t0\t10\t{20 * ln}\t200\t15\t-1\t\n"
    + "".join(f"5\t1\t1\t1\t{ln}\t{k}\t{10 + 60 * k}\t{20 * ln}\t50\t15\t91\t{w}\n" for k, w in enumerate(words))
    for ln, words in enumerate([["Số:", "12/QĐ-UBND"], ["Hà", "Nội,", "ngày", "01", "tháng", "02", "năm", "2024"]],
                               start=1))


def _fake_tesseract(img: Any, args: Any, timeout: float) -> str:
    return "Rotate: 0\nOrientation confidence: 0.5\n" if "osd" in args else _TSV


class Findings:
    """What the run found, one example per signature, written to ``summary.json`` as it goes."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.items: dict[str, dict[str, Any]] = {}
        self.execs = 0
        self.formats: dict[str, int] = {}
        self.outcomes: dict[str, int] = {}
        self.slowest = 0.0
        self.started = time.time()
        self._written = 0.0

    def add(self, kind: str, signature: str, data: bytes, name: str, detail: str, seconds: float) -> None:
        key = f"{kind}: {signature}"
        item = self.items.get(key)
        if item is None:
            digest = hashlib.sha1(data).hexdigest()[:12]
            path = self.out / f"{kind}-{digest}.bin"
            path.write_bytes(data)
            item = self.items[key] = {"kind": kind, "signature": signature, "count": 0, "input": str(path),
                                      "name": name, "size": len(data), "detail": detail[-3000:],
                                      "seconds": round(seconds, 3)}
            self.save(force=True)
        item["count"] += 1

    def save(self, force: bool = False) -> None:
        now = time.time()
        if not force and now - self._written < 5:
            return
        self._written = now
        summary = {"execs": self.execs, "seconds": round(now - self.started, 1), "formats": self.formats,
                   "outcomes": self.outcomes, "slowest": round(self.slowest, 3), "findings": list(self.items.values())}
        tmp = self.out / "summary.json.tmp"
        tmp.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(self.out / "summary.json")


def _last_frame(exc: BaseException) -> str:
    tb = traceback.extract_tb(exc.__traceback__)
    if not tb:
        return "?"
    ours = [f for f in tb if "/docparse/" in f.filename]
    last = tb[-1]
    where = f"{Path(last.filename).name}:{last.lineno} in {last.name}"
    if ours and ours[-1] is not last:
        where += f" (from {Path(ours[-1].filename).name}:{ours[-1].lineno} in {ours[-1].name})"
    return where


def check_source(src: Any) -> str | None:
    """What is wrong with a SourceDocument a reader returned, or None."""
    from docparse.lines import to_lines
    from docparse.model import Paragraph, Table

    if not isinstance(src.blocks, list):
        return "blocks is not a list"
    for b in src.blocks:
        if isinstance(b, Paragraph):
            if not isinstance(b.text, str):
                return f"paragraph text is {type(b.text).__name__}"
            b.text.encode("utf-8")
        elif isinstance(b, Table):
            if b.n_rows < 0 or b.n_cols < 0:
                return f"table of {b.n_rows}x{b.n_cols}"
            for c in b.cells:
                if not isinstance(c.text, str):
                    return f"cell text is {type(c.text).__name__}"
                c.text.encode("utf-8")
                if not (0 <= c.row < max(b.n_rows, 1) and 0 <= c.col < max(b.n_cols, 1)):
                    return f"cell at ({c.row}, {c.col}) outside a {b.n_rows}x{b.n_cols} table"
        else:
            return f"block of type {type(b).__name__}"
    if not all(isinstance(w, str) and "\n" not in w for w in src.warnings):
        return "a warning is not one line"
    to_lines(src)
    return None


def make_target(findings: Findings, per_input: float, parse: bool) -> Any:
    from docparse.readers import ReadError, read_bytes

    def one(data: bytes) -> None:
        name = NAMES[len(data) % len(NAMES)]
        findings.execs += 1
        start = time.perf_counter()
        outcome = "read"
        src = None
        try:
            src = read_bytes(data, name)
        except ReadError as e:
            outcome = "ReadError"
            msg = str(e)
            cause = e.__cause__
            if not msg or "\n" in msg:
                findings.add("message", repr(msg[:80]), data, name, msg, 0.0)
            if GENERIC in msg and cause is not None:
                outcome = "unexpected"
                sig = f"{type(cause).__name__} at {_last_frame(cause)}"
                detail = "".join(traceback.format_exception(cause))
                findings.add("unexpected", sig, data, name, detail, time.perf_counter() - start)
        except Exception as e:  # noqa: BLE001 - the contract: this must never happen
            outcome = "escaped"
            findings.add("escaped", f"{type(e).__name__} at {_last_frame(e)}", data, name,
                         "".join(traceback.format_exception(e)), time.perf_counter() - start)
        took = time.perf_counter() - start
        findings.slowest = max(findings.slowest, took)
        fmt = src.format if src is not None else "-"
        findings.formats[fmt] = findings.formats.get(fmt, 0) + 1
        findings.outcomes[outcome] = findings.outcomes.get(outcome, 0) + 1
        if took > per_input:
            findings.add("slow", f"{name} read in > {per_input:g} s", data, name, f"{took:.1f} s", took)
        if src is not None:
            try:
                problem = check_source(src)
            except Exception as e:  # noqa: BLE001
                problem = f"{type(e).__name__} at {_last_frame(e)}"
            if problem:
                findings.add("schema", problem, data, name, problem, took)
            elif parse:
                from docparse.lines import to_lines
                from docparse.pipeline import parse_lines

                t0 = time.perf_counter()
                try:
                    for doc in parse_lines(to_lines(src)):
                        json.dumps(doc.to_json(), ensure_ascii=False).encode("utf-8")
                except Exception as e:  # noqa: BLE001
                    findings.add("parse", f"{type(e).__name__} at {_last_frame(e)}", data, name,
                                 "".join(traceback.format_exception(e)), time.perf_counter() - t0)
                if time.perf_counter() - t0 > per_input:
                    findings.add("slow", f"parse of a {fmt} > {per_input:g} s", data, name, "", time.perf_counter() - t0)
        findings.save()

    return one


def _mutate_zip(data: bytes, max_size: int, rnd: random.Random) -> bytes | None:
    """Mutate one member of a zip package (or its list of members) and re-pack it with valid CRCs."""
    import atheris

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = [(i, z.read(i)) for i in z.infolist()[:64]]
    except Exception:  # noqa: BLE001 - not a readable zip: plain byte mutations
        return None
    if not members:
        return None
    xml = [k for k, (i, _) in enumerate(members) if i.filename.endswith((".xml", ".rels"))]
    k = rnd.choice(xml) if xml and rnd.random() < 0.9 else rnd.randrange(len(members))
    op = rnd.random()
    if op < 0.85:
        info, body = members[k]
        members[k] = (info, atheris.Mutate(body, min(max(2 * len(body), 4096), 4 * max_size)))
    elif op < 0.9 and len(members) > 1:
        del members[k]
    elif op < 0.95:
        members.append(members[k])
    else:
        rnd.shuffle(members)
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate member names are what we want here
        with zipfile.ZipFile(out, "w") as z:
            for info, body in members:
                zi = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                zi.compress_type = info.compress_type
                z.writestr(zi, body, compresslevel=1 if info.compress_type == zipfile.ZIP_DEFLATED else None)
    res = out.getvalue()
    return res if len(res) <= max_size else None


def child(args: argparse.Namespace) -> None:
    import atheris

    out = Path(args.artifacts)
    findings = Findings(out)
    with atheris.instrument_imports(include=["docparse", "pdfminer", "pdfplumber", "docx", "PIL"]):
        import docparse.lines  # noqa: F401
        import docparse.readers
        from docparse.readers import doc, docx, image, ocr, odt, pdf, quality, rtf, safety, text  # noqa: F401
        if args.parse:
            import docparse.pipeline  # noqa: F401
    if not args.ocr:
        ocr._tesseract = _fake_tesseract  # type: ignore[assignment]
    target = make_target(findings, args.per_input, args.parse)

    def mutator(data: bytes, max_size: int, seed: int) -> bytes:
        rnd = random.Random(seed)
        if data[:4] == b"PK\x03\x04" and rnd.random() < 0.8:
            got = _mutate_zip(data, max_size, rnd)
            if got is not None:
                return got
        return atheris.Mutate(data, max_size)

    warnings.simplefilter("ignore")  # library warnings on broken files are not findings
    argv = [sys.argv[0], args.corpus, f"-max_total_time={args.seconds}", f"-timeout={args.timeout}",
            f"-max_len={MAX_LEN}", f"-rss_limit_mb={args.rss_mb}", f"-artifact_prefix={out}/",
            "-print_final_stats=1", f"-seed={args.seed}"]
    atheris.Setup(argv, target, custom_mutator=mutator)
    try:
        atheris.Fuzz()
    finally:
        findings.save(force=True)


# ---------------------------------------------------------------- the parent

_STATS = re.compile(r"#(\d+)\s+(\w+)\s+cov: (\d+) ft: (\d+) corp: (\d+)/(\S+)(?:.*?exec/s: (\d+))?")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench fuzz", description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=int, default=120, help="fuzzing time (default %(default)s)")
    ap.add_argument("--per-input", type=float, default=10.0, help="an input read slower than this is reported")
    ap.add_argument("--timeout", type=int, default=60, help="libFuzzer's hang limit per input, seconds")
    ap.add_argument("--rss-mb", type=int, default=3072, help="memory limit of the fuzzing process")
    ap.add_argument("--artifacts", default=None, help="where findings go (default: a new temporary folder)")
    ap.add_argument("--corpus", default=None, help="working corpus folder (default: a new one, seeded)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--ocr", action="store_true", help="run the real Tesseract (slow) instead of a canned answer")
    ap.add_argument("--parse", action="store_true", help="also run the whole pipeline on what was read")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args)
        return 0

    art = Path(args.artifacts or tempfile.mkdtemp(prefix="docparse-fuzz-"))
    art.mkdir(parents=True, exist_ok=True)
    corpus = Path(args.corpus or art / "corpus")
    corpus.mkdir(parents=True, exist_ok=True)
    n_seeds = 0
    for name, data in seeds():
        (corpus / f"seed-{hashlib.sha1(data).hexdigest()[:10]}-{name}").write_bytes(data)
        n_seeds += 1
    cmd = [sys.executable, "-m", "bench.fuzz_readers", "--child", "--seconds", str(args.seconds),
           "--per-input", str(args.per_input), "--timeout", str(args.timeout), "--rss-mb", str(args.rss_mb),
           "--artifacts", str(art), "--corpus", str(corpus), "--seed", str(args.seed)]
    cmd += ["--ocr"] * args.ocr + ["--parse"] * args.parse
    print(f"fuzzing read_bytes for {args.seconds} s; {n_seeds} seeds; findings in {art}", file=sys.stderr)
    start = time.time()
    log = art / "libfuzzer.log"
    with log.open("w") as fh:
        try:
            proc = subprocess.run(cmd, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT,
                                  timeout=args.seconds + 2 * args.timeout + 120, check=False)
            code = proc.returncode
        except subprocess.TimeoutExpired:
            code = -1
    took = time.time() - start
    text = log.read_text(encoding="utf-8", errors="replace")
    stats = _STATS.findall(text)
    summary: dict[str, Any] = {}
    sfile = art / "summary.json"
    if sfile.exists():
        summary = json.loads(sfile.read_text(encoding="utf-8"))
    crash = [ln for ln in text.splitlines() if ln.startswith(("==", "Test unit written", "artifact_prefix"))
             or "Uncaught Python exception" in ln or "ERROR: libFuzzer" in ln]
    found = [{k: v for k, v in f.items() if k != "detail"} for f in summary.get("findings", [])]
    for p in sorted(art.iterdir()):  # what libFuzzer itself stopped on: a hang, a crash, memory
        kind = p.name.split("-", 1)[0]
        if kind in ("timeout", "crash", "oom", "leak") and p.is_file():
            found.append({"kind": kind, "signature": "libFuzzer stopped the run", "count": 1, "input": str(p),
                          "size": p.stat().st_size})
    report = {
        "seconds": round(took, 1),
        "exit_code": code,
        "seeds": n_seeds,
        "execs": summary.get("execs"),
        "execs_per_second": round((summary.get("execs") or 0) / max(summary.get("seconds") or took, 1e-9), 1),
        "coverage": {"edges": int(stats[-1][2]), "features": int(stats[-1][3]),
                     "corpus": int(stats[-1][4])} if stats else None,
        "formats": summary.get("formats"),
        "outcomes": summary.get("outcomes"),
        "slowest_input_seconds": summary.get("slowest"),
        "findings": found,
        "libfuzzer": crash[-10:],
        "artifacts": str(art),
    }
    print(json.dumps(report, ensure_ascii=False, indent=1))
    if args.artifacts is None and not report["findings"] and code == 0:
        shutil.rmtree(art / "corpus", ignore_errors=True)
    return 0 if code == 0 and not any(f["kind"] in ("escaped", "schema", "timeout", "crash", "oom") for f in found) else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
