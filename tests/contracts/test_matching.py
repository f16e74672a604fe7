"""The matcher against a golden corpus (like Pact's testcases), plus JSON paths and headers."""

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from contracts.jsonpath import WILDCARD, format_path, parse
from contracts.matching import Difference, Rules, apply_rules, compare, compare_named

CORPUS = json.loads((Path(__file__).parent / "golden" / "matching.json").read_text())


@pytest.mark.parametrize("case", CORPUS, ids=[case["name"] for case in CORPUS])
def test_golden_case(case: dict[str, Any]) -> None:
    found = compare(
        case["expected"],
        case["actual"],
        (),
        Rules.from_json(case["rules"]),
        extra_keys=case["extra_keys"],
    )
    assert [[d.path, d.kind] for d in found] == case["differences"]


def test_corpus_names_are_unique() -> None:
    names = [case["name"] for case in CORPUS]
    assert len(names) == len(set(names)) == 30


def test_differences_say_what_was_expected_and_found() -> None:
    found = compare({"a": {"b": 201}}, {"a": {"b": 200}}, ("response", "body"), extra_keys=True)
    assert [str(d) for d in found] == ["$.response.body.a.b: expected 201, got 200"]
    rule = Rules.from_json({"$.id": {"match": "integer"}})
    assert [str(d) for d in compare({"id": 1}, {"id": "7"}, (), rule, extra_keys=True)] == [
        '$.id: expected an integer, got "7"'
    ]


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("$", ()),
        ("$.response.body.contact.id", ("response", "body", "contact", "id")),
        ("$.a[0].b", ("a", 0, "b")),
        ("$.emails[*].id", ("emails", WILDCARD, "id")),
        ("$.response.headers.X-RateLimit-Reset", ("response", "headers", "X-RateLimit-Reset")),
        ("$.body['$ref']", ("body", "$ref")),
        ("$['it\\'s']", ("it's",)),
    ],
)
def test_json_paths_parse_and_format_back(text: str, segments: tuple[Any, ...]) -> None:
    assert parse(text) == segments
    assert format_path(segments) == text


def test_the_dot_wildcard_is_the_bracket_one() -> None:
    assert parse("$.a.*") == ("a", WILDCARD)


@pytest.mark.parametrize("text", ["a.b", "$.", "$[x]", "$.a b", "$['open"])
def test_bad_json_paths_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="JSON path"):
        parse(text)


def test_apply_rules_checks_only_values_that_are_there() -> None:
    rules = Rules.from_json(
        {
            "$.request.body.contact.email": {"match": "regex", "regex": "[^@]+@[^@]+"},
            "$.request.body.ids[*]": {"match": "integer"},
            "$.request.body.contact": {"match": "type"},
        }
    )
    body = {"contact": {"email": "nobody"}, "ids": [1, "2"]}
    assert apply_rules(body, ("request", "body"), rules) == [
        Difference(
            "$.request.body.contact.email",
            "rule",
            'expected a string matching /[^@]+@[^@]+/, got "nobody"',
        ),
        Difference("$.request.body.ids[1]", "rule", 'expected an integer, got "2"'),
    ]
    assert apply_rules({}, ("request", "body"), rules) == []


def test_headers_are_found_whatever_their_case() -> None:
    actual = httpx.Headers({"content-type": "application/json; charset=utf-8"})
    rules = Rules.from_json(
        {"$.response.headers.Content-Type": {"match": "regex", "regex": "application/json.*"}}
    )
    expected = {"Content-Type": "application/json", "X-RateLimit-Reset": "60"}
    assert compare_named(expected, actual, ("response", "headers"), rules) == [
        Difference("$.response.headers.X-RateLimit-Reset", "missing", "absent")
    ]
