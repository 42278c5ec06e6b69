"""Spans: every field, reference and task points at the text it was read from.

A document page shows the extracted fields beside the source text and
highlights each where it came from. ``ParsedDocument.spans`` (the JSON's
``"spans"``) gives ``[start, end)`` offsets into the document's body,
``"\\n".join(line.text for line in doc.lines)``, the string the registry
stores. These tests read the real seeds and dev files and check that each
span holds the value it claims to: the value as printed (an ISO date is
checked on its digits, an expanded abbreviation on its expansion, a value
repaired from an OCR text that lost its diacritics only up to a similarity).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from docparse import rules
from docparse.model import Line, ParsedDocument
from docparse.normalize import collapse_ws, fold
from docparse.pipeline import parse_path
from docparse.readers import ReadError
from docparse.restore import needs_restore
from docparse.spans import Offsets, Traced
from docparse.tasks.gazetteer import gazetteer
from docparse.units import expand_abbreviations

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
#: d12 (a 60-page circular) alone takes seconds to read: the other PDFs stand for the format here.
SLOW = ("d12_",)
FILES = sorted((CORPUS / "seeds").glob("*.txt")) + sorted(
    p for p in (CORPUS / "dev" / "files").iterdir()
    if p.suffix in (".docx", ".pdf") and not p.name.startswith(SLOW))
HEADER = ("doc_type", "number", "issuer", "place", "date", "subject", "signer", "attached_to")
#: An OCR text that lost its diacritics: the value was repaired, so a span is
#: compared with it letter for letter only up to this similarity (folded).
OCR_SIMILARITY = 70


@cache
def _parsed() -> list[tuple[str, ParsedDocument]]:
    out = []
    for path in FILES:
        try:
            parsed = parse_path(path)
        except ReadError:  # a scan without text layer, an old .doc: nothing to point at
            continue
        out += [(path.name, d) for d in parsed.documents]
    return out


def _doc(prefix: str, index: int) -> ParsedDocument:
    return [d for name, d in _parsed() if name.startswith(prefix)][index]


@cache
def _type_words() -> dict[str, set[str]]:
    """Folded words that name each type: its name and its symbol abbreviations."""
    out: dict[str, set[str]] = {}
    for t in rules.load("doc_types")["types"]:
        out.setdefault(t["name"], set()).update({fold(t["name"]), *(fold(a) for a in t.get("abbr", []))})
    out.setdefault("Công văn", set()).update({"v/v", "v.v", "ve viec", "kinh gui"})
    return out


@dataclass
class _Compare:
    """How a span's text is compared with its value in one document."""

    ocr: bool
    units: bool = False  # task units: the task gazetteer's abbreviations ("Ban QLDA") are expanded too

    def key(self, text: str) -> str:
        text = expand_abbreviations(text)
        if self.units:
            text = gazetteer().expand(text)[0]
        return collapse_ws(fold(text)).strip(" .,;:()-")

    def holds(self, printed: str, value: str) -> bool:
        """Does the printed text contain the value, or the value the printed text?"""
        a, b = self.key(printed), self.key(value)
        if not a:
            return False
        if a in b or b in a:
            return True
        return self.ocr and fuzz.partial_ratio(a, b) >= OCR_SIMILARITY


