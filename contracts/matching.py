"""Matching rules and the comparison of an expected JSON value with an actual one.

Rules are keyed by JSON path (see `jsonpath`); the most specific matching key wins:

* `type` - the same JSON type as the recorded value; inside it, children match by type too
  (Pact's cascade). On an array, `min`/`max` let its length vary, each item then matching the
  recorded first item.
* `integer`, `number` - a JSON integer, any JSON number (booleans are neither).
* `regex` - a string the pattern matches in full.
* `iso_datetime` - an ISO-8601 date and time, e.g. `2022-10-11T08:42:15-04:00`.
* `any` - any value, as long as one is there.

Without a rule, values must be equal. Objects are compared key by key: a key missing from the
actual value is a difference, and an extra one too unless `extra_keys` allows it (Pact's
asymmetry: lenient on responses, strict on what a client sends). Arrays must have the same
length in both cases (but under a `type` rule with `min`/`max`): an extra item is never fine.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from contracts.jsonpath import Path, format_path, matches, parse, wildcards

__all__ = [
    "NO_RULES",
    "Difference",
    "Rule",
    "Rules",
    "apply_rules",
    "compare",
    "compare_named",
    "show",
]

_ISO_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
)
_SHOWN = 60


@dataclass(frozen=True)
class Difference:
    """One field that differs: its JSON path, what kind of difference, and in words.

    `kind` is `value`, `type`, `missing`, `unexpected` (a key or item that should not be
    there), `rule` (a matching rule refused the value), `schema`, or `unmatched`.
    """

    path: str
    kind: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


@dataclass(frozen=True)
class Rule:
    """One matching rule (see the module doc)."""

    match: str
    regex: re.Pattern[str] | None = None
    min: int | None = None
    max: int | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Rule:
        """A rule as written in a contract file (already checked against its JSON Schema)."""
        pattern = data.get("regex")
        return cls(
            match=data["match"],
            regex=None if pattern is None else re.compile(pattern),
            min=data.get("min"),
            max=data.get("max"),
        )

    def describe(self) -> str:
        if self.regex is not None:
            return f"a string matching /{self.regex.pattern}/"
        return {
            "integer": "an integer",
            "number": "a number",
            "iso_datetime": "an ISO-8601 date-time",
            "any": "any value",
        }.get(self.match, "a value of the recorded type")

    def accepts(self, value: Any) -> bool:
        """Whether a scalar rule accepts `value` (a `type` rule is checked structurally)."""
        if self.match == "integer":
            return isinstance(value, int) and not isinstance(value, bool)
        if self.match == "number":
            return isinstance(value, int | float) and not isinstance(value, bool)
        if self.match == "regex":
            return (
                isinstance(value, str)
                and self.regex is not None
                and bool(self.regex.fullmatch(value))
            )
        if self.match == "iso_datetime":
            return isinstance(value, str) and _is_iso_datetime(value)
        return self.match == "any"


def _is_iso_datetime(value: str) -> bool:
    if not _ISO_DATETIME.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


class Rules:
    """Rules by JSON path pattern; `for_path` picks the most specific one for a concrete path."""

    def __init__(self, rules: Iterable[tuple[Path, Rule]] = ()) -> None:
        # Fewest wildcards first, so the first pattern that matches is the most specific.
        self._rules = sorted(rules, key=lambda item: wildcards(item[0]))

    @classmethod
    def from_json(cls, data: Mapping[str, Mapping[str, Any]]) -> Rules:
        return cls((parse(key), Rule.from_json(rule)) for key, rule in data.items())

    def for_path(self, path: Path) -> Rule | None:
        for pattern, rule in self._rules:
            if matches(pattern, path):
                return rule
        return None


NO_RULES: Final = Rules()


def show(value: Any) -> str:
    """A value for a message: compact JSON, cut short when long."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def compare(
    expected: Any,
    actual: Any,
    path: Path = (),
    rules: Rules = NO_RULES,
    *,
    extra_keys: bool,
    by_type: bool = False,
) -> list[Difference]:
    """The differences of `actual` from `expected` at `path`, under `rules`."""
    rule = rules.for_path(path)
    if rule is not None and rule.match != "type":
        return _refused_by(rule, actual, path)
    by_type = by_type or rule is not None
    if _json_type(expected) != _json_type(actual):
        return [
            Difference(
                format_path(path),
                "type",
                f"expected {_json_type(expected)} {show(expected)}, got {show(actual)}",
            )
        ]
    if isinstance(expected, dict):
        return _compare_objects(expected, actual, path, rules, extra_keys, by_type)
    if isinstance(expected, list):
        return _compare_arrays(expected, actual, path, rules, extra_keys, by_type, rule)
    # Same JSON type by now, so Python equality is JSON's: 1 == 1.0, and true is not 1.
    if by_type or expected == actual:
        return []
    return [
        Difference(format_path(path), "value", f"expected {show(expected)}, got {show(actual)}")
    ]


