"""Header extraction: one extractor per field, each reading a :class:`Segment`.

The extractors share one calling shape (``extract(seg, ...)``) and are run
in dependency order here: the number and place help name an issuer that the
header does not print. Each records where it read its value in the header's
:class:`~docparse.spans.Sources`.
"""

from __future__ import annotations

from ..model import Header, Segment
from ..restore import needs_restore, restore
from ..spans import Sources
from . import attached, dateplace, doctype, identity, issuer, number, recipients, signer, subject


def extract_header(seg: Segment) -> Header:
    src = Sources()
    num = number.extract(seg, src)
    dp = dateplace.extract(seg)
    place = dp.place if dp else None
    if dp:
        src.set("place", dp.place, dp.place_locs)
        src.set("date", dp.date, dp.date_locs)
    h = Header(
        doc_type=doctype.extract(seg, num, src),
        number=num,
        place=place,
        date=dp.date if dp else None,
        subject=subject.extract(seg, src),
        signer=signer.extract(seg, src),
        recipients=recipients.extract(seg, src),
        sources=src,
    )
    start = seg.title_at or 0
    att = attached.find_attached(seg.lines[start: start + 15])
    if att:
        h.attached_to = att.number
        h.attached_date = att.date
        h.attached_issuer = att.issuer
        src.set("attached_to", att.number, att.locs.get("number", []))
        src.set("attached_date", att.date, att.locs.get("date", []))
        src.set("attached_issuer", att.issuer, att.locs.get("issuer", []))
    h.issuer = issuer.extract(seg, num, place, src)
    if h.number is None and seg.title_at is None:
        ident = identity.from_appendix(seg) or identity.from_summary(seg)
        if ident:
            h.number = ident.number
            src.set("number", ident.number, ident.locs.get("number", []))
            if ident.doc_type:
                h.doc_type = ident.doc_type
                src.set("doc_type", ident.doc_type, ident.locs.get("doc_type", []))
            if not h.date:
                h.date = ident.date
                src.set("date", ident.date, ident.locs.get("date", []))
            if not h.issuer:
                h.issuer = ident.issuer
                src.set("issuer", ident.issuer, ident.locs.get("issuer", []))
            h.attached_to = h.attached_date = h.attached_issuer = None
    _restore_spelling(seg, h)
    _respell_capitals(seg, h)
    return h


def _respell_capitals(seg: Segment, h: Header) -> None:
    """A subject printed in capitals (or any subject of a scan the pipeline respelled), its OCR slips
    respelled from the document's own mentions (:mod:`.capitals`)."""
    from .capitals import respell_capitals

    if h.subject:
        new = respell_capitals(h.subject, seg.lines, scanned=RESPELLED in seg.notes)
        if new != h.subject:
            h.sources.revalue("subject", h.subject, new)
            h.subject = new


#: A note on a :class:`Segment` whose lines the pipeline already respelled (a scan read
#: through the restorer): its values are not restored a second time.
RESPELLED = "respelled"


def _restore_spelling(seg: Segment, h: Header) -> None:
    """OCR text that lost its diacritics: give the values their spelling back.

    Decided once per document (a measurable share of OCR-looking syllables),
    so that a clean document is never touched. The pipeline respells a whole
    scanned document before reading it (:data:`RESPELLED`); this is for
    segments read on their own.
    """
    if RESPELLED in seg.notes:
        return
    sample = "\n".join(x.text for x in seg.lines[:80] if not x.blank)
    if not needs_restore(sample):
        return
    src = h.sources
    if h.subject:
        old = h.subject
        h.subject = subject.strip_ve_viec(restore(h.subject, force=True)).strip(" .;")
        read = src.subject
        if read is not None and read.text == old:
            # the new spelling, mapped word for word onto the old one (a "Về việc" it now drops
            # is left out); citations in the subject are found in this spelling
            src.subject = read.with_text(h.subject)
            src.set("subject", h.subject, src.subject.locs())
        else:
            src.revalue("subject", old, h.subject)
    old_items = list(h.recipients)
    h.recipients = [restore(r, force=True) for r in h.recipients]
    for old, new in zip(old_items, h.recipients, strict=True):
        src.revalue("recipients", old, new)