def _header_problem(cmp: _Compare, field: str, value, pieces: list[str]) -> str | None:
    """Why the span texts do not hold the header value (None when they do)."""
    printed = " ".join(pieces)
    if field == "date":  # ISO from "ngày 09 tháng 11 năm 2020": the numbers are there
        want = [int(x) for x in value.split("-")]
        got = [int(x) for x in re.findall(r"\d+", printed)]
        return None if all(x in got for x in want) else f"{want} not in {got}"
    if field == "doc_type":  # the type word, or its abbreviation in the number, or "V/v"
        words = _type_words().get(value, {fold(value)})
        return None if any(w in fold(printed) or cmp.holds(printed, w) for w in words) else "no type word"
    if field == "signer":  # mode, title and name, each possibly wrapped ("T/M ỦY" / "BAN NHÂN DÂN")
        bad = [v for v in (value.name, value.title, value.for_) if v and not cmp.holds(printed, v)]
        if value.mode and value.mode.lower() not in fold(printed).replace("/", ""):
            bad.append(value.mode)
        return f"{bad} not in {pieces}" if bad else None
    if field == "issuer":
        # A body under its parent ("SỞ CÔNG THƯƠNG" under "UBND TỈNH LÀO CAI"), a level added
        # to a body read with the place: the value's words, except the level, are printed.
        have = set(cmp.key(printed).split())
        missing = [w for w in cmp.key(value).split() if w not in have and w not in ("tinh", "thanh", "pho")]
        return f"{missing} not in {pieces}" if missing and not cmp.holds(printed, value) else None
    if field in ("number", "attached_to"):
        joined = re.sub(r"\s+", "", printed)
        return None if fold(joined) == fold(value) or cmp.holds(joined, value) else f"{pieces} != {value}"
    bad = [p for p in pieces if not cmp.holds(p, value)]
    return f"{bad} not in {value!r}" if bad else None


