"""API keys: writing (upload, correct, set a status) needs one; reading and search are open.

Keys come from configuration, never from the request line: ``DOCPARSE_API_KEYS``
("name:key,name2:key2", or bare keys) or a file named by
``DOCPARSE_API_KEYS_FILE`` (one "name:key" per line). The name is who made
a correction in the audit trail. A key is only ever compared (in constant
time), never logged or echoed: it travels in the ``X-API-Key`` header (or
``Authorization: Bearer``), which the access log does not print.
"""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass
from pathlib import Path

from fastapi import HTTPException, Request, status

KEYS_ENV = "DOCPARSE_API_KEYS"
KEYS_FILE_ENV = "DOCPARSE_API_KEYS_FILE"
#: The cookie the login page sets (see :func:`session_token`).
SESSION_COOKIE = "docparse_session"
_SESSION_SALT = b"docparse page session v1"


@dataclass(frozen=True)
class Caller:
    name: str


def _parse(entries: list[str]) -> dict[str, str]:
    """{key: name} from "name:key" or bare "key" entries."""
    out: dict[str, str] = {}
    for k, raw in enumerate(entries):
        raw = raw.strip()
        if not raw or raw.startswith("#"):
            continue
        name, sep, key = raw.partition(":")
        if not sep:
            name, key = f"key{k + 1}", name
        if key.strip():
            out[key.strip()] = name.strip() or f"key{k + 1}"
    return out


def load_keys(keys: dict[str, str] | list[str] | None = None) -> dict[str, str]:
    """The configured keys as {key: name}; an explicit argument wins over the environment."""
    if isinstance(keys, dict):
        return dict(keys)
    if keys is not None:
        return _parse(list(keys))
    entries = os.environ.get(KEYS_ENV, "").split(",")
    path = os.environ.get(KEYS_FILE_ENV)
    if path and Path(path).is_file():
        entries += Path(path).read_text(encoding="utf-8").splitlines()
    return _parse(entries)


def _presented(request: Request) -> str | None:
    key = request.headers.get("x-api-key")
    if key:
        return key.strip()
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def session_token(key: str) -> str:
    """What the login cookie holds for a key: an HMAC of it, so the cookie never carries the key itself."""
    return hmac.new(key.encode(), _SESSION_SALT, "sha256").hexdigest()


def caller_of_key(keys: dict[str, str], given: str) -> Caller | None:
    """The caller a typed key belongs to, compared in constant time; None for a wrong key."""
    for key, name in keys.items():
        if hmac.compare_digest(given.encode(), key.encode()):
            return Caller(name)
    return None


def caller_of_session(request: Request) -> Caller | None:
    """The caller of a valid login cookie sent from this site's own pages, else None."""
    token = request.cookies.get(SESSION_COOKIE)
    keys: dict[str, str] = request.app.state.api_keys
    if not token or not keys:
        return None
    origin = request.headers.get("origin")
    if origin and origin.split("://", 1)[-1] != request.headers.get("host", ""):
        return None  # another site's page posting with our cookie (SameSite=Strict should stop it first)
    for key, name in keys.items():
        if hmac.compare_digest(token.encode(), session_token(key).encode()):
            return Caller(name)
    return None


def require_key(request: Request) -> Caller:
    """FastAPI dependency of every writing endpoint: the key header, else the login page's cookie."""
    keys: dict[str, str] = request.app.state.api_keys
    if not keys:
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            "Máy chủ chưa cấu hình khóa API nên chưa cho phép ghi "
                            f"(đặt biến môi trường {KEYS_ENV}).")
    given = _presented(request)
    if not given:
        by_cookie = caller_of_session(request)
        if by_cookie is not None:
            return by_cookie
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Cần khóa API (tiêu đề X-API-Key, hoặc đăng nhập ở trang /login) để ghi dữ liệu.",
                            headers={"WWW-Authenticate": "Bearer"})
    found = caller_of_key(keys, given)
    if found is not None:
        return found
    raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Khóa API không đúng.",
                        headers={"WWW-Authenticate": "Bearer"})
