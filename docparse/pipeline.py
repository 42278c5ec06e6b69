"""The pipeline: file → reader → lines → documents → header, references, tasks.

Each stage lives in its own module; this one only wires them and applies the
rules that need the whole bundle (a plan inherits what the decision issuing
it says, and the decision learns its number from the plan's attachment line).
"""

from __future__ import annotations

from pathlib import Path

from .citations import is_number
from .header import extract_header
from .lines import lines_from_text, to_lines
from .model import Header, Line, ParsedDocument, ParsedFile
from .readers import read_bytes, read_file
from .references import extract_references
from .segment import split_documents
from .tasks import extract_tasks


def _is_partial(date: str | None) -> bool:
    return date is None or len(date) < 10


def _inherit(docs: list[ParsedDocument]) -> None:
    """Fill a bundled document's gaps from the document that issues it."""
    for i, doc in enumerate(docs):
        h = doc.header
        if not h.attached_to and not h.attached_date:
            continue
        parent: Header | None = None
        for prev in reversed(docs[:i]):
            ph = prev.header
            if ph.number and h.attached_to and ph.number == h.attached_to:
                parent = ph
                break
        if parent is None and i > 0 and docs[i - 1].header.doc_type == "Quyết định":
            parent = docs[i - 1].header
            if parent.number is None and h.attached_to:
                parent.number = h.attached_to
        if parent is not None:
            if _is_partial(parent.date) and h.attached_date and (
                    not parent.date or h.attached_date.startswith(parent.date)):
                parent.date = h.attached_date
            if not parent.issuer and h.attached_issuer:
                parent.issuer = h.attached_issuer
        if _is_partial(h.date) and h.attached_date and (not h.date or h.attached_date.startswith(h.date)):
            h.date = h.attached_date
        elif h.date is None and parent is not None:
            h.date = parent.date
        if not h.issuer:
            h.issuer = h.attached_issuer or (parent.issuer if parent else None)


def _one_digit_apart(a: str, b: str) -> bool:
    """Two readings of one number: same symbol, sequence differing in one digit."""
    sa, _, ra = a.partition("/")
    sb, _, rb = b.partition("/")
    if ra != rb or len(sa) != len(sb) or not sa.isdigit() or not sb.isdigit():
        return False
    return sum(x != y for x, y in zip(sa, sb, strict=True)) == 1


def _reconcile(docs: list[ParsedDocument]) -> None:
    """Settle what the documents of one bundle say about each other.

    OCR may read a document's own number one way and the other documents'
    citations of it another way: the reading most mentions agree on wins.
    A date left partial in the print is completed from a citation of the
    same number that gives it, and an attachment line too garbled to be a
    number points at the decision printed just above.
    """
    cited: dict[str, list[str | None]] = {}
    for doc in docs:
        for ref in doc.references:
            if ref.number:
                cited.setdefault(ref.number, []).append(ref.date)
    for i, doc in enumerate(docs):
        h = doc.header
        if h.number and h.number not in cited:
            rivals = [n for n in cited if _one_digit_apart(h.number, n)]
            if len(rivals) == 1:
                h.number = rivals[0]
        if h.number in cited and (h.date is None or len(h.date) < 10):
            full = [d for d in cited[h.number] if d and len(d) == 10 and (not h.date or d.startswith(h.date))]
            if full:
                h.date = max(set(full), key=full.count)
        garbled = h.attached_to and not is_number(h.attached_to) and h.attached_to.split("/", 1)[0]
        if garbled and i > 0 and docs[i - 1].header.number and docs[i - 1].header.doc_type == "Quyết định":
            h.attached_to = docs[i - 1].header.number


def parse_lines(lines: list[Line]) -> list[ParsedDocument]:
    docs = []
    for seg in split_documents(lines):
        docs.append(ParsedDocument(header=extract_header(seg), lines=seg.lines))
    _inherit(docs)
    for doc in docs:
        doc.references = extract_references(doc.lines, doc.header)
    if len(docs) > 1:
        before = [(d.header.number, d.header.date, d.header.attached_to) for d in docs]
        _reconcile(docs)
        _inherit(docs)
        for doc, was in zip(docs, before, strict=True):
            if (doc.header.number, doc.header.date, doc.header.attached_to) != was:
                doc.references = extract_references(doc.lines, doc.header)
    for doc in docs:
        doc.tasks, doc.responsibilities = extract_tasks(doc.lines, doc.header)
    return docs


def parse_text(text: str) -> list[ParsedDocument]:
    return parse_lines(lines_from_text(text))


def parse_path(path: Path | str) -> ParsedFile:
    path = Path(path)
    src = read_file(path)
    docs = parse_lines(to_lines(src))
    return ParsedFile(file=path.name, documents=docs, format=src.format, warnings=list(src.warnings))


def parse_bytes(data: bytes, filename: str) -> ParsedFile:
    """Parse a file held in memory (an upload); ``filename`` names it in the result and messages."""
    src = read_bytes(data, filename)
    docs = parse_lines(to_lines(src))
    return ParsedFile(file=Path(filename).name, documents=docs, format=src.format, warnings=list(src.warnings))
