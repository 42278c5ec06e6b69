"""Where each extracted value was read: spans of the document's body.

The review page shows a document's fields beside its text and highlights each
field where it came from. The text is the document's *body*,
``"\\n".join(line.text for line in doc.lines)`` (what the registry stores), and
a span is a pair of character offsets ``[start, end)`` into it.

Extractors know where they read a value: a line and the offsets of a regex
match, or the lines a paragraph was joined from. They record it as
:data:`Loc` triples (``Line.index``, start column, end column), and strings
they build from pieces of lines are :class:`Traced`: a string whose every
character remembers the line and column it came from, so that a value cut
out of a joined paragraph or a table cell still knows its place.
:func:`document_spans` turns those records into body offsets once per
document (:class:`Offsets`: the body offset of line k is the sum of
``len(text) + 1`` over the document's earlier lines).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import Header, Line, ParsedDocument

#: (Line.index, start column, end column) of a piece of one line.
Loc = tuple[int, int, int]

#: A character's position packed in one int: ``line index * STRIDE + column``.
STRIDE = 1 << 24

#: what ``re.sub(r"\s+", " ", text)`` changes: runs of white space, and one that is not a space
_WS_TO_COLLAPSE = re.compile(r"\s{2,}|[^\S ]")
_WORD = re.compile(r"\S+")


class Traced:
    """A string that knows, for each character, the (line, column) it was read from.

    Built from lines (:meth:`of_line`) and combined with the few operations
    extractors apply to what they read (slices, ``+``, :meth:`join`,
    :meth:`strip`, :meth:`collapse`, :meth:`sub`); text that was inserted
    rather than read ("- " marks, "; " joins) has no position (-1). The
    string itself is ``.text``: code that builds a value as a Traced gives
    exactly the string it built before.
    """

    __slots__ = ("text", "pos")

    def __init__(self, text: str = "", pos: list[int] | None = None) -> None:
        self.text = text
        self.pos = pos if pos is not None else [-1] * len(text)

    @classmethod
    def of_line(cls, line: Line, a: int = 0, b: int | None = None) -> Traced:
        a, b, _ = slice(a, b).indices(len(line.text))
        b = max(a, b)
        base = line.index * STRIDE
        return cls(line.text[a:b], list(range(base + a, base + b)))

    @classmethod
    def of_lines(cls, lines: Iterable[Line], sep: str = "\n") -> Traced:
        return cls.join(sep, [cls.of_line(x) for x in lines])

    @staticmethod
    def join(sep: str, items: Iterable[Traced | str]) -> Traced:
        texts: list[str] = []
        pos: list[int] = []
        gap = [-1] * len(sep)
        for k, it in enumerate(items):
            t = it if isinstance(it, Traced) else Traced(it)
            if k:
                pos += gap
            texts.append(t.text)
            pos += t.pos
        return Traced(sep.join(texts), pos)

    # ------------------------------------------------------------ str-like

    def __len__(self) -> int:
        return len(self.text)

    def __bool__(self) -> bool:
        return bool(self.text)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Traced({self.text!r})"

    def __getitem__(self, k: slice) -> Traced:
        return Traced(self.text[k], self.pos[k])

    def __add__(self, other: Traced | str) -> Traced:
        o = other if isinstance(other, Traced) else Traced(other)
        return Traced(self.text + o.text, self.pos + o.pos)

    def __radd__(self, other: str) -> Traced:
        return Traced(other) + self

    def strip(self, chars: str | None = None) -> Traced:
        t = self.text
        a = len(t) - len(t.lstrip(chars))
        b = len(t.rstrip(chars))
        return self[a:b] if a < b else Traced()

    def lstrip(self, chars: str | None = None) -> Traced:
        return self[len(self.text) - len(self.text.lstrip(chars)):]

    def rstrip(self, chars: str | None = None) -> Traced:
        return self[:len(self.text.rstrip(chars))]

    def sub(self, pattern: str | re.Pattern[str], repl: str = "", count: int = 0) -> Traced:
        """``re.sub`` with a literal replacement; a one-character replacement keeps
        the position of the text it replaces ("\\n" → " " still points at the line end)."""
        rx = re.compile(pattern) if isinstance(pattern, str) else pattern
        texts: list[str] = []
        pos: list[int] = []
        last = 0
        for n, m in enumerate(rx.finditer(self.text)):
            if count and n >= count:
                break
            a, b = m.span()
            texts.append(self.text[last:a])
            pos += self.pos[last:a]
            texts.append(repl)
            pos += [self.pos[a] if len(repl) == 1 and b > a else -1] * len(repl) if repl else []
            last = b
        if not texts:
            return self
        texts.append(self.text[last:])
        pos += self.pos[last:]
        return Traced("".join(texts), pos)

    def collapse(self) -> Traced:
        """``re.sub(r"\\s+", " ", text)``."""
        return self.sub(_WS_TO_COLLAPSE, " ")  # single spaces are left as they are

    def with_text(self, new: str) -> Traced:
        """The same text respelled (case, restored diacritics): positions carried over.

        Characters keep their positions one for one when the length is the
        same; otherwise word by word (words aligned on their folds when some
        were dropped, as a "Về việc" removed after restoring).
        """
        if new == self.text:
            return self
        if len(new) == len(self.text):
            return Traced(new, self.pos)
        old_words = [m.span() for m in _WORD.finditer(self.text)]
        new_words = [m.span() for m in _WORD.finditer(new)]
        pairs: list[tuple[int, int]] = []  # (old word, new word)
        if len(old_words) == len(new_words):
            pairs = [(k, k) for k in range(len(new_words))]
        else:
            from .normalize import fold

            a = [fold(self.text[x:y]) for x, y in old_words]
            b = [fold(new[x:y]) for x, y in new_words]
            for tag, a0, a1, b0, b1 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
                if tag in ("equal", "replace"):
                    pairs += [(a0 + k, b0 + k) for k in range(min(a1 - a0, b1 - b0))]
        pos = [-1] * len(new)
        for i, j in pairs:
            a0, a1 = old_words[i]
            b0, b1 = new_words[j]
            n = min(a1 - a0, b1 - b0)
            pos[b0:b0 + n] = self.pos[a0:a0 + n]
            pos[b0 + n:b1] = [self.pos[a1 - 1]] * (b1 - b0 - n)  # a longer respelling: its last letter
        return Traced(new, pos)

    def suffix(self, s: str) -> Traced:
        """The Traced of ``s``, a string cut from the end of this one (after stripping)."""
        t = self.rstrip()
        if t.text.endswith(s):
            return t[len(t.text) - len(s):]
        return self.find(s)

    def find(self, s: str, start: int = 0) -> Traced:
        """The Traced of the first ``s`` in this string (a plain one when absent)."""
        k = self.text.find(s, start) if s else -1
        return self[k:k + len(s)] if k >= 0 else Traced(s)

    # ------------------------------------------------------------ where

    def locs(self, a: int = 0, b: int | None = None) -> list[Loc]:
        """Pieces of lines covered by characters ``[a, b)``, one per line run."""
        valid = [p for p in self.pos[a:b] if p >= 0]
        if not valid:
            return []
        first, last = valid[0], valid[-1]
        if last - first == len(valid) - 1 and first // STRIDE == last // STRIDE:  # one piece of one line
            ln, col = divmod(first, STRIDE)
            return [(ln, col, col + len(valid))]
        out: list[Loc] = []
        start = prev = first
        line = first // STRIDE
        for p in valid:
            if p == prev + 1 or (p > prev and p // STRIDE == line):  # same line, on (over skipped marks)
                prev = p
                continue
            if p != start:
                out.append((line, start - line * STRIDE, prev - line * STRIDE + 1))
                start = prev = p
                line = p // STRIDE
        out.append((line, start - line * STRIDE, prev - line * STRIDE + 1))
        return out


def line_loc(line: Line, a: int = 0, b: int | None = None) -> list[Loc]:
    """The piece ``[a, b)`` of ``line`` (whitespace trimmed), as a list of at most one Loc."""
    a, b, _ = slice(a, b).indices(len(line.text))
    t = line.text
    while a < b and t[a].isspace():
        a += 1
    while b > a and t[b - 1].isspace():
        b -= 1
    return [(line.index, a, b)] if a < b else []


# ---------------------------------------------------------------- body offsets


class Offsets:
    """Body offsets of one document's lines."""

    def __init__(self, lines: Sequence[Line]) -> None:
        self.body = "\n".join(x.text for x in lines)
        self.start: dict[int, int] = {}
        self.length: dict[int, int] = {}
        off = 0
        for x in lines:
            self.start[x.index] = off
            self.length[x.index] = len(x.text)
            off += len(x.text) + 1

    def at(self, line_index: int, col: int) -> int | None:
        """Body offset of column ``col`` of line ``line_index`` (None when not in this document)."""
        s = self.start.get(line_index)
        return None if s is None else s + col

    def span(self, loc: Loc) -> list[int] | None:
        ln, a, b = loc
        s = self.start.get(ln)
        if s is None:
            return None
        n = self.length[ln]
        a, b = max(0, min(a, n)), max(0, min(b, n))
        body = self.body
        s, e = s + a, s + b
        while s < e and body[s].isspace():
            s += 1
        while e > s and body[e - 1].isspace():
            e -= 1
        return [s, e] if s < e else None

    def spans(self, locs: Iterable[Loc] | None) -> list[list[int]]:
        out = []
        for loc in locs or ():
            sp = self.span(loc)
            if sp is not None:
                out.append(sp)
        return out

    def hull(self, locs: Iterable[Loc] | None) -> list[int] | None:
        """One span from the first to the last piece (a unit wrapped over two lines)."""
        got = self.spans(locs)
        if not got:
            return None
        return [min(s for s, _ in got), max(e for _, e in got)]

    def lines_span(self, first: int, last: int) -> list[int] | None:
        """From the first character of line ``first`` to the last of line ``last``."""
        if first not in self.start or last not in self.start:
            return None
        s, e = self.start[first], self.start[last] + self.length[last]
        body = self.body
        while s < e and body[s].isspace():
            s += 1
        while e > s and body[e - 1].isspace():
            e -= 1
        return [s, e] if s < e else None


