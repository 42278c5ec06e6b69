"""``python -m bench search --db PATH [--db PATH ...]``: search latency against the naive LIKE scan.

For each registry: word queries (a fixed list of real ones, rare and common, plus words drawn from
the registry's subjects, with and without diacritics), number look-ups (numbers drawn from the
registry, written as printed, folded in lower case, and as "qd 2168"), and filtered queries (words
with a type, issuer or year filter, and browsing by type and year), each through
:func:`docparse.registry.search.search` in this process. One pass warms the caches (its times are
kept as ``first``), then ``--repeat`` passes are timed: p50/p95/p99 wall and CPU time per kind. The
naive baseline runs a sample of the same queries as one ``LIKE '%q%'`` scan over number, subject and
body (filters as plain ``WHERE`` terms), newest first, 20 rows. ``--http`` also times a few
queries through a real ``docparse serve``. Prints a table, writes JSON (bench/results/search.json).
"""

from __future__ import annotations

import argparse
import random
import re
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

from .common import summary, table, write_json

#: Queries a clerk types (rare and common words, a place, a phrase, without diacritics too).
WORD_QUERIES = (
    "hộ tịch", "dang ky ho tich", "đăng ký hộ tịch", "vật liệu nổ công nghiệp", "nạo vét", "Cao Bằng",
    "chuyển đổi số", "giấy chứng nhận", "kiểm tra", "thực hiện", "kế hoạch triển khai", '"cơ sở dữ liệu"',
    "phòng cháy chữa cháy", "an toàn thực phẩm", "cải cách hành chính", "ho tich dien tu",
)
KINDS = ("words", "numbers", "filtered")


def _subject_words(rng: random.Random, subjects: list[str], n: int) -> list[str]:
    from docparse.normalize import fold

    out: list[str] = []
    for s in subjects:
        words = re.findall(r"[^\W\d_]{2,}", s or "")
        if len(words) < 3:
            continue
        k = rng.randrange(len(words) - 1)
        q = " ".join(words[k:k + rng.choice((1, 2, 2, 3))]).lower()
        out.append(fold(q) if rng.random() < 0.3 else q)
        if len(out) >= n:
            break
    return out


