"""Old formats: Word 97-2003 (.doc, through antiword), .rtf and .odt.

The .doc is the corpus' real one (d15); the .rtf and .odt are written here from
the seeds (RTF with Windows-1258 escapes, ODT as a zip of XML with tables),
and must parse to the same header as the seed's plain text.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import unicodedata
import zipfile
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from docparse import legacy_encodings as L
from docparse.model import Paragraph, Table
from docparse.pipeline import parse_bytes
from docparse.readers import ReadError, detect_format, read_bytes
from docparse.readers import doc as doc_reader
from docparse.readers import odt as odt_reader
from docparse.readers.text import read_text

ROOT = Path(__file__).resolve().parents[1]
FILES = ROOT / "corpus" / "dev" / "files"
SEEDS = {p.name[:3]: p for p in (ROOT / "corpus" / "seeds").glob("*.txt")}
LABELS = {json.loads(x)["file"]: json.loads(x) for x in (FILES / "labels.jsonl").read_text("utf-8").splitlines() if x}
HEADER = ("doc_type", "number", "issuer", "place", "date", "subject", "signer", "recipients", "attached_to")


def d15() -> Path:
    (path,) = FILES.glob("d15_*.doc")
    return path


def parsed(data: bytes, name: str) -> list[dict]:
    out = []
    for d in parse_bytes(data, name).documents:
        j = d.to_json()
        j.pop("spans", None)
        out.append(j)
    return out


def headers(docs: list[dict]) -> list[dict]:
    return [{k: d[k] for k in HEADER} for d in docs]


@cache
def seed_parse(code: str) -> list[dict]:
    return parsed(SEEDS[code].read_bytes(), SEEDS[code].name)


def one_line(err: ReadError) -> str:
    msg = str(err)
    assert msg and "\n" not in msg
    return msg


# ------------------------------------------------------------------ .doc


needs_antiword = pytest.mark.skipif(shutil.which("antiword") is None, reason="antiword is not installed")


@needs_antiword
def test_doc_is_read_through_antiword_with_its_tables():
    src = read_bytes(d15().read_bytes(), d15().name)
    assert src.format == "doc" and not src.warnings
    header, signature = [b for b in src.blocks if isinstance(b, Table)]
    # the header table keeps its columns apart, and the subject row's wide cell spans two grid columns
    left = [c.text.strip() for c in header.cells if c.col == 0]
    assert left[:3] == ["UBND TỈNH LÀO CAI", "SỞ CÔNG THƯƠNG", "Số:          /SCT-KT"]
    assert any("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in c.text and c.col > 0 for c in header.cells)
    assert any(c.text.startswith("V/v tham gia") for c in header.cells)
    assert max(c.colspan for c in header.cells) == 2
    # paragraphs are whole (not wrapped at 80 columns), and the signature is one row of cells
    body = [b.text for b in src.blocks if isinstance(b, Paragraph)]
    assert any(t.startswith("Sở Công Thương nhận được văn bản số 1650") and t.endswith("như sau:") for t in body)
    assert signature.n_rows == 1 and any("Phan Văn Cương" in c.text for c in signature.cells)


@needs_antiword
def test_doc_header_matches_its_labels():
    label = LABELS[d15().name]
    (doc,) = parsed(d15().read_bytes(), d15().name)
    assert doc["doc_type"] == label["doc_type"] and doc["number"] == label["number"]
    assert doc["date"] == label["date"] and doc["issuer"] == label["issuer"]
    assert doc["signer"]["name"] == label["signer"]


def _encrypted(data: bytes) -> bytes:
    """d15 with the FIB's fEncrypted bit set (what Word writes for a password-protected file)."""
    out = bytearray(data)
    fib = next(o for o in range(512, len(out), 512) if out[o:o + 2] == b"\xec\xa5")
    out[fib + 0x0B] |= 0x01
    return bytes(out)


@needs_antiword
def test_doc_refusals_are_one_plain_line():
    data = d15().read_bytes()
    with pytest.raises(ReadError) as e:
        read_bytes(_encrypted(data), "khoa.doc")
    assert "mật khẩu" in one_line(e.value)
    with pytest.raises(ReadError) as e:  # OLE header, not a Word document
        read_bytes(data[:3000], "cut.doc")
    assert "Word 97-2003" in one_line(e.value)


