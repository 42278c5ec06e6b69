"""``docparse eval``: score parses against the gold (``corpus/gold``) and the labels.

Scoring follows the "Scoring" section of ``corpus/GOLD.md``; where GOLD.md is
silent the choices below are made, and written down here so that an outside
check can reproduce the figures:

Counting
    Every comparison of one predicted value with one expected value adds to
    ``tp``/``fp``/``fn`` of its field: equal values are a ``tp``; a value
    where the gold has null is an ``fp``; null where the gold has a value is
    an ``fn``; a wrong value is both an ``fp`` and an ``fn``. Null against
    null is a *true negative* (``tn``): it is counted (it shows in accuracy)
    but it enters neither precision nor recall. An empty string, an empty
    signer (all four keys null) and a missing key count as null.
    F1 is ``2tp / (2tp + fp + fn)``; with nothing to find and nothing found
    (``tp = fp = fn = 0``) precision, recall and F1 are 1.0. *Accuracy*
    (used for ``references.relation``) is ``(tp + tn) / comparisons``, None
    when there was nothing to compare.

Strings
    :func:`normalise` (NFC, new-style tone marks, ``UBND`` expanded, case
    folded, white space collapsed, trailing punctuation dropped) and then
    equality. ``subject`` is a string and is scored like every string, by
    equality after normalisation; the informational field
    ``subject.similar`` shows how many subjects are at least 90% similar, so
    near misses can be told from wrong subjects (it is not in ``header``).

Exact fields
    ``number``, ``date``, ``deadline.start``/``due`` and a reference's
    ``date`` are compared exactly (after NFC and trimming the ends).
    Numbers are identifiers, so references are matched by *equal* number
    (white space ignored), not by 90% similarity, which would pair
    ``45/2020/NĐ-CP`` with ``47/2020/NĐ-CP``; references without a number
    (laws) are matched by title at 90% similarity.

Lists
    ``recipients``, ``task.lead``, ``task.support``, ``responsibilities`` (by
    unit) and the law titles of ``references``: items are paired one-to-one,
    best similarity first, when their normalised texts are at least 90%
    similar (``rapidfuzz.fuzz.ratio``); paired items are ``tp``, the rest of
    the gold ``fn`` and the rest of the prediction ``fp``.

Documents
    Paired within a file by ``number`` when both are non-null, then the rest
    by ``doc_type`` and order (the k-th remaining gold document of a type
    with the k-th remaining predicted one of that type). An unpaired gold
    document counts each of its non-null fields (each item of its lists) as
    ``fn``, an unpaired predicted one each of its non-null fields as ``fp``;
    their null fields count nothing, not even a ``tn``. The ``documents``
    line counts pairs (tp), unpaired gold (fn) and unpaired predicted (fp)
    documents.

Signer
    ``signer`` scores the object as a whole (all four keys equal after
    normalisation); ``signer.name``/``.title``/``.mode``/``.for`` score each
    key. In the labelled sets ``signer`` is the label's name against the
    predicted ``signer.name``.

References
    ``references`` is the F1 of matched references. On matched pairs only:
    ``references.relation`` (reported as accuracy; a wrong relation is an
    fp and an fn, so its P = R = F1 = accuracy), ``references.date``,
    ``references.issuer`` and ``references.doc_type``.

Tasks
    Paired by ``no`` (normalised), then the rest by title at 90% similarity.
    ``tasks`` is the F1 of pairs; on paired tasks only: ``task.no``,
    ``task.title``, ``task.lead``, ``task.support``, ``task.product``,
    ``task.deadline.kind``, ``task.deadline.start``, ``task.deadline.due``,
    ``task.funding``. A null ``deadline`` makes its three keys null.

Labelled sets (``dev/tl``, ``dev/files``)
    The predicted document scored is the one whose number equals the
    label's (white space removed), else the first of the label's
    ``doc_type``, else the first. Fields: ``number`` (exact, white space
    removed), ``doc_type`` (normalised), ``date`` (``dd/mm/yyyy`` labels
    turned into ISO, then exact), ``signer`` (name, normalised) and
    ``issuer``, which is right when the normalised label is contained in
    the normalised prediction (``Tỉnh Bắc Ninh`` in ``Ủy ban nhân dân tỉnh
    Bắc Ninh``). ``documents`` is a ``tp`` when the parse gave a document at
    all. ``dev/files`` files whose label says ``has_text_layer: true`` and
    ``format`` docx or pdf form the group ``dev/files``; the others (garbled
    or scanned PDFs, ``.doc``) the group ``dev/files-hard``.

A file whose parse raises is scored as a parse with no document (so every
expected value is an ``fn``) and the error is kept in the report.

Scanned seeds (``seeds-scan``, not in the default sets: it OCRs ~50 pages)
    Each seed is printed (:func:`docparse.scan_render.render_scan`: A4,
    DejaVu Serif, the header and signature blocks in two columns),
    rasterised at 200 dpi into an image-only PDF, read back through the
    pipeline (Tesseract OCR) and scored against its gold like ``seeds``; the
    same seeds parsed as text form the group ``seeds-scan/text``. The
    issue's floor: each seed's header F1 on the scan within 0.05 of its
    header F1 as text (:data:`SCAN_MAX_DROP`), one floor line per seed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import traceback
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date as _date
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from .normalize import normalize_text
from .scan_render import render_scan, scan_pdf

# ---------------------------------------------------------------- constants

#: Minimum similarity (0..1) for two list items to match (GOLD.md: 90%).
SIMILARITY = 0.9

#: Fields whose micro-average F1 is the ``header`` aggregate.
HEADER_FIELDS: tuple[str, ...] = (
    "doc_type", "number", "issuer", "place", "date", "subject", "signer", "recipients", "attached_to",
)

#: Display order of the fields (fields not listed come after, sorted).
FIELD_ORDER: tuple[str, ...] = (
    "documents",
    *HEADER_FIELDS,
    "subject.similar",
    "signer.name", "signer.title", "signer.mode", "signer.for",
    "references", "references.doc_type", "references.relation", "references.date", "references.issuer",
    "tasks", "task.no", "task.title", "task.lead", "task.support", "task.product",
    "task.deadline.kind", "task.deadline.start", "task.deadline.due", "task.funding",
    "responsibilities",
)

#: Fields reported as accuracy over matched pairs rather than as F1.
ACCURACY_FIELDS: frozenset[str] = frozenset({"references.relation"})

SETS: tuple[str, ...] = ("seeds", "dev/tl", "dev/files")
#: Sets run only when asked for (``--set``): too slow for every run.
EXTRA_SETS: tuple[str, ...] = ("seeds-scan",)

#: Seeds whose text is an OCR copy; every other seed is "clean".
OCR_SEEDS: frozenset[str] = frozenset({"003"})

#: Formats of dev/files that are in scope for the main ``dev/files`` group.
IN_SCOPE_FORMATS: frozenset[str] = frozenset({"docx", "pdf"})

#: Floors from the issue, keyed by (group, metric). A metric is an aggregate
#: (``header``, ``references``, ``references.relation``) or a field's F1.
FLOORS: dict[tuple[str, str], float] = {
    ("seeds-clean", "header"): 0.95,
    ("seeds-ocr", "header"): 0.85,
    ("seeds", "references"): 0.95,
    ("seeds", "references.relation"): 0.90,
    ("dev/tl", "number"): 0.97,
    ("dev/tl", "doc_type"): 0.97,
    ("dev/tl", "date"): 0.97,
    ("dev/tl", "signer"): 0.95,
    ("dev/tl", "issuer"): 0.90,
    ("dev/files", "number"): 0.93,
    ("dev/files", "doc_type"): 0.93,
    ("dev/files", "date"): 0.93,
    # task tables (issue 3)
    ("seeds", "tasks"): 0.95,
    ("seeds", "task.lead"): 0.90,
    ("seeds", "task.support"): 0.90,
    ("seeds", "task.deadline.kind"): 0.95,
    ("seeds", "task.deadline.due"): 0.95,
    ("seeds-ocr", "tasks"): 0.85,
}


def default_corpus_dir() -> Path:
    """``$DOCPARSE_CORPUS``, else the repository's ``corpus/`` beside the package."""
    env = os.environ.get("DOCPARSE_CORPUS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "corpus"


# ---------------------------------------------------------------- normalisation

_UBND = re.compile(r"(?<!\w)UBND(?!\w)", re.IGNORECASE)
_WS = re.compile(r"\s+")
_TRAILING = " .,;:!?…/-"


def normalise(s: Any) -> str:
    """GOLD.md string normalisation; None gives ``""``.

    NFC and new-style tone marks (``Uỷ`` → ``Ủy``) through
    :func:`docparse.normalize.normalize_text`, ``UBND`` → ``Ủy ban nhân dân``,
    case folding, one space for any run of white space, no trailing
    punctuation.
    """
    if s is None:
        return ""
    text = normalize_text(str(s))
    text = _UBND.sub("Ủy ban nhân dân", text)
    text = _WS.sub(" ", text.casefold()).strip()
    return text.rstrip(_TRAILING)


def similarity(a: Any, b: Any) -> float:
    """Similarity 0..1 of the normalised texts (``rapidfuzz.fuzz.ratio``)."""
    na, nb = normalise(a), normalise(b)
    if na == nb:
        return 1.0
    return fuzz.ratio(na, nb) / 100.0


def _exact(v: Any) -> str | None:
    if v is None:
        return None
    s = unicodedata.normalize("NFC", str(v)).strip()
    return s or None


def _text(v: Any) -> str | None:
    return normalise(v) or None


def number_key(v: Any) -> str | None:
    """A number with every white space removed (NFC): the key numbers pair on."""
    if v is None:
        return None
    s = _WS.sub("", unicodedata.normalize("NFC", str(v)))
    return s or None


_DMY = re.compile(r"^\s*(?:(\d{1,2})[/.-])?(?:(\d{1,2})[/.-])?(\d{4})\s*$")


def label_date_to_iso(s: str | None) -> str | None:
    """``20/11/2025`` → ``2025-11-20``; ``11/2025`` → ``2025-11``; ISO and None pass through."""
    if s is None:
        return None
    s = str(s).strip()
    if not s:
        return None
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", s):
        return s
    m = _DMY.match(s)
    if not m:
        return s
    a, b, year = m.groups()
    if a and b:
        day, month = int(a), int(b)
        _date(int(year), month, day)  # raises on an impossible date
        return f"{year}-{month:02d}-{day:02d}"
    if a:
        return f"{year}-{int(a):02d}"
    return year


# ---------------------------------------------------------------- counts


@dataclass
class Counts:
    """Outcome counts of one field; see the module docstring."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    #: Number of one-to-one comparisons (scalar fields only), for accuracy.
    compared: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.tn += other.tn
        self.compared += other.compared

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        den = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / den if den else 1.0

    @property
    def accuracy(self) -> float | None:
        return (self.tp + self.tn) / self.compared if self.compared else None

    def to_json(self) -> dict[str, Any]:
        return {
            "tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn, "compared": self.compared,
            "precision": round(self.precision, 4), "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "accuracy": None if self.accuracy is None else round(self.accuracy, 4),
        }


def _sum_counts(counts: dict[str, Counts], fields: Iterable[str]) -> Counts:
    total = Counts()
    for f in fields:
        if f in counts:
            total.add(counts[f])
    return total


def _field_sort_key(name: str) -> tuple[int, str]:
    try:
        return (FIELD_ORDER.index(name), name)
    except ValueError:
        return (len(FIELD_ORDER), name)


# ---------------------------------------------------------------- matching


def match_items(
    pred: Sequence[Any],
    gold: Sequence[Any],
    threshold: float = SIMILARITY,
    key: Callable[[Any], str | None] = _text,
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pair items one-to-one, best similarity first, when ``>= threshold``.

    Returns ``(pairs, unmatched_pred, unmatched_gold)``, pairs being
    ``(pred_index, gold_index)`` in gold order. Items whose key is None never
    match.
    """
    pk = [key(x) for x in pred]
    gk = [key(x) for x in gold]
    cands: list[tuple[float, int, int]] = []
    for i, p in enumerate(pk):
        if p is None:
            continue
        for j, g in enumerate(gk):
            if g is None:
                continue
            s = 1.0 if p == g else fuzz.ratio(p, g) / 100.0
            if s >= threshold:
                cands.append((-s, j, i))
    cands.sort()
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, j, i in cands:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        pairs.append((i, j))
    pairs.sort(key=lambda x: x[1])
    return (
        pairs,
        [i for i in range(len(pred)) if i not in used_p],
        [j for j in range(len(gold)) if j not in used_g],
    )


def documents_of(data: Any) -> list[dict[str, Any]]:
    """The document list of a file dict (``{"documents": [...]}``), a bare document or a list."""
    if data is None:
        return []
    if isinstance(data, list):
        return [d for d in data if isinstance(d, dict)]
    if isinstance(data, dict):
        if "documents" in data:
            return [d for d in (data.get("documents") or []) if isinstance(d, dict)]
        if any(k in data for k in ("doc_type", "number", "issuer")):
            return [data]
    return []


def pair_documents(
    pred: Sequence[dict[str, Any]], gold: Sequence[dict[str, Any]]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pair documents by number (both non-null), then by doc_type and order.

    Returns ``(pairs, unpaired_pred, unpaired_gold)``, pairs as
    ``(pred_index, gold_index)`` in gold order.
    """
    used_p: set[int] = set()
    pairs: dict[int, int] = {}
    for j, g in enumerate(gold):
        gn = number_key(g.get("number"))
        if gn is None:
            continue
        for i, p in enumerate(pred):
            if i not in used_p and number_key(p.get("number")) == gn:
                pairs[j] = i
                used_p.add(i)
                break
    for j, g in enumerate(gold):
        if j in pairs:
            continue
        gt = _text(g.get("doc_type"))
        for i, p in enumerate(pred):
            if i not in used_p and _text(p.get("doc_type")) == gt:
                pairs[j] = i
                used_p.add(i)
                break
    out = sorted(((i, j) for j, i in pairs.items()), key=lambda x: x[1])
    return (
        out,
        [i for i in range(len(pred)) if i not in used_p],
        [j for j in range(len(gold)) if j not in pairs],
    )


# ---------------------------------------------------------------- scorer


def _pair_key_then_title(
    pred: list[dict[str, Any]],
    gold: list[dict[str, Any]],
    key: Callable[[dict[str, Any]], str | None],
    titled: Callable[[dict[str, Any]], bool],
) -> tuple[list[tuple[int, int]], set[int], set[int]]:
    """GOLD.md pairing of list items: by key first, then by title similarity.

    ``key`` gives the exact key (a number, a task's ``no``); items left over
    and accepted by ``titled`` are paired one-to-one by 90% title similarity.
    Returns (pairs as (pred index, gold index), paired pred, paired gold).
    """
    pairs: list[tuple[int, int]] = []
    used_p: set[int] = set()
    for j, g in enumerate(gold):
        gk = key(g)
        if gk is None:
            continue
        for i, p in enumerate(pred):
            if i not in used_p and key(p) == gk:
                pairs.append((i, j))
                used_p.add(i)
                break
    paired_g = {j for _, j in pairs}
    rest_p = [i for i, r in enumerate(pred) if i not in used_p and titled(r)]
    rest_g = [j for j, r in enumerate(gold) if j not in paired_g and titled(r)]
    tp_, _, _ = match_items([pred[i].get("title") for i in rest_p], [gold[j].get("title") for j in rest_g])
    for a, b in tp_:
        pairs.append((rest_p[a], rest_g[b]))
        used_p.add(rest_p[a])
        paired_g.add(rest_g[b])
    return pairs, used_p, paired_g


class Scorer:
    """Accumulates counts per field and, optionally, the mismatches of one file."""

    def __init__(self) -> None:
        self.counts: dict[str, Counts] = {}
        self.mismatches: list[dict[str, Any]] = []
        self._where = ""
        self._record = True
        #: True while scoring an unpaired document: null-vs-null is then not a comparison.
        self._unpaired = False

    def _c(self, name: str) -> Counts:
        c = self.counts.get(name)
        if c is None:
            c = self.counts[name] = Counts()
        return c

    def _note(self, name: str, **info: Any) -> None:
        if self._record:
            self.mismatches.append({"where": self._where, "field": name, **info})

    # -- one value against one value

    def scalar(self, name: str, pred: Any, gold: Any, kind: str = "text") -> bool | None:
        """Score one value; ``kind`` is ``text`` (normalised), ``exact`` or ``number``.

        Returns True (tp), None (tn) or False (fp and/or fn).
        """
        conv = {"text": _text, "exact": _exact, "number": number_key}[kind]
        p, g = conv(pred), conv(gold)
        return self.outcome(name, p, g, pred, gold)

    def outcome(self, name: str, p: Any, g: Any, pred_raw: Any, gold_raw: Any,
                equal: bool | None = None) -> bool | None:
        """Count the comparison of two already converted values (None = null)."""
        c = self._c(name)
        if p is None and g is None:
            if not self._unpaired:
                c.compared += 1
                c.tn += 1
            return None
        c.compared += 1
        if equal is None:
            equal = p == g
        if p is not None and g is not None and equal:
            c.tp += 1
            return True
        if p is not None:
            c.fp += 1
        if g is not None:
            c.fn += 1
        kind = "wrong" if p is not None and g is not None else ("extra" if g is None else "missing")
        self._note(name, error=kind, predicted=pred_raw, expected=gold_raw)
        return False

    # -- lists

    def items(self, name: str, pred: Sequence[Any] | None, gold: Sequence[Any] | None,
              threshold: float = SIMILARITY) -> list[tuple[int, int]]:
        """Score a list of strings by one-to-one 90%-similarity matching."""
        pred = [x for x in (pred or []) if _text(x) is not None]
        gold = [x for x in (gold or []) if _text(x) is not None]
        pairs, up, ug = match_items(pred, gold, threshold)
        self._count_items(name, pairs, [pred[i] for i in up], [gold[j] for j in ug])
        return pairs

    def _count_items(self, name: str, pairs: Sequence[Any], extra: list[Any], missing: list[Any]) -> None:
        c = self._c(name)
        c.tp += len(pairs)
        c.fp += len(extra)
        c.fn += len(missing)
        if not pairs and not extra and not missing and not self._unpaired:
            c.tn += 1
        if extra or missing:
            self._note(name, error="list", extra=extra, missing=missing)

    # -- documents

    def document(self, pred: dict[str, Any], gold: dict[str, Any]) -> None:
        """Score one predicted document against one gold document."""
        for f in ("doc_type", "issuer", "place", "subject", "attached_to"):
            self.scalar(f, pred.get(f), gold.get(f), "text")
        self.scalar("number", pred.get("number"), gold.get("number"), "exact")
        self.scalar("date", pred.get("date"), gold.get("date"), "exact")
        ps, gs = _text(pred.get("subject")), _text(gold.get("subject"))
        close = ps is not None and gs is not None and (ps == gs or fuzz.ratio(ps, gs) / 100.0 >= SIMILARITY)
        self.outcome("subject.similar", ps, gs, pred.get("subject"), gold.get("subject"), equal=close)
        self.signer(pred.get("signer"), gold.get("signer"))
        self.items("recipients", pred.get("recipients"), gold.get("recipients"))
        self.references(pred.get("references") or [], gold.get("references") or [])
        self.tasks(pred.get("tasks") or [], gold.get("tasks") or [])
        self.items(
            "responsibilities",
            [r.get("unit") if isinstance(r, dict) else r for r in pred.get("responsibilities") or []],
            [r.get("unit") if isinstance(r, dict) else r for r in gold.get("responsibilities") or []],
        )

    def signer(self, pred: Any, gold: Any) -> None:
        keys = ("name", "title", "mode", "for")
        p = pred if isinstance(pred, dict) else {}
        g = gold if isinstance(gold, dict) else {}
        pv = tuple(_text(p.get(k)) for k in keys)
        gv = tuple(_text(g.get(k)) for k in keys)
        whole_p = None if all(v is None for v in pv) else pv
        whole_g = None if all(v is None for v in gv) else gv
        self.outcome("signer", whole_p, whole_g, pred, gold)
        for k in keys:
            self.scalar(f"signer.{k}", p.get(k), g.get(k), "text")

    def references(self, pred: list[dict[str, Any]], gold: list[dict[str, Any]]) -> None:
        pred = [r for r in pred if isinstance(r, dict)]
        gold = [r for r in gold if isinstance(r, dict)]
        pairs, used_p, paired_g = _pair_key_then_title(
            pred, gold, key=lambda r: number_key(r.get("number")),
            titled=lambda r: number_key(r.get("number")) is None)
        pairs.sort(key=lambda x: x[1])
        extra = [_ref_label(pred[i]) for i in range(len(pred)) if i not in used_p]
        missing = [_ref_label(gold[j]) for j in range(len(gold)) if j not in paired_g]
        self._count_items("references", pairs, extra, missing)
        where = self._where
        for i, j in pairs:
            p, g = pred[i], gold[j]
            self._where = f"{where} ref {_ref_label(g)}"
            self.scalar("references.doc_type", p.get("doc_type"), g.get("doc_type"), "text")
            self.scalar("references.relation", p.get("relation"), g.get("relation"), "text")
            self.scalar("references.date", p.get("date"), g.get("date"), "exact")
            self.scalar("references.issuer", p.get("issuer"), g.get("issuer"), "text")
        self._where = where

    def tasks(self, pred: list[dict[str, Any]], gold: list[dict[str, Any]]) -> None:
        pred = [t for t in pred if isinstance(t, dict)]
        gold = [t for t in gold if isinstance(t, dict)]
        pairs, used_p, paired_g = _pair_key_then_title(
            pred, gold, key=lambda t: _text(t.get("no")), titled=lambda t: True)
        pairs.sort(key=lambda x: x[1])
        extra = [_task_label(pred[i]) for i in range(len(pred)) if i not in used_p]
        missing = [_task_label(gold[j]) for j in range(len(gold)) if j not in paired_g]
        self._count_items("tasks", pairs, extra, missing)
        where = self._where
        for i, j in pairs:
            p, g = pred[i], gold[j]
            self._where = f"{where} task {g.get('no')}"
            self.scalar("task.no", p.get("no"), g.get("no"), "text")
            self.scalar("task.title", p.get("title"), g.get("title"), "text")
            self.items("task.lead", _as_list(p.get("lead")), _as_list(g.get("lead")))
            self.items("task.support", _as_list(p.get("support")), _as_list(g.get("support")))
            self.scalar("task.product", p.get("product"), g.get("product"), "text")
            pd = p.get("deadline") if isinstance(p.get("deadline"), dict) else {}
            gd = g.get("deadline") if isinstance(g.get("deadline"), dict) else {}
            self.scalar("task.deadline.kind", pd.get("kind"), gd.get("kind"), "text")
            self.scalar("task.deadline.start", pd.get("start"), gd.get("start"), "exact")
            self.scalar("task.deadline.due", pd.get("due"), gd.get("due"), "exact")
            self.scalar("task.funding", p.get("funding"), g.get("funding"), "text")
        self._where = where

    def unpaired(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` for an unpaired document: counted, but no per-field notes and no tn."""
        old = self._record, self._unpaired
        self._record, self._unpaired = False, True
        try:
            fn()
        finally:
            self._record, self._unpaired = old


def _as_list(v: Any) -> list[Any]:
    if v is None:
        return []
    if isinstance(v, str):
        return [v]
    return list(v)


def _ref_label(r: dict[str, Any]) -> str:
    if r.get("number"):
        return str(r.get("number"))
    year = f" {r['year']}" if r.get("year") else ""
    return f"{r.get('title')}{year}"


def _task_label(t: dict[str, Any]) -> str:
    title = str(t.get("title") or "")
    return f"{t.get('no')}: {title[:60]}"


def _doc_label(i: int, d: dict[str, Any]) -> str:
    return f"doc {i} {d.get('doc_type')} {d.get('number')}"


def score_file(pred: Any, gold: Any, scorer: Scorer | None = None) -> Scorer:
    """Score one parsed file (GOLD.md shape) against its gold; returns the scorer."""
    sc = scorer or Scorer()
    pdocs, gdocs = documents_of(pred), documents_of(gold)
    pairs, up, ug = pair_documents(pdocs, gdocs)
    docs = sc._c("documents")
    docs.tp += len(pairs)
    docs.fp += len(up)
    docs.fn += len(ug)
    for i in up:
        sc._where = _doc_label(i, pdocs[i])
        sc._note("documents", error="extra", predicted=_doc_label(i, pdocs[i]), expected=None)
        sc.unpaired(lambda d=pdocs[i]: sc.document(d, {}))
    for j in ug:
        sc._where = _doc_label(j, gdocs[j])
        sc._note("documents", error="missing", predicted=None, expected=_doc_label(j, gdocs[j]))
        sc.unpaired(lambda d=gdocs[j]: sc.document({}, d))
    for i, j in pairs:
        sc._where = _doc_label(j, gdocs[j])
        sc.document(pdocs[i], gdocs[j])
    sc._where = ""
    return sc


LABEL_FIELDS: tuple[str, ...] = ("number", "doc_type", "date", "signer", "issuer")


def pick_document(pred: Any, label: dict[str, Any]) -> dict[str, Any] | None:
    """The predicted document a label describes: same number, else same type, else the first."""
    docs = documents_of(pred)
    if not docs:
        return None
    ln = number_key(label.get("number"))
    if ln is not None:
        for d in docs:
            if number_key(d.get("number")) == ln:
                return d
    lt = _text(label.get("doc_type"))
    if lt is not None:
        for d in docs:
            if _text(d.get("doc_type")) == lt:
                return d
    return docs[0]


def issuer_contains(pred: Any, label: Any) -> bool:
    """True when the normalised label is contained in the normalised prediction."""
    p, lab = _text(pred), _text(label)
    return p is not None and lab is not None and lab in p


def score_label(pred: Any, label: dict[str, Any], scorer: Scorer | None = None) -> Scorer:
    """Score one parsed file against a library label (few fields, see module docstring)."""
    sc = scorer or Scorer()
    doc = pick_document(pred, label)
    docs = sc._c("documents")
    if doc is None:
        docs.fn += 1
        sc._note("documents", error="missing", predicted=None, expected=label.get("doc_type"))
        doc = {}
    else:
        docs.tp += 1
        sc._where = _doc_label(documents_of(pred).index(doc), doc)
    if "number" in label:
        sc.scalar("number", doc.get("number"), label.get("number"), "number")
    if "doc_type" in label:
        sc.scalar("doc_type", doc.get("doc_type"), label.get("doc_type"), "text")
    if "date" in label:
        sc.scalar("date", doc.get("date"), label_date_to_iso(label.get("date")), "exact")
    if "signer" in label:
        signer = doc.get("signer") if isinstance(doc.get("signer"), dict) else {}
        sc.scalar("signer", signer.get("name"), label.get("signer"), "text")
    if "issuer" in label:
        p, g = _text(doc.get("issuer")), _text(label.get("issuer"))
        sc.outcome("issuer", p, g, doc.get("issuer"), label.get("issuer"),
                   equal=issuer_contains(doc.get("issuer"), label.get("issuer")))
    sc._where = ""
    return sc


# ---------------------------------------------------------------- report


@dataclass
class FileResult:
    file: str
    set: str
    groups: list[str]
    counts: dict[str, Counts] = field(default_factory=dict)
    mismatches: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file, "set": self.set, "groups": self.groups, "error": self.error,
            "mismatches": self.mismatches,
            "counts": {k: self.counts[k].to_json() for k in sorted(self.counts, key=_field_sort_key)},
        }


@dataclass
class GroupResult:
    name: str
    counts: dict[str, Counts] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    errors: int = 0

    def add(self, fr: FileResult) -> None:
        self.files.append(fr.file)
        if fr.error:
            self.errors += 1
        for k, c in fr.counts.items():
            self.counts.setdefault(k, Counts()).add(c)

    def fields(self) -> list[str]:
        return sorted(self.counts, key=_field_sort_key)

    def header(self) -> Counts:
        return _sum_counts(self.counts, HEADER_FIELDS)

    def aggregates(self) -> dict[str, float | None]:
        out: dict[str, float | None] = {}
        if any(f in self.counts for f in HEADER_FIELDS):
            out["header"] = self.header().f1
        if "references" in self.counts:
            out["references"] = self.counts["references"].f1
        if "references.relation" in self.counts or "references" in self.counts:
            rel = self.counts.get("references.relation")
            out["references.relation"] = rel.accuracy if rel else None
        return out

    def metric(self, name: str) -> float | None:
        """An aggregate (``header``, ``references``, ``references.relation``) or a field's F1."""
        agg = self.aggregates()
        if name in agg:
            return agg[name]
        c = self.counts.get(name)
        if c is None:
            return None
        return c.accuracy if name in ACCURACY_FIELDS else c.f1

    def to_json(self) -> dict[str, Any]:
        return {
            "files": list(self.files), "errors": self.errors,
            "fields": {k: self.counts[k].to_json() for k in self.fields()},
            "aggregates": {k: (None if v is None else round(v, 4)) for k, v in self.aggregates().items()},
        }


@dataclass
class FloorCheck:
    group: str
    metric: str
    floor: float
    value: float | None

    @property
    def ok(self) -> bool:
        return self.value is not None and self.value + 1e-12 >= self.floor

    def __str__(self) -> str:
        v = "n/a" if self.value is None else f"{self.value:.3f}"
        return f"{'ok  ' if self.ok else 'FAIL'} {self.group} {self.metric}: {v} (floor {self.floor:.2f})"

    def to_json(self) -> dict[str, Any]:
        return {"group": self.group, "metric": self.metric, "floor": self.floor,
                "value": None if self.value is None else round(self.value, 4), "ok": self.ok}


@dataclass
class Report:
    groups: dict[str, GroupResult] = field(default_factory=dict)
    files: list[FileResult] = field(default_factory=list)
    corpus: str = ""
    sets: tuple[str, ...] = ()

    def add(self, fr: FileResult) -> None:
        self.files.append(fr)
        for g in fr.groups:
            self.groups.setdefault(g, GroupResult(g)).add(fr)

    def metric(self, group: str, name: str) -> float | None:
        g = self.groups.get(group)
        return None if g is None else g.metric(name)

    def check_floors(self, floors: dict[tuple[str, str], float] | None = None,
                     only_present: bool = False) -> list[FloorCheck]:
        """Every floor with its value; ``only_present`` skips groups that were not run."""
        floors = FLOORS if floors is None else floors
        out = []
        for (group, metric), floor in floors.items():
            if only_present and group not in self.groups:
                continue
            out.append(FloorCheck(group, metric, floor, self.metric(group, metric)))
        return out + scan_floors(self)

    def to_json(self) -> dict[str, Any]:
        return {
            "corpus": self.corpus,
            "sets": list(self.sets),
            "groups": {k: v.to_json() for k, v in self.groups.items()},
            "floors": [f.to_json() for f in self.check_floors(only_present=True)],
            "files": [f.to_json() for f in self.files],
        }


# ---------------------------------------------------------------- running


ParseFn = Callable[[Path], dict[str, Any]]


def _parse(parse_file: ParseFn, path: Path) -> tuple[Any, str | None]:
    try:
        return parse_file(path), None
    except Exception as exc:  # noqa: BLE001 - any parser failure is scored, not raised
        tb = traceback.extract_tb(exc.__traceback__)
        at = f" at {Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else ""
        return {"documents": []}, f"{type(exc).__name__}: {exc}{at}"


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                out.append(json.loads(line))
    return out


def seed_group(name: str) -> str:
    """``seeds-ocr`` for the OCR seeds (by their 3-digit prefix), else ``seeds-clean``."""
    return "seeds-ocr" if name.split("_", 1)[0] in OCR_SEEDS else "seeds-clean"


def files_group(label: dict[str, Any]) -> str:
    """``dev/files`` for text-layer docx/pdf files, ``dev/files-hard`` for the rest."""
    fmt = str(label.get("format") or Path(label.get("file", "")).suffix.lstrip(".")).lower()
    if label.get("has_text_layer") is True and fmt in IN_SCOPE_FORMATS:
        return "dev/files"
    return "dev/files-hard"


def _run_seeds(corpus: Path, parse_file: ParseFn, report: Report) -> None:
    for gold_path in sorted((corpus / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        name = gold.get("file") if isinstance(gold, dict) else None
        name = name or f"{gold_path.stem}.txt"
        src = corpus / "seeds" / name
        if not src.exists():
            continue  # gold of a file outside seeds/: not part of this set
        pred, err = _parse(parse_file, src)
        sc = score_file(pred, gold)
        report.add(FileResult(name, "seeds", ["seeds", seed_group(name)], sc.counts, sc.mismatches, err))


def _run_labelled(corpus: Path, set_name: str, parse_file: ParseFn, report: Report,
                  group_of: Callable[[dict[str, Any]], str]) -> None:
    base = corpus / set_name
    for label in _read_jsonl(base / "labels.jsonl"):
        name = label["file"]
        pred, err = _parse(parse_file, base / name)
        sc = score_label(pred, label)
        report.add(FileResult(name, set_name, [group_of(label)], sc.counts, sc.mismatches, err))


# ---------------------------------------------------------------- seeds-scan: the seeds printed and scanned

#: The floor of ``seeds-scan``: a seed's header F1 on its scan may be at most this far below its text's.
SCAN_MAX_DROP = 0.05


def _run_seeds_scan(corpus: Path, parse_file: ParseFn, report: Report) -> None:
    """The seeds as text (group ``seeds-scan/text``), then printed, scanned and OCR'd (``seeds-scan``)."""
    import time

    seeds = []
    for gold_path in sorted((corpus / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        name = (gold.get("file") if isinstance(gold, dict) else None) or f"{gold_path.stem}.txt"
        if (corpus / "seeds" / name).exists():
            seeds.append((name, gold))
    for name, gold in seeds:
        pred, err = _parse(parse_file, corpus / "seeds" / name)
        sc = score_file(pred, gold)
        report.add(FileResult(name, "seeds-scan", ["seeds-scan/text"], sc.counts, sc.mismatches, err))
    total_pages, total_s = 0, 0.0
    with tempfile.TemporaryDirectory(prefix="docparse-scan-") as tmp:
        for name, gold in seeds:
            pages = render_scan((corpus / "seeds" / name).read_text(encoding="utf-8"))
            path = Path(tmp) / f"{Path(name).stem}.pdf"
            path.write_bytes(scan_pdf(pages))
            start = time.perf_counter()
            pred, err = _parse(parse_file, path)
            took = time.perf_counter() - start
            total_pages, total_s = total_pages + len(pages), total_s + took
            ocr = pred.get("ocr") if isinstance(pred, dict) else None
            if ocr:
                print(f"seeds-scan {name}: {len(pages)} pages OCR'd, {ocr.get('seconds_per_page')} s/page, "
                      f"mean confidence {ocr.get('mean_confidence')}", file=sys.stderr)
            sc = score_file(pred, gold)
            report.add(FileResult(name, "seeds-scan", ["seeds-scan"], sc.counts, sc.mismatches, err))
    if total_pages:
        print(f"seeds-scan: {total_pages} pages parsed in {total_s:.0f} s ({total_s / total_pages:.2f} s/page, "
              f"{os.cpu_count()} cores)", file=sys.stderr)


def scan_floors(report: Report) -> list[FloorCheck]:
    """The ``seeds-scan`` floor: per seed, and over all seeds, header F1 at most :data:`SCAN_MAX_DROP` below text."""
    if "seeds-scan" not in report.groups or "seeds-scan/text" not in report.groups:
        return []
    text = {fr.file: fr for fr in report.files if "seeds-scan/text" in fr.groups}
    out = []
    for fr in report.files:
        if "seeds-scan" in fr.groups and fr.file in text:
            ref = _sum_counts(text[fr.file].counts, HEADER_FIELDS).f1
            out.append(FloorCheck("seeds-scan", f"header {fr.file.split('_', 1)[0]}", ref - SCAN_MAX_DROP,
                                  _sum_counts(fr.counts, HEADER_FIELDS).f1))
    ref_all = report.metric("seeds-scan/text", "header")
    if ref_all is not None:
        out.append(FloorCheck("seeds-scan", "header", ref_all - SCAN_MAX_DROP, report.metric("seeds-scan", "header")))
    return out


def run_eval(corpus_dir: Path, parse_file: ParseFn, sets: Iterable[str] = SETS) -> Report:
    """Parse every file of ``sets`` with ``parse_file`` and score it.

    ``parse_file(path)`` returns the GOLD.md-shaped dict of one file. Groups:
    ``seeds``, ``seeds-clean``, ``seeds-ocr``, ``dev/tl``, ``dev/files`` and
    ``dev/files-hard``.
    """
    corpus = Path(corpus_dir)
    sets = tuple(sets)
    report = Report(corpus=str(corpus), sets=sets)
    for s in sets:
        if s == "seeds":
            _run_seeds(corpus, parse_file, report)
        elif s == "dev/tl":
            _run_labelled(corpus, s, parse_file, report, lambda _label: "dev/tl")
        elif s == "dev/files":
            _run_labelled(corpus, s, parse_file, report, files_group)
        elif s == "seeds-scan":
            _run_seeds_scan(corpus, parse_file, report)
        else:
            raise ValueError(f"unknown set {s!r}; expected one of {', '.join(SETS + EXTRA_SETS)}")
    return report


# ---------------------------------------------------------------- formatting


def _fmt(v: float | None) -> str:
    return "    -" if v is None else f"{v:5.3f}"


def _short(v: Any, n: int = 90) -> str:
    s = json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else repr(v)
    return s if len(s) <= n else s[: n - 1] + "…"


def format_report(report: Report, details: bool = False) -> str:
    """A fixed-width table per group (field, P, R, F1, counts), aggregates and floors."""
    lines: list[str] = []
    floors = report.check_floors(only_present=True)
    for name, g in report.groups.items():
        lines.append(f"== {name}: {len(g.files)} files, {g.errors} parse errors")
        lines.append(f"{'field':<22} {'P':>5} {'R':>5} {'F1':>5} {'acc':>5} {'tp':>5} {'fp':>5} {'fn':>5} {'tn':>5}")
        for f in g.fields():
            c = g.counts[f]
            lines.append(
                f"{f:<22} {_fmt(c.precision)} {_fmt(c.recall)} {_fmt(c.f1)} {_fmt(c.accuracy)} "
                f"{c.tp:>5} {c.fp:>5} {c.fn:>5} {c.tn:>5}"
            )
        agg = g.aggregates()
        if "header" in agg:
            h = g.header()
            lines.append(f"{'header (micro F1)':<22} {_fmt(h.precision)} {_fmt(h.recall)} {_fmt(h.f1)} "
                         f"{'':>5} {h.tp:>5} {h.fp:>5} {h.fn:>5} {h.tn:>5}")
        if "references" in agg:
            lines.append(f"{'references F1':<22} {_fmt(agg['references'])}")
            lines.append(f"{'references.relation':<22} accuracy {_fmt(agg.get('references.relation'))}")
        for fc in floors:
            if fc.group == name:
                lines.append(f"  floor: {fc}")
        lines.append("")
    if details:
        lines.append("== details")
        for fr in report.files:
            if not fr.error and not fr.mismatches:
                continue
            lines.append(f"-- {fr.set}/{fr.file}")
            if fr.error:
                lines.append(f"   ERROR {fr.error}")
            for m in fr.mismatches:
                head = f"   {m.get('where', '')}: {m['field']}"
                if m.get("error") == "list":
                    if m.get("missing"):
                        lines.append(f"{head} missing {_short(m['missing'], 200)}")
                    if m.get("extra"):
                        lines.append(f"{head} extra {_short(m['extra'], 200)}")
                else:
                    lines.append(f"{head} [{m.get('error')}] got {_short(m.get('predicted'))}"
                                 f" want {_short(m.get('expected'))}")
        lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------- CLI


def _default_parse(path: Path) -> dict[str, Any]:
    from .pipeline import parse_path  # lazy: the pipeline is heavy and evolves separately

    return parse_path(path).to_json()


def _registry_parse(db: Path) -> ParseFn:
    """Parse as ingest into ``db`` would: the restorer knows the registry's names and numbers (read-only)."""
    from .pipeline import parse_path
    from .registry.known import RegistryKnown

    if not db.is_file():
        raise SystemExit(f"docparse eval: no registry at {db}")
    known = RegistryKnown(path=str(db))
    return lambda path: parse_path(path, known).to_json()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="docparse eval", description="Score the parser on the corpus.")
    ap.add_argument("--corpus", type=Path, default=None, help="corpus directory (default: the repo's corpus/)")
    ap.add_argument("--set", dest="sets", action="append", choices=SETS + EXTRA_SETS, metavar="NAME",
                    help=f"set to score, repeatable: {', '.join(SETS + EXTRA_SETS)} "
                         f"(default: {', '.join(SETS)})")
    ap.add_argument("--json", dest="json_out", type=Path, default=None, help="write the full report as JSON")
    ap.add_argument("--details", action="store_true", help="print per-file mismatches")
    ap.add_argument("--floors", action="store_true", help="exit 1 if a floor of the evaluated groups fails")
    ap.add_argument("--registry", type=Path, default=None,
                    help="parse with what this registry knows (its issuers, units and numbers), as ingest does")
    args = ap.parse_args(argv)

    corpus = args.corpus or default_corpus_dir()
    parse: ParseFn = _default_parse
    if args.registry is not None:
        parse = _registry_parse(args.registry)
    report = run_eval(corpus, parse, tuple(args.sets or SETS))
    print(format_report(report, details=args.details))
    if args.json_out:
        args.json_out.write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    if args.floors:
        failed = [fc for fc in report.check_floors(only_present=True) if not fc.ok]
        if failed:
            print("floors failed:")
            for fc in failed:
                print(f"  {fc}")
            return 1
        print("all floors pass")
    return 0


if __name__ == "__main__":
    sys.exit(main())
