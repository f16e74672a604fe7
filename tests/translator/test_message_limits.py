"""Message-level checks: type, size, nesting, unicode and the common fields."""

import time
from typing import Any

import pytest

from translator import InvalidEvent, Plan, Settings, translate
from translator.message import MAX_DEPTH, MAX_MESSAGE_BYTES

SETTINGS = Settings(domain="acme", api_key="k")
ALIAS = {"type": "alias", "userId": "new", "previousId": "old"}


def error_of(message: object) -> InvalidEvent:
    with pytest.raises(InvalidEvent) as error:
        translate(message, SETTINGS)
    return error.value


@pytest.mark.parametrize("message", [None, [], "identify", 42, True])
def test_message_must_be_an_object(message: object) -> None:
    assert error_of(message).path == "message"


@pytest.mark.parametrize("kind", [None, "delete", "Identify", 3])
def test_type_must_be_known(kind: object) -> None:
    error = error_of({"type": kind, "userId": "u"})
    assert str(error).startswith(
        "type: expected one of identify, track, page, screen, group, alias"
    )


def _padded(size: int) -> dict[str, Any]:
    """An alias message of exactly `size` bytes of compact UTF-8 JSON."""
    base = {**ALIAS, "pad": ""}
    overhead = len(b'{"type":"alias","userId":"new","previousId":"old","pad":""}')
    return {**base, "pad": "x" * (size - overhead)}


def test_size_limit_is_32_kb_of_json() -> None:
    assert translate(_padded(MAX_MESSAGE_BYTES), SETTINGS) == Plan()
    error = error_of(_padded(MAX_MESSAGE_BYTES + 1))
    assert error.path == "message"
    assert str(error) == (
        "message: expected at most 32768 bytes of JSON (Segment's limit), got 32769 bytes"
    )


def test_size_counts_utf8_bytes_not_characters() -> None:
    message = {**ALIAS, "pad": "é" * (MAX_MESSAGE_BYTES // 2)}
    assert error_of(message).path == "message"


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = {"a": value}
    return value


def test_nesting_at_the_bound_is_fine() -> None:
    assert translate({**ALIAS, "x": _nested(MAX_DEPTH - 1)}, SETTINGS) == Plan()


@pytest.mark.parametrize("depth", [MAX_DEPTH, 10_000])
def test_deep_nesting_fails_fast_and_clearly(depth: int) -> None:
    started = time.perf_counter()
    error = error_of({**ALIAS, "x": _nested(depth)})
    assert time.perf_counter() - started < 1.0
    assert error.path == "x" + ".a" * (MAX_DEPTH - 1)
    assert str(error).endswith(f"expected at most {MAX_DEPTH} levels of nesting")


def test_deep_lists_are_caught_too() -> None:
    value: Any = []
    for _ in range(10_000):
        value = [value]
    assert error_of({**ALIAS, "x": value}).path.startswith("x[0][0]")


def test_huge_messages_fail_fast() -> None:
    started = time.perf_counter()
    error = error_of({**ALIAS, "x": list(range(2_000_000)), "y": "\ud800"})
    assert time.perf_counter() - started < 2.0
    assert error.path in ("message", "y")


def test_lone_surrogates_are_rejected_with_their_path() -> None:
    error = error_of(
        {"type": "track", "userId": "a@b.co", "event": "E", "properties": {"t": "a\udc00"}}
    )
    assert error.path == "properties.t"
    assert "lone surrogate" in str(error)


def test_non_string_keys_and_foreign_values_are_rejected() -> None:
    assert error_of({**ALIAS, "x": {1: "a"}}).path == "x"
    assert error_of({**ALIAS, "x": {"s": {1, 2}}}).path == "x.s"
    assert "expected a finite number" in str(error_of({**ALIAS, "x": [2**70, float("nan")]}))


def test_big_integers_are_fine() -> None:
    assert translate({**ALIAS, "x": 2**100}, SETTINGS) == Plan()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("messageId", ""),
        ("messageId", "m" * 101),
        ("messageId", 7),
        ("anonymousId", ["a"]),
        ("context", "x"),
    ],
)
def test_common_fields_are_checked(field: str, value: object) -> None:
    assert error_of({**ALIAS, field: value}).path == field


def test_alias_is_an_empty_plan_once_well_formed() -> None:
    assert translate({**ALIAS, "messageId": "m" * 100}, SETTINGS) == Plan(calls=[], ignored=[])
    assert error_of({"type": "alias", "userId": "new"}).path == "previousId"
    assert error_of({"type": "alias", "previousId": "old"}).path == "userId"
