"""Loads the rule files of ``rules/`` once per process.

Rules are data (Blackstone's lesson): vocabularies, cue phrases and patterns
live in YAML beside the pipeline so that a clerk-reported miss is usually a
one-line data change with a test, not a code change.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import yaml


def rules_dir() -> Path:
    env = os.environ.get("DOCPARSE_RULES")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "rules"


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed content of ``rules/<name>.yaml``."""
    path = rules_dir() / f"{name}.yaml"
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a rule file must hold a mapping")
    return data
