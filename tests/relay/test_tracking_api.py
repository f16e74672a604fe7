"""Segment's wire formats as the relay and `send` read them: JSON nested too deep to read is a
BodyError up front, never a RecursionError, and the relay answers it with a 400."""

import json
import sys
from pathlib import Path

import pytest

from fake_freshsales import FakeFreshsales
from segment_freshsales.segment import MAX_NESTING, BodyError, loads
from tests.processes import Relay
from translator.message import MAX_DEPTH

WRITE_KEY = "relay-wk-nesting"


def nested(depth: int, leaf: str = "1") -> str:
    """An array `depth` levels deep around `leaf`."""
    return "[" * depth + leaf + "]" * depth


def too_deep(depth: int) -> str:
    return (
        f"JSON nested {depth} levels deep: at most {MAX_NESTING} levels of arrays and objects "
        "are accepted"
    )


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        (nested(2000), 2000),
        ('{"a":' * 10_000 + "1" + "}" * 10_000, 10_000),
        (nested(MAX_NESTING + 1), MAX_NESTING + 1),
        ("[" * 5000, 5000),  # not even closed: still too deep, not a RecursionError
    ],
)
def test_json_nested_too_deep_is_a_body_error_naming_the_depth(text: str, depth: int) -> None:
    with pytest.raises(BodyError) as error:
        loads(text)
    assert str(error.value) == too_deep(depth)
    with pytest.raises(BodyError):
        loads(text.encode("utf-16"))  # bytes are read as json.loads reads them


def test_json_at_the_limit_parses_and_brackets_inside_strings_do_not_count() -> None:
    assert MAX_NESTING > 2 * MAX_DEPTH - 1  # a batch's message as deep as the translator takes
    value = loads(nested(MAX_NESTING))
    for _ in range(MAX_NESTING - 1):
        value = value[0]
    assert value == [1]
    text = json.dumps({"batch": [{"event": "[" * 5000, "quote": '\\"{' * 3000}]})
    assert loads(text)["batch"][0]["event"] == "[" * 5000


def test_nothing_else_about_loads_changed() -> None:
    assert loads(b'\xef\xbb\xbf{"n": 123456789012345678901234567890}') == {
        "n": 123456789012345678901234567890
    }
    with pytest.raises(ValueError, match="NaN is not a JSON value"):
        loads('{"n": NaN}')
    with pytest.raises(json.JSONDecodeError):
        loads("[" * MAX_NESTING + "]")  # unbalanced but shallow enough: json's own error
    assert sys.getrecursionlimit() > MAX_NESTING + 100  # room left for the frames around it


@pytest.mark.slow
def test_the_relay_answers_a_deep_body_with_a_400_naming_the_problem(
    fake_freshsales: FakeFreshsales, tmp_path: Path
) -> None:
    deep = nested(10_000, '{"type": "track"}')  # about 20 KB: within Segment's 32 KB
    batch = '{"batch": [' + deep + "]}"
    with (
        (tmp_path / "relay.log").open("w") as log,
        Relay(
            fake_freshsales.url, fake_freshsales.api_key, WRITE_KEY, tmp_path / "s", log
        ) as relay,
    ):
        for path, body, depth in (("/v1/batch", batch, 10_003), ("/v1/track", deep, 10_001)):
            response = relay.http.post(
                path, content=body, headers={"Content-Type": "application/json"}
            )
            assert response.status_code == 400, response.text
            assert response.json()["success"] is False
            assert response.json()["error"].endswith(too_deep(depth))
        assert relay.metrics()["queue_depth"] == 0
        relay.http.get("/health").raise_for_status()  # it serves on, unharmed
    assert "Traceback" not in (tmp_path / "relay.log").read_text()
