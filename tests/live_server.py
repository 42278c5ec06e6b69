"""A real ``docparse serve`` on a free loopback port, for the tests that need a real server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def live_server(db: Path, keys: str, log: Path) -> Iterator[str]:
    """Start the service on ``db`` with ``DOCPARSE_API_KEYS=keys``, its output in ``log``; yield its base URL."""
    port = free_port()
    env = {**os.environ, "DOCPARSE_API_KEYS": keys}
    env.pop("DOCPARSE_API_KEYS_FILE", None)
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "docparse.cli", "serve", "--db", str(db),
                                 "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("server did not start: " + log.read_text())
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