def _alnum(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", fold(text))


def _cites(cmp: _Compare, printed: str, number: str | None, title: str | None) -> bool:
    """A mention names the reference: its title, or its number as printed ("2173/QĐ- BTP",
    "149/QĐBTP", the short "104/NĐ-CP" of 104/2022/NĐ-CP): sequence and symbol letters."""
    if title and cmp.holds(printed, title):
        return True
    if not number:
        return False
    seq, symbol = number.split("/", 1)[0], number.rsplit("/", 1)[-1]
    have = _alnum(printed)
    return (_alnum(seq) in have and _alnum(symbol) in have) or cmp.holds(printed, number)


def _problems(name: str, doc: ParsedDocument) -> list[str]:
    body, sp, h = doc.body, doc.spans, doc.header
    cmp = _Compare(ocr=needs_restore("\n".join(x.text for x in doc.lines[:80] if not x.blank)))
    units = _Compare(ocr=cmp.ocr, units=True)
    out = []

    def text(s: list[int]) -> str:
        if not (isinstance(s, list) and len(s) == 2 and 0 <= s[0] < s[1] <= len(body)):
            out.append(f"{name}: bad span {s}")
            return ""
        if body[s[0]:s[1]] != body[s[0]:s[1]].strip():
            out.append(f"{name}: span {s} not trimmed")
        return body[s[0]:s[1]]

    for field in HEADER:
        if field in sp:
            why = _header_problem(cmp, field, getattr(h, field), [text(s) for s in sp[field]])
            if why:
                out.append(f"{name} {field}: {why}")
    for value, spans in zip(h.recipients, sp.get("recipients", []), strict=True):
        bad = [t for t in (text(s) for s in spans) if not cmp.holds(t, value)]
        if bad:
            out.append(f"{name} recipient {value!r}: {bad}")
    for ref, spans in zip(doc.references, sp.get("references", []), strict=True):
        printed = " ".join(text(s) for s in spans)
        if spans and not _cites(cmp, printed, ref.number, ref.title):
            out.append(f"{name} reference {ref.number or ref.title}: {printed!r}")
    for task, ts in zip(doc.tasks, sp.get("tasks", []), strict=True):
        extent = ts.get("task")
        if extent:
            text(extent)
        for field in ("title", "product", "funding"):
            value = getattr(task, field)
            bad = [t for t in (text(s) for s in ts.get(field, [])) if not cmp.holds(t, value)]
            if bad:
                out.append(f"{name} task {task.no} {field}: {bad} vs {value!r}")
        if ts.get("deadline"):
            printed = " ".join(text(s) for s in ts["deadline"])
            if not cmp.holds(printed, task.deadline.text):
                out.append(f"{name} task {task.no} deadline: {printed!r} vs {task.deadline.text!r}")
        for role in ("lead", "support"):
            for unit, s in zip(getattr(task, role), ts.get(role, []), strict=True):
                if s is None:
                    continue
                # (a table cell merged down from a row above, a prose heading over lettered
                # duties: such units are written outside the task's own lines)
                if task.source == "text" and extent and not (extent[0] <= s[0] and s[1] <= extent[1]):
                    out.append(f"{name} task {task.no} {role} {unit.name!r}: outside the task")
                written = text(s)
                # what is written is the unit or part of it (a head or scope shared with its neighbours)
                if not units.holds(written, unit.name):
                    out.append(f"{name} task {task.no} {role}: {written!r} vs {unit.name!r}")
    return out


def test_every_span_holds_its_value():
    problems = [p for name, doc in _parsed() for p in _problems(name, doc)]
    assert not problems, "\n".join(problems[:40])


def _span_texts(doc: ParsedDocument, path: tuple[str | int, ...]) -> list[str] | str:
    """The texts of the spans at ``path`` ("tasks" paths name a task by its ``no``)."""
    node = doc.spans
    for step in path:
        if isinstance(node, list) and isinstance(step, str):  # a task by its number
            node = node[[t.no for t in doc.tasks].index(step)]
        else:
            node = node[step]
    body = doc.body
    if node and isinstance(node[0], int):
        return body[node[0]:node[1]]
    return [body[s:e] if s is not None else None for s, e in (x or (None, None) for x in node)]


@pytest.mark.parametrize(("file", "doc", "path", "expected"), [
    # header fields: the value's own characters in its line
    ("001", 0, ("number",), ["3510/KH-UBND"]),
    ("001", 0, ("date",), ["ngày 09 tháng 10 năm 2019"]),
    ("001", 0, ("doc_type",), ["KẾ HOẠCH"]),
    # an issuer the header does not print: the symbol's body and the place of the date line
    ("001", 0, ("issuer",), ["UBND", "Cao Bằng"]),
    ("001", 0, ("signer",), ["CHỦ TỊCH", "Hoàng Xuân Ánh"]),
    ("001", 0, ("recipients", 4), ["Các Sở: Tài chính; Tư pháp; Sở Thông tin và Truyền thông"]),
    ("000", 0, ("issuer",), ["UBND TỈNH KIÊN GIANG", "VĂN PHÒNG"]),
    # a plan printed without header: its issuer comes from the attachment line, in this document
    ("000", 1, ("issuer",), ["Bộ trưởng Bộ Tư pháp"]),
    ("000", 1, ("attached_to",), ["2168/QĐ-BTP"]),
    ("000", 1, ("date",), ["ngày 26 tháng 10 năm 2020"]),
    # a subject over three lines: one span per line piece
    ("002", 0, ("subject",), ["Ban hành Kế hoạch triển khai thực hiện Nghị định số 87/2020/NĐ-CP",
                              "ngày 28/7/2020 của Chính phủ quy định về Cơ sở dữ liệu hộ tịch",
                              "điện tử, đăng ký hộ tịch trực tuyến trên địa bàn tỉnh Bình Định"]),
    # OCR: "Về việc" is dropped once the subject is restored, so its span starts after it
    ("003", 0, ("subject",), ["chuyen Quyét dinh sb 2168/QB-BTP ngay 26/10/2020 ban hanh ké",
                              "hoach trién khai thwe hién Nghi dinh s0 87/2020/ND-CP quy dinh vé co s&",
                              "di liéu hd tich dién tir, diing ky hd tich trwe tuyen"]),
    # a number printed with a space, a công văn known by its "V/v" (PDF)
    ("d10", 0, ("number",), ["193 /UBND-KT"]),
    ("d10", 0, ("doc_type",), ["V/v"]),
    # references: the mention the relation was decided on
    ("001", 0, ("references", 1), ["Nghị định số 123/2015/NĐ-CP ngày 15/11/2015 của Chính phủ"]),
    ("000", 1, ("references", 0),
     ["Quyết định số 2168/QĐ-BTP ngày 26 tháng 10 năm 2020 của Bộ trưởng Bộ Tư pháp"]),
    # tasks in running text: units where they are written (a shared scope stays with its unit)
    ("001", 0, ("tasks", "2", "lead"), ["Sở Tư pháp", "Ủy ban nhân dân cấp huyện", "Ủy ban nhân dân cấp xã"]),
    ("001", 0, ("tasks", "4", "lead"), ["Sở Tư pháp", "Ủy ban nhân dân cấp huyện", "cấp xã"]),
    ("001", 0, ("tasks", "1a", "deadline"), ["Quý IV/2019"]),
    ("000", 1, ("tasks", "3.1", "title"),
     ["Đề xuất chủ trương đầu tư dự án xây dựng Cơ sở dữ liệu hộ tịch điện tử"]),
    ("000", 1, ("tasks", "3.1", "deadline"), ["trình cấp có thẩm quyền phê duyệt trước ngày 31/12/2020"]),
    # a task table: a cell's "- " items, each unit its own span
    ("004", 1, ("tasks", "I.2.1", "support"),
     ["Vụ Pháp luật dân sự - kinh tế", "Văn phòng Bộ", "Cục Hộ tịch, Quốc tịch, chứng thực",
      "Cục Công nghệ thông tin", "Các đơn vị thuộc Bộ có liên quan"]),
    ("004", 1, ("tasks", "IV.4", "product"),
     ["Việc khai thác, sử dụng dịch vụ công trực tuyến của Bộ được tuyên truyền rộng rãi"]),
    # a docx table row: the task is its row, from the number to the last cell
    ("d02", 0, ("tasks", "4", "task"), "4. \nTổ chức chấm bài\nVũ Việt Linh"),
    # prose duties under a unit heading ("2. Công an tỉnh" / "c) Chủ trì, phối hợp với ...")
    ("d10", 0, ("tasks", "2c", "lead"), ["Công an tỉnh"]),
    ("d10", 0, ("tasks", "2c", "support"), ["Sở Công Thương", "chính quyền địa phương",
                                             "cơ\nquan liên quan"]),
])
def test_span_texts(file, doc, path, expected):
    assert _span_texts(_doc(file, doc), path) == expected


def test_spans_are_in_the_json_and_index_the_body():
    doc = _doc("001", 0)
    js = doc.to_json()
    assert js["spans"] == doc.spans
    assert doc.body == "\n".join(x.text for x in doc.lines)
    task = js["spans"]["tasks"][0]
    assert set(task) <= {"task", "title", "lead", "support", "product", "deadline", "funding"}


def test_body_offsets_of_lines():
    texts = ["Số: 12/QĐ-UBND", "", "  Hà Nội  "]
    lines = [Line(text=t, fold=fold(t), index=i + 7) for i, t in enumerate(texts)]
    off = Offsets(lines)
    assert off.start == {7: 0, 8: 15, 9: 16}  # each line's length + 1 for its "\n"
    assert off.span((9, 0, 10)) == [18, 24]  # trimmed: "Hà Nội"
    assert off.span((3, 0, 2)) is None  # a line of another document
    joined = Traced.of_line(lines[0], 4) + " " + Traced.of_line(lines[2]).strip()
    assert joined.text == "12/QĐ-UBND Hà Nội"
    assert off.spans(joined.locs()) == [[4, 14], [18, 24]]
    assert off.spans(joined.collapse().strip().locs(11)) == [[18, 24]]


def test_coverage():
    header = with_span = 0
    tasks = tasks_with = 0
    units = units_with = 0
    refs = refs_with = 0
    for _, doc in _parsed():
        sp, h = doc.spans, doc.header
        for field in HEADER:
            if getattr(h, field) is not None:
                header += 1
                with_span += field in sp
        header += len(h.recipients)
        with_span += sum(1 for s in sp.get("recipients", []) if s)
        refs += len(doc.references)
        refs_with += sum(1 for s in sp.get("references", []) if s)
        for ts, task in zip(sp.get("tasks", []), doc.tasks, strict=True):
            tasks += 1
            tasks_with += "task" in ts
            for role in ("lead", "support"):
                got = ts.get(role, [])
                assert len(got) == len(getattr(task, role))
                units += len(got)
                units_with += sum(1 for s in got if s)
    print(f"\nspans over {len(_parsed())} documents: header fields {with_span}/{header} "
          f"({with_span / header:.3f}), tasks {tasks_with}/{tasks}, units {units_with}/{units} "
          f"({units_with / units:.3f}), references {refs_with}/{refs} ({refs_with / refs:.3f})")
    assert with_span / header >= 0.95
    assert tasks_with == tasks
    assert units_with / units >= 0.95
    assert refs_with / refs >= 0.95
