"""The sign-off: authority mode (TM/KT/TL/TUQ/Q), the signer's title and name."""

from __future__ import annotations

from ..model import Line, Segment, Signer
from ..normalize import collapse_ws, fold, is_upper_line, sentence_case
from ..spans import Loc, Sources, Traced
from .patterns import (
    is_person_name,
    is_title_line,
    mode_of,
    patterns,
    strip_marks,
    strip_marks_traced,
    title_name,
)


def _pretty_title(text: str) -> str:
    t = collapse_ws(strip_marks(text)).strip(" .,:")
    known = title_name(t)
    if known:
        return known
    return sentence_case(t) if is_upper_line(t) else t


def _pretty_name(text: str) -> str:
    t = collapse_ws(strip_marks(text)).strip(" .,;")
    if is_upper_line(t):
        t = " ".join(w[:1] + w[1:].lower() for w in t.split())
    return t


def _signature_blocks(lines: list[Line]) -> list[int]:
    """Indices of lines that open a sign-off: a mode line or a known title."""
    p = patterns()
    out = []
    for i, line in enumerate(lines):
        if line.blank:
            continue
        t = strip_marks(line.text)
        # Two columns on one line ("Nơi nhận: CHÁNH VĂN PHÒNG"): look at the right part.
        m = p.recipients.match(line.fold)
        if m:
            t = strip_marks(line.text[m.end():]).lstrip(":").strip()
        if p.signer_mode.match(fold(t)) or is_title_line(t):
            out.append(i)
    return out


def extract(seg: Segment, src: Sources | None = None) -> Signer | None:
    hit = _extract(seg)
    if hit is None:
        return None
    signer, locs = hit
    if src is not None:
        src.set("signer", signer.to_json(), sorted(locs))
    return signer


def _extract(seg: Segment) -> tuple[Signer, list[Loc]] | None:
    lines = seg.lines
    body_from = seg.title_at or 0
    found = [i for i in _signature_blocks(lines) if i > body_from]
    if not found:
        return None
    # Stacked lines (TM. … / KT. … / title) form one block: keep each block's first line.
    starts = [i for k, i in enumerate(found) if k == 0 or i - found[k - 1] > 3]
    # The sign-off stands beside or under "Nơi nhận"; blocks far above it are body text.
    p = patterns()
    recip = next((i for i, x in enumerate(lines) if p.recipients.match(x.fold)), None)
    if recip is not None:
        near = [i for i in starts if i >= recip - 15]
        starts = near or starts
    p = patterns()
    # The first block followed by a name (appendix tables come after), else the last block.
    for start in [*starts[:-1], starts[-1]]:
        modes: list[tuple[str, str]] = []
        mode_locs: list[list[Loc]] = []
        title: str | None = None
        title_locs: list[Loc] = []
        name: str | None = None
        name_locs: list[Loc] = []
        i = start
        seen = 0
        while i < len(lines) and seen < 14:
            line = lines[i]
            i += 1
            if line.blank:
                continue
            seen += 1
            tt = strip_marks_traced(Traced.of_line(line))
            rm = p.recipients.match(line.fold)
            if rm:
                tt = strip_marks_traced(Traced.of_line(line, rm.end())).lstrip(":").strip()
                if not tt:
                    continue
            t = tt.text
            f = fold(t)
            mm = p.signer_mode.match(f)
            if mm:
                modes.append((mode_of(mm), t[mm.start("for"):]))
                mode_locs.append(tt.locs())
                title = None
                title_locs = []
                continue
            if modes and not modes[-1][1].strip() and is_upper_line(t):
                modes[-1] = (modes[-1][0], t)  # "KT." alone, its object on the next line
                mode_locs[-1] = mode_locs[-1] + tt.locs()
                continue
            if is_title_line(t):
                title = t
                title_locs = tt.locs()
                continue
            if title and title.rstrip().endswith((",", "-")) and is_upper_line(t):
                title = title + " " + t  # a long title wrapped over two lines
                title_locs = title_locs + tt.locs()
                continue
            if is_upper_line(t) and modes and title is None and not name:
                # A mode's object broken over two lines ("TM. ỦY BAN" / "NHÂN DÂN").
                kind, obj = modes[-1]
                modes[-1] = (kind, obj + " " + t)
                mode_locs[-1] = mode_locs[-1] + tt.locs()
                continue
            if t.startswith("-") or p.archive.match(f) or p.signature_noise.match(f):
                continue
            if len(t.split()) == 1 and t[:1].isupper() and t.isalpha():
                # A name broken after the family name ("Vũ" / "Chiến Thắng").
                nxt = next((x for x in lines[i: i + 2] if not x.blank), None)
                if nxt is not None and is_person_name(t + " " + strip_marks(nxt.text)):
                    name = t + " " + strip_marks(nxt.text)
                    name_locs = tt.locs() + strip_marks_traced(Traced.of_line(nxt)).locs()
                    break
            if is_person_name(t):
                name = t
                name_locs = tt.locs()
                break
            if title or modes:
                # Prose or another column's text: a name may still follow.
                continue
        if name or start == starts[-1]:
            break
    if not (title or modes or name):
        return None
    mode = modes[-1][0] if modes else None
    for_ = _pretty_title(modes[-1][1]) if modes else None
    signer = Signer(
        name=_pretty_name(name) if name else None,
        title=_pretty_title(title) if title else None,
        mode=mode,
        for_=for_,
    )
    locs = (mode_locs[-1] if modes else []) + (title_locs if title else []) + (name_locs if name else [])
    return signer, locs
