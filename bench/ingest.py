"""``python -m bench ingest``: documents per second into the registry, one process against a worker pool.

The batch is the text corpus (corpus/seeds, corpus/dev/tl, the .docx, text-layer .pdf and .doc of
corpus/dev/files; no scans: OCR would be the whole figure), with ``--copies`` - 1 more copies of
each .txt file (a line break added, so each copy is new bytes: parsed and stored again). Each
configuration (``--jobs 0``: parsed in the ingesting process; ``--jobs N``: on N worker processes,
:func:`docparse.registry.ingest.ingest_paths`) runs ``--runs`` times, each in a fresh process into a
new registry, the configurations alternated so that drift in the machine's speed hits them alike.
Figures per run: wall time, documents per second over the whole run and in steady state (the
second half of the files stored: the models' loading and the pool's start excluded), and the CPU
seconds of the process and its workers. Prints a table (medians, ranges), writes JSON
(bench/results/ingest.json).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .common import ROOT, spread, table, write_json
from .memory import tree

CORPUS = (ROOT / "corpus" / "seeds", ROOT / "corpus" / "dev" / "tl", ROOT / "corpus" / "dev" / "files")
SCANS = ("d13", "d14")
SUFFIXES = (".txt", ".docx", ".pdf", ".doc")


def corpus_files() -> list[Path]:
    out: list[Path] = []
    for d in CORPUS:
        out += sorted(p for p in d.iterdir() if p.suffix in SUFFIXES and not p.name.startswith(SCANS))
    return out


def batch(folder: Path, copies: int, files: list[Path] | None = None) -> list[Path]:
    """The batch's files, written to ``folder``: the corpus, and more copies of its .txt files."""
    out = []
    for k in range(copies):
        for p in files or corpus_files():
            if k and p.suffix != ".txt":
                continue
            dst = folder / (f"{k}-{p.name}")
            dst.write_bytes(p.read_bytes() + b"\n" * k)
            out.append(dst)
    return out


def _tree_cpu(pid: int) -> float:
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for p in tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        except (OSError, IndexError, ValueError):
            continue
    return total


def one_run(paths: list[Path], jobs: int, db_path: Path) -> dict[str, Any]:
    """Ingest ``paths`` into a new registry in this process (jobs as ``ingest_paths`` takes it)."""
    from docparse.registry.db import open_db
    from docparse.registry.ingest import ingest_paths

    db = open_db(db_path)
    stamps: list[float] = []
    cpu_at_end: list[float] = []
    n = len(paths)

    def progress(_res: Any) -> None:
        stamps.append(time.perf_counter())
        if len(stamps) == n:  # the workers are still alive: their CPU is readable now
            cpu_at_end.append(_tree_cpu(os.getpid()))

    t0 = time.perf_counter()
    results = ingest_paths(db, paths, progress, jobs=jobs)
    wall = time.perf_counter() - t0
    docs = db.execute("SELECT count(*) FROM documents").fetchone()[0]
    db.conn.close()
    # steady state: the second half of the files stored (a pool parses a chunk ahead and stores in
    # input order, so its first stores come in a burst after the workers' start; the second half
    # is parsed and stored at the pool's running rate)
    half = len(stamps) // 2
    steady = (stamps[-1] - stamps[half]) if len(stamps) > 2 else wall
    late_docs = sum(len(r.documents) for r in results[half + 1:]) if len(stamps) > 2 else docs
    return {"jobs": jobs, "files": n, "documents": docs,
            "errors": sum(r.status == "error" for r in results), "seconds": round(wall, 2),
            "to_first_s": round(stamps[0] - t0, 2) if stamps else None,
            "docs_per_s": round(docs / wall, 2), "steady_docs_per_s": round(late_docs / steady, 2),
            "cpu_s": round(cpu_at_end[0] if cpu_at_end else time.process_time(), 2),
            "loadavg": os.getloadavg()}


