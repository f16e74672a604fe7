"""Keeping the API key and the app token out of everything this package writes: dead letters,
logs, reasons."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import quote

__all__ = ["REDACTED", "scrub"]

REDACTED = "[REDACTED]"


def scrub(value: Any, *secrets: str | None) -> Any:
    """`value` with each of `secrets` (the API key, the app token; None and empty ones are
    ignored) replaced in its strings (and keys) wherever it stands as a token of its own: a
    header value (`Token token=KEY`), a URL or query string (also percent-encoded), a string
    of an echoed JSON body. Text that merely contains a key's characters inside a longer word
    is left alone: the key `k` does not touch `/lookup`."""
    for secret in secrets:
        if secret:
            value = _scrub(value, _pattern(secret))
    return value


def _scrub(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(REDACTED, value)
    if isinstance(value, dict):
        return {_scrub(k, pattern): _scrub(v, pattern) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(item, pattern) for item in value]
    return value


@lru_cache(maxsize=8)
def _pattern(secret: str) -> re.Pattern[str]:
    """The key as it is written and as a URL carries it, not inside a longer run of letters
    and digits. An edge of the key that is not a letter or digit (a `-` of a generated key)
    needs no boundary: nothing could glue onto it to make another word."""
    forms = dict.fromkeys((secret, quote(secret, safe="")))
    return re.compile("|".join(_bounded(form) for form in forms))


def _bounded(form: str) -> str:
    before = r"(?<![0-9A-Za-z])" if form[0].isascii() and form[0].isalnum() else ""
    after = r"(?![0-9A-Za-z])" if form[-1].isascii() and form[-1].isalnum() else ""
    return f"{before}{re.escape(form)}{after}"
