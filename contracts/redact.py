"""Redaction at the one point where recorded interactions are written to disk.

Nothing reaches a file without passing `Redactor.write`: headers are kept by allow-list (so
Authorization, cookies and anything unforeseen never are), the API key is replaced wherever it
appears (keys, values, paths, queries, bodies; plain and URL-encoded), so is any tracking-API
`application_token` in a body, and with `pii` emails
and people's names become stable placeholders (`person1@example.com`, `Name-1`), the same value
getting the same placeholder in every file of a recording. As a last guard the serialised text
is searched for the key, and a file that still holds it is not written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

__all__ = [
    "APP_TOKEN_PLACEHOLDER",
    "KEY_PLACEHOLDER",
    "REQUEST_HEADERS",
    "RESPONSE_HEADERS",
    "Redactor",
]

REQUEST_HEADERS: Final = ("Accept", "Content-Type", "User-Agent")
RESPONSE_HEADERS: Final = (
    "Content-Type",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "Retry-After",
)
KEY_PLACEHOLDER: Final = "[api-key]"
APP_TOKEN_PLACEHOLDER: Final = "[app-token]"
_EMAIL: Final = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# Fields holding a person's name; display names and the like are built from them.
_NAME_KEYS: Final = frozenset({"first_name", "last_name"})


def _strings(value: Any, change: Callable[[str], str], *, keys: bool) -> Any:
    """`value` with `change` applied to every string in it, and to object keys with `keys`."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {
            change(key) if keys else key: _strings(item, change, keys=keys)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_strings(item, change, keys=keys) for item in value]
    return value


def _without_app_tokens(value: Any) -> Any:
    """`value` with every `application_token` (the tracking API's credential) replaced."""
    if isinstance(value, dict):
        return {
            key: APP_TOKEN_PLACEHOLDER if key == "application_token" else _without_app_tokens(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_without_app_tokens(item) for item in value]
    return value


def _allowed(headers: dict[str, str], allowed: tuple[str, ...]) -> dict[str, str]:
    by_name = {name.lower(): value for name, value in headers.items()}
    return {name: by_name[name.lower()] for name in allowed if name.lower() in by_name}


class Redactor:
    """Redacts interactions of one recording and writes them (see the module doc)."""

    def __init__(self, api_key: str, *, pii: bool) -> None:
        self._secrets = sorted({api_key, quote(api_key, safe="")}, key=len, reverse=True)
        self._pii = pii
        self._emails: dict[str, str] = {}
        self._names: dict[str, str] = {}

    def redact(self, interaction: dict[str, Any]) -> dict[str, Any]:
        """A copy of `interaction` fit to be written."""
        document = {
            **interaction,
            "request": {
                **interaction["request"],
                "headers": _allowed(interaction["request"].get("headers", {}), REQUEST_HEADERS),
            },
            "response": {
                **interaction["response"],
                "headers": _allowed(interaction["response"].get("headers", {}), RESPONSE_HEADERS),
            },
        }
        document = _strings(_without_app_tokens(document), self._without_key, keys=True)
        if self._pii:
            self._collect_names(document)
            # Keys name fields and are no personal data; the source names the recorded host.
            document = {
                key: value if key == "source" else _strings(value, self._without_pii, keys=False)
                for key, value in document.items()
            }
        return document

    def write(self, path: Path, interaction: dict[str, Any]) -> None:
        """Redact `interaction` and write it to `path` as JSON."""
        text = json.dumps(self.redact(interaction), indent=2, ensure_ascii=False) + "\n"
        if any(secret in text for secret in self._secrets):
            raise RuntimeError(f"refusing to write {path}: the API key survived redaction")
        path.write_text(text, encoding="utf-8")

    def _without_key(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, KEY_PLACEHOLDER)
        return text

    def _collect_names(self, value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in _NAME_KEYS and isinstance(item, str) and item.strip():
                    self._names.setdefault(item, f"Name-{len(self._names) + 1}")
                self._collect_names(item)
        elif isinstance(value, list):
            for item in value:
                self._collect_names(item)

    def _without_pii(self, text: str) -> str:
        text = _EMAIL.sub(self._email, text)
        # Longest first, whole words only: "Ann Lee" is both names, "Annual" is neither.
        for name in sorted(self._names, key=len, reverse=True):
            text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", self._names[name], text)
        return text

    def _email(self, match: re.Match[str]) -> str:
        email = match[0].lower()
        return self._emails.setdefault(email, f"person{len(self._emails) + 1}@example.com")