def run_fresh(jobs: int, copies: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="docparse-bench-") as tmp:
        out = Path(tmp) / "run.json"
        subprocess.run([sys.executable, "-m", "bench", "ingest", "--one", str(jobs), "--copies", str(copies),
                        "--json", str(out), "--workdir", tmp], cwd=ROOT, check=True)
        return json.loads(out.read_text())  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench ingest", description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, nargs="+", default=[0, 2], help="configurations (0 = in process)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--copies", type=int, default=2, help="copies of each .txt file in the batch")
    ap.add_argument("--files", nargs="+", help=argparse.SUPPRESS)  # tests: a small batch
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a single run in this process, jobs = ONE
    ap.add_argument("--workdir", help=argparse.SUPPRESS)
    ap.add_argument("--json", help="where to write the JSON (default bench/results/ingest.json)")
    args = ap.parse_args(argv)
    if args.one is not None:
        work = Path(args.workdir or tempfile.mkdtemp(prefix="docparse-bench-"))
        (work / "in").mkdir(exist_ok=True)
        files = [Path(f) for f in args.files] if args.files else None
        paths = batch(work / "in", args.copies, files)
        res = one_run(paths, args.one, work / "reg.db")
        Path(args.json).write_text(json.dumps(res))
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
        return 0
    runs: dict[int, list[dict[str, Any]]] = {j: [] for j in args.jobs}
    for _ in range(args.runs):
        for j in args.jobs:  # alternated: a slow spell of the machine hits every configuration
            if args.files:
                with tempfile.TemporaryDirectory(prefix="docparse-bench-") as tmp:
                    out = Path(tmp) / "run.json"
                    subprocess.run([sys.executable, "-m", "bench", "ingest", "--one", str(j), "--copies",
                                    str(args.copies), "--json", str(out), "--workdir", tmp, "--files", *args.files],
                                   cwd=ROOT, check=True)
                    runs[j].append(json.loads(out.read_text()))
            else:
                runs[j].append(run_fresh(j, args.copies))
            r = runs[j][-1]
            print(f"bench ingest: jobs {j}: {r['documents']} documents in {r['seconds']} s "
                  f"({r['steady_docs_per_s']} docs/s steady, {r['cpu_s']} CPU s)", file=sys.stderr, flush=True)
    res: dict[str, Any] = {}
    for j, rs in runs.items():
        res[str(j)] = {"runs": len(rs), "documents": rs[0]["documents"], "files": rs[0]["files"],
                       "seconds": spread([r["seconds"] for r in rs]),
                       "docs_per_s": spread([r["docs_per_s"] for r in rs]),
                       "steady_docs_per_s": spread([r["steady_docs_per_s"] for r in rs]),
                       "to_first_s": spread([r["to_first_s"] or 0 for r in rs]),
                       "cpu_s": spread([r["cpu_s"] for r in rs]),
                       "docs_per_cpu_s": spread([r["documents"] / r["cpu_s"] for r in rs if r["cpu_s"]]),
                       "loadavg": [round(r["loadavg"][0], 2) for r in rs]}
    base = res.get("0")
    for j, r in res.items():
        if base and j != "0":
            r["speedup_steady"] = round(r["steady_docs_per_s"]["median"] / base["steady_docs_per_s"]["median"], 2)
            r["speedup_total"] = round(r["docs_per_s"]["median"] / base["docs_per_s"]["median"], 2)
            r["speedup_pairs"] = [round(a["steady_docs_per_s"] / b["steady_docs_per_s"], 2)
                                  for a, b in zip(runs[int(j)], runs[0], strict=False)]
    rows = [[("in process" if j == "0" else f"{j} workers"), r["documents"],
             f"{r['steady_docs_per_s']['median']} ({r['steady_docs_per_s']['min']}-{r['steady_docs_per_s']['max']})",
             r["docs_per_s"]["median"], r["seconds"]["median"], r["to_first_s"]["median"], r["cpu_s"]["median"],
             r.get("speedup_steady"), r.get("speedup_total"), statistics.median(r["loadavg"])]
            for j, r in res.items()]
    print(table(["ingest", "docs", "steady docs/s (range)", "docs/s", "wall s", "1st s", "CPU s", "x steady",
                 "x total", "load"], rows, "ingest: docparse.registry.ingest.ingest_paths, fresh process per run"))
    print(f"\nJSON: {write_json(args.json, 'ingest', {'args': vars(args), 'results': res, 'runs': runs})}")
    return 0
