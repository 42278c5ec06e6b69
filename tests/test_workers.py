"""The worker pool: limits that really stop a worker, replacement, order, and batch ingest on every core.

Jobs given to a pool are top-level functions; the small ones below are
imported by the workers from this module (the pool hands its sys.path on).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from docparse import workers
from docparse.readers import ReadError
from docparse.registry.db import open_db
from docparse.registry.ingest import extract, ingest_paths
from docparse.workers import ParseLimitError, Pool

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))
HANG = "TREO-MAI"


def _echo_after(value: int, delay: float) -> int:
    time.sleep(delay)
    return value


def _allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _raise() -> None:
    raise KeyError("một lỗi của bộ phân tích")


def _frozen() -> tuple[int, bool]:
    """(objects frozen out of the cyclic collector, is the unit gazetteer among those it still walks)."""
    import gc

    from docparse.tasks.gazetteer import gazetteer

    g = gazetteer()
    return gc.get_freeze_count(), any(o is g for o in gc.get_objects())


def _gone(pid: int) -> bool:
    return not Path(f"/proc/{pid}").exists()


def test_a_stuck_worker_is_killed_at_the_limit_and_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(workers.DEBUG_HANG_ENV, HANG)  # the documented debug hook: such a job sleeps for ever
    with Pool(1, timeout=2, warm_up=False) as pool:
        (first,) = pool.pids()
        t0 = time.monotonic()
        with pytest.raises(ParseLimitError) as err:
            pool.call(extract, (HANG + " không bao giờ xong").encode(), "treo.txt")
        took = time.monotonic() - t0
        assert 2.0 <= took < 5.0
        assert err.value.kind == "timeout" and isinstance(err.value, ReadError)
        assert str(err.value) == "Quá thời gian xử lý (2 giây): tệp quá phức tạp hoặc bị hỏng, đã dừng phân tích"
        assert _gone(first)
        (second,) = pool.pids()
        assert second != first and pool.replaced == 1
        got = pool.call(extract, SEEDS[1].read_bytes(), SEEDS[1].name, timeout=60)
        assert got.documents[0][0]["number"] == "3510/KH-UBND"


def test_a_worker_over_its_memory_cap_answers_and_is_replaced() -> None:
    with Pool(1, memory_mb=400, warm_up=False) as pool:
        (first,) = pool.pids()
        assert pool.call(_allocate, 50) == 50 * 1024 * 1024
        with pytest.raises(ParseLimitError) as err:
            pool.call(_allocate, 2000)
        assert err.value.kind == "memory" and "Không đủ bộ nhớ" in str(err.value)
        assert pool.pids() != [first] and pool.replaced == 1
        assert pool.call(_allocate, 50) == 50 * 1024 * 1024


def test_a_worker_that_dies_is_replaced_and_a_parser_bug_is_only_an_error() -> None:
    with Pool(1, warm_up=False) as pool:
        (first,) = pool.pids()
        with pytest.raises(KeyError):
            pool.call(_raise)  # the worker survives a parser's exception ...
        assert pool.pids() == [first] and pool.replaced == 0
        with pytest.raises(ParseLimitError) as err:
            pool.call(_die)  # ... and is replaced when it dies
        assert err.value.kind == "crash" and "\n" not in str(err.value)
        assert pool.pids() != [first] and pool.replaced == 1
        assert pool.call(_echo_after, 7, 0) == 7


def test_imap_runs_in_parallel_and_answers_in_input_order() -> None:
    with Pool(2, warm_up=False) as pool:
        pool.call(_echo_after, 0, 0)  # both started; the first call waited for its worker's start
        t0 = time.monotonic()
        delays = [0.8, 0.1, 0.6, 0.1, 0.4, 0.1]
        got = [f.result() for f in pool.imap(_echo_after, [(k, d) for k, d in enumerate(delays)])]
        took = time.monotonic() - t0
    assert got == list(range(len(delays)))
    assert took < sum(delays) * 0.8  # two at a time


def test_close_leaves_no_worker_behind() -> None:
    pool = Pool(2, warm_up=False)
    pids = pool.pids()
    assert len(pids) == 2
    pool.close()
    assert all(_gone(p) for p in pids)
    with pytest.raises(RuntimeError):
        pool.call(_echo_after, 1, 0)


def test_parse_returns_the_parsed_file() -> None:
    with Pool(1) as pool:
        parsed = pool.parse(SEEDS[1].read_bytes(), SEEDS[1].name)
    assert parsed.file == SEEDS[1].name and parsed.documents[0].header.number == "3510/KH-UBND"


@pytest.mark.parametrize("warm_up", [True, False])
def test_the_loaded_models_are_settled_out_of_the_collectors_walks(warm_up: bool) -> None:
    """A warm worker has settled its models before its first job; a cold one after the job that loaded them."""
    with Pool(1, warm_up=warm_up) as pool:
        first = pool.call(_frozen)
        second = pool.call(_frozen)
    if warm_up:
        assert first[0] > 10_000 and not first[1]
    else:
        assert first[1]  # loaded by this job: still walked while it runs
    assert second[0] > 10_000 and not second[1]


# ----------------------------------------------------------------- batch ingest


def _batch(tmp_path: Path) -> list[Path]:
    """Seeds (the bundle 003 first: the slowest), a repeat, a broken file, a missing one."""
    broken = tmp_path / "hong.docx"
    broken.write_bytes(b"PK\x03\x04 not a zip")
    again = tmp_path / "lan-hai.txt"
    again.write_bytes(SEEDS[1].read_bytes())
    slow_first = sorted(SEEDS, key=lambda p: not p.name.startswith("003"))
    return [*slow_first, broken, again, tmp_path / "khong-co.txt"]


def _registry(db: Path) -> tuple[list[tuple], ...]:
    """Which file got which row and which document id, and the units' canonical names (what a batch's
    timing, and which process works the names out, must not change)."""
    with sqlite3.connect(db) as conn:
        files = conn.execute("SELECT rowid, sha256, name FROM files ORDER BY rowid").fetchall()
        docs = conn.execute("SELECT id, file_sha256, seq FROM documents ORDER BY id").fetchall()
        units = conn.execute("SELECT task_id, role, pos, name, unit FROM task_units ORDER BY task_id, role, pos"
                             ).fetchall()
        charged = conn.execute("SELECT document_id, name, unit FROM responsibilities ORDER BY id").fetchall()
        canonical = conn.execute("SELECT canonical, name FROM units ORDER BY canonical, name").fetchall()
    assert units and charged  # the seeds have both: the comparison means something
    return files, docs, units, charged, canonical


def test_a_batch_on_workers_gets_the_ids_of_a_batch_in_process(tmp_path: Path) -> None:
    paths = _batch(tmp_path)
    results = {}
    for jobs in (0, 2):
        db = open_db(tmp_path / f"jobs{jobs}.db")
        results[jobs] = [(r.file, r.status, r.error) for r in ingest_paths(db, paths, jobs=jobs)]
        db.conn.close()
    assert results[0] == results[2]
    assert [s for _, s, _ in results[2]] == ["created"] * 5 + ["error", "existing", "error"]
    assert _registry(tmp_path / "jobs0.db") == _registry(tmp_path / "jobs2.db")


def test_the_writing_process_of_a_batch_on_workers_loads_no_model(tmp_path: Path) -> None:
    """The workers name the units canonically; the process that writes only writes (no gazetteer, no spaCy)."""
    code = ("import sys; from pathlib import Path; from docparse.registry.db import open_db; "
            "from docparse.registry.ingest import ingest_paths; "
            f"r = ingest_paths(open_db(Path({str(tmp_path / 'lib.db')!r})), [Path(p) for p in sys.argv[1:]], jobs=2); "
            "assert [x.status for x in r] == ['created'] * len(r), r; "
            "print('spacy' in sys.modules)")
    res = subprocess.run([sys.executable, "-c", code, *map(str, SEEDS)], capture_output=True, text=True, cwd=ROOT,
                         timeout=300)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "False"


def test_the_cli_ingests_on_workers_with_the_same_ids(tmp_path: Path) -> None:
    paths = _batch(tmp_path)
    db = open_db(tmp_path / "lib.db")
    ingest_paths(db, paths)
    db.conn.close()
    res = subprocess.run([sys.executable, "-m", "docparse.cli", "ingest", "-q", "--jobs", "2", "--timeout", "120",
                          "--db", str(tmp_path / "cli.db"), *map(str, paths)],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert res.returncode == 1  # the broken and the missing file
    lines = res.stderr.splitlines()
    assert len(lines) == 3 and lines[-1].startswith("5 tệp mới, 1 tệp đã có, 2 tệp lỗi"), res.stderr
    assert _registry(tmp_path / "lib.db") == _registry(tmp_path / "cli.db")


def test_jobs_must_not_be_negative(tmp_path: Path) -> None:
    res = subprocess.run([sys.executable, "-m", "docparse.cli", "ingest", "--jobs", "-1", str(SEEDS[0])],
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert res.returncode == 2 and "--jobs" in res.stderr