# ---------------------------------------------------------------- provenance


class Sources:
    """What each header field was read from: candidate (value, locs) pairs per field.

    A value the pipeline changes afterwards (a plan's date taken from the
    decision that issues it, an issuer inherited) keeps a span only when the
    new value is one this document was read to say: the field's own reading,
    or the alternative recorded for it (the attachment line's date and issuer).
    """

    __slots__ = ("fields", "subject")

    #: Readings of other fields a field's value may come from.
    ALTERNATIVES = {"date": ("attached_date",), "issuer": ("attached_issuer",)}

    def __init__(self) -> None:
        self.fields: dict[str, list[tuple[Any, list[Loc]]]] = {}
        #: the subject as read, character by character (citations in it are located through it)
        self.subject: Traced | None = None

    def set(self, name: str, value: Any, locs: list[Loc]) -> None:
        """The reading of field ``name`` (replacing an earlier one)."""
        if value is None or value == [] or not locs:
            self.fields.pop(name, None)
            return
        self.fields[name] = [(value, list(locs))]

    def add(self, name: str, value: Any, locs: list[Loc]) -> None:
        """One more item of a list field (recipients)."""
        self.fields.setdefault(name, []).append((value, list(locs)))

    def copy_from(self, other: Sources, name: str, as_name: str | None = None) -> None:
        if name in other.fields:
            self.fields[as_name or name] = list(other.fields[name])

    def revalue(self, name: str, old: Any, new: Any) -> None:
        """A value respelled in place (restored diacritics): its locations stay."""
        self.fields[name] = [(new if v == old else v, locs) for v, locs in self.fields.get(name, [])]

    def locs(self, name: str, value: Any) -> list[Loc]:
        if value is None:
            return []
        for key in (name, *self.ALTERNATIVES.get(name, ())):
            for v, locs in self.fields.get(key, []):
                if v == value:
                    return locs
        return []

    def item_locs(self, name: str, values: list[Any]) -> list[list[Loc]]:
        """Locations of each item of a list field, in order (an item read twice takes the next reading)."""
        pool = list(self.fields.get(name, []))
        out = []
        for v in values:
            k = next((i for i, (pv, _) in enumerate(pool) if pv == v), None)
            out.append(pool.pop(k)[1] if k is not None else [])
        return out


