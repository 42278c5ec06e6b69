"""Matching forms of the values the registry joins and filters on.

A document number is printed "2168/QĐ-BTP", cited "2168/QĐ-BTP" or, after
OCR, "2168/QD-BTP", and typed into a search box as "2168/qd-btp". The key
is one spelling of all of them: the canonical number (spaces gone, groups
spelled from the rule tables), folded (no diacritics, "Đ" → "D") and upper
case. Links between documents and duplicate checks join on it.
"""

from __future__ import annotations

import re

from ..citations import canonical_number
from ..normalize import collapse_ws, fold, normalize_text


def number_key(number: str | None) -> str | None:
    """"2168/QĐ-BTP", "2168/qd-btp", "2168 / QĐ-BTP" → "2168/QD-BTP"; None for no number."""
    if not number or not number.strip():
        return None
    n = canonical_number(normalize_text(number))
    return fold(n).upper() or None


def number_parts(number: str | None) -> tuple[str | None, str | None]:
    """(sequence, symbol key): "87/2020/NĐ-CP" → ("87", "2020/ND-CP"); a blank sequence gives None."""
    key = number_key(number)
    if not key:
        return None, None
    seq, _, sym = key.partition("/")
    return (seq or None), (sym or None)


def is_identifying(number: str | None) -> bool:
    """Does the number name one document? "/QĐ-UBND" (sequence left blank) does not."""
    seq, sym = number_parts(number)
    return bool(seq and sym and re.search(r"\d", seq))


def text_key(text: str | None) -> str | None:
    """Issuer and unit matching: folded, spaces collapsed ("Bộ Tư pháp" = "BO TU PHAP")."""
    if not text:
        return None
    return collapse_ws(fold(normalize_text(text))) or None


def law_key(title: str | None, year: int | None) -> str | None:
    """A law cited by name ("Luật Hộ tịch", 2014) has no number: its key is title and year."""
    if not title:
        return None
    return f"{text_key(title)}|{year or ''}"
