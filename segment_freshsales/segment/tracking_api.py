"""The shapes of Segment's HTTP Tracking API: batch bodies, size limits and receipt stamps.

Shared by the relay, which receives these bodies over HTTP, and by `segment-freshsales send`,
which reads them from files.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from itertools import accumulate
from typing import Any, Final

import orjson

from translator.message import MAX_DEPTH, MAX_MESSAGE_BYTES

__all__ = [
    "MAX_BATCH_BYTES",
    "MAX_MESSAGE_BYTES",
    "MAX_NESTING",
    "BodyError",
    "loads",
    "message_size",
    "stamped",
    "unpack_batch",
]

MAX_BATCH_BYTES: Final = 500 * 1024  # Segment's limit per batch request
# Levels of arrays and objects a document may nest. Python's json spends a stack frame per level
# and fails at its recursion limit (1000) with a RecursionError, so deeper documents are refused
# before parsing. Twice the translator's own limit per message [I]: a message merely too deep
# still parses, and the translator rejects it with the path of the field.
MAX_NESTING: Final = 2 * MAX_DEPTH
_STRING: Final = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET: Final = re.compile(r"[^\[\]{}]+")
_BRACKET_STEP: Final = {"[": 1, "{": 1, "]": -1, "}": -1}
# Batch-level keys that Segment merges into every item of the batch.
_SHARED_KEYS: Final = ("context", "integrations")


class BodyError(ValueError):
    """A request body that does not have the shape Segment's API accepts."""


def loads(text: str | bytes) -> Any:
    """Strict JSON: Python's json, which keeps big integers and escaped lone surrogates for the
    translator to judge, but without the NaN and Infinity that JSON does not have, and nested at
    most MAX_NESTING levels (a BodyError otherwise). Raises ValueError."""
    if isinstance(text, bytes):
        text = text.decode(json.detect_encoding(text), "surrogatepass")  # as json.loads does
    depth = _nesting(text)
    if depth > MAX_NESTING:
        raise BodyError(
            f"JSON nested {depth} levels deep: at most {MAX_NESTING} levels of arrays and "
            "objects are accepted"
        )
    return json.loads(text, parse_constant=_no_constant)


def _nesting(text: str) -> int:
    """How deep the arrays and objects of `text` nest, without recursion; exact for valid JSON,
    where every quote outside a string starts one."""
    if text.count("[") + text.count("{") <= MAX_NESTING:
        return 0  # too few brackets to go too deep: the common case, in C
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(map(_BRACKET_STEP.__getitem__, brackets)), default=0)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def unpack_batch(body: Mapping[str, Any]) -> list[Any]:
    """The items of a `{"batch": [...]}` body, with the batch's context and integrations merged
    into each item (the item's own keys win), as Segment does."""
    items = body.get("batch")
    if not isinstance(items, list):
        raise BodyError("batch: expected a list of messages")
    shared = {key: body[key] for key in _SHARED_KEYS if isinstance(body.get(key), dict)}
    return [_merged(item, shared) for item in items] if shared else list(items)


def _merged(item: Any, shared: dict[str, dict[str, Any]]) -> Any:
    if not isinstance(item, dict):
        return item  # the translator rejects it with a reason; nothing to merge into
    merged = dict(item)
    for key, value in shared.items():
        own = item.get(key)
        if own is None:
            merged[key] = value
        elif isinstance(own, dict):
            merged[key] = {**value, **own}
    return merged


def message_size(message: Any) -> int:
    """Bytes of the message as compact UTF-8 JSON, the measure of Segment's 32 KB limit."""
    try:
        return len(orjson.dumps(message))
    except orjson.JSONEncodeError:  # integers beyond 64 bits: stdlib json, as the client does
        return len(json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode())


def stamped(message: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """The message with `receivedAt`, and the `messageId` and `timestamp` Segment gives a
    message on receipt when it has none."""
    received = (now or datetime.now(UTC)).isoformat(timespec="milliseconds")
    received = received.replace("+00:00", "Z")
    result = {**message, "receivedAt": received}
    if not isinstance(message.get("messageId"), str) or not message["messageId"]:
        result["messageId"] = f"relay-{uuid.uuid4()}"
    if message.get("timestamp") is None:
        result["timestamp"] = received
    return result
