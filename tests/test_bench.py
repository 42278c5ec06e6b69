"""The benchmarks of issue 7 on tiny inputs, so that ``python -m bench parse|ingest|search|memory`` cannot rot.

A few seed files, a 200-document registry grown from the seeds and a clone of it (the fast path
for big registries); each bench runs in this process (the service and ``docparse ingest`` as real
subprocesses for memory), prints its table and writes JSON.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # bench/ is a folder of the repository, not an installed package
    sys.path.insert(0, str(ROOT))

from bench import ingest as bench_ingest  # noqa: E402
from bench import memory as bench_memory  # noqa: E402
from bench import parse as bench_parse  # noqa: E402
from bench import search as bench_search  # noqa: E402
from bench.common import percentile, summary, table, write_json  # noqa: E402
from bench.generate import generate, multiply  # noqa: E402

SEEDS = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))
DOCX = sorted((ROOT / "corpus" / "dev" / "files").glob("d01_*.docx"))


def _quiet(_: str) -> None:
    pass


@pytest.fixture(scope="module")
def registries(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("bench")
    base, big = d / "base.db", d / "big.db"
    generate(base, 200, seed=3, batch=100, templates=[ROOT / "corpus" / "seeds"], log=_quiet)
    s = multiply(base, big, 400, seed=3, sample=50, log=_quiet)
    assert s.documents == 400
    return base, big


def test_percentiles_and_table() -> None:
    assert percentile(list(range(1, 101)), 95) == 95 and percentile([3.0], 99) == 3.0
    assert summary([0.001, 0.002, 0.003], 1000)["p50"] == 2.0
    assert "a" in table(["x", "y"], [["a", 1.5]])


def test_parse_stages_add_up(tmp_path: Path) -> None:
    run = bench_parse.one_run("txt", 1, files=SEEDS[:2])
    docx = bench_parse.one_run("docx", 1, files=DOCX)
    res = {"txt": bench_parse.aggregate("txt", [run]), "docx": bench_parse.aggregate("docx", [docx])}
    assert res["txt"]["files"] == 2 and res["txt"]["files_per_s"]["median"] > 0
    # the stages are the pipeline: CPU time (wall time swings with the load of a shared machine)
    stages = sum(res["txt"]["stage_cpu_ms_per_file"].values())
    assert 0.25 < stages / (1000 / res["txt"]["files_per_cpu_s"]["median"]) < 4
    assert res["docx"]["reader_files_per_s"]["median"] > 0
    assert "time per stage" in bench_parse.report(res)
    out = write_json(tmp_path / "parse.json", "parse", {"results": res})
    assert json.loads(out.read_text())["machine"]["nproc"] >= 1


def test_ingest_in_process(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    paths = bench_ingest.batch(tmp_path / "in", 2, SEEDS[:2])
    assert len(paths) == 4 and paths[0].read_bytes() != paths[2].read_bytes()
    r = bench_ingest.one_run(paths, 0, tmp_path / "reg.db")
    assert r["files"] == 4 and r["errors"] == 0 and r["documents"] >= 4 and r["steady_docs_per_s"] > 0


def test_clones_are_searchable(registries: tuple[Path, Path]) -> None:
    from docparse.registry.db import connect
    from docparse.registry.search import search

    _, big = registries
    db = connect(big)
    row = db.execute("SELECT number, issuer, year FROM documents WHERE id > 200 AND number_key GLOB '[0-9]*' "
                     "LIMIT 1").fetchone()
    found = search(db, row[0])
    assert found["kind"] == "number" and any(r["number"] == row[0] for r in found["results"])
    assert search(db, "hộ tịch", year=row[2])["kind"] == "text"
    assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == 400
    db.conn.close()


def test_search_bench(registries: tuple[Path, Path]) -> None:
    base, big = registries
    results = [bench_search.bench_db(p, 6, 1, 2, 0, _quiet) for p in (base, big)]
    for r in results:
        assert set(r["kinds"]) == {"words", "numbers", "filtered"}
        for k in r["kinds"].values():
            assert k["ms"]["n"] >= 6 and k["like_ms"]["n"] == 2
        assert r["size"]["mb"] > 0
    assert "LIKE p50" in bench_search.report(results)


def test_memory_of_the_service_and_an_ingest(registries: tuple[Path, Path], tmp_path: Path) -> None:
    base, _ = registries
    s: dict[str, Any] = bench_memory.search_load(base, 20, 4)
    assert s["requests"] == 20 and s["peak_rss_sum_mb"] >= s["idle_rss_mb"] > 10
    empty = tmp_path / "rong.txt"  # refused before any model loads: the poller and the CLI, in a second
    empty.write_bytes(b"")
    g = bench_memory.ingest_memory([str(empty)], 1)
    assert g["exit"] == 1 and g["stored_files"] == 0 and g["peak_rss_sum_mb"] > 10 and g["samples"] > 0
