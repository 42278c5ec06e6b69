"""``python -m bench generate``: a registry of 300 documents grown from the seeds, varied consistently.

One registry is built for the module (the seeds only, so that it takes seconds);
the checks read it as the service would: rows, references, tasks, search, links.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # bench/ is a folder of the repository, not an installed package
    sys.path.insert(0, str(ROOT))

from bench.generate import CITIES, FIRST_YEAR, LAST_YEAR, PROVINCES, generate, main  # noqa: E402
from docparse.normalize import fold  # noqa: E402
from docparse.pipeline import parse_bytes  # noqa: E402
from docparse.registry.db import connect  # noqa: E402
from docparse.registry.keys import is_identifying, number_key  # noqa: E402
from docparse.registry.links import links  # noqa: E402
from docparse.registry.search import search  # noqa: E402

SEEDS = ROOT / "corpus" / "seeds"
N = 300
SEED_DECISIONS = ("2168/QD-BTP", "148/QD-BTP")


def _quiet(_: str) -> None:
    pass


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("bench") / "registry.db"
    summary = generate(path, N, seed=7, batch=120, templates=[SEEDS], log=_quiet)
    db = connect(path)
    yield db, summary
    db.conn.close()


def _generated(db: Any, summary: Any) -> list[dict[str, Any]]:
    return list(db.query("SELECT * FROM documents WHERE id > ? ORDER BY id", [summary.originals]))


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", fold(text or ""))


def test_count_and_originals_first(built: Any) -> None:
    db, summary = built
    assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == N == summary.documents
    # the seeds themselves come first, as `docparse ingest corpus/seeds` stores them
    assert summary.originals == 10
    names = [r[0] for r in db.execute("SELECT name FROM files ORDER BY rowid LIMIT 5")]
    assert names == sorted(p.name for p in SEEDS.glob("*.txt"))
    assert db.execute("SELECT count(*) FROM files WHERE name LIKE 'bench-%'").fetchone()[0] > 100


def test_numbers_distinct_and_unique_per_issuer_and_year(built: Any) -> None:
    db, summary = built
    docs = [d for d in _generated(db, summary) if is_identifying(d["number"])]
    assert len(docs) > 100
    assert len({d["number"] for d in docs}) > 0.9 * len(docs)
    groups = db.execute("SELECT group_concat(id) FROM documents WHERE number_seq GLOB '[0-9]*' "
                        "GROUP BY number_key, issuer_key, year HAVING count(*) > 1").fetchall()
    # the one duplicate is the corpus's own: seed 003 is an OCR copy of the slip of seed 000
    assert all(max(map(int, g[0].split(","))) <= summary.originals for g in groups)
    assert db.execute("SELECT count(*) FROM documents WHERE duplicate_of IS NOT NULL AND id > ?",
                      [summary.originals]).fetchone()[0] == 0
    # the symbol keeps its shape: the template's symbols only, with new sequence numbers
    symbols = {d["number_symbol"] for d in docs}
    assert symbols <= {"KH-UBND", "PC-VP", "QD-BTP", "QD-UBND"}, symbols


def test_years_dates_and_deadlines(built: Any) -> None:
    db, summary = built
    docs = _generated(db, summary)
    years = [d["year"] for d in docs if d["year"]]
    assert len(years) == len(docs)
    assert all(FIRST_YEAR <= y <= LAST_YEAR for y in years)
    assert len(set(years)) >= 8
    assert all(re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", d["date"]) for d in docs)
    tasks = list(db.query("SELECT t.due, d.year FROM tasks t JOIN documents d ON d.id = t.document_id "
                          "WHERE d.id > ? AND t.due IS NOT NULL", [summary.originals]))
    assert len(tasks) > 200
    # deadlines move with the document: a plan of year Y is due from Y - 1 on (a quarter begun before signing)
    assert all(int(t["due"][:4]) >= t["year"] - 1 for t in tasks)
    assert len({t["due"][:4] for t in tasks}) >= 8


def test_provinces_spelled_as_listed(built: Any) -> None:
    db, summary = built
    names = sorted((*PROVINCES, *CITIES), key=len, reverse=True)
    assert len(PROVINCES) == 58 and len(CITIES) == 5 and len(set(names)) == 63
    seen = set()
    for d in _generated(db, summary):
        m = re.search(r"(?:tỉnh|thành phố) (.+)$", d["issuer"] or "")
        if m:
            assert m.group(1) in names, d["issuer"]
            seen.add(m.group(1))
            # the body names it too, and no longer the template's province (unless drawn again)
            assert fold(m.group(1)) in fold(d["body"])
    assert len(seen) >= 20


def test_references_fan_in_to_the_seed_decisions(built: Any) -> None:
    db, summary = built
    rows = list(db.query("SELECT r.number_key, r.relation, count(*) AS n FROM refs r WHERE r.document_id > ? "
                         "GROUP BY 1, 2", [summary.originals]))
    citing = {(r["number_key"], r["relation"]): r["n"] for r in rows}
    implementing = sum(n for (k, rel), n in citing.items()
                       if k in SEED_DECISIONS and rel in ("implements", "basis"))
    assert implementing >= 30
    assert citing.get(("2168/QD-BTP", "implements"), 0) + citing.get(("148/QD-BTP", "implements"), 0) >= 5
    # and the link page of the registered 2168/QĐ-BTP lists them
    target = db.execute("SELECT id FROM documents WHERE number_key = '2168/QD-BTP'").fetchone()[0]
    incoming = links(db, target)["incoming"]
    assert len({i["source"]["id"] for i in incoming}) >= 20


def test_own_number_in_the_text_and_spans_moved(built: Any) -> None:
    db, summary = built
    files = {r["sha256"]: r["data"].decode("utf-8") for r in db.query("SELECT sha256, data FROM files")}
    checked = 0
    for d in _generated(db, summary):
        ex = json.loads(d["extracted"])
        spans = ex["spans"]
        body = d["body"]
        if is_identifying(d["number"]):
            assert _squeeze(d["number"]) in _squeeze(files[d["file_sha256"]])
        if "number" in spans:
            assert _squeeze(" ".join(body[a:b] for a, b in spans["number"])) == _squeeze(d["number"])
            checked += 1
        assert _squeeze(" ".join(body[a:b] for a, b in spans["subject"])) == _squeeze(d["subject"])
        for ref, where in zip(ex["references"], spans.get("references", []), strict=True):
            if ref["number"] in ("2168/QĐ-BTP", "148/QĐ-BTP") and where:
                assert number_key(ref["number"]) in number_key(" ".join(body[a:b] for a, b in where)) or \
                    _squeeze(ref["number"]) in _squeeze(" ".join(body[a:b] for a, b in where))
    assert checked > 50


def test_reparsing_a_generated_file_gives_its_rows(built: Any) -> None:
    """The JSON says what the text says: the parser, run on a generated plan, finds the same fields."""
    db, summary = built
    files = list(db.query("SELECT sha256, data FROM files WHERE name LIKE 'bench-%001_4d3cbe0d2efac68f%' "
                          "ORDER BY rowid LIMIT 6"))
    assert files
    for f in files:
        (parsed,) = parse_bytes(f["data"], "plan.txt").documents
        got = parsed.to_json()
        (row,) = db.query("SELECT extracted FROM documents WHERE file_sha256 = ?", [f["sha256"]])
        ex = json.loads(row["extracted"])
        for key in ("number", "date", "place", "subject", "signer", "spans"):
            assert got[key] == ex[key], key
        assert [(r["number"], r["relation"], r["date"]) for r in got["references"]] == \
            [(r["number"], r["relation"], r["date"]) for r in ex["references"]]
        assert [(t["no"], t["title"], t["deadline"]) for t in got["tasks"]] == \
            [(t["no"], t["title"], t["deadline"]) for t in ex["tasks"]]


def test_search_finds_a_varied_number(built: Any) -> None:
    db, summary = built
    docs = [d for d in _generated(db, summary) if is_identifying(d["number"])][::17]
    assert len(docs) >= 5
    for d in docs:
        found = search(db, d["number"])
        assert found["kind"] == "number"
        assert d["id"] in [r["id"] for r in found["results"]]
    word = search(db, "ho tich")  # and words, as usual
    assert word["total"] > 50


def test_same_seed_same_registry(tmp_path: Path) -> None:
    def build(name: str, seed: int) -> list[tuple[Any, ...]]:
        path = tmp_path / name
        generate(path, 40, seed=seed, batch=15, templates=[SEEDS], log=_quiet)
        db = connect(path)
        try:
            return [tuple(r) for r in db.execute("SELECT number, issuer, date, subject, body, extracted, "
                                                 "file_sha256 FROM documents ORDER BY id")]
        finally:
            db.conn.close()

    a, b, c = build("a.db", 3), build("b.db", 3), build("c.db", 4)
    assert a == b
    assert a != c


def test_cli_refuses_an_existing_registry(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    path.write_bytes(b"not empty")
    with pytest.raises(SystemExit, match="exists"):
        main(["generate", "--db", str(path), "--docs", "5", "--templates", str(SEEDS)])
