"""Reading a Segment message: its limits, its common fields and their types.

Every check raises InvalidEvent with the path of the field and what was expected, so that bad
input never reaches the network and never raises anything else.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from functools import lru_cache
from typing import Final

import orjson

from translator.errors import InvalidEvent, child, describe
from translator.plan import JSON

__all__ = [
    "MAX_DEPTH",
    "MAX_MESSAGE_BYTES",
    "MAX_MESSAGE_ID_LENGTH",
    "check_message",
    "checked_email",
    "is_email",
    "iso_datetime",
    "optional_object",
    "optional_string",
    "timestamp",
    "user_id",
]

MAX_MESSAGE_BYTES: Final = 32 * 1024  # Segment's limit per message, as UTF-8 JSON
# The deepest nesting orjson serialises; Segment messages rarely go past five levels.
MAX_DEPTH: Final = 254
MAX_MESSAGE_ID_LENGTH: Final = 100
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")
_EMAIL_LIMIT: Final = 254


def check_message(message: object) -> dict[str, JSON]:
    """The message, once it is a JSON object within Segment's size and sane nesting limits."""
    if not isinstance(message, dict):
        raise InvalidEvent("message", f"expected a JSON object, got {describe(message)}")
    try:
        size = len(orjson.dumps(message))
    except orjson.JSONEncodeError:
        size = _diagnose(message)
    if size > MAX_MESSAGE_BYTES:
        raise InvalidEvent(
            "message",
            f"expected at most {MAX_MESSAGE_BYTES} bytes of JSON (Segment's limit), "
            f"got {size} bytes",
        )
    return message


def _diagnose(message: dict[str, JSON]) -> int:
    """Why orjson refused the message (as an InvalidEvent), or its size when nothing is wrong.

    orjson refuses lone surrogates, non-string keys, foreign types, integers beyond 64 bits and
    nesting deeper than MAX_DEPTH. Only the big integers are fine, so this walks the message
    without recursion, and stops as soon as the bytes seen exceed the size limit.
    """
    stack: list[tuple[object, str, int]] = [(message, "", 1)]
    seen = 0
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise InvalidEvent(
                    path or "message", f"expected at most {MAX_DEPTH} levels of nesting"
                )
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(value, dict):
                    if not isinstance(key, str):
                        raise InvalidEvent(
                            path or "message", f"expected string keys, got {describe(key)}"
                        )
                    sub = f"{path}.{key}" if path else key
                else:
                    sub = f"{path}[{key}]"
                seen += len(key) + 3 if isinstance(key, str) else 1
                stack.append((item, sub, depth + 1))
        elif isinstance(value, str):
            try:
                seen += len(value.encode("utf-8")) + 2
            except UnicodeEncodeError:
                raise InvalidEvent(
                    path or "message", "expected valid Unicode text, found a lone surrogate"
                ) from None
        elif isinstance(value, float) and not math.isfinite(value):
            raise InvalidEvent(path or "message", "expected a finite number")
        elif value is not None and not isinstance(value, int | float):
            raise InvalidEvent(path or "message", f"expected a JSON value, got {describe(value)}")
        else:
            seen += 1
        if seen > MAX_MESSAGE_BYTES:
            raise InvalidEvent(
                "message",
                f"expected at most {MAX_MESSAGE_BYTES} bytes of JSON (Segment's limit), "
                f"got more than {MAX_MESSAGE_BYTES}",
            )
    return len(json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode())


def optional_object(parent: dict[str, JSON], key: str, path: str = "") -> dict[str, JSON] | None:
    """`parent[key]` when it is an object; None when absent or null."""
    value = parent.get(key)
    if value is None or isinstance(value, dict):
        return value
    raise InvalidEvent(child(path, key), f"expected an object, got {describe(value)}")


def optional_string(parent: dict[str, JSON], key: str, path: str = "") -> str | None:
    """`parent[key]` when it is a non-empty string; None when absent or null."""
    value = parent.get(key)
    if value is None:
        return None
    if isinstance(value, str) and value:
        return value
    raise InvalidEvent(child(path, key), f"expected a non-empty string, got {describe(value)}")


def user_id(message: dict[str, JSON]) -> str | None:
    """The userId as a string (numbers are stringified, as Segment's libraries do)."""
    value = message.get("userId")
    if isinstance(value, str) and value.strip():  # the common case first
        return value
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise InvalidEvent("userId", f"expected a non-empty string, got {describe(value)}")


@lru_cache(maxsize=4096)  # a stream names the same people again and again
def is_email(value: str) -> bool:
    """Whether `value` looks like an email address (one @, a dotted domain, no spaces)."""
    return "@" in value and len(value) <= _EMAIL_LIMIT and _EMAIL.fullmatch(value) is not None


def checked_email(value: JSON, path: str) -> str:
    """`value` (at `path`, present and not null) as a stripped email; InvalidEvent when it is
    not one."""
    if isinstance(value, str) and is_email(stripped := value.strip()):
        return stripped
    raise InvalidEvent(path, f"expected an email address, got {describe(value)}")


def timestamp(message: dict[str, JSON]) -> str | None:
    """When the message happened: its `timestamp`, else Segment's client-side
    `originalTimestamp`, checked to be ISO-8601 (see `iso_datetime`); None when it has neither."""
    value = message.get("timestamp")
    if value is not None:
        return iso_datetime(value, "timestamp")
    value = message.get("originalTimestamp")
    return None if value is None else iso_datetime(value, "originalTimestamp")


def iso_datetime(value: JSON, path: str) -> str:
    """`value` (at `path`) as an ISO-8601 date-time in extended format; naive times are made
    UTC ("Z"). An InvalidEvent when it is not one."""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            # Extended format with an offset is sent as given (formatting a datetime is the
            # slowest step of a translation); anything else is rewritten in that form. With an
            # offset the text holds a date and a time, so it is longer than 10 characters.
            if parsed.tzinfo is not None and value[4] == "-" and value[10] == "T":
                return value
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=UTC)
            spec = "milliseconds" if parsed.microsecond else "seconds"
            return parsed.isoformat(timespec=spec).replace("+00:00", "Z")
    raise InvalidEvent(
        path,
        f"expected an ISO-8601 date-time such as 2026-05-01T10:00:00Z, got {describe(value)}",
    )