def _compare_objects(
    expected: dict[str, Any],
    actual: dict[str, Any],
    path: Path,
    rules: Rules,
    extra_keys: bool,
    by_type: bool,
) -> list[Difference]:
    found: list[Difference] = []
    for key, value in expected.items():
        if key not in actual:
            found.append(
                Difference(format_path((*path, key)), "missing", f"expected {show(value)}, absent")
            )
        else:
            found += compare(
                value, actual[key], (*path, key), rules, extra_keys=extra_keys, by_type=by_type
            )
    if not extra_keys:
        found += [
            Difference(format_path((*path, key)), "unexpected", f"not expected, got {show(value)}")
            for key, value in actual.items()
            if key not in expected
        ]
    return found


def _compare_arrays(
    expected: list[Any],
    actual: list[Any],
    path: Path,
    rules: Rules,
    extra_keys: bool,
    by_type: bool,
    rule: Rule | None,
) -> list[Difference]:
    found: list[Difference] = []
    varies = rule is not None and (rule.min is not None or rule.max is not None)
    if varies and rule is not None:
        low, high = rule.min or 0, rule.max
        if len(actual) < low or (high is not None and len(actual) > high):
            bounds = f"at least {low}" if high is None else f"{low} to {high}"
            found.append(
                Difference(format_path(path), "rule", f"expected {bounds} items, got {len(actual)}")
            )
        # Each item is like the recorded first one (Pact's eachLike).
        pairs = [(expected[0], item) for item in actual] if expected else []
    else:
        if len(expected) != len(actual):
            found.append(
                Difference(
                    format_path(path),
                    "unexpected" if len(actual) > len(expected) else "missing",
                    f"expected {len(expected)} items, got {len(actual)}",
                )
            )
        pairs = list(zip(expected, actual, strict=False))
    for index, (want, got) in enumerate(pairs):
        found += compare(want, got, (*path, index), rules, extra_keys=extra_keys, by_type=by_type)
    return found


def _refused_by(rule: Rule, actual: Any, path: Path) -> list[Difference]:
    """Nothing when the scalar `rule` accepts `actual`, else the one difference."""
    if rule.accepts(actual):
        return []
    return [
        Difference(format_path(path), "rule", f"expected {rule.describe()}, got {show(actual)}")
    ]


def apply_rules(actual: Any, path: Path, rules: Rules) -> list[Difference]:
    """The values in `actual` that a scalar rule at their path refuses (no example needed).

    Used where only the shape counts (the conformance check): a rule constrains a value
    wherever the actual document has one; `type` rules are left to the JSON Schema.
    """
    rule = rules.for_path(path)
    if rule is not None and rule.match != "type":
        return _refused_by(rule, actual, path)
    children: Iterable[tuple[str | int, Any]] = ()
    if isinstance(actual, dict):
        children = actual.items()
    elif isinstance(actual, list):
        children = enumerate(actual)
    found: list[Difference] = []
    for key, value in children:
        found += apply_rules(value, (*path, key), rules)
    return found


def compare_named(
    expected: Mapping[str, str], actual: Mapping[str, str], prefix: Path, rules: Rules
) -> list[Difference]:
    """Each expected header or query parameter is in `actual` (an httpx.Headers looks names up
    case-insensitively) with the recorded value or one its rule accepts; others are not
    checked here."""
    found: list[Difference] = []
    for name, value in expected.items():
        path = (*prefix, name)
        if name in actual:
            found += compare(value, actual[name], path, rules, extra_keys=True)
        else:
            found.append(Difference(format_path(path), "missing", "absent"))
    return found
