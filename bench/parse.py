"""``python -m bench parse``: files and MB per second per format, time per stage, against the bare readers.

Formats: ``txt`` (corpus/seeds, corpus/dev/tl), ``docx`` (corpus/dev/files d01-d08), ``pdf`` (text
layer: d09-d12), ``doc`` (d15, through antiword) and ``scan`` (d13, d14: PDFs read by OCR). Each
format runs ``--runs`` times, each run in a fresh process: the models are loaded and every file
parsed once untimed, then ``--repeat`` timed passes (the run's figure is its median pass). A pass
calls the pipeline's stages in order, timing each (read, lines = normalise, segment, respell = OCR text
without diacritics respelled and split again, header, references, tasks; "bundle" is the bundle-wide
settling of :mod:`docparse.pipeline`), then :func:`docparse.pipeline.parse_bytes` once more on its
own (``pipeline``), which must cost about the sum. The floors beside it are the reader alone:
pdfplumber's ``extract_text`` of every page, python-docx's paragraphs and tables, antiword's
text for a .doc, the bytes decoded for a text file, and ``pdftotext`` (poppler, a subprocess) for a PDF. Wall and CPU time
(this process and its children, e.g. Tesseract) are both recorded; figures are per core (one
process, one file at a time). Prints a table, writes JSON (bench/results/parse.json).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .common import ROOT, spread, table, write_json

FILES = ROOT / "corpus" / "dev" / "files"
FORMATS: dict[str, list[Path]] = {
    "txt": sorted((ROOT / "corpus" / "seeds").glob("*.txt")) + sorted((ROOT / "corpus" / "dev" / "tl").glob("*.txt")),
    "docx": sorted(FILES.glob("d0[1-8]_*.docx")),
    "pdf": sorted(p for p in FILES.glob("d*.pdf") if p.name[:3] in ("d09", "d10", "d11", "d12")),
    "doc": sorted(FILES.glob("d15_*.doc")),
    "scan": sorted(p for p in FILES.glob("d*.pdf") if p.name[:3] in ("d13", "d14")),
}
STAGES = ("read", "lines", "segment", "respell", "header", "references", "bundle", "tasks")


def _clock() -> tuple[float, float]:
    """(wall, CPU of this process and its waited-for children) in seconds."""
    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter(), time.process_time() + ch.ru_utime + ch.ru_stime


def staged(data: bytes, name: str) -> tuple[dict[str, float], dict[str, float], int]:
    """One parse, stage by stage as :func:`docparse.pipeline.parse_lines` runs them: (wall, cpu, documents)."""
    from docparse import pipeline
    from docparse.header import RESPELLED, extract_header
    from docparse.lines import to_lines
    from docparse.model import ParsedDocument
    from docparse.readers import read_bytes
    from docparse.references import extract_references
    from docparse.segment import split_documents
    from docparse.tasks import extract_tasks

    wall = dict.fromkeys(STAGES, 0.0)
    cpu = dict.fromkeys(STAGES, 0.0)
    mark = [_clock()]

    def lap(stage: str) -> None:
        w, c = _clock()
        wall[stage] += w - mark[0][0]
        cpu[stage] += c - mark[0][1]
        mark[0] = (w, c)

    src = read_bytes(data, name)
    lap("read")
    lines = to_lines(src)
    lap("lines")
    printed = {x.index: x for x in lines}
    segs = split_documents(lines)
    lap("segment")
    lines, where = pipeline._respelled(lines, segs, None)
    if where:
        segs = split_documents(lines)
    lap("respell")
    ocr_lines = set(where)
    docs = []
    for seg in segs:
        if any(x.index in ocr_lines for x in seg.lines):
            seg.notes.append(RESPELLED)
        docs.append(ParsedDocument(header=extract_header(seg), lines=seg.lines))
    pipeline._inherit(docs)
    lap("header")
    for doc in docs:
        doc.references = extract_references(doc.lines, doc.header)
    lap("references")
    if len(docs) > 1:
        before = [(d.header.number, d.header.date, d.header.attached_to) for d in docs]
        pipeline._reconcile(docs)
        pipeline._inherit(docs)
        for doc, was in zip(docs, before, strict=True):
            if (doc.header.number, doc.header.date, doc.header.attached_to) != was:
                doc.references = extract_references(doc.lines, doc.header)
    pipeline._settle_references(docs, [any(x.index in ocr_lines for x in d.lines) for d in docs], None)
    lap("bundle")
    for doc in docs:
        respelled = any(x.index in ocr_lines for x in doc.lines)
        doc.tasks, doc.responsibilities = extract_tasks(doc.lines, doc.header, respelled=respelled)
    for doc in docs:
        pipeline._to_print(doc, where, printed)
    lap("tasks")
    return wall, cpu, len(docs)


def bare_reader(fmt: str, data: bytes) -> int:
    """The reader alone: characters of raw text, the way a script without docparse would get them."""
    if fmt in ("pdf", "scan"):
        import pdfplumber

        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return sum(len(p.extract_text() or "") for p in pdf.pages)
    if fmt == "docx":
        import docx

        d = docx.Document(io.BytesIO(data))
        n = sum(len(p.text) for p in d.paragraphs)
        for t in d.tables:
            n += sum(len(c.text) for row in t.rows for c in row.cells)
        return n
    if fmt == "doc":  # antiword's plain text, as docparse's reader runs it (DocBook there)
        with tempfile.NamedTemporaryFile(suffix=".doc") as tmp:
            tmp.write(data)
            tmp.flush()
            out = subprocess.run(["antiword", "-w", "0", tmp.name], capture_output=True, timeout=60, check=False)
        return len(out.stdout)
    return len(data.decode("utf-8", "replace"))


def pdftotext(path: Path) -> int:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, timeout=120, check=True)
    return len(out.stdout)


def warm() -> None:
    from docparse.workers import _warm_up

    _warm_up()


def forget_inputs() -> int:
    """Clear docparse's memos of inputs (bounded ``lru_cache``s of 64 entries or more); returns how many.

    The pipeline remembers answers about lines it has seen (is this line in
    capitals, a title, a motto?), and a timed pass over files parsed just
    before would find every line there. Clearing them before each pass times
    each file as new; the loaded rules and models (unbounded ``cache``s, and
    the few small ones such as the phrase book) are kept, as in a service.
    """
    n = 0
    for name, mod in list(sys.modules.items()):
        if not name.startswith("docparse") or mod is None:
            continue
        for obj in vars(mod).values():
            params = getattr(obj, "cache_parameters", None)
            if callable(params) and (params().get("maxsize") or 0) >= 64:
                obj.cache_clear()
                n += 1
    return n


def one_run(fmt: str, repeat: int, files: list[Path] | None = None) -> dict[str, Any]:
    """A run in this process: warm-up, then ``repeat`` timed passes over the format's files."""
    from docparse.pipeline import parse_bytes

    paths = files if files is not None else FORMATS[fmt]
    blobs = [(p.name, p.read_bytes()) for p in paths]
    t0 = time.perf_counter()
    warm()
    warm_s = time.perf_counter() - t0
    for name, data in blobs:  # every file once: lazy caches of each reader and rule filled
        parse_bytes(data, name)
    passes = []
    for _ in range(repeat):
        p: dict[str, Any] = {"stages_wall": dict.fromkeys(STAGES, 0.0), "stages_cpu": dict.fromkeys(STAGES, 0.0),
                             "documents": 0}
        forget_inputs()
        for name, data in blobs:
            wall, cpu, n = staged(data, name)
            for s in STAGES:
                p["stages_wall"][s] += wall[s]
                p["stages_cpu"][s] += cpu[s]
            p["documents"] += n
        forget_inputs()
        w0, c0 = _clock()
        for name, data in blobs:
            parse_bytes(data, name)
        w1, c1 = _clock()
        p["pipeline_wall"], p["pipeline_cpu"] = w1 - w0, c1 - c0
        w0, c0 = _clock()
        for _name, data in blobs:
            bare_reader(fmt, data)
        w1, c1 = _clock()
        p["reader_wall"], p["reader_cpu"] = w1 - w0, c1 - c0
        if fmt in ("pdf", "scan"):
            w0, c0 = _clock()
            for path in paths:
                pdftotext(path)
            w1, c1 = _clock()
            p["pdftotext_wall"], p["pdftotext_cpu"] = w1 - w0, c1 - c0
        passes.append(p)
    med = sorted(passes, key=lambda x: x["pipeline_wall"])[len(passes) // 2]
    return {"format": fmt, "files": len(blobs), "bytes": sum(len(d) for _, d in blobs),
            "warm_up_s": round(warm_s, 2), "passes": passes, "median_pass": med, "loadavg": os.getloadavg()}


def run_fresh(fmt: str, repeat: int) -> dict[str, Any]:
    """:func:`one_run` in a fresh interpreter."""
    with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
        subprocess.run([sys.executable, "-m", "bench", "parse", "--one", fmt, "--repeat", str(repeat),
                        "--json", tmp.name], cwd=ROOT, check=True)
        return json.loads(Path(tmp.name).read_text())  # type: ignore[no-any-return]


def aggregate(fmt: str, runs: list[dict[str, Any]]) -> dict[str, Any]:
    files, size = runs[0]["files"], runs[0]["bytes"]

    def per(key: str, what: str = "files") -> dict[str, Any]:
        vals = [r["median_pass"][key] for r in runs if key in r["median_pass"]]
        n = files if what == "files" else size / 2**20
        return spread([n / v for v in vals if v > 0], 2)

    out: dict[str, Any] = {"files": files, "mb": round(size / 2**20, 2), "runs": len(runs),
                           "files_per_s": per("pipeline_wall"), "files_per_cpu_s": per("pipeline_cpu"),
                           "mb_per_s": per("pipeline_wall", "mb"),
                           "ms_per_file": spread([r["median_pass"]["pipeline_wall"] * 1000 / files for r in runs], 1),
                           "reader_files_per_s": per("reader_wall"), "reader_files_per_cpu_s": per("reader_cpu")}
    if any("pdftotext_wall" in r["median_pass"] for r in runs):
        out["pdftotext_files_per_s"] = per("pdftotext_wall")
    stages = {s: statistics.median(r["median_pass"]["stages_wall"][s] for r in runs) * 1000 / files for s in STAGES}
    out["stage_ms_per_file"] = {s: round(v, 2) for s, v in stages.items()}
    out["stage_cpu_ms_per_file"] = {s: round(statistics.median(r["median_pass"]["stages_cpu"][s] for r in runs)
                                          * 1000 / files, 2) for s in STAGES}
    pipe = out["ms_per_file"]["median"]
    out["x_reader"] = round(pipe / (1000 / out["reader_files_per_s"]["median"]), 1) if out["reader_files_per_s"].get(
        "median") else None
    if "pdftotext_files_per_s" in out:
        out["x_pdftotext"] = round(pipe / (1000 / out["pdftotext_files_per_s"]["median"]), 1)
    out["loadavg"] = [r["loadavg"][0] for r in runs]
    return out


def report(res: dict[str, dict[str, Any]]) -> str:
    rows = []
    for fmt, r in res.items():
        fps = r["files_per_s"]
        rows.append([fmt, r["files"], f"{fps['median']} ({fps['min']}-{fps['max']})", r["files_per_cpu_s"]["median"],
                     r["mb_per_s"]["median"], r["ms_per_file"]["median"], r["reader_files_per_s"]["median"],
                     r.get("x_reader"), r.get("pdftotext_files_per_s", {}).get("median"), r.get("x_pdftotext")])
    text = table(["format", "files", "files/s (range)", "files/CPU s", "MB/s", "ms/file", "reader files/s",
                  "x reader", "pdftotext f/s", "x pdftotext"], rows, "parse: one process, one core")
    srows = [[fmt, *[r["stage_ms_per_file"][s] for s in STAGES]] for fmt, r in res.items()]
    text += "\n\n" + table(["ms per file", *STAGES], srows, "time per stage (median of runs)")
    return text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench parse", description=__doc__.split("\n\n")[0])
    ap.add_argument("--formats", nargs="+", default=list(FORMATS), choices=list(FORMATS))
    ap.add_argument("--runs", type=int, default=3, help="fresh processes per format (scan: 1)")
    ap.add_argument("--repeat", type=int, default=3, help="timed passes per run (scan: 1)")
    ap.add_argument("--one", choices=list(FORMATS), help=argparse.SUPPRESS)  # a single run, in this process
    ap.add_argument("--json", help="where to write the JSON (default bench/results/parse.json)")
    args = ap.parse_args(argv)
    if args.one:
        Path(args.json).write_text(json.dumps(one_run(args.one, args.repeat)))
        return 0
    res, raw = {}, {}
    for fmt in args.formats:
        if not FORMATS[fmt]:
            continue
        runs, repeat = (1, 1) if fmt == "scan" else (args.runs, args.repeat)
        raw[fmt] = [run_fresh(fmt, repeat) for _ in range(runs)]
        res[fmt] = aggregate(fmt, raw[fmt])
        print(f"bench parse: {fmt}: {res[fmt]['files_per_s']['median']} files/s", file=sys.stderr, flush=True)
    print(report(res))
    print(f"\nJSON: {write_json(args.json, 'parse', {'args': vars(args), 'results': res, 'runs': raw})}")
    return 0
