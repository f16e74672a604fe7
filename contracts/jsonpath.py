"""JSON paths as the contract files write them: `$.response.body.contact.emails[0].id`.

A path is `$` followed by `.name`, `['any name']`, `[3]`, or the wildcards `[*]` and `.*`.
Matching rules are keyed by paths (wildcards allowed); differences are reported by paths.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Final, TypeAlias

__all__ = [
    "WILDCARD",
    "Path",
    "Segment",
    "format_path",
    "matches",
    "parse",
    "replace",
    "wildcards",
]


class _Wildcard:
    """Any key or index: `[*]` or `.*`."""

    def __repr__(self) -> str:
        return "*"


WILDCARD: Final = _Wildcard()
Segment: TypeAlias = str | int | _Wildcard
Path: TypeAlias = tuple[Segment, ...]

_NAME = re.compile(r"[A-Za-z0-9_-]+")
_TOKEN = re.compile(
    r"\.(?P<name>[A-Za-z0-9_-]+|\*)"
    r"|\[(?:(?P<index>\d+)|(?P<star>\*)|'(?P<quoted>(?:[^'\\]|\\.)*)')\]"
)


def parse(text: str) -> Path:
    """The segments of `text`; a ValueError says where it stops making sense."""
    if not text.startswith("$"):
        raise ValueError(f"a JSON path starts with '$', got {text!r}")
    segments: list[Segment] = []
    position = 1
    while position < len(text):
        token = _TOKEN.match(text, position)
        if token is None:
            raise ValueError(f"bad JSON path {text!r} at character {position}")
        if token["name"] == "*" or token["star"]:
            segments.append(WILDCARD)
        elif token["name"] is not None:
            segments.append(token["name"])
        elif token["index"] is not None:
            segments.append(int(token["index"]))
        else:
            segments.append(re.sub(r"\\(.)", r"\1", token["quoted"]))
        position = token.end()
    return tuple(segments)


def format_path(path: Sequence[Segment]) -> str:
    """`path` written back as text: dotted names where possible, brackets otherwise."""
    parts = ["$"]
    for segment in path:
        if isinstance(segment, _Wildcard):
            parts.append("[*]")
        elif isinstance(segment, int):
            parts.append(f"[{segment}]")
        elif _NAME.fullmatch(segment):
            parts.append(f".{segment}")
        else:
            escaped = segment.replace("\\", "\\\\").replace("'", "\\'")
            parts.append(f"['{escaped}']")
    return "".join(parts)


def matches(pattern: Path, path: Path) -> bool:
    """Whether the concrete `path` is one `pattern` names (wildcards match any key or index)."""
    return len(pattern) == len(path) and all(
        p is WILDCARD or p == s for p, s in zip(pattern, path, strict=True)
    )


def wildcards(pattern: Path) -> int:
    """How many wildcards `pattern` has: the fewer, the more specific."""
    return sum(1 for segment in pattern if segment is WILDCARD)


def replace(document: Any, path: Path, value: Any) -> Any:
    """A copy of `document` with the value at concrete `path` replaced (which must exist)."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(head, str) and isinstance(document, dict) and head in document:
        return {**document, head: replace(document[head], rest, value)}
    if isinstance(head, int) and isinstance(document, list) and head < len(document):
        return [
            replace(item, rest, value) if i == head else item for i, item in enumerate(document)
        ]
    raise KeyError(format_path(path))
