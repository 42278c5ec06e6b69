"""Field labels of a task ("Đơn vị chủ trì:", "Thời gian hoàn thành:" ...).

The labels and their spellings are data (``rules/tasks.yaml``); this module
compiles them once and answers one question: does this text open with a
field label, and which field is it.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from rapidfuzz import fuzz

from .. import rules
from ..normalize import fold, fold_alternation


@cache
def config() -> dict:
    """``rules/tasks.yaml``."""
    return rules.load("tasks")


@cache
def _label_re() -> tuple[re.Pattern[str], dict[str, str]]:
    cfg = config()
    owner: dict[str, str] = {}
    for name, labels in cfg["fields"].items():
        for label in labels:
            owner[fold(label)] = name
    for label in cfg["body_labels"]:
        owner.setdefault(fold(label), "body")
    alts = fold_alternation(owner)
    extra = int(cfg.get("label_extra_words", 6))
    # label, then either a colon (after a few more words at most) or the end.
    pat = re.compile(rf"^\s*({alts})(?P<more>(?:\s+[^\s:]+){{0,{extra}}}?)\s*(?P<colon>:|$)")
    return pat, owner


def _key(label: str) -> str:
    return re.sub(r"\s+", " ", label)


#: The outline walk asks about the same item several times (as a task, as a field of its
#: parent, as the parent of fields): answers are kept, bounded (a text is its own key).
@lru_cache(maxsize=1 << 14)
def match_label(text: str, *, whole_line: str | None = None) -> tuple[str, str] | None:
    """(field, value) when ``text`` opens with a field label, else None.

    A label needs its colon ("Đơn vị chủ trì: Sở Tư pháp"), or must be the
    whole first line (``whole_line``: "a) Cơ quan thực hiện" with the value on
    the next lines), so that prose starting with "Thời gian qua, ..." is not
    taken for a field.
    """
    pat, owner = _label_re()
    f = fold(text)
    m = pat.match(f)
    if m and m.group("more") and not m.group("colon"):
        lost = _lost_colon(text, f)  # "Thời gian hoàn thành Quý IV/2024": the value, not more label
        if lost:
            return lost
    if m:
        name = owner[_key(m.group(1))]
        if m.group("more") and name not in ("funding", "body", "deadline", "product"):
            # "Cơ quan chủ trì thực hiện: ..." is a label; "Chủ trì, phối hợp với
            # X thực hiện: ..." is prose. Only these fields take extra words.
            m = None
        if m:
            return name, text[m.end():].strip()
    fuzzy = _fuzzy_label(f)
    if fuzzy:
        name, end = fuzzy
        return name, text[end:].strip()
    lost = _lost_colon(text, f)
    if lost:
        return lost
    if whole_line is not None:
        fw = fold(whole_line).strip().rstrip(":").strip()
        wl = _key(fw)
        if wl in owner and f.startswith(fw):
            return owner[wl], text[len(fw):].lstrip(" :").strip()
    return None


_MIN_FUZZY = 78


@cache
def _lost_colon_re() -> re.Pattern[str]:
    cfg = config()
    labels = [x for name in cfg.get("lost_colon_fields", []) for x in cfg["fields"][name] if len(x.split()) >= 2]
    return re.compile(rf"^\s*({fold_alternation(labels)})\s+(?=\S)")


def _lost_colon(text: str, f: str) -> tuple[str, str] | None:
    """A label whose colon the scan lost: "Sản phẩm Phương án triển khai ...".

    Only the fields of ``lost_colon_fields`` (rules/tasks.yaml), by a label of
    two words or more, and only when the value starts a new sentence (a
    capital or a digit right after the label).
    """
    m = _lost_colon_re().match(f)
    if not m or not (text[m.end()].isupper() or text[m.end()].isdigit()):
        return None
    _, owner = _label_re()
    return owner[_key(m.group(1))], text[m.end():].strip()


def _fuzzy_label(f: str) -> tuple[str, int] | None:
    """An OCR-damaged label before its colon ("Pon vi chi tri:", "San phim:").

    Only a short prefix ending in ":" (or the ";" OCR makes of it) is
    compared, so prose is not read as a field.
    """
    m = re.match(r"^\s*([^:;]{4,60}?)\s*[:;]", f)
    if not m:
        return None
    prefix = re.sub(r"\s+", " ", m.group(1).strip())
    words = len(prefix.split())
    _, owner = _label_re()
    best, best_name = 0.0, None
    for label, name in owner.items():
        n = len(label.split())
        if name == "body":
            continue
        if words == n or abs(words - n) <= 1:
            score = fuzz.ratio(prefix, label)
        elif name in ("funding", "deadline") and words > n:
            score = fuzz.ratio(" ".join(prefix.split()[:n]), label)
        else:
            continue
        if score > best:
            best, best_name = score, name
    if best_name is None or best < _MIN_FUZZY:
        return None
    return best_name, m.end()


def section_kind(title: str) -> str | None:
    """"responsibility", "skip" or None for a section heading's text."""
    cfg = config()
    f = re.sub(r"[^a-z ]+", "", fold(title)).strip()  # OCR: "TO CHU'C THU'C HIEN"
    for kind, key in (("responsibility", "responsibility_sections"), ("skip", "not_task_sections")):
        for s in cfg[key]:
            label = fold(s)
            if f.startswith(label) or fuzz.ratio(f[: len(label) + 2], label) >= 88:
                return kind
    return None


@cache
def _procedure_re() -> re.Pattern[str]:
    alts = fold_alternation(config()["procedure_labels"])
    return re.compile(rf"^\s*(?:[-+]\s*|\d+(?:\.\d+)*\.?\s*|[a-z]\)\s*)?({alts})\b")


def describes_procedures(folds: list[str]) -> bool:
    """True for a document that lists administrative procedures (see rules/tasks.yaml)."""
    seen: set[str] = set()
    pat = _procedure_re()
    for f in folds:
        m = pat.match(f)
        if m:
            seen.add(re.sub(r"\s+", " ", m.group(1)))
    return len(seen) >= int(config()["procedure_min_labels"])
