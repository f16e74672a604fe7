"""Fuzzing the translator: whatever comes in, only InvalidEvent comes out, fast and clear."""

import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translator import InvalidEvent, Settings, translate
from translator import strategies as segment
from translator.message import MAX_DEPTH, MAX_MESSAGE_BYTES

SETTINGS = Settings(domain="acme", api_key="fuzz-key-00112233")
# Strict: a broken optional value is then an InvalidEvent too (by default it is dropped).
STRICT = Settings(domain="acme", api_key="fuzz-key-00112233", strict=True)
TYPES = ["identify", "track", "page", "screen", "group", "alias"]


def only_invalid_event(message: object) -> None:
    try:
        translate(message, SETTINGS)
    except InvalidEvent as error:
        assert error.path, "an InvalidEvent always names a path"
        assert error.expected, "and says what was expected"
        assert str(error) == f"{error.path}: {error.expected}"


# Messages of every type whose every known field is replaced by arbitrary JSON, at any depth.
FIELDS = "userId anonymousId messageId traits event properties name category groupId previousId"
mangled = st.builds(
    lambda kind, fields: {"type": kind, **fields},
    st.sampled_from(TYPES),
    st.dictionaries(
        st.sampled_from([*FIELDS.split(), "timestamp", "context"]), segment.json_values(12)
    ),
)


@settings(max_examples=300)
@given(st.one_of(segment.json_values(30), mangled))
def test_arbitrary_json_yields_a_plan_or_an_invalid_event(message: Any) -> None:
    only_invalid_event(message)


@settings(max_examples=300)
@given(segment.broken_messages())
def test_almost_valid_messages_name_the_broken_field(broken: segment.Broken) -> None:
    with pytest.raises(InvalidEvent) as error:
        translate(broken.message, STRICT)
    assert error.value.path == broken.path


@settings(max_examples=100)
@given(segment.valid_messages(), st.sampled_from(["traits", "properties", "context"]))
def test_valid_messages_with_a_mangled_part_never_crash(message: dict[str, Any], part: str) -> None:
    only_invalid_event({**message, part: {"x": [[{"y": None}]], "cfA": {"b": 2**80}}})


def nest(depth: int, leaf: object, as_list: bool) -> object:
    value = leaf
    for _ in range(depth):
        value = [value] if as_list else {"k": value}
    return value


@pytest.mark.parametrize("as_list", [False, True])
@pytest.mark.parametrize("where", ["traits", "properties", "context"])
def test_depth_ten_thousand_fails_fast_without_recursion_error(where: str, as_list: bool) -> None:
    message = {
        "type": "track",
        "userId": "a@b.co",
        "event": "E",
        where: {"deep": nest(10_000, 1, as_list)},
    }
    started = time.perf_counter()
    with pytest.raises(InvalidEvent) as error:
        translate(message, SETTINGS)
    assert time.perf_counter() - started < 0.5
    assert error.value.path.startswith(f"{where}.deep")
    assert error.value.expected == f"expected at most {MAX_DEPTH} levels of nesting"


@pytest.mark.parametrize(
    "huge",
    [
        "x" * 50_000_000,
        list(range(3_000_000)),
        {f"k{i}": i for i in range(300_000)},
        ["é" * 100] * 200_000,
    ],
    ids=["50 MB string", "3M-item list", "300k keys", "multi-byte list"],
)
def test_huge_messages_fail_fast_on_the_size_limit(huge: object) -> None:
    message = {"type": "track", "userId": "a@b.co", "event": "E", "properties": {"huge": huge}}
    started = time.perf_counter()
    with pytest.raises(InvalidEvent) as error:
        translate(message, SETTINGS)
    assert time.perf_counter() - started < 2.0
    assert error.value.path == "message"
    assert f"at most {MAX_MESSAGE_BYTES} bytes" in str(error.value)


def test_huge_and_broken_at_once_still_fails_fast() -> None:
    # orjson refuses the surrogate, so the slow walk runs: it must stop at the size limit.
    message = {
        "type": "track",
        "userId": "a@b.co",
        "event": "E",
        "properties": {"a": list(range(3_000_000)), "b": "\udfff"},
    }
    started = time.perf_counter()
    with pytest.raises(InvalidEvent):
        translate(message, SETTINGS)
    assert time.perf_counter() - started < 2.0
