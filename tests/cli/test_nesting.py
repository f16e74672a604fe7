"""Input nested too deep to read is a malformed message like any other: rejected with its
reason and kept, never a RecursionError traceback."""

import json
from pathlib import Path

import pytest

from segment_freshsales.cli import main
from segment_freshsales.cli.input import Malformed, parse
from segment_freshsales.segment import MAX_NESTING
from tests.processes import Process

DEEP_ARRAY = "[" * 2000 + "]" * 2000 + "\n"  # python3 -c "print('['*2000+']'*2000)"


def too_deep(depth: int) -> str:
    return (
        f"JSON nested {depth} levels deep: at most {MAX_NESTING} levels of arrays and objects "
        "are accepted"
    )


def test_a_deep_array_an_object_or_a_line_is_malformed_with_the_reason() -> None:
    assert parse(DEEP_ARRAY) == [Malformed("line 1", DEEP_ARRAY, too_deep(2000))]
    deep_object = '{"a":' * 3000 + "1" + "}" * 3000
    assert parse(deep_object) == [Malformed("line 1", deep_object, too_deep(3000))]
    lines = parse('{"type": "track"}\n' + deep_object + "\n")
    assert lines[1] == Malformed("line 2", deep_object, too_deep(3000))


def test_replay_of_a_deep_file_is_refused_as_no_dead_letter_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "d.jsonl"
    source.write_text(DEEP_ARRAY)
    assert main(["replay", str(source)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"segment-freshsales replay: error: {source} is not a dead-")
    assert captured.err.count("\n") == 1


@pytest.mark.slow
def test_send_rejects_a_deep_document_and_keeps_it(tmp_path: Path) -> None:
    source = tmp_path / "d.json"
    source.write_text(DEEP_ARRAY)
    dead = tmp_path / "dead.jsonl"
    with Process("segment-freshsales", "send", str(source), "--dead-letter", str(dead)) as send:
        out, err = send.wait()
    assert send.returncode == 1
    assert f"  line 1  (not JSON)  rejected: {too_deep(2000)}\n" in out
    assert "Traceback" not in err
    [record] = [json.loads(line) for line in dead.read_text().splitlines()]
    assert (record["message"], record["status"]) == (DEEP_ARRAY, "rejected")
    assert record["reason"] == f"line 1: {too_deep(2000)}"
