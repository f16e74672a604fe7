"""The exceptions the translator raises for bad input and bad settings, and their wording."""

from __future__ import annotations

__all__ = ["InvalidEvent", "SettingsError", "child", "describe"]

_DESCRIBE_LIMIT = 40


class InvalidEvent(ValueError):
    """A Segment message that cannot become Freshsales calls.

    `path` names the offending field (`"traits.email"`, `"userId"`, or `"message"` for the
    message as a whole); the text says what was expected instead.
    """

    def __init__(self, path: str, expected: str) -> None:
        self.path = path
        self.expected = expected
        super().__init__(f"{path}: {expected}")


class SettingsError(ValueError):
    """Settings that cannot be used to reach a Freshsales account.

    `field` names the setting. The text never contains the API key.
    """

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


def child(path: str, key: str) -> str:
    """The path of `key` inside `path`."""
    return f"{path}.{key}" if path else key


def describe(value: object) -> str:
    """A short description of a JSON value for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= _DESCRIBE_LIMIT else value[:_DESCRIBE_LIMIT] + "…"
        return f"the string {shown!r}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"
