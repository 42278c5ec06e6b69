"""List candidate unit names found in the dev corpus, so rules/units.yaml can grow from real text.

The gazetteer is curated by hand (a candidate is a hint, not a name: "Sở Tư pháp
các tỉnh" is a name plus a scope), so this only prints, most frequent first,
the names that start with a head of the gazetteer and are not yet in it.

    .venv/bin/python scripts/harvest_units.py [--all] [--min 2] [--limit 300]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from docparse.normalize import collapse_ws, fold, normalize_text
from docparse.tasks.gazetteer import GROUP, HEAD, NAME, PRED, QUAL, gazetteer

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "corpus" / "dev"

# A name runs from its head over the words after it and stops where a name
# does not go on: punctuation other than "-", a number, a predicate of the
# gazetteer ("chủ trì"), or a small word that joins a name to what follows.
_STOP = {"các", "của", "tại", "theo", "trên", "với", "được", "đã", "này", "có", "để", "cho", "từ", "là", "về"}
_MAX_TOKENS = 14
def _texts() -> list[tuple[str, str]]:
    out = [(p.name, p.read_text(encoding="utf-8")) for p in sorted((DEV / "tl").glob("*.txt"))]
    try:
        from docparse.lines import to_lines
        from docparse.readers import read_file
    except ImportError:  # pragma: no cover - readers are part of the package
        return out
    for p in sorted((DEV / "files").glob("*")):
        if p.suffix.lower() not in {".docx", ".pdf"}:
            continue
        try:
            out.append((p.name, "\n".join(ln.text for ln in to_lines(read_file(p)))))
        except Exception:  # noqa: BLE001 - scanned or garbled files simply give nothing
            continue
    return out


def _known() -> set[str]:
    return {fold(e.text) for e in gazetteer().entries if e.label in {NAME, GROUP}}


def candidates(texts: list[tuple[str, str]]) -> Counter[str]:
    """Every run of words from a head of the gazetteer to where a name stops, counted."""
    from docparse.tasks.unit_lists import _Text

    found: Counter[str] = Counter()
    for _, raw in texts:
        t = _Text(collapse_ws(normalize_text(raw).replace("\n", " ")))
        for m in t.matches:
            if m.label != HEAD:
                continue
            k = m.j
            while k < t.n and k - m.i < _MAX_TOKENS:
                tok = t.toks[k].text
                if not (any(c.isalpha() for c in tok) or tok == "-") or tok[:1].isdigit():
                    break
                if tok.lower() in _STOP or (tok[:1].islower() and t.first(k, PRED, QUAL)):
                    break
                k += 1
            while k > m.j and t.toks[k - 1].text.lower() in {"và", "-"}:
                k -= 1
            name = t.words(m.i, k)
            words = name.split()
            if k > m.j and sum(w.isupper() for w in words) * 2 <= len(words):  # header capitals are not names
                found[name] += 1
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--all", action="store_true", help="also list names already in the gazetteer")
    ap.add_argument("--min", type=int, default=2, help="least number of mentions")
    ap.add_argument("--limit", type=int, default=300)
    args = ap.parse_args()
    known = set() if args.all else _known()
    shown = 0
    for name, n in candidates(_texts()).most_common():
        if n < args.min or fold(name) in known:
            continue
        print(f"{n:5d}  {name}")
        shown += 1
        if shown >= args.limit:
            break


if __name__ == "__main__":
    main()
