"""Splitting a file's lines into the documents it bundles.

A provincial office often receives one file holding a transmittal slip, the
decision it forwards and the plan that decision issues. Each document of the
standard opens with a header (issuer, national motto, number, date) and/or a
title line ("KẾ HOẠCH"), and closes with a sign-off. A new document starts:

- at a national motto, once the current document has more than header lines;
- at a title line, once the current document has a title and has been signed
  off (its "Nơi nhận" or signature seen) — plans printed after the decision
  that issues them carry a title but often no header of their own.

The split point then walks back over the header lines printed just above
(issuer, number, date) so they belong to the new document. An appendix
("PHỤ LỤC") never starts a document: it belongs to the one above.
"""

from __future__ import annotations

from .header.patterns import (
    is_authority,
    is_motto,
    is_title_line,
    patterns,
    strip_marks,
    title_name,
    title_type,
)
from .model import Line, Segment
from .normalize import is_upper_line


def _is_header_line(line: Line) -> bool:
    """Lines that may stand above a title: issuer, motto, number, date."""
    if line.blank or not any(c.isalnum() for c in line.text):
        return True  # blank, or a rule line ("-------") under the issuer
    p = patterns()
    if is_motto(line) or p.number.match(line.fold) or p.date.search(line.fold):
        return True
    t = strip_marks(line.text)
    if not is_upper_line(t, min_letters=2):
        return False
    # Capitals, but a signer's title or mode is the end of the previous document.
    return not (title_name(t) or p.signer_mode.match(line.fold) or is_authority(line) and "chu tich" in line.fold)


def _is_body(line: Line) -> bool:
    """A line of a document's body, as opposed to its header column ("V/v …").

    Long prose, "Căn cứ", "Kính gửi" and the like; a short wrapped subject
    line beside the motto is still header.
    """
    p = patterns()
    f = line.fold
    return bool(p.body_start.match(f) or p.addressee.match(f) or p.recipients.match(f)
                or len(line.text.strip()) > 80 and not is_upper_line(line.text))


def _is_signoff(line: Line) -> bool:
    p = patterns()
    f = line.fold
    return bool(p.recipients.match(f) or p.signer_mode.match(f) or is_title_line(line.text))


def _title(lines: list[Line], i: int) -> tuple[str | None, int]:
    """The type named by a title at line ``i`` and the index of its last line.

    Exports sometimes break the title itself ("QUYẾT" / "ĐỊNH").
    """
    line = lines[i]
    if line.blank or is_motto(line):
        return None, i
    t = title_type(line)
    if t:
        return t, i
    words = strip_marks(line.text).split()
    if len(words) == 1 and is_upper_line(words[0], min_letters=2):
        j = next((k for k in range(i + 1, min(i + 3, len(lines))) if not lines[k].blank), None)
        if j is not None:
            joined = Line(text=line.text.strip() + " " + lines[j].text.strip(), fold="", index=line.index)
            joined.fold = line.fold.strip() + " " + lines[j].fold.strip()
            t = title_type(joined)
            if t:
                return t, j
    return None, i


def split_documents(lines: list[Line]) -> list[Segment]:
    starts = [0]
    has_title = False
    signed = False
    content = 0  # non-header lines in the current document
    in_motto = False
    for i, line in enumerate(lines):
        if line.blank:
            continue
        motto = is_motto(line)
        ttype = None if motto else _title(lines, i)[0]
        split = False
        if motto and not in_motto and content > 0 or ttype and has_title and signed:
            split = True
        if split:
            j = i
            while j - 1 >= starts[-1] and _is_header_line(lines[j - 1]):
                j -= 1
            split = j > starts[-1]
        if split:
            starts.append(j)
            has_title = signed = False
            content = 0
        in_motto = motto
        if ttype:
            has_title = True
        elif not _is_header_line(line) and (has_title or _is_body(line)):
            content += 1
        if has_title and _is_signoff(line):
            signed = True
    segments = []
    bounds = [*starts, len(lines)]
    for a, b in zip(bounds, bounds[1:], strict=False):
        seg_lines = lines[a:b]
        if not any(not x.blank for x in seg_lines):
            continue
        seg = Segment(lines=seg_lines)
        for k in range(len(seg_lines)):
            t, last = _title(seg_lines, k)
            if t:
                seg.title_at, seg.title_type = last, t
                break
        segments.append(seg)
    return _drop_noise(segments)


def _drop_noise(segments: list[Segment]) -> list[Segment]:
    """Drop a leading fragment that is no document (a web page's summary)."""
    if len(segments) <= 1:
        return segments
    p = patterns()
    kept = []
    for seg in segments:
        has_number = any(p.number.match(x.fold) for x in seg.lines[:40])
        has_motto = any(is_motto(x) for x in seg.lines[:40])
        if seg.title_type or has_number or has_motto:
            kept.append(seg)
    return kept or segments[:1]
