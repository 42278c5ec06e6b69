"""Build the syllable language model of ``rules/lexicon/`` (docparse/restore.py).

Sources, and only these:

* ``corpus/dev/tl/*.txt``: 99 clean administrative documents (counts ``tl``).
  The seeds are never read: 003 is an OCR copy of 000, training on the
  seeds would leak the answers of the 003 evaluation;
* the place names of ``rules/places.yaml`` (provinces, towns; counts
  ``place``, weighted by ``params.place_weight``);
* the Viet74K word list that ships inside the ``underthesea`` PyPI package
  (Apache-2.0; ``underthesea/corpus/data/Viet74K.txt``): its syllables and
  the syllable bigrams inside its words (counts ``lex``, down-weighted at load
  time by ``params.lex_weight`` of ``ocr_confusions.yaml``).

The word list is read from an installed ``underthesea``, or from a wheel or
text file given with ``--wordlist``; without network access to PyPI, get the
wheel with ``pip download --no-deps underthesea==9.5.0 -d /tmp/uts``.

Output (deterministic, gzip without timestamps): ``unigrams.tsv.gz``
(form, tl, lex, place), ``bigrams.tsv.gz`` (w1, w2, tl, lex, place; ``<s>`` is a boundary,
``<sym>`` a number or code) and ``manifest.json`` (sources, hashes, sizes).

    python scripts/build_lexicon.py [--wordlist PATH] [--out rules/lexicon]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import json
import sys
import zipfile
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docparse.normalize import fold, normalize_text  # noqa: E402
from docparse.restore import BOS, SYM, is_syllable, lm_tokens  # noqa: E402

WORDLIST_MEMBER = "underthesea/corpus/data/Viet74K.txt"


def find_wordlist(arg: str | None) -> tuple[str, bytes]:
    """``(description, raw bytes)`` of Viet74K."""
    if arg:
        path = Path(arg)
        if path.suffix == ".whl":
            with zipfile.ZipFile(path) as zf:
                return f"{path.name}:{WORDLIST_MEMBER}", zf.read(WORDLIST_MEMBER)
        return path.name, path.read_bytes()
    spec = importlib.util.find_spec("underthesea")
    if spec and spec.submodule_search_locations:
        for loc in spec.submodule_search_locations:
            path = Path(loc) / "corpus" / "data" / "Viet74K.txt"
            if path.exists():
                return f"installed underthesea:{WORDLIST_MEMBER}", path.read_bytes()
    sys.exit(
        "Viet74K not found: pip download --no-deps underthesea==9.5.0 -d /tmp/uts "
        "and pass --wordlist /tmp/uts/underthesea-9.5.0-py3-none-any.whl"
    )


def count_tl(tl_dir: Path) -> tuple[Counter[str], Counter[tuple[str, str]], int]:
    uni: Counter[str] = Counter()
    big: Counter[tuple[str, str]] = Counter()
    files = sorted(tl_dir.glob("*.txt"))
    for path in files:
        seq = [BOS, *lm_tokens(normalize_text(path.read_text(encoding="utf-8"))), BOS]
        for w in seq:
            if w not in (BOS, SYM):
                uni[w] += 1
        for a, b in zip(seq, seq[1:], strict=False):
            if not (a == BOS and b == BOS):
                big[a, b] += 1
    return uni, big, len(files)


def gazetteer(path: Path) -> list[str]:
    """Every name listed in a rule file (``rules/places.yaml``: provinces, towns)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [str(v) for vals in data.values() if isinstance(vals, list) for v in vals]


def count_wordlist(entries: list[str]) -> tuple[Counter[str], Counter[tuple[str, str]], int]:
    uni: Counter[str] = Counter()
    big: Counter[tuple[str, str]] = Counter()
    n = 0
    for line in entries:
        entry = normalize_text(line.strip()).lower().replace("-", " ")
        sylls = entry.split()
        if not sylls or not all(s.isalpha() and is_syllable(fold(s)) for s in sylls):
            continue
        n += 1
        uni.update(sylls)
        big.update(zip(sylls, sylls[1:], strict=False))
    return uni, big, n


def write_gz(path: Path, header: str, rows: list[str]) -> None:
    data = (header + "\n" + "\n".join(rows) + "\n").encode("utf-8")
    with (
        path.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
    ):
        gz.write(data)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tl", default=str(ROOT / "corpus" / "dev" / "tl"))
    ap.add_argument("--wordlist", help="Viet74K.txt or an underthesea wheel")
    ap.add_argument("--out", default=str(ROOT / "rules" / "lexicon"))
    args = ap.parse_args(argv)

    tl_dir, out = Path(args.tl), Path(args.out)
    if "seeds" in tl_dir.parts:
        sys.exit("the seeds must not be used for training")
    out.mkdir(parents=True, exist_ok=True)
    wl_name, wl_raw = find_wordlist(args.wordlist)

    tl_uni, tl_big, n_docs = count_tl(tl_dir)
    places = gazetteer(ROOT / "rules" / "places.yaml")
    lx_uni, lx_big, n_entries = count_wordlist(wl_raw.decode("utf-8").splitlines())
    pl_uni, pl_big, _ = count_wordlist(places)

    forms = sorted(set(tl_uni) | set(lx_uni) | set(pl_uni))
    write_gz(
        out / "unigrams.tsv.gz",
        "# form\ttl\tlex\tplace",
        [f"{w}\t{tl_uni[w]}\t{lx_uni[w]}\t{pl_uni[w]}" for w in forms],
    )
    pairs = sorted(set(tl_big) | set(lx_big) | set(pl_big))
    write_gz(
        out / "bigrams.tsv.gz",
        "# w1\tw2\ttl\tlex\tplace",
        [f"{a}\t{b}\t{tl_big[a, b]}\t{lx_big[a, b]}\t{pl_big[a, b]}" for a, b in pairs],
    )
    manifest = {
        "generator": "scripts/build_lexicon.py",
        "sources": {
            "tl": {"dir": "corpus/dev/tl", "documents": n_docs, "tokens": sum(tl_uni.values())},
            "lex": {
                "name": wl_name,
                "license": "Apache-2.0 (underthesea)",
                "sha256": hashlib.sha256(wl_raw).hexdigest(),
                "entries_used": n_entries,
            },
            "place": {"file": "rules/places.yaml", "names": len(places)},
        },
        "unigrams": len(forms),
        "bigrams": len(pairs),
        "files": {name: (out / name).stat().st_size for name in ("unigrams.tsv.gz", "bigrams.tsv.gz")},
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(json.dumps(manifest, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
