"""What the pages show, as plain data and HTML fragments: dates, labels, the source text with its spans.

Nothing here touches the request or the database; :mod:`api.pages` reads
the registry and hands the rows to these helpers, and the templates print
what they return.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from html import escape
from typing import Any

from markupsafe import Markup

#: Labels of the header fields, in the order the review page lists them.
FIELD_LABELS = {
    "doc_type": "Loại văn bản",
    "number": "Số, ký hiệu",
    "issuer": "Cơ quan ban hành",
    "place": "Địa danh",
    "date": "Ngày ban hành",
    "subject": "Trích yếu",
    "attached_to": "Ban hành kèm theo văn bản",
    "signer": "Người ký",
    "recipients": "Nơi nhận",
}

#: What to type in each correctable field (shown under its input).
FIELD_HINTS = {
    "doc_type": "Ví dụ: Quyết định, Kế hoạch, Công văn",
    "number": "Ví dụ: 2168/QĐ-BTP",
    "issuer": "Ví dụ: Ủy ban nhân dân tỉnh Cao Bằng",
    "place": "Ví dụ: Cao Bằng",
    "date": "Ngày/tháng/năm, ví dụ 26/10/2020 (hoặc chỉ tháng/năm: 10/2020)",
    "subject": "Trích yếu nội dung văn bản",
    "attached_to": "Số của văn bản ban hành kèm, ví dụ 2168/QĐ-BTP",
}

RELATION_LABELS = {
    "implements": "triển khai",
    "basis": "căn cứ",
    "attached_to": "ban hành kèm theo",
    "transmits": "chuyển",
    "mentions": "nhắc đến",
}

#: How an incoming link reads from the cited document's side.
INCOMING_LABELS = {
    "implements": "triển khai văn bản này",
    "basis": "lấy văn bản này làm căn cứ",
    "attached_to": "ban hành kèm theo văn bản này",
    "transmits": "chuyển văn bản này",
    "mentions": "nhắc đến văn bản này",
}

STATE_LABELS = {
    "overdue": "Quá hạn",
    "due_soon": "Sắp đến hạn",
    "open": "Chưa xong",
    "done": "Đã xong",
    "no_date": "Không có hạn",
}

STATUS_LABELS = {"open": "Chưa thực hiện", "in_progress": "Đang thực hiện", "done": "Đã hoàn thành"}

TASK_PARTS = ("title", "lead", "support", "product", "deadline", "funding")
TASK_PART_LABELS = {"title": "Nhiệm vụ", "lead": "Chủ trì", "support": "Phối hợp", "product": "Sản phẩm",
                    "deadline": "Thời hạn", "funding": "Kinh phí"}

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_VN_DATE = re.compile(r"^\s*(?:(\d{1,2})\s*[/.-]\s*)?(?:(\d{1,2})\s*[/.-]\s*)?(\d{4})\s*$")


def vn_date(value: Any) -> str:
    """"2020-10-26" → "26/10/2020", "2021-03" → "03/2021", "2021" → "2021"; other text as is."""
    if not value:
        return ""
    text = str(value)
    m = _ISO.match(text)
    if not m:
        return text
    y, mo, d = m.groups()
    if d:
        return f"{d}/{mo}/{y}"
    return f"{mo}/{y}" if mo else y


def vn_datetime(value: Any) -> str:
    """An ISO timestamp ("2026-04-15T08:30:00+00:00") as "15/04/2026 08:30"."""
    text = str(value or "")
    if len(text) < 16:
        return vn_date(text)
    return f"{vn_date(text[:10])} {text[11:16]}"


def iso_from_vn(text: str | None) -> str | None:
    """What a clerk types as a date ("26/10/2020", "10/2020", "2020", or ISO) → the registry's ISO form.

    Returns the text unchanged when it is no date at all, so the registry's
    own check answers with its message.
    """
    if text is None:
        return None
    t = text.strip()
    if not t or _ISO.fullmatch(t):
        return t
    m = _VN_DATE.match(t)
    if not m:
        return t
    a, b, y = m.groups()
    if a and b:
        return f"{y}-{int(b):02d}-{int(a):02d}"
    if a:
        return f"{y}-{int(a):02d}"
    return y


def filesize(n: Any) -> str:
    n = int(n or 0)
    if n < 1024:
        return f"{n} byte"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def doc_title(doc: dict[str, Any] | None) -> str:
    """"Quyết định 2168/QĐ-BTP", "Kế hoạch (kèm theo 2168/QĐ-BTP)", "Văn bản #5"."""
    if not doc:
        return ""
    kind = doc.get("doc_type") or "Văn bản"
    number = (doc.get("number") or "").strip()
    if number and not number.startswith("/"):
        return f"{kind} {number}"
    if doc.get("attached_to"):
        return f"{kind} (kèm theo {doc['attached_to']})"
    if number:
        return f"{kind} {number} (số để trống)"
    return f"{kind} #{doc['id']}" if doc.get("id") else kind


_PROVINCE = re.compile(r"\b(tỉnh|thành phố)\s+(.+)$", re.IGNORECASE)


def short_issuer(issuer: str | None) -> str:
    """The province for a provincial body ("Ủy ban nhân dân tỉnh Bình Định" → "tỉnh Bình Định")."""
    if not issuer:
        return "?"
    m = _PROVINCE.search(issuer)
    return f"{m.group(1).lower()} {m.group(2)}" if m else issuer


def today() -> date:
    return date.today()


# ---------------------------------------------------------------- spans over the source text


def _pairs(value: Any) -> list[tuple[int, int]]:
    """[[s, e], ...] (or one [s, e]) as valid pairs; anything malformed is dropped, never raised."""
    if not isinstance(value, list | tuple):
        return []
    if len(value) == 2 and all(isinstance(x, int) for x in value):
        value = [value]
    out: list[tuple[int, int]] = []
    for p in value:
        if (isinstance(p, list | tuple) and len(p) == 2 and all(isinstance(x, int) for x in p)
                and 0 <= p[0] < p[1]):
            out.append((p[0], p[1]))
    return out


def span_keys(spans: Any) -> dict[str, list[tuple[int, int]]]:
    """The document's spans (``extracted["spans"]``) under the keys the page uses.

    ``f-<field>`` for a header field, ``r-<seq>`` for a reference,
    ``t-<seq>`` for a task's whole text and ``t-<seq>-<part>`` for its
    title, lead units, etc. Missing or malformed spans give no key (and so
    no highlight): the page still shows the field.
    """
    out: dict[str, list[tuple[int, int]]] = {}
    if not isinstance(spans, dict):
        return out
    for f in FIELD_LABELS:
        v = spans.get(f)
        if f == "recipients" and isinstance(v, list):
            pairs = [p for item in v for p in _pairs(item)]
        else:
            pairs = _pairs(v)
        if pairs:
            out[f"f-{f}"] = pairs
    for k, ref in enumerate(spans.get("references") or []):
        if pairs := _pairs(ref):
            out[f"r-{k}"] = pairs
    for k, task in enumerate(spans.get("tasks") or []):
        if not isinstance(task, dict):
            continue
        if pairs := _pairs(task.get("task")):
            out[f"t-{k}"] = pairs
        for part in TASK_PARTS:
            if pairs := _pairs(task.get(part)):
                out[f"t-{k}-{part}"] = pairs
    return out


def _utf16_offsets(text: str) -> list[int] | None:
    """Code point → UTF-16 offset map when the text has astral characters (JS counts those twice)."""
    if all(ord(c) <= 0xFFFF for c in text):
        return None
    out, n = [], 0
    for c in text:
        out.append(n)
        n += 2 if ord(c) > 0xFFFF else 1
    out.append(n)
    return out


def source_html(body: str, keys: dict[str, list[tuple[int, int]]]) -> Markup:
    """The body as HTML: text escaped, each piece covered by spans wrapped in ``<span data-k="keys">``.

    Spans may overlap (a reference inside the subject, a task's lead inside
    the task), so the text is cut at every span boundary and each piece
    lists every key covering it; the script then lights the pieces of the
    key a clerk picks. Header fields are marked from the start (``hf``).
    Offsets past the end of the body are clipped.
    """
    body = (body or "").replace("\r", " ")  # an HTML parser would fold CR LF into LF and shift offsets
    n = len(body)
    starts: dict[int, list[str]] = {}
    ends: dict[int, list[str]] = {}
    for key, pairs in keys.items():
        for s, e in pairs:
            s, e = min(s, n), min(e, n)
            if s < e:
                starts.setdefault(s, []).append(key)
                ends.setdefault(e, []).append(key)
    cuts = sorted({0, n, *starts, *ends})
    active: dict[str, int] = {}
    parts: list[str] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        for k in ends.get(a, ()):
            active[k] -= 1
            if not active[k]:
                del active[k]
        for k in starts.get(a, ()):
            active[k] = active.get(k, 0) + 1
        text = escape(body[a:b], quote=False)
        if active:
            names = sorted(active)
            cls = ' class="hf"' if any(k.startswith("f-") for k in names) else ""
            parts.append(f'<span data-k="{" ".join(names)}"{cls}>{text}</span>')
        else:
            parts.append(text)
    return Markup("".join(parts))


def field_rows(doc: dict[str, Any], extracted: dict[str, Any], corrections: list[dict[str, Any]],
               keys: dict[str, list[tuple[int, int]]], correctable: Iterable[str]) -> list[dict[str, Any]]:
    """One row per header field: label, value shown, the extraction when corrected, its span key."""
    editable = set(correctable)
    corrected = {c["field"] for c in corrections}
    rows = []
    for f, label in FIELD_LABELS.items():
        if f == "signer":
            s = doc.get("signer") or {}
            value = ", ".join(x for x in (" ".join(y for y in (s.get("mode"), s.get("for")) if y),
                                          s.get("title"), s.get("name")) if x) if isinstance(s, dict) else str(s)
        elif f == "recipients":
            value = "; ".join(doc.get("recipients") or [])
        else:
            value = doc.get(f)
        shown = vn_date(value) if f == "date" else value
        rows.append({"field": f, "label": label, "value": value or "", "shown": shown or "",
                     "editable": f in editable, "hint": FIELD_HINTS.get(f, ""),
                     "input_value": vn_date(value) if f == "date" else (value or ""),
                     "corrected": f in corrected, "extracted": extracted.get(f),
                     "extracted_shown": vn_date(extracted.get(f)) if f == "date" else extracted.get(f),
                     "key": f"f-{f}" if f"f-{f}" in keys else None, "long": f in ("subject", "recipients")})
    return rows


# ---------------------------------------------------------------- links, chains, implementations


def chain_view(steps: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """chain_up's steps split into the path (this document first) and the slips that forwarded it."""
    path = [s for s in steps if "transmits" not in s]
    slips = [s for s in steps if "transmits" in s]
    for s in path + slips:
        s["title"] = doc_title(s) if s.get("id") else f"{s.get('doc_type') or 'Văn bản'} {s.get('number') or ''}"
        s["relation_label"] = RELATION_LABELS.get(s.get("relation") or "", s.get("relation") or "")
    by_id = {s["id"]: s for s in path if s.get("id")}
    for s in slips:
        s["forwards"] = by_id.get(s["transmits"])
    return {"path": path, "slips": slips}


def implementation_table(impl: dict[str, Any] | None) -> dict[str, Any] | None:
    """implementations() as rows (decision tasks) × columns (implementing plans); None when no plan."""
    if not impl or not impl.get("plans"):
        return None
    plans = []
    for p in impl["plans"]:
        plan = p["plan"]
        by_task = {m["decision_task_id"]: m for m in p["matches"]}
        plans.append({"plan": plan, "label": short_issuer(plan.get("issuer")), "title": doc_title(plan),
                      "through": p["via"].get("through"), "relation": p["via"].get("relation"),
                      "by_task": by_task, "count": len(by_task)})
    return {"decision": impl["decision"], "source": impl["task_source"], "tasks": impl["decision_tasks"],
            "plans": plans}
