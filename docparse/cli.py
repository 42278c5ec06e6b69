"""``docparse`` command line: ``parse`` files, ``eval`` against the corpus, ``ingest``/``reparse``/``serve`` the registry."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

SUFFIXES = {".txt", ".md", ".docx", ".pdf", ".doc"}


def _shown(path: Path | str) -> str:
    """A path fit for a one-line message: control characters (a newline in a file name) escaped."""
    text = str(path)
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _expand(paths: list[str]) -> Iterator[Path]:
    """Files as given, and the files of any folder (sorted, recursively)."""
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(x for x in p.rglob("*") if x.is_file() and x.suffix.lower() in SUFFIXES)
        else:
            yield p


def cmd_parse(args: argparse.Namespace) -> int:
    from .pipeline import parse_path
    from .readers import ReadError

    known = None
    if args.registry:
        from .registry.known import RegistryKnown

        if not Path(args.registry).is_file():
            print(f"docparse: không có sổ đăng ký ở {args.registry}", file=sys.stderr)
            return 2
        known = RegistryKnown(path=args.registry)
    failed = 0
    files = list(_expand(args.files))
    many = args.jsonl or len(files) > 1
    for path in files:
        try:
            result = parse_path(path, known).to_json()
        except ReadError as exc:
            failed += 1
            print(f"docparse: {_shown(path)}: {exc}", file=sys.stderr)
            continue
        except OSError as exc:
            failed += 1
            print(f"docparse: {_shown(path)}: không đọc được tệp ({exc.strerror or exc})", file=sys.stderr)
            continue
        except Exception as exc:  # a parser bug must not hide the other files' results
            failed += 1
            print(f"docparse: {_shown(path)}: lỗi khi phân tích ({type(exc).__name__})", file=sys.stderr)
            continue
        if many:
            print(json.dumps(result, ensure_ascii=False))
        else:
            print(json.dumps(result, ensure_ascii=False, indent=2))
    return 1 if failed else 0


def cmd_ingest(args: argparse.Namespace) -> int:
    """Files into the registry, one transaction each, with a progress bar on stderr."""
    from tqdm import tqdm

    from .registry.db import db_path, open_db
    from .registry.ingest import ingest_paths

    files = list(_expand(args.files))
    missing = [p for p in files if not p.exists()]
    for p in missing:
        print(f"docparse: {_shown(p)}: không tìm thấy tệp", file=sys.stderr)
    files = [p for p in files if p.exists()]
    db = open_db(args.db)
    counts = {"created": 0, "existing": 0, "error": len(missing)}
    with tqdm(total=len(files), unit="tệp", desc="Nhập", file=sys.stderr, disable=args.quiet) as bar:
        def progress(res) -> None:  # type: ignore[no-untyped-def]
            counts[res.status] += 1
            if res.status == "error":
                tqdm.write(f"docparse: {res.file}: {res.error}", file=sys.stderr)
            bar.set_postfix_str(res.file[:30])
            bar.update(1)

        try:
            ingest_paths(db, files, progress=progress, jobs=args.jobs, timeout=args.timeout)
        except KeyboardInterrupt:
            print("docparse: đã dừng; các tệp đã ghi vẫn ở trong sổ, tệp đang đọc dở không được ghi",
                  file=sys.stderr)
            return 130
    n = db.execute("SELECT count(*) FROM documents").fetchone()[0]
    print(f"{counts['created']} tệp mới, {counts['existing']} tệp đã có, {counts['error']} tệp lỗi; "
          f"sổ {db_path(args.db)} có {n} văn bản", file=sys.stderr)
    return 1 if counts["error"] else 0


def cmd_reparse(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from .registry.db import open_db
    from .registry.ingest import reparse

    db = open_db(args.db)
    total = db.execute("SELECT count(*) FROM files").fetchone()[0]
    with tqdm(total=total, unit="tệp", desc="Phân tích lại", file=sys.stderr, disable=args.quiet) as bar:
        s = reparse(db, progress=lambda _name: bar.update(1))
    for f in s.failed:
        print(f"docparse: {f}", file=sys.stderr)
    print(f"{s.files} tệp, {s.documents} văn bản, {s.changed} thay đổi, {s.removed} bỏ đi; "
          "sửa đổi của người dùng được giữ", file=sys.stderr)
    return 1 if s.failed else 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app

    from .registry.db import db_path

    app = create_app(args.db)
    print(f"docparse: sổ {db_path(args.db)}; mở http://{args.host}:{args.port}/ "
          f"(API: http://{args.host}:{args.port}/docs)", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0


def cmd_eval(argv: list[str]) -> int:
    from .evaluate import main as eval_main

    return eval_main(argv)


def main(argv: list[str] | None = None) -> int:
    from .workers import default_size

    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["eval"]:
        return cmd_eval(argv[1:])
    ap = argparse.ArgumentParser(prog="docparse", description="Vietnamese administrative document parser")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("parse", help="parse files or folders and print GOLD.md-shaped JSON")
    p.add_argument("files", nargs="+", help="files or folders")
    p.add_argument("--jsonl", action="store_true", help="one JSON object per line")
    p.add_argument("--registry", metavar="DB",
                   help="spell damaged names and numbers of scans with what this registry knows (read-only)")
    sub.add_parser("eval", help="score corpus/ against gold and labels (see docparse eval --help)")
    db_help = "registry database file (default: $DOCPARSE_DB, else ./docparse.db)"
    p = sub.add_parser("ingest", help="store files or folders in the registry")
    p.add_argument("files", nargs="+", help="files or folders")
    p.add_argument("--db", help=db_help)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument("-j", "--jobs", type=int, default=default_size(),
                   help="worker processes parsing in parallel, each file under a time limit and a memory cap "
                        f"(default: one per core, {default_size()}); 0 = parse in this process, no limits")
    p.add_argument("--timeout", type=float, default=None,
                   help="seconds per file before its parse is stopped (default: $DOCPARSE_PARSE_TIMEOUT, else 180)")
    p = sub.add_parser("reparse", help="re-extract every stored original with the current rules")
    p.add_argument("--db", help=db_help)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p = sub.add_parser("serve", help="run the registry service")
    p.add_argument("--db", help=db_help)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    args = ap.parse_args(argv)
    if getattr(args, "jobs", 0) < 0:
        ap.error("--jobs: 0 or more")
    commands = {"parse": cmd_parse, "ingest": cmd_ingest, "reparse": cmd_reparse, "serve": cmd_serve}
    return commands[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