def test_doc_without_antiword_says_what_is_missing(monkeypatch):
    monkeypatch.setattr(doc_reader.shutil, "which", lambda name: None)
    with pytest.raises(ReadError) as e:
        read_bytes(d15().read_bytes(), d15().name)
    assert "antiword" in one_line(e.value)


def test_doc_conversion_that_hangs_is_stopped(monkeypatch):
    def hang(*args, **kwargs):
        raise subprocess.TimeoutExpired(args[0], doc_reader.TIMEOUT)

    monkeypatch.setattr(doc_reader.shutil, "which", lambda name: "/usr/bin/antiword")
    monkeypatch.setattr(doc_reader.subprocess, "run", hang)
    with pytest.raises(ReadError) as e:
        read_bytes(d15().read_bytes(), d15().name)
    assert "quá lâu" in one_line(e.value)


DOCBOOK = """<?xml version="1.0" encoding="utf-8"?>
<book><title>x</title><bookinfo><title>x</title></bookinfo><chapter><title/>
<para><informaltable><tgroup cols='2'><colspec colwidth='150pt'/><colspec colwidth='300pt'/><tbody>
<row><entry>\n{issuer}\n</entry><entry>\n{motto}\n</entry></row></tbody></tgroup>
<tgroup cols='3'><colspec colwidth='100pt'/><colspec colwidth='50pt'/><colspec colwidth='300pt'/><tbody>
<row><entry>a</entry><entry>b</entry><entry>c</entry></row></tbody></tgroup></informaltable></para>
<para>\n{body}\n</para>
<para>\n<emphasis role='bold'>{title}</emphasis>\n</para>
<para>\n{unicode}\n</para>
</chapter></book>"""


def test_doc_docbook_grid_and_legacy_text():
    """antiword's DocBook: tgroups on one column grid; TCVN3 text (antiword writes it as cp1252) converted."""
    t = lambda s: escape(L.encode(s, L.TCVN3, errors="legacy"))  # noqa: E731
    xml = DOCBOOK.format(issuer=t("ỦY BAN NHÂN DÂN"), motto=t("Độc lập - Tự do - Hạnh phúc"),
                         body=t("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015"),
                         title=t("QUYẾT ĐỊNH"), unicode="Điều 1. Ban hành kèm theo Quyết định này")
    blocks = doc_reader.blocks_from_docbook(xml.encode("utf-8"))
    assert blocks is not None
    assert doc_reader.undo_legacy(blocks, hint=L.TCVN3) == L.TCVN3
    table, body, title, uni = blocks
    assert isinstance(table, Table) and table.n_cols == 3 and table.n_rows == 2
    assert [(c.row, c.col, c.colspan) for c in table.cells] == [(0, 0, 2), (0, 2, 1), (1, 0, 1), (1, 1, 1),
                                                                (1, 2, 1)]
    assert table.cells[0].text == "ỦY BAN NHÂN DÂN" and table.cells[1].text == "Độc lập - Tự do - Hạnh phúc"
    assert body.text.startswith("Căn cứ Luật Tổ chức chính quyền địa phương")
    assert title.text == "QUYẾT ĐỊNH" and title.bold
    assert uni.text == "Điều 1. Ban hành kèm theo Quyết định này"  # Unicode left alone
    assert doc_reader.blocks_from_docbook(b"not xml at all") is None


def test_doc_text_fallback_rows():
    blocks = doc_reader.blocks_from_text("Kính gửi: Sở Tư pháp\n|TT |Nội dung |\n|1  |Rà soát |\nCuối")
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "Table", "Paragraph"]
    assert [c.text for c in blocks[1].cells] == ["TT", "Nội dung", "1", "Rà soát"]


# ------------------------------------------------------------------ .rtf

_TONES = "\u0300\u0301\u0303\u0309\u0323"


def _cp1258(ch: str) -> bytes:
    """A letter as Windows-1258 writes it: base letter (with its hat or horn), then the tone."""
    nfd = unicodedata.normalize("NFD", ch)
    base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in _TONES))
    return (base + "".join(c for c in nfd if c in _TONES)).encode("cp1258")


