"""Keeping the API key out of everything this package writes: dead letters, logs, reasons."""

from __future__ import annotations

from typing import Any

__all__ = ["REDACTED", "scrub"]

REDACTED = "[REDACTED]"


def scrub(value: Any, secret: str) -> Any:
    """`value` with every occurrence of `secret` in its strings (and keys) replaced."""
    if isinstance(value, str):
        return value.replace(secret, REDACTED) if secret in value else value
    if isinstance(value, dict):
        return {scrub(k, secret): scrub(v, secret) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(item, secret) for item in value]
    return value
