"""The .docx reader finds its parts by the package's relationships, and reads only those.

Word puts the main part at ``word/document.xml``, but the Open Packaging
Conventions let a producer put it anywhere and point to it from
``_rels/.rels``; styles and numbering are found from the main part's own
relationships, relative to its folder. Parts the reader does not use (images,
headers) are never inflated, so a damaged one does not cost the document.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from bench.fuzz_readers import build_zip
from docparse.readers import ReadError, read_bytes

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MAIN_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def _rels(*rels: tuple[str, str]) -> bytes:
    items = "".join(f'<Relationship Id="rId{k}" Type="{OFFICE}/{kind}" Target="{target}"/>'
                    for k, (kind, target) in enumerate(rels, 1))
    return f'<?xml version="1.0"?><Relationships xmlns="{REL_NS}">{items}</Relationships>'.encode()


def _types(main: str, content_type: str = MAIN_CT) -> bytes:
    return (f'<?xml version="1.0"?><Types xmlns="{CT_NS}">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{main}" ContentType="{content_type}"/></Types>').encode()


def _document(paragraphs: str) -> bytes:
    return f'<?xml version="1.0"?><w:document xmlns:w="{W_NS}"><w:body>{paragraphs}</w:body></w:document>'.encode()


def _styles() -> bytes:
    """A paragraph style "Tieude" that is bold."""
    return (f'<?xml version="1.0"?><w:styles xmlns:w="{W_NS}"><w:style w:type="paragraph" w:styleId="Tieude">'
            '<w:rPr><w:b/></w:rPr></w:style></w:styles>').encode()


def _numbering() -> bytes:
    """List 7: decimal labels "1.", "2." ..."""
    return (f'<?xml version="1.0"?><w:numbering xmlns:w="{W_NS}"><w:abstractNum w:abstractNumId="3">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/>'
            '<w:suff w:val="space"/></w:lvl></w:abstractNum>'
            '<w:num w:numId="7"><w:abstractNumId w:val="3"/></w:num></w:numbering>').encode()


BODY = ('<w:p><w:pPr><w:pStyle w:val="Tieude"/></w:pPr><w:r><w:t>KẾ HOẠCH</w:t></w:r></w:p>'
        '<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="7"/></w:numPr></w:pPr>'
        '<w:r><w:t>Rà soát văn bản</w:t></w:r></w:p>'
        '<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="7"/></w:numPr></w:pPr>'
        '<w:r><w:t>Báo cáo kết quả</w:t></w:r></w:p>')


def _package(main: str, main_target: str, styles: tuple[str, str], numbering: tuple[str, str], *,
             extra: list[tuple[str, bytes]] | None = None, content_type: str = MAIN_CT) -> bytes:
    """A .docx whose main part is ``main``; ``styles`` and ``numbering`` are (target as written in the
    main part's relationships, the zip member it names): the test says where a target lands, the
    reader must find it."""
    folder, _, name = main.rpartition("/")
    base = folder + "/" if folder else ""
    return build_zip([
        ("[Content_Types].xml", _types(main, content_type)),
        ("_rels/.rels", _rels(("officeDocument", main_target))),
        (main, _document(BODY)),
        (f"{base}_rels/{name}.rels", _rels(("styles", styles[0]), ("numbering", numbering[0]))),
        (styles[1], _styles()),
        (numbering[1], _numbering()),
        *(extra or []),
    ])


WORD = ("word/document.xml", "word/document.xml", ("styles.xml", "word/styles.xml"),
        ("numbering.xml", "word/numbering.xml"))


def _paragraphs(data: bytes) -> list[tuple[str, bool]]:
    return [(b.text, b.bold) for b in read_bytes(data, "van-ban.docx").blocks]


EXPECTED = [("KẾ HOẠCH", True), ("1. Rà soát văn bản", False), ("2. Báo cáo kết quả", False)]


@pytest.mark.parametrize(("main", "main_target", "styles", "numbering"), [
    WORD,  # Word's own layout
    # another producer's: the main part elsewhere, an absolute target, a "../" target
    ("noidung/chinh.xml", "/noidung/chinh.xml", ("../dinhdang/kieu.xml", "dinhdang/kieu.xml"),
     ("/noidung/so/danhsach.xml", "noidung/so/danhsach.xml")),
])
def test_parts_are_found_by_relationships(main: str, main_target: str, styles: tuple[str, str],
                                          numbering: tuple[str, str]) -> None:
    data = _package(main, main_target, styles, numbering)
    assert _paragraphs(data) == EXPECTED


def test_a_damaged_part_the_reader_does_not_use_costs_nothing() -> None:
    good = _package(*WORD, extra=[("word/media/image1.png", b"\x89PNG" + bytes(range(256)) * 64)])
    # flip bytes inside the image's compressed data: its CRC no longer matches
    with zipfile.ZipFile(io.BytesIO(good)) as z:
        info = z.getinfo("word/media/image1.png")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 10
    damaged = good[:start] + bytes(b ^ 0xFF for b in good[start:start + 8]) + good[start + 8:]
    assert damaged != good
    assert _paragraphs(damaged) == EXPECTED


@pytest.mark.parametrize(("data", "detail"), [
    (_package(*WORD, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
     "spreadsheetml"),
    (build_zip([("[Content_Types].xml", _types("word/document.xml")), ("word/document.xml", _document(BODY))]),
     "no main document part"),
])
def test_a_zip_that_is_not_a_word_document_is_refused(data: bytes, detail: str) -> None:
    with pytest.raises(ReadError) as e:
        read_bytes(data, "van-ban.docx")
    assert "không phải .docx hợp lệ" in str(e.value)
    assert detail in e.value.detail
