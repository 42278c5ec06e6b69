"""Header extraction: one extractor per field, each reading a :class:`Segment`.

The extractors share one calling shape (``extract(seg, ...)``) and are run
in dependency order here: the number and place help name an issuer that the
header does not print.
"""

from __future__ import annotations

from ..model import Header, Segment
from ..restore import needs_restore, restore
from . import attached, dateplace, doctype, identity, issuer, number, recipients, signer, subject


def extract_header(seg: Segment) -> Header:
    num = number.extract(seg)
    dp = dateplace.extract(seg)
    place = dp.place if dp else None
    h = Header(
        doc_type=doctype.extract(seg, num),
        number=num,
        place=place,
        date=dp.date if dp else None,
        subject=subject.extract(seg),
        signer=signer.extract(seg),
        recipients=recipients.extract(seg),
    )
    start = seg.title_at or 0
    att = attached.find_attached(seg.lines[start: start + 15])
    if att:
        h.attached_to = att.number
        h.attached_date = att.date
        h.attached_issuer = att.issuer
    h.issuer = issuer.extract(seg, num, place)
    if h.number is None and seg.title_at is None:
        ident = identity.from_appendix(seg) or identity.from_summary(seg)
        if ident:
            h.number = ident.number
            h.doc_type = ident.doc_type or h.doc_type
            h.date = h.date or ident.date
            h.issuer = h.issuer or ident.issuer
            h.attached_to = h.attached_date = h.attached_issuer = None
    _restore_spelling(seg, h)
    return h


def _restore_spelling(seg: Segment, h: Header) -> None:
    """OCR text that lost its diacritics: give the values their spelling back.

    Decided once per document (a measurable share of OCR-looking syllables),
    so that a clean document is never touched.
    """
    sample = "\n".join(x.text for x in seg.lines[:80] if not x.blank)
    if not needs_restore(sample):
        return
    if h.subject:
        h.subject = subject.strip_ve_viec(restore(h.subject, force=True)).strip(" .;")
    h.recipients = [restore(r, force=True) for r in h.recipients]
