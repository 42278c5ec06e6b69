"""The two models every stage shares: what a reader saw, and what the parser found.

Readers (one per file format) fill a :class:`SourceDocument` made of blocks —
paragraphs and tables — so that later stages never care whether the text came
from a .docx, a PDF or a plain-text export. Extractors fill the result types
(:class:`Header`, :class:`Reference`, :class:`ParsedDocument`), whose
``to_json`` gives exactly the shape of ``corpus/GOLD.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .spans import Loc, Sources, Traced, document_spans

# ---------------------------------------------------------------- source side


@dataclass
class Paragraph:
    """One paragraph as the format gave it; ``text`` may hold line breaks.

    ``bold``/``italic`` are true when most of the paragraph's characters are,
    which is what the title and subject rules need (a run-level view would be
    more precise but no rule asks for it yet).
    """

    text: str
    bold: bool = False
    italic: bool = False
    page: int | None = None
    #: "left"/"right" for the two header columns of a PDF page, else None.
    column: str | None = None
    #: "body", "overlay" (e-signature stamps, annotations) or "header_table".
    role: str = "body"


@dataclass
class Cell:
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    bold: bool = False


@dataclass
class Table:
    """A table as a grid; merged cells appear once, with their spans."""

    cells: list[Cell]
    n_rows: int
    n_cols: int
    page: int | None = None

    def rows(self) -> list[list[Cell]]:
        out: list[list[Cell]] = [[] for _ in range(self.n_rows)]
        for c in self.cells:
            if 0 <= c.row < self.n_rows:
                out[c.row].append(c)
        for r in out:
            r.sort(key=lambda c: c.col)
        return out


Block = Paragraph | Table


@dataclass
class SourceDocument:
    """Everything a reader extracted from one file, in reading order."""

    blocks: list[Block]
    format: str
    pages: int | None = None
    warnings: list[str] = field(default_factory=list)
    #: Set when pages were OCR'd: ``{"pages": [1, 2], "mean_confidence": 91.3,
    #: "seconds_per_page": 2.4}``, plus ``rotated``/``deskewed``/``failed`` when
    #: any page was (see :func:`docparse.readers.ocr.summary`). Kept apart from
    #: ``warnings`` so that other systems can read it without parsing Vietnamese.
    ocr: dict[str, Any] | None = None


@dataclass
class Line:
    """A single line of text with where it came from.

    Extraction rules work line by line (Vietnamese headers are line-oriented),
    and ``fold`` — the same text without diacritics, lower-cased — lets every
    rule match text whose diacritics were lost. ``fold`` has the same length as
    ``text`` so that a match in one is a span in the other.
    """

    text: str
    fold: str
    index: int
    bold: bool = False
    italic: bool = False
    page: int | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None
    role: str = "body"

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@dataclass
class Segment:
    """One document's lines, with the landmarks found while splitting."""

    lines: list[Line]
    title_at: int | None = None  # position in ``lines`` of the title line
    title_type: str | None = None
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- result side


@dataclass
class Signer:
    name: str | None
    title: str | None
    mode: str | None = None
    for_: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "mode": self.mode, "for": self.for_}


@dataclass
class Reference:
    """A cited document, after the mentions of it in one document were merged."""

    doc_type: str | None
    number: str | None
    date: str | None = None
    issuer: str | None = None
    relation: str = "mentions"
    title: str | None = None
    year: int | None = None
    #: The text of the mention the relation was decided on (for review pages).
    text: str | None = None
    #: Where that mention is (pieces of lines; empty when it is not in this document).
    locs: list[Loc] = field(default_factory=list, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"doc_type": self.doc_type, "number": self.number}
        if self.number is None:
            out["title"] = self.title
            out["year"] = self.year
        out.update({"date": self.date, "issuer": self.issuer, "relation": self.relation})
        return out


@dataclass
class Header:
    doc_type: str | None = None
    number: str | None = None
    issuer: str | None = None
    place: str | None = None
    date: str | None = None
    subject: str | None = None
    signer: Signer | None = None
    recipients: list[str] = field(default_factory=list)
    attached_to: str | None = None
    #: Date of the issuing decision, from "(Ban hành kèm theo Quyết định số X ngày D)".
    attached_date: str | None = None
    attached_issuer: str | None = None
    #: Where each field was read (see :mod:`docparse.spans`).
    sources: Sources = field(default_factory=Sources, repr=False, compare=False)