def queries(conn: sqlite3.Connection, n: int, seed: int = 0) -> dict[str, list[dict[str, Any]]]:
    """The query set of a registry: ``{kind: [{"q": ..., filters...}]}``, the same for the same seed."""
    from docparse.normalize import fold

    rng = random.Random(seed)
    top = conn.execute("SELECT max(id) FROM documents").fetchone()[0] or 0

    def sample(sql: str, k: int) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = []
        tries = 0
        while len(rows) < k and tries < 20 * k and top:
            tries += 1
            r = conn.execute(f"{sql} AND id >= ? ORDER BY id LIMIT 1", [rng.randint(1, top)]).fetchone()
            if r is not None:
                rows.append(r)
        return rows

    subjects = [r[0] for r in sample("SELECT subject FROM documents WHERE subject IS NOT NULL", n)]
    words = list(WORD_QUERIES) + _subject_words(rng, subjects, max(0, n - len(WORD_QUERIES)))
    from docparse.registry.search import _type_words

    type_words = set(_type_words())  # "qd 2168" is a number look-up only for a type's abbreviation
    numbers = []
    for number, _doc_type, key in sample("SELECT number, doc_type, number_key FROM documents "
                                        "WHERE number_key GLOB '[0-9]*/?*'", n):
        seq, _, sym = key.partition("/")
        form = rng.choice(("printed", "folded", "short"))
        if form == "short" and sym.split("-")[0].lower() in type_words:
            q = f"{sym.split('-')[0].lower()} {seq}"  # "qd 2168"
        elif form == "folded":
            q = fold(number).lower()
        else:
            q, form = number, "printed"
        numbers.append({"q": q, "form": form})
    types = [r[0] for r in conn.execute("SELECT doc_type FROM documents WHERE doc_type IS NOT NULL "
                                        "GROUP BY doc_type ORDER BY count(*) DESC LIMIT 6")]
    issuers = [r[0] for r in sample("SELECT issuer FROM documents WHERE issuer IS NOT NULL", max(4, n // 8))]
    filtered: list[dict[str, Any]] = []
    for i in range(n):
        q = rng.choice(words)
        kind = i % 4
        if kind == 0 and types:
            filtered.append({"q": q, "doc_type": rng.choice(types)})
        elif kind == 1 and issuers:
            filtered.append({"q": q, "issuer": rng.choice(issuers)})
        elif kind == 2:
            filtered.append({"q": q, "year": rng.randint(2015, 2026)})
        elif types:
            filtered.append({"q": None, "doc_type": rng.choice(types), "year": rng.randint(2015, 2026)})
    return {"words": [{"q": w} for w in words[:max(n, len(WORD_QUERIES))]], "numbers": numbers,
            "filtered": filtered}


def _run(db: Any, item: dict[str, Any]) -> tuple[float, float, int]:
    from docparse.registry.search import search

    args = {k: v for k, v in item.items() if k not in ("q", "form")}
    w0, c0 = time.perf_counter(), time.process_time()
    res = search(db, item["q"], **args)
    return time.perf_counter() - w0, time.process_time() - c0, res["total"]


def _like(conn: sqlite3.Connection, item: dict[str, Any]) -> tuple[float, int]:
    """The naive search: one LIKE scan of every row (number, subject, body), filters as WHERE terms."""
    where, params = [], []
    if item.get("q"):
        where.append("(number LIKE ? OR subject LIKE ? OR body LIKE ?)")
        params += [f"%{item['q'].strip(chr(34))}%"] * 3
    if item.get("doc_type"):
        where.append("doc_type = ?")
        params.append(item["doc_type"])
    if item.get("issuer"):
        where.append("issuer LIKE ?")
        params.append(f"%{item['issuer']}%")
    if item.get("year"):
        where.append("year = ?")
        params.append(int(item["year"]))
    sql = (f"SELECT id, number, doc_type, issuer, date, subject FROM documents NOT INDEXED "
           f"WHERE {' AND '.join(where) or '1'} ORDER BY date DESC, id DESC LIMIT 20")
    w0 = time.perf_counter()
    rows = conn.execute(sql, params).fetchall()
    return time.perf_counter() - w0, len(rows)


def db_size(path: Path) -> dict[str, Any]:
    """Bytes on disk (file + WAL) and by table (dbstat), MB."""
    total = sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
    out: dict[str, Any] = {"bytes": total, "mb": round(total / 2**20, 1)}
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        rows = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
        conn.close()
        groups: dict[str, int] = {}
        for name, size in rows:
            g = ("fts index" if name.startswith("documents_fts") and name != "documents_fts_text" else
                 "documents (index)" if name.startswith(("documents_", "sqlite_autoindex_documents"))
                 and name != "documents_fts_text" else name)
            groups[g] = groups.get(g, 0) + size
        out["tables_mb"] = {k: round(v / 2**20, 1) for k, v in sorted(groups.items(), key=lambda x: -x[1])}
    except sqlite3.Error:
        pass
    return out


def bench_db(path: Path, n: int, repeat: int, like: int, seed: int, log: Any) -> dict[str, Any]:
    from docparse.registry.db import connect

    db = connect(path)
    conn = db.conn
    docs = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    qs = queries(conn, n, seed)
    log(f"bench search: {path.name}: {docs} documents; " + ", ".join(f"{len(v)} {k}" for k, v in qs.items()))
    out: dict[str, Any] = {"db": str(path), "documents": docs, "size": db_size(path), "kinds": {}}
    for kind, items in qs.items():
        first, wall, cpu, totals = [], [], [], []
        for item in items:
            w, _, t = _run(db, item)
            first.append(w)
            totals.append(t)
        for _ in range(repeat):
            for item in items:
                w, c, _ = _run(db, item)
                wall.append(w)
                cpu.append(c)
        slow = sorted(zip(wall, [i for _ in range(repeat) for i in items], strict=True), key=lambda x: -x[0])[:3]
        out["kinds"][kind] = {"queries": len(items), "ms": summary(wall, 1000), "cpu_ms": summary(cpu, 1000),
                              "first_ms": summary(first, 1000), "matches_median": sorted(totals)[len(totals) // 2],
                              "slowest": [{"ms": round(w * 1000, 1), **i} for w, i in slow]}
        # the naive scan: a sample of the same queries, once each (a scan costs the same every time)
        sample = items[:: max(1, len(items) // like)][:like] if like else []
        times = [_like(conn, i)[0] for i in sample]
        out["kinds"][kind]["like_ms"] = summary(times, 1000)
        log(f"bench search:   {kind}: p95 {out['kinds'][kind]['ms'].get('p95')} ms; "
            f"LIKE p50 {out['kinds'][kind]['like_ms'].get('p50')} ms")
    conn.close()
    return out


def http_check(path: Path, n: int, seed: int) -> dict[str, Any]:
    """A few queries of each kind through a real ``docparse serve`` (GET /api/search)."""
    import httpx

    from .memory import serve

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    qs = queries(conn, n, seed)
    conn.close()
    out: dict[str, Any] = {}
    with serve(path) as (base, _pid), httpx.Client(base_url=base, timeout=60) as client:
        for kind, items in qs.items():
            times = []
            for rep in range(2):
                for item in items:
                    params = {("type" if k == "doc_type" else k): v for k, v in item.items()
                              if v is not None and k != "form"}
                    w0 = time.perf_counter()
                    r = client.get("/api/search", params=params)
                    r.raise_for_status()
                    if rep:
                        times.append(time.perf_counter() - w0)
            out[kind] = summary(times, 1000)
    return out


def report(results: list[dict[str, Any]]) -> str:
    rows = []
    for r in results:
        for kind, k in r["kinds"].items():
            rows.append([f"{r['documents']:,} {kind}", k["ms"].get("p50"), k["ms"].get("p95"), k["ms"].get("p99"),
                         k["cpu_ms"].get("p95"), k["first_ms"].get("p95"), k["like_ms"].get("p50"),
                         k["like_ms"].get("max"), r["size"]["mb"]])
    text = table(["registry / queries", "p50 ms", "p95 ms", "p99 ms", "cpu p95", "1st p95", "LIKE p50",
                  "LIKE max", "DB MB"], rows, "search: docparse.registry.search.search, in process")
    for r in results:
        if r.get("http"):
            text += "\n" + table(["HTTP " + f"{r['documents']:,}", "p50 ms", "p95 ms", "p99 ms"],
                                 [[k, v.get("p50"), v.get("p95"), v.get("p99")] for k, v in r["http"].items()])
    return text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench search", description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", action="append", required=True, help="a registry (repeat for several)")
    ap.add_argument("--queries", type=int, default=100, help="queries per kind (default %(default)s)")
    ap.add_argument("--repeat", type=int, default=3, help="timed passes after the warm one")
    ap.add_argument("--like", type=int, default=5, help="queries per kind also run as a LIKE scan")
    ap.add_argument("--http", action="store_true", help="also time queries through docparse serve")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", help="where to write the JSON (default bench/results/search.json)")
    args = ap.parse_args(argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    results = []
    for p in args.db:
        r = bench_db(Path(p), args.queries, args.repeat, args.like, args.seed, log)
        if args.http:
            r["http"] = http_check(Path(p), min(args.queries, 20), args.seed)
        results.append(r)
    print(report(results))
    out = write_json(args.json, "search", {"args": vars(args), "results": results})
    print(f"\nJSON: {out}")
    return 0
