"""What every benchmark shares: percentiles, a plain-text table, the machine and its load, JSON out."""

from __future__ import annotations

import json
import math
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank on the sorted values (no interpolation)."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, math.ceil(q / 100 * len(s)) - 1))
    return s[k]


def summary(values: list[float], scale: float = 1.0, digits: int = 2) -> dict[str, Any]:
    """n, p50, p95, p99, mean, min, max of ``values`` times ``scale`` (e.g. 1000 for s -> ms)."""
    if not values:
        return {"n": 0}
    v = [x * scale for x in values]
    return {"n": len(v), "p50": round(percentile(v, 50), digits), "p95": round(percentile(v, 95), digits),
            "p99": round(percentile(v, 99), digits), "mean": round(statistics.fmean(v), digits),
            "min": round(min(v), digits), "max": round(max(v), digits)}


def spread(values: list[float], digits: int = 2) -> dict[str, Any]:
    """Median and range of repeated runs (each a fresh process): what the figures quote."""
    if not values:
        return {"n": 0}
    return {"n": len(values), "median": round(statistics.median(values), digits),
            "min": round(min(values), digits), "max": round(max(values), digits)}


def table(headers: list[str], rows: list[list[Any]], title: str | None = None) -> str:
    cells = [[_cell(x) for x in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    out = [title] if title else []
    out.append("  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(headers, widths,
                                                                                                 strict=True))))
    out.append("  ".join("-" * w for w in widths))
    for r in cells:
        out.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths,
                                                                                                 strict=True))))
    return "\n".join(out)


def _cell(x: Any) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:,.3g}" if abs(x) < 10 else f"{x:,.1f}" if abs(x) < 1000 else f"{x:,.0f}"
    return str(x)


def loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:  # pragma: no cover
        return []


def machine() -> dict[str, Any]:
    """nproc, CPU model, RAM, Python, SQLite, and the load average when the run started."""
    cpu = next((ln.split(":", 1)[1].strip() for ln in _read("/proc/cpuinfo").splitlines()
                if ln.startswith("model name")), platform.processor())
    mem = next((int(ln.split()[1]) for ln in _read("/proc/meminfo").splitlines() if ln.startswith("MemTotal")), 0)
    try:
        nproc = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover
        nproc = os.cpu_count() or 1
    return {"nproc": nproc, "cpu": cpu, "ram_gb": round(mem / 2**20, 1), "python": sys.version.split()[0],
            "sqlite": sqlite3.sqlite_version, "platform": platform.platform(), "loadavg": loadavg(),
            "commit": _git_head(), "when": time.strftime("%Y-%m-%d %H:%M:%S %z")}


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _git_head() -> str | None:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              timeout=5).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def write_json(path: str | Path | None, name: str, data: dict[str, Any]) -> Path:
    """``data`` with the machine to ``path`` (default bench/results/<name>.json); the path written."""
    out = Path(path) if path else RESULTS / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"bench": name, "machine": machine(), **data}, ensure_ascii=False, indent=1) + "\n")
    return out


def cpu_busy() -> float:
    """Share of the machine's CPU busy over the last 0.5 s (other jobs' load during a run)."""
    def read() -> tuple[int, int]:
        parts = [int(x) for x in _read("/proc/stat").splitlines()[0].split()[1:]]
        return sum(parts), parts[3] + parts[4]
    t1, i1 = read()
    time.sleep(0.5)
    t2, i2 = read()
    return round(1 - (i2 - i1) / max(t2 - t1, 1), 2)