@dataclass
class ParsedDocument:
    header: Header
    references: list[Reference] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    responsibilities: list[Responsibility] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list, repr=False)
    #: Read from a respelled scan (lost diacritics): its names are not to be learnt as spellings.
    respelled: bool = False

    @property
    def body(self) -> str:
        """The document's text, as the registry stores it: spans index this string."""
        return "\n".join(x.text for x in self.lines)

    @property
    def spans(self) -> dict[str, Any]:
        """Where each field, reference and task was read: ``[start, end)`` offsets into :attr:`body`."""
        return document_spans(self)

    def to_json(self) -> dict[str, Any]:
        h = self.header
        return {
            "doc_type": h.doc_type,
            "number": h.number,
            "issuer": h.issuer,
            "place": h.place,
            "date": h.date,
            "subject": h.subject,
            "signer": h.signer.to_json() if h.signer else None,
            "recipients": list(h.recipients),
            "attached_to": h.attached_to,
            "references": [r.to_json() for r in self.references],
            "tasks": [t.to_json() for t in self.tasks],
            "responsibilities": [r.to_json() for r in self.responsibilities],
            "spans": self.spans,
        }


@dataclass
class ParsedFile:
    file: str
    documents: list[ParsedDocument]
    format: str
    warnings: list[str] = field(default_factory=list)
    #: The reader's OCR record (:attr:`SourceDocument.ocr`), None when no page was OCR'd.
    ocr: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"file": self.file, "documents": [d.to_json() for d in self.documents]}
        if self.warnings:
            out["warnings"] = self.warnings
        if self.ocr:
            out["ocr"] = self.ocr
        return out


# ---------------------------------------------------------------- tasks


@dataclass
class Unit:
    """One unit charged with work, as found in a list of units.

    ``name`` is what the document says, with abbreviations expanded and OCR
    damage repaired where the gazetteer knows the name; ``canonical`` is the
    registry key, so that "UBND cấp huyện" and "Ủy ban nhân dân cấp huyện"
    are one unit. ``start``/``end`` are character offsets into the text the
    splitter was given, kept for the review page.
    """

    name: str
    canonical: str
    start: int = 0
    end: int = 0
    #: True when the name (or its head + place) is in the gazetteer.
    known: bool = False
    #: Where the unit is written in the document (pieces of lines), when known.
    locs: list[Loc] = field(default_factory=list, repr=False, compare=False)


@dataclass
class Deadline:
    """A deadline as written, and the days it allows.

    ``kind`` is one of date, month, quarter, year, range, recurring,
    relative (GOLD.md). ``depends_on`` is the phrase a relative deadline
    hangs on ("xây dựng Thông tư hướng dẫn ..."), and ``after`` the ``no`` of
    the task that phrase names, when the resolver finds one.
    """

    text: str
    kind: str | None
    start: str | None = None
    due: str | None = None
    depends_on: str | None = None
    after: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "kind": self.kind, "start": self.start, "due": self.due}
        if self.after:
            out["after"] = self.after
        return out


@dataclass
class RawTask:
    """A task as a finder saw it: field texts not yet split or normalised.

    Finders (running text, tables, prose) only decide *where* a task and its
    fields are; one builder turns every RawTask into a :class:`Task`, so unit
    splitting and deadline normalisation happen in one place whatever the
    layout. ``fields`` keys: lead, support, product, deadline, funding; a
    value may keep its line breaks and "- " item marks.
    """

    no: str | None
    title: str | None
    fields: dict[str, str] = field(default_factory=dict)
    #: index of the first line of the task (in the document's line list).
    line: int = 0
    source: str = "text"  # "text", "table" or "prose"
    #: indices of the first and last line of the task's whole extent (None: ``line`` alone).
    first: int | None = None
    end: int | None = None
    #: the title and field values as read, each character with its place in the document.
    traces: dict[str, Traced] = field(default_factory=dict, repr=False, compare=False)


@dataclass
class Task:
    no: str | None
    title: str | None
    lead: list[Unit] = field(default_factory=list)
    support: list[Unit] = field(default_factory=list)
    product: str | None = None
    deadline: Deadline | None = None
    funding: str | None = None
    line: int = 0
    source: str = "text"
    #: (first, last) line index of the task.
    extent: tuple[int, int] | None = field(default=None, repr=False, compare=False)
    #: where the title, product, deadline and funding were read (units carry their own).
    locs: dict[str, list[Loc]] = field(default_factory=dict, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "no": self.no,
            "title": self.title,
            "lead": [u.name for u in self.lead],
            "support": [u.name for u in self.support],
            "product": self.product,
            "deadline": self.deadline.to_json() if self.deadline else None,
            "funding": self.funding,
        }


@dataclass
class Responsibility:
    """One unit charged by an item of "TỔ CHỨC THỰC HIỆN"."""

    unit: Unit
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"unit": self.unit.name, "text": self.text}