def rtf_text(text: str) -> str:
    """RTF for ``text``: ASCII as is, Vietnamese as cp1258 \\'xx bytes, every fourth as \\uN with a fallback."""
    out = []
    k = 0
    for ch in text:
        if ch in "\\{}":
            out.append("\\" + ch)
        elif ch == "\t":
            out.append("\\tab ")
        elif ch == "\n":
            out.append("\\line ")
        elif ord(ch) < 128:
            out.append(ch)
        else:
            k += 1
            try:
                if k % 4 == 0:
                    raise UnicodeEncodeError("cp1258", ch, 0, 1, "use \\u")
                out.append("".join(f"\\'{b:02x}" for b in _cp1258(ch)))
            except UnicodeEncodeError:
                out.append(f"\\u{ord(ch) if ord(ch) < 32768 else ord(ch) - 65536}?")
    return "".join(out)


def seed_rtf(code: str) -> bytes:
    """A Word-like RTF of a seed: cp1258, a font table, info, bold runs, and its tables as \\trowd rows."""
    src = read_text(SEEDS[code].read_bytes())
    parts = [r"{\rtf1\ansi\ansicpg1258\deff0\uc1{\fonttbl{\f0\froman\fcharset163 Times New Roman;}"
             r"{\f1\fswiss\fcharset0 Arial;}}{\colortbl;\red0\green0\blue0;}"
             r"{\info{\title Ke hoach}{\nofpages3}}{\*\generator Test;}" "\n"]
    for b in src.blocks:
        if isinstance(b, Paragraph):
            body = rtf_text(b.text)
            parts.append(r"\pard\plain\f0 " + (r"{\b " + body + "}" if b.bold else body) + "\\par\n")
            continue
        for row in b.rows():
            edges, x = [], 0
            for c in row:
                x += 1500 * c.colspan
                edges.append(rf"\cellx{x}")
            parts.append(r"\trowd" + "".join(edges) + "\n")
            for c in row:
                parts.append(r"\pard\intbl\plain\f0 " + rtf_text(c.text).replace(r"\line ", r"\par ") + r"\cell" + "\n")
            parts.append(r"\row" + "\n")
        parts.append(r"\pard" + "\n")
    parts.append("}")
    return "".join(parts).encode("ascii")


@pytest.mark.parametrize("code", ["001", "004"])
def test_rtf_seed_parses_like_its_text(code):
    data = seed_rtf(code)
    assert detect_format(data) == "rtf"
    src = read_bytes(data, "x.rtf")
    assert src.format == "rtf" and src.pages == 3 and not src.warnings
    docs = parsed(data, "x.rtf")
    assert headers(docs) == headers(seed_parse(code))
    # the task tables came through as tables: the same tasks
    assert [d["tasks"] for d in docs] == [d["tasks"] for d in seed_parse(code)]


def test_rtf_details():
    data = (r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Times New Roman;}{\f1\fnil .VnTime;}{\f2 VNI-Times;}"
            r"{\f3 .VnTimeH;}{\f4\fcharset163 Times New Roman;}}"
            r"{\*\listtable{\list{\listlevel{\leveltext \'02\'00.;}}}}"
            r"{\pict\pngblip 89504e47}"
            r"\pard{\pntext\f0 1.\tab}\f1 " + "".join(f"\\'{ord(c):02x}" for c in L.encode("quyết định số", "tcvn3"))
            + r"\par\f3 " + "".join(f"\\'{ord(c):02x}" for c in L.encode("ủy ban nhân dân", "tcvn3"))
            + r"\par\f2 Quye\'e1t \'f1\'f2nh\par"
            r"\f4 Ng\'e0y 5 th\'e1ng 3 n\'e3m 2020, Th\'f4\'ecng\par"
            r"\f0\uc2 Tr\u432\'3f\'3fa tr\u432\'3f\'3fng{\field{\*\fldinst PAGE}{\fldrslt 7}}\bin4 \'00{}x\par"
            r"\trowd\clvmgf\cellx1000\cellx3000\pard\intbl TT\cell A\cell\row"
            r"\trowd\clvmrg\cellx1000\cellx3000\pard\intbl\cell B\cell\row"
            r"\trowd\clmgf\cellx1000\clmrg\cellx3000\pard\intbl G\cell\cell\row"
            r"\pard Sau\par}").encode("ascii")
    src = read_bytes(data, "x.rtf")
    paras = [b.text for b in src.blocks if isinstance(b, Paragraph)]
    assert paras[0] == "1.\tquyết định số"  # list label kept, TCVN3 font converted
    assert paras[1] == "ỦY BAN NHÂN DÂN"  # .VnTimeH: capitals
    assert paras[2] == "Quyết định"  # VNI pairs split across tokens
    assert paras[3] == "Ngày 5 tháng 3 năm 2020, Thống"  # cp1258 combining tone composed (NFC)
    assert paras[4] == "Trưa trưng7" + "x"  # \uc2 fallbacks skipped, field result kept, \bin skipped
    table = next(b for b in src.blocks if isinstance(b, Table))
    assert [(c.row, c.col, c.rowspan, c.colspan, c.text) for c in table.cells] == [
        (0, 0, 2, 1, "TT"), (0, 1, 1, 1, "A"), (1, 1, 1, 1, "B"), (2, 0, 1, 2, "G")]
    assert paras[-1] == "Sau"
    assert any("TCVN3" in w for w in src.warnings) and any("VNI" in w for w in src.warnings)


