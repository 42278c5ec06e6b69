"""``python -m bench memory --db PATH``: peak memory of the service under a search load and of a batch ingest.

Both are real processes: ``docparse serve`` (uvicorn) answering ``--requests`` searches sent by
``--threads`` client threads (httpx), and ``docparse ingest --jobs N`` of ``--files`` (default
corpus/seeds and corpus/dev) into a new registry. Their memory is polled every 20 ms from
/proc/<pid>/status for the process and its children (the ingest's parse workers): the peak of the
summed VmRSS, and each process's own peak (VmHWM). Prints a table, writes JSON
(bench/results/memory.json).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from .common import ROOT, summary, table, write_json


def _docparse() -> list[str]:
    exe = Path(sys.executable).parent / "docparse"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "docparse.cli"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _status(pid: int) -> dict[str, int]:
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1]) * 1024
    except OSError:
        pass
    return out


def tree(pid: int) -> list[int]:
    """``pid`` and its descendants."""
    kids: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(d.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += kids.get(p, [])
    return out


class Poller:
    """Samples the RSS of a process tree in a thread: peak of the sum, and each process's VmHWM."""

    def __init__(self, pid: int, every: float = 0.02) -> None:
        self.pid, self.every = pid, every
        self.peak_sum = 0
        self.hwm: dict[int, int] = {}
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            for p in tree(self.pid):
                st = _status(p)
                total += st.get("VmRSS", 0)
                if st.get("VmHWM"):
                    self.hwm[p] = max(self.hwm.get(p, 0), st["VmHWM"])
            self.peak_sum = max(self.peak_sum, total)
            self.samples += 1
            self._stop.wait(self.every)

    def __enter__(self) -> Poller:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def to_json(self) -> dict[str, Any]:
        main = self.hwm.get(self.pid, 0)
        kids = sorted((v for k, v in self.hwm.items() if k != self.pid), reverse=True)
        return {"peak_rss_sum_mb": round(self.peak_sum / 2**20, 1), "main_hwm_mb": round(main / 2**20, 1),
                "children_hwm_mb": [round(v / 2**20, 1) for v in kids], "samples": self.samples}


@contextlib.contextmanager
def serve(db: Path, env: dict[str, str] | None = None) -> Iterator[tuple[str, int]]:
    """A real ``docparse serve`` on a free port, up (answering /api/search); yields (base URL, pid)."""
    import httpx

    port = _free_port()
    proc = subprocess.Popen([*_docparse(), "serve", "--db", str(db), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **(env or {})})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"docparse serve exited with {proc.returncode}")
            try:
                if httpx.get(f"{base}/api/search", params={"q": "x"}, timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("docparse serve did not start")
            time.sleep(0.2)
        yield base, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def search_load(db: Path, requests: int, threads: int, seed: int = 0) -> dict[str, Any]:
    import httpx

    from .search import queries

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    qs = queries(conn, 50, seed)
    conn.close()
    items = [i for v in qs.values() for i in v]
    random.Random(seed).shuffle(items)
    with serve(db) as (base, pid):
        idle = _status(pid).get("VmRSS", 0)
        times: list[float] = []
        with Poller(pid) as poll, httpx.Client(base_url=base, timeout=120,
                                               limits=httpx.Limits(max_connections=threads)) as client:
            def one(k: int) -> None:
                item = items[k % len(items)]
                params = {("type" if key == "doc_type" else key): v for key, v in item.items()
                          if v is not None and key != "form"}
                t = time.perf_counter()
                client.get("/api/search", params=params).raise_for_status()
                times.append(time.perf_counter() - t)

            w0 = time.perf_counter()
            with ThreadPoolExecutor(threads) as ex:
                list(ex.map(one, range(requests)))
            wall = time.perf_counter() - w0
    docs = sqlite3.connect(f"file:{db}?mode=ro", uri=True).execute("SELECT count(*) FROM documents").fetchone()[0]
    return {"db": str(db), "documents": docs, "requests": requests, "threads": threads,
            "requests_per_second": round(requests / wall, 1), "latency_ms": summary(times, 1000),
            "idle_rss_mb": round(idle / 2**20, 1), **poll.to_json()}


def ingest_memory(files: list[str], jobs: int) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="docparse-bench-"))
    try:
        db = tmp / "ingest.db"
        w0 = time.perf_counter()
        proc = subprocess.Popen([*_docparse(), "ingest", "--db", str(db), "--jobs", str(jobs), "-q", *files],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with Poller(proc.pid) as poll:
            proc.wait()
        wall = time.perf_counter() - w0
        n = sqlite3.connect(db).execute("SELECT count(*) FROM files").fetchone()[0]
        return {"files": files, "jobs": jobs, "stored_files": n, "exit": proc.returncode,
                "seconds": round(wall, 1), **poll.to_json()}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench memory", description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", help="registry to serve for the search load (none: skip it)")
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--files", nargs="*", default=[str(ROOT / "corpus" / "seeds"), str(ROOT / "corpus" / "dev")],
                    help="files or folders for the batch ingest (none: skip it)")
    ap.add_argument("--jobs", type=int, default=2, help="ingest worker processes")
    ap.add_argument("--json", help="where to write the JSON (default bench/results/memory.json)")
    args = ap.parse_args(argv)
    out: dict[str, Any] = {"args": vars(args)}
    rows = []
    if args.db:
        s = out["search"] = search_load(Path(args.db), args.requests, args.threads)
        rows.append([f"serve, {s['requests']} searches ({s['documents']:,} docs)", s["idle_rss_mb"],
                     s["peak_rss_sum_mb"], s["main_hwm_mb"], "", f"{s['requests_per_second']} req/s, "
                     f"p95 {s['latency_ms']['p95']} ms"])
    if args.files:
        g = out["ingest"] = ingest_memory(args.files, args.jobs)
        rows.append([f"ingest --jobs {g['jobs']} ({g['stored_files']} files)", None, g["peak_rss_sum_mb"],
                     g["main_hwm_mb"], ", ".join(map(str, g["children_hwm_mb"])), f"{g['seconds']} s"])
    print(table(["process", "idle MB", "peak RSS MB (tree)", "main HWM MB", "workers HWM MB", "note"], rows,
                "memory: peak resident memory"))
    print(f"\nJSON: {write_json(args.json, 'memory', out)}")
    return 0
