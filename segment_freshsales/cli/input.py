"""Reading Segment messages from a file or stdin: JSON lines, a JSON array, or a batch body."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from segment_freshsales.cli.options import UsageError
from segment_freshsales.segment.tracking_api import BodyError, loads, unpack_batch

__all__ = ["Item", "Malformed", "parse", "read_text"]


@dataclass(frozen=True, slots=True)
class Item:
    """One message and where it came from (`line 3`, `item 2`)."""

    where: str
    message: Any


@dataclass(frozen=True, slots=True)
class Malformed:
    """Input that is not a message: kept with its text and the reason."""

    where: str
    text: str
    reason: str


def read_text(source: str) -> str:
    """The whole input as text; `-` is stdin. A file that cannot be read is a usage error."""
    try:
        data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read {source}: {error.strerror or error}") from None
    try:
        return data.decode("utf-8-sig")  # a byte-order mark is not part of the JSON
    except UnicodeDecodeError as error:
        raise UsageError(f"cannot read {source}: not UTF-8 (byte {error.start})") from None


def parse(text: str) -> list[Item | Malformed]:
    """The messages of a JSON array, a Segment batch body, one JSON object, or JSON lines."""
    stripped = text.strip()
    if stripped.startswith("["):
        return _array(text)
    try:
        whole = loads(stripped)
    except ValueError:
        return _lines(text)  # not one JSON document: JSON lines
    if isinstance(whole, dict) and "batch" in whole:
        try:
            return [Item(f"item {n}", m) for n, m in enumerate(unpack_batch(whole), start=1)]
        except BodyError as error:
            return [Malformed("line 1", text, str(error))]
    return [Item("line 1", whole)]


def _array(text: str) -> list[Item | Malformed]:
    try:
        value = loads(text)
    except ValueError as error:
        line = error.lineno if isinstance(error, json.JSONDecodeError) else 1
        return [Malformed(f"line {line}", text, _reason(error))]
    return [Item(f"item {n}", message) for n, message in enumerate(value, start=1)]


def _lines(text: str) -> list[Item | Malformed]:
    parsed: list[Item | Malformed] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            parsed.append(Item(f"line {number}", loads(line)))
        except ValueError as error:
            parsed.append(Malformed(f"line {number}", line, _reason(error)))
    return parsed


def _reason(error: ValueError) -> str:
    if isinstance(error, json.JSONDecodeError):
        line = f"line {error.lineno} " if error.lineno > 1 else ""
        return f"not JSON: {error.msg} ({line}column {error.colno})"
    if isinstance(error, BodyError):  # JSON too deep to read: it says so itself
        return str(error)
    return f"not JSON: {error}"
