"""The pipeline: file → reader → lines → documents → header, references, tasks.

Each stage lives in its own module; this one only wires them and applies the
rules that need the whole bundle (a plan inherits what the decision issuing
it says, and the decision learns its number from the plan's attachment line).

A document that lost its diacritics (a scan) is respelled as a whole before
it is read (:func:`_respelled`), so that every rule reads it like clean text;
what was read is then pointed back at the lines as printed (:func:`_to_print`),
which stay the document's body. A number read two ways in a bundle is settled
by the majority of its mentions (:func:`_reconcile`, :func:`_settle_references`).
The caller may pass names and numbers it knows (:class:`~docparse.restore.Known`,
the registry's), used to spell what a scan damaged.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

from .citations import is_number, repair_ocr_numbers
from .header import RESPELLED, extract_header
from .lines import lines_from_text, to_lines
from .model import Header, Line, ParsedDocument, ParsedFile, Reference, Segment
from .normalize import fold, normalize_text
from .readers import read_bytes, read_file
from .references import extract_references, stronger
from .restore import (
    Known,
    apply_aligned,
    document_phrases,
    needs_restore,
    phrase_book,
    restore_aligned,
    snap_phrases,
)
from .segment import split_documents
from .spans import STRIDE, Loc, Traced
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
        if _is_partial(h.date) and parent is not None and parent.date and (
                not h.date or parent.date.startswith(h.date) and len(parent.date) > len(h.date)):
            # printed with the decision that issues it: issued the same day
            # (the attachment line's date may be damaged: "ngày26 tháng 19")
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


#: Lines read to tell a scan that lost its diacritics from clean text (the header and tasks read as many).
_OCR_SAMPLE = 80

#: For each respelled line (by ``Line.index``): the (start, end) columns of the print each character was read from.
Where = dict[int, list[tuple[int, int]]]


def _respelled(lines: list[Line], segments: list[Segment],
               known: Known | None = None) -> tuple[list[Line], Where]:
    """The lines of each document (``segments``, split from ``lines``) that lost its diacritics (OCR), respelled.

    A document is respelled as a whole (the restorer reads each word with its
    neighbours, across line breaks) when its first lines look like OCR
    (:func:`~docparse.restore.needs_restore`); clean documents, and the clean
    documents of a bundle, are left as they are. The rules then read the
    respelled text and its fold, so OCR text is parsed by the same rules as
    clean text. Damaged mentions of known phrases (the gazetteer's unit names,
    the field labels, ``known.names`` and the names the document itself
    spells the same way again and again) are then respelled as those phrases
    (:func:`~docparse.restore.snap_phrases`), and numbers the scan broke are
    put back together (:func:`~docparse.citations.repair_ocr_numbers`).
    """
    out = list(lines)
    where: Where = {}
    pos = {x.index: k for k, x in enumerate(lines)}
    for seg in segments:
        sample = "\n".join(x.text for x in seg.lines[:_OCR_SAMPLE] if not x.blank)
        if not needs_restore(sample):
            continue
        text = "\n".join(x.text for x in seg.lines)
        if normalize_text(text) != text:
            continue  # lines are normalised: offsets would not be those of the print
        new, chars = restore_aligned(text, force=True, adapt=True)
        new, chars = apply_aligned(new, chars, snap_phrases(new, text, chars, phrase_book(known)))
        own = phrase_book(known, document_phrases(new))  # the names, spelled right, it repeats
        new, chars = apply_aligned(new, chars, snap_phrases(new, text, chars, own))
        new, chars = apply_aligned(new, chars, repair_ocr_numbers(new))
        base = 0  # start of the line in ``text`` (a line break maps to itself)
        k = 0  # start of the line in ``new``
        for line, new_text in zip(seg.lines, new.split("\n"), strict=True):
            if new_text != line.text:
                cols = [(a - base, b - base) for a, b in chars[k: k + len(new_text)]]
                out[pos[line.index]] = replace(line, text=new_text, fold=fold(new_text))
                where[line.index] = cols
            base += len(line.text) + 1
            k += len(new_text) + 1
    return out, where


def _loc(loc: Loc, where: Where) -> Loc:
    ln, a, b = loc
    cols = where.get(ln)
    if cols is None or not cols or b <= a:
        return loc
    a, b = min(a, len(cols) - 1), min(b, len(cols))
    return ln, cols[a][0], cols[b - 1][1]


def _locs(locs: list[Loc], where: Where) -> list[Loc]:
    return [_loc(x, where) for x in locs]


def _to_print(doc: ParsedDocument, where: Where, printed: dict[int, Line]) -> None:
    """Point everything read from respelled lines back at the lines as printed."""
    doc.lines = [printed.get(x.index, x) for x in doc.lines]
    if not where:
        return
    src = doc.header.sources
    for name, items in src.fields.items():
        src.fields[name] = [(v, _locs(locs, where)) for v, locs in items]
    if src.subject is not None:
        pos = []
        for p in src.subject.pos:
            ln, col = divmod(p, STRIDE)
            cols = where.get(ln) if p >= 0 else None
            pos.append(ln * STRIDE + cols[min(col, len(cols) - 1)][0] if cols else p)
        src.subject = Traced(src.subject.text, pos)
    for ref in doc.references:
        ref.locs = _locs(ref.locs, where)
    for task in doc.tasks:
        task.locs = {k: _locs(v, where) for k, v in task.locs.items()}
        for u in [*task.lead, *task.support]:
            u.locs = _locs(u.locs, where)
    for r in doc.responsibilities:
        r.unit.locs = _locs(r.unit.locs, where)


def parse_lines(lines: list[Line], known: Known | None = None) -> list[ParsedDocument]:
    """The documents of a file's lines.

    ``known``: names and numbers the caller knows (the registry's), used to
    spell what a scan that lost its diacritics damaged (see
    :class:`~docparse.restore.Known`).
    """
    printed = {x.index: x for x in lines}
    segments = split_documents(lines)
    lines, where = _respelled(lines, segments, known)
    if where:  # a scan, respelled: its documents are split again as the rules read it
        segments = split_documents(lines)
    docs = _parse(segments, set(where), known)
    for doc in docs:
        _to_print(doc, where, printed)
    return docs


def _settle_references(docs: list[ParsedDocument], ocr: list[bool], known: Known | None) -> None:
    """What the bundle agrees on about the documents it cites.

    A number read two ways in a scanned document ("2169/QĐ-BTP" once,
    "2168/QĐ-BTP" in the other mentions of the bundle, the sequences one
    digit apart) is settled by the majority of the bundle's mentions (its
    documents' own numbers and their citations), a tie by the numbers the
    caller knows (``known.numbers``). A citation's date left partial
    ("2020": the month misread) is completed from a full date the bundle
    gives the same number (a document's own date or another citation).
    """
    votes: Counter[str] = Counter()
    for doc in docs:
        if doc.header.number:
            votes[doc.header.number] += 1
        votes.update(r.number for r in doc.references if r.number)
    def settled(n: str) -> str:
        rivals = [m for m in votes if m == n or _one_digit_apart(n, m)]
        if len(rivals) < 2:
            return n
        score = {m: votes[m] + (0.5 if known is not None and known.knows_number(m) else 0.0) for m in rivals}
        top = max(score.values())
        winners = [m for m in rivals if score[m] == top]
        return winners[0] if len(winners) == 1 else n

    for doc, scanned in zip(docs, ocr, strict=True):
        if not scanned:
            continue
        kept: dict[str, Reference] = {}
        for ref in doc.references:
            if ref.number:
                ref.number = settled(ref.number)
            key = ref.number or f"#{id(ref)}"
            if key in kept:
                first = kept[key]
                first.relation = stronger(first.relation, ref.relation)
                first.date = first.date or ref.date
                first.issuer = first.issuer or ref.issuer
            else:
                kept[key] = ref
        doc.references = [r for r in doc.references if kept.get(r.number or f"#{id(r)}") is r]

    full: dict[str, list[str]] = {}
    for doc in docs:
        h = doc.header
        if h.number and h.date and len(h.date) == 10:
            full.setdefault(h.number, []).append(h.date)
        for r in doc.references:
            if r.number and r.date and len(r.date) == 10:
                full.setdefault(r.number, []).append(r.date)
    for doc in docs:
        for r in doc.references:
            if r.number and r.date and len(r.date) < 10:
                dates = [d for d in full.get(r.number, []) if d.startswith(r.date)]
                if dates:
                    r.date = max(set(dates), key=dates.count)


def _parse(segments: list[Segment], ocr_lines: set[int], known: Known | None) -> list[ParsedDocument]:
    docs = []
    for seg in segments:
        if any(x.index in ocr_lines for x in seg.lines):
            seg.notes.append(RESPELLED)
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
    _settle_references(docs, [any(x.index in ocr_lines for x in d.lines) for d in docs], known)
    for doc in docs:
        doc.respelled = any(x.index in ocr_lines for x in doc.lines)
        doc.tasks, doc.responsibilities = extract_tasks(doc.lines, doc.header, respelled=doc.respelled)
    return docs


def parse_text(text: str, known: Known | None = None) -> list[ParsedDocument]:
    return parse_lines(lines_from_text(text), known)


def parse_path(path: Path | str, known: Known | None = None) -> ParsedFile:
    """Parse a file; ``known``: what the caller knows (see :func:`parse_lines`)."""
    path = Path(path)
    src = read_file(path)
    docs = parse_lines(to_lines(src), known)
    return ParsedFile(file=path.name, documents=docs, format=src.format, warnings=list(src.warnings),
                      ocr=src.ocr)


def parse_bytes(data: bytes, filename: str, known: Known | None = None) -> ParsedFile:
    """Parse a file held in memory (an upload); ``filename`` names it in the result and messages."""
    src = read_bytes(data, filename)
    docs = parse_lines(to_lines(src), known)
    return ParsedFile(file=Path(filename).name, documents=docs, format=src.format, warnings=list(src.warnings),
                      ocr=src.ocr)
