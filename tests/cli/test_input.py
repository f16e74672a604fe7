"""Reading messages: JSON lines, a JSON array, a Segment batch body; malformed input kept."""

from pathlib import Path

import pytest

from segment_freshsales.cli.input import Item, Malformed, parse, read_text
from segment_freshsales.cli.options import UsageError


def test_json_lines_skip_blank_lines_and_keep_malformed_ones_with_their_line() -> None:
    text = '{"type": "track", "event": "A"}\n\n not json\n{"type": "page"}\n{"n": NaN}\n'
    assert parse(text) == [
        Item("line 1", {"type": "track", "event": "A"}),
        Malformed("line 3", " not json", "not JSON: Expecting value (column 2)"),
        Item("line 4", {"type": "page"}),
        Malformed("line 5", '{"n": NaN}', "not JSON: NaN is not a JSON value"),
    ]


def test_a_json_array_is_numbered_by_item() -> None:
    assert parse('[{"type": "track"},\n 7]') == [
        Item("item 1", {"type": "track"}),
        Item("item 2", 7),
    ]


def test_a_broken_array_is_one_malformed_document_at_the_line_of_the_error() -> None:
    text = '[{"type": "track"},\n {"type": }]'
    assert parse(text) == [
        Malformed("line 2", text, "not JSON: Expecting value (line 2 column 11)")
    ]


def test_a_batch_body_merges_batch_context_and_integrations_into_items() -> None:
    text = """{"batch": [
        {"type": "track", "context": {"ip": "1.1.1.1"}},
        {"type": "page", "integrations": {"All": false}},
        "not an object"
    ],
    "context": {"ip": "9.9.9.9", "locale": "en-US"},
    "integrations": {"All": true, "Freshsales": true},
    "sentAt": "2024-05-06T08:00:00Z", "writeKey": "wk"}"""
    assert parse(text) == [
        Item(
            "item 1",
            {
                "type": "track",
                "context": {"ip": "1.1.1.1", "locale": "en-US"},
                "integrations": {"All": True, "Freshsales": True},
            },
        ),
        Item(
            "item 2",
            {
                "type": "page",
                "context": {"ip": "9.9.9.9", "locale": "en-US"},
                "integrations": {"All": False, "Freshsales": True},
            },
        ),
        Item("item 3", "not an object"),
    ]


def test_a_batch_that_is_not_a_list_is_malformed() -> None:
    assert parse('{"batch": {}}') == [
        Malformed("line 1", '{"batch": {}}', "batch: expected a list of messages")
    ]


def test_one_object_over_several_lines_is_one_message() -> None:
    assert parse('{\n "type": "alias",\n "userId": "u"\n}\n') == [
        Item("line 1", {"type": "alias", "userId": "u"})
    ]


def test_a_byte_order_mark_is_not_part_of_the_json(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"type": "track"}\n')
    assert parse(read_text(str(path))) == [Item("line 1", {"type": "track"})]


def test_unreadable_input_is_a_usage_error(tmp_path: Path) -> None:
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(b'{"name": "Jos\xe9"}\n')
    with pytest.raises(UsageError, match=r"^cannot read .*latin.jsonl: not UTF-8 \(byte 13\)$"):
        read_text(str(latin))
    with pytest.raises(UsageError, match=r"^cannot read .*missing: No such file or directory$"):
        read_text(str(tmp_path / "missing"))
