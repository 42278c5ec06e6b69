"""``docparse`` command line: ``parse`` files, ``eval`` against the corpus."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

SUFFIXES = {".txt", ".md", ".docx", ".pdf", ".doc"}


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

    failed = 0
    files = list(_expand(args.files))
    many = args.jsonl or len(files) > 1
    for path in files:
        try:
            result = parse_path(path).to_json()
        except ReadError as exc:
            failed += 1
            print(f"docparse: {path}: {exc}", file=sys.stderr)
            continue
        except OSError as exc:
            failed += 1
            print(f"docparse: {path}: không đọc được tệp ({exc.strerror or exc})", file=sys.stderr)
            continue
        except Exception as exc:  # a parser bug must not hide the other files' results
            failed += 1
            print(f"docparse: {path}: lỗi khi phân tích ({type(exc).__name__}: {exc})", file=sys.stderr)
            continue
        if many:
            print(json.dumps(result, ensure_ascii=False))
        else:
            print(json.dumps(result, ensure_ascii=False, indent=2))
    return 1 if failed else 0


def cmd_eval(argv: list[str]) -> int:
    from .evaluate import main as eval_main

    return eval_main(argv)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["eval"]:
        return cmd_eval(argv[1:])
    ap = argparse.ArgumentParser(prog="docparse", description="Vietnamese administrative document parser")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("parse", help="parse files or folders and print GOLD.md-shaped JSON")
    p.add_argument("files", nargs="+", help="files or folders")
    p.add_argument("--jsonl", action="store_true", help="one JSON object per line")
    sub.add_parser("eval", help="score corpus/ against gold and labels (see docparse eval --help)")
    args = ap.parse_args(argv)
    if args.cmd == "parse":
        return cmd_parse(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