def test_rtf_limits():
    with pytest.raises(ReadError) as e:
        read_bytes(b"{\\rtf1" + b"{" * 5000 + b"}" * 5000 + b"}", "deep.rtf")
    assert "RTF" in one_line(e.value)
    with pytest.raises(ReadError) as e:
        read_bytes(rb"{\rtf1{\info{\nofpages900}}Hi\par}", "long.rtf")
    assert "900 trang" in one_line(e.value)


# ------------------------------------------------------------------ .odt

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
      'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
      'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"')

STYLES = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles {NS} office:version="1.3"><office:font-face-decls>
<style:font-face style:name="VnTime" svg:font-family=".VnTime"/></office:font-face-decls>
<office:styles><style:style style:name="Standard" style:family="paragraph"/>
<style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard">
<style:text-properties fo:font-weight="bold"/></style:style>
<text:list-style style:name="Num"><text:list-level-style-number text:level="1" style:num-suffix="." style:num-format="1"/>
<text:list-level-style-bullet text:level="2" text:bullet-char="-"/></text:list-style>
</office:styles></office:document-styles>"""

AUTO = """<office:font-face-decls><style:font-face style:name="VNI" svg:font-family="'VNI-Times'"/>
</office:font-face-decls><office:automatic-styles>
<style:style style:name="P1" style:family="paragraph" style:parent-style-name="Heading"/>
<style:style style:name="T1" style:family="text"><style:text-properties fo:font-style="italic"/></style:style>
<style:style style:name="T2" style:family="text"><style:text-properties style:font-name="VnTime"/></style:style>
<style:style style:name="T3" style:family="text"><style:text-properties style:font-name="VNI"/></style:style>
</office:automatic-styles>"""


def _odt_text(text: str) -> str:
    """ODF inline markup: runs of spaces as text:s, tabs, line breaks."""
    out = []
    for i, line in enumerate(text.split("\n")):
        if i:
            out.append("<text:line-break/>")
        for j, piece in enumerate(line.split("\t")):
            if j:
                out.append("<text:tab/>")
            out.append(escape(piece).replace("  ", ' <text:s text:c="1"/>'))
    return "".join(out)


def odt_package(body: str, pages: int = 2) -> bytes:
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS} office:version="1.3">'
               f"{AUTO}<office:body><office:text>{body}</office:text></office:body></office:document-content>")
    meta = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {NS}><office:meta>'
            f'<meta:document-statistic meta:page-count="{pages}"/></office:meta></office:document-meta>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")  # stored, first
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        z.writestr("styles.xml", STYLES, zipfile.ZIP_DEFLATED)
        z.writestr("meta.xml", meta, zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", "<manifest/>", zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def seed_odt(code: str) -> bytes:
    """An ODT of a seed: bold lines in a bold paragraph style, its tables as table:table with spans."""
    src = read_text(SEEDS[code].read_bytes())
    body = []
    for b in src.blocks:
        if isinstance(b, Paragraph):
            style = "P1" if b.bold else "Standard"
            body.append(f'<text:p text:style-name="{style}">{_odt_text(b.text)}</text:p>')
            continue
        body.append(f'<table:table table:name="T"><table:table-column table:number-columns-repeated="{b.n_cols}"/>')
        for row in b.rows():
            body.append("<table:table-row>")
            for c in row:
                span = f' table:number-columns-spanned="{c.colspan}"' if c.colspan > 1 else ""
                paras = "".join(f'<text:p text:style-name="{"P1" if c.bold else "Standard"}">{_odt_text(x)}</text:p>'
                                for x in c.text.split("\n"))
                body.append(f"<table:table-cell{span}>{paras}</table:table-cell>")
                body += ["<table:covered-table-cell/>"] * (c.colspan - 1)
            body.append("</table:table-row>")
        body.append("</table:table>")
    return odt_package("".join(body))


@pytest.mark.parametrize("code", ["001", "004"])
def test_odt_seed_parses_like_its_text(code):
    data = seed_odt(code)
    assert detect_format(data) == "odt"
    src = read_bytes(data, "x.odt")
    assert src.format == "odt" and src.pages == 2 and not src.warnings
    if code == "004":  # the seed's task table is a table here too
        assert any(isinstance(b, Table) and b.n_rows > 3 for b in src.blocks)
    docs = parsed(data, "x.odt")
    assert headers(docs) == headers(seed_parse(code))
    assert [d["tasks"] for d in docs] == [d["tasks"] for d in seed_parse(code)]


def test_odt_details():
    tcvn3 = escape(L.encode("Quyết định của Ủy ban", L.TCVN3, errors="legacy"))
    vni = escape(L.encode("Hà Nội", L.VNI))
    body = (
        '<text:h text:style-name="P1" text:outline-level="1">QUYẾT ĐỊNH</text:h>'
        f'<text:p>Số:<text:s text:c="3"/>12 <text:span text:style-name="T2">{tcvn3}</text:span>'
        f' <text:span text:style-name="T3">{vni}</text:span><text:note><text:note-body><text:p>chú thích</text:p>'
        "</text:note-body></text:note></text:p>"
        '<text:list text:style-name="Num"><text:list-item><text:p>Một</text:p>'
        '<text:list><text:list-item><text:p>gạch</text:p></text:list-item></text:list></text:list-item>'
        "<text:list-item><text:p>Hai</text:p></text:list-item></text:list>"
        '<text:p><text:span text:style-name="T1">nghiêng hẳn</text:span></text:p>'
        "<table:table><table:table-column table:number-columns-repeated=\"3\"/>"
        '<table:table-header-rows><table:table-row><table:table-cell table:number-rows-spanned="2"><text:p>TT</text:p>'
        '</table:table-cell><table:table-cell table:number-columns-spanned="2"><text:p>Nội dung</text:p>'
        "</table:table-cell><table:covered-table-cell/></table:table-row></table:table-header-rows>"
        "<table:table-row><table:covered-table-cell/><table:table-cell><text:p>a</text:p></table:table-cell>"
        "<table:table-cell><table:table><table:table-row><table:table-cell><text:p>x</text:p></table:table-cell>"
        "<table:table-cell><text:p>y</text:p></table:table-cell></table:table-row></table:table>"
        "</table:table-cell></table:table-row></table:table>"
    )
    src = read_bytes(odt_package(body), "x.odt")
    paras = [b for b in src.blocks if isinstance(b, Paragraph)]
    assert paras[0].text == "QUYẾT ĐỊNH" and paras[0].bold
    assert paras[1].text == "Số:   12 Quyết định của Uỷ ban Hà Nội"  # fonts converted, note dropped
    assert [p.text for p in paras[2:5]] == ["1. Một", "- gạch", "2. Hai"]
    assert paras[5].italic
    table = next(b for b in src.blocks if isinstance(b, Table))
    assert (table.n_rows, table.n_cols) == (2, 3)
    assert [(c.row, c.col, c.rowspan, c.colspan, c.text) for c in table.cells] == [
        (0, 0, 2, 1, "TT"), (0, 1, 1, 2, "Nội dung"), (1, 1, 1, 1, "a"), (1, 2, 1, 1, "x\ty")]
    assert {w.split(":")[0] for w in src.warnings} == {"Văn bản dùng phông TCVN3 (ABC)", "Văn bản dùng phông VNI"}


def test_odt_limits(monkeypatch):
    with pytest.raises(ReadError) as e:
        read_bytes(odt_package("<text:p>a</text:p>", pages=900), "long.odt")
    assert "900 trang" in one_line(e.value)
    monkeypatch.setattr(odt_reader, "MAX_MEMBER", 1000)  # no member is read past the bound
    with pytest.raises(ReadError) as e:
        read_bytes(odt_package("<text:p>" + "a" * 5000 + "</text:p>"), "big.odt")
    assert "quá lớn" in one_line(e.value)