# ---------------------------------------------------------------- assembly

_HEADER_FIELDS = ("doc_type", "number", "issuer", "place", "date", "subject", "signer", "attached_to")


def header_spans(h: Header, off: Offsets) -> dict[str, Any]:
    out: dict[str, Any] = {}
    src = h.sources
    for name in _HEADER_FIELDS:
        value = getattr(h, name)
        if name == "signer":
            value = value.to_json() if value is not None else None
        got = off.spans(src.locs(name, value))
        if got:
            out[name] = got
    if h.recipients:
        out["recipients"] = [off.spans(locs) for locs in src.item_locs("recipients", list(h.recipients))]
    return out


def document_spans(doc: ParsedDocument) -> dict[str, Any]:
    """The ``"spans"`` of a document's JSON: ``[start, end)`` offsets into its body."""
    off = Offsets(doc.lines)
    out = header_spans(doc.header, off)
    if doc.references:
        out["references"] = [off.spans(r.locs) for r in doc.references]
    if doc.tasks:
        tasks = []
        for t in doc.tasks:
            ts: dict[str, Any] = {}
            extent = off.lines_span(*t.extent) if t.extent else None
            if extent:
                ts["task"] = extent
            for name in ("title", "product", "deadline", "funding"):
                got = off.spans(t.locs.get(name))
                if got:
                    ts[name] = got
            for name, units in (("lead", t.lead), ("support", t.support)):
                if units:
                    ts[name] = [off.hull(u.locs) for u in units]
            tasks.append(ts)
        out["tasks"] = tasks
    return out
