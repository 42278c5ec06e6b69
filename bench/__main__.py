"""``python -m bench generate --db PATH --docs N [--seed S] [--batch 5000] [--templates DIR ...]``."""

from __future__ import annotations

import sys

from .generate import main

if __name__ == "__main__":
    sys.exit(main())
