"""A bounded journal of API requests and the answers they got, with credentials redacted."""

from __future__ import annotations

import threading
from collections import deque
from typing import Any, Protocol

__all__ = ["HeaderLookup", "Journal", "kept_headers", "redacted_body"]

REDACTED = "[REDACTED]"
# Only these request headers are kept; anything unlisted (cookies, proxies' headers, ...) can
# never leak into a journal that tests print or store.
KEPT_HEADERS = (
    "Authorization",
    "Content-Type",
    "Accept",
    "User-Agent",
    "X-Fake-Fault",
    "X-Fake-Bulk-Fault",
)
# The tracking API's credential travels in the body.
SECRET_BODY_KEYS = ("application_token",)


class HeaderLookup(Protocol):
    """Request headers by name: a dict, or the web framework's case-insensitive headers."""

    def __contains__(self, name: str, /) -> bool: ...

    def __getitem__(self, name: str, /) -> str: ...


def kept_headers(headers: HeaderLookup) -> dict[str, str]:
    kept = {name: headers[name] for name in KEPT_HEADERS if name in headers}
    if "Authorization" in kept:
        kept["Authorization"] = REDACTED
    return kept


def redacted_body(body: Any) -> Any:
    """A request body with the credentials it carries replaced."""
    if not isinstance(body, dict) or not any(key in body for key in SECRET_BODY_KEYS):
        return body
    return {key: REDACTED if key in SECRET_BODY_KEYS else value for key, value in body.items()}


class Journal:
    """The last `size` entries, oldest first; safe to use from several server threads."""

    def __init__(self, size: int) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=size)
        self._lock = threading.Lock()
        self._seq = 0

    def record(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self._seq += 1
            self._entries.append({"seq": self._seq, **entry})

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._seq = 0

    def entries(
        self, *, method: str | None = None, path: str | None = None, status: int | None = None
    ) -> list[dict[str, Any]]:
        """Entries matching every given filter (method any case, path as a prefix)."""
        with self._lock:
            snapshot = list(self._entries)
        return [
            entry
            for entry in snapshot
            if (method is None or entry["method"] == method.upper())
            and (path is None or entry["path"].startswith(path))
            and (status is None or entry["status"] == status)
        ]
