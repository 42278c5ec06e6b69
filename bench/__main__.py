"""``python -m bench generate --db PATH --docs N [--seed S] [--batch 5000] [--templates DIR ...]``
and ``python -m bench fuzz [--seconds 120] [--parse] [--ocr]`` (coverage-guided fuzzing of the readers);
``python -m bench parse|ingest|search|memory`` are the benchmarks of docs/benchmarks.md."""

from __future__ import annotations

import sys

from .generate import main


def _main(argv: list[str]) -> int:
    # "fuzz" is dispatched here, not in generate's parser: it needs atheris (a dev extra), which
    # "generate" must not import
    if argv[:1] == ["fuzz"]:
        from .fuzz_readers import main as fuzz

        return fuzz(argv[1:])
    # the benchmarks of issue 7, each with its own parser (``python -m bench parse --help``)
    if argv[:1] and argv[0] in _BENCHES:
        import importlib

        return int(importlib.import_module(f".{argv[0]}", __package__).main(argv[1:]))
    return main(argv)


#: ``python -m bench parse|ingest|search|memory ...``: see docs/benchmarks.md.
_BENCHES = ("parse", "ingest", "search", "memory")


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
