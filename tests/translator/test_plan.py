"""The plan format: JSON in, JSON out, malformed plans named precisely."""

import json

import pytest

from translator import Call, Dropped, Plan

PLAN = Plan(
    calls=[
        Call(
            "account",
            "POST",
            "/sales_accounts/upsert",
            {"unique_identifier": {"name": "A"}, "sales_account": {"name": "A"}},
        ),
        Call(
            "person",
            "GET",
            "/lookup",
            query={"q": "a@b.co", "f": "email", "entities": "contact"},
            fallback=Call("person", "POST", "/contacts/upsert", {"contact": {"email": "a@b.co"}}),
        ),
        Call(
            "deal",
            "GET",
            "/sales_accounts/{account#/sales_account/id}",
            query={"include": "deals"},
            match={"list": "/deals", "where": {"name": "D"}},
            found=Call("deal", "PUT", "/deals/{deal#/id}", {"deal": {"name": "D"}}),
            fallback=Call("deal", "POST", "/deals", {"deal": {"name": "D"}}),
        ),
        Call(
            "link",
            "PUT",
            "/contacts/{person#/targetable_id}",
            {"contact": {"sales_accounts": {"$link": 1, "to": []}}},
            when={"person#/targetable_type": "Contact", "person#/created": False},
        ),
    ],
    ignored=["age"],
)


def test_round_trip_through_json_text() -> None:
    text = json.dumps(PLAN.to_json())
    assert Plan.from_json(json.loads(text)) == PLAN


def test_optional_parts_are_left_out() -> None:
    assert PLAN.calls[0].to_json() == {
        "name": "account",
        "method": "POST",
        "path": "/sales_accounts/upsert",
        "body": {"unique_identifier": {"name": "A"}, "sales_account": {"name": "A"}},
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "plan: expected an object"),
        ({"calls": {}}, "plan.calls: expected a list"),
        ({"calls": [], "ignored": [1]}, "plan.ignored: expected a list of strings"),
        ({"calls": [1]}, "plan.calls[0]: expected an object"),
        ({"calls": [{"name": "", "method": "GET", "path": "/x"}]}, "plan.calls[0].name"),
        ({"calls": [{"name": "a", "method": "PATCH", "path": "/x"}]}, "plan.calls[0].method"),
        ({"calls": [{"name": "a", "method": "GET", "path": "x"}]}, "plan.calls[0].path"),
        (
            {"calls": [{"name": "a", "method": "GET", "path": "/x", "query": {"q": 1}}]},
            "plan.calls[0].query",
        ),
        (
            {"calls": [{"name": "a", "method": "GET", "path": "/x", "extra": 1}]},
            "unknown keys ['extra']",
        ),
        (
            {"calls": [{"name": "a", "method": "GET", "path": "/x", "fallback": {"name": "a"}}]},
            "plan.calls[0].fallback.method",
        ),
        (
            {"calls": [{"name": "a", "method": "GET", "path": "/x"}] * 2},
            "call names must be unique",
        ),
        (
            {"calls": [{"name": "a", "method": "GET", "path": "/x", "match": {"list": "/d"}}]},
            "plan.calls[0].match",
        ),
        (
            {"calls": [{"name": "a", "method": "GET", "path": "/x", "when": {"a": 1}}]},
            "plan.calls[0].when",
        ),
        (
            {"calls": [{"name": "a", "method": "GET", "path": "/x", "found": {"name": "a"}}]},
            "plan.calls[0].found.method",
        ),
    ],
)
def test_malformed_plans(data: object, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        Plan.from_json(data)


def test_dropped_values_and_a_skip_reason_round_trip_and_are_left_out_when_unset() -> None:
    dropped = Plan(
        calls=PLAN.calls,
        dropped=[Dropped("traits.campaignId", "expected an integer, got the string 'x'")],
    )
    data = json.loads(json.dumps(dropped.to_json()))
    assert data["dropped"] == [
        {"path": "traits.campaignId", "reason": "expected an integer, got the string 'x'"}
    ]
    assert "skipped" not in data
    assert Plan.from_json(data) == dropped
    skipped = Plan(skipped="integrations")
    assert skipped.to_json() == {"calls": [], "ignored": [], "skipped": "integrations"}
    assert Plan.from_json(skipped.to_json()) == skipped
    assert set(PLAN.to_json()) == {"calls", "ignored"}
    assert str(dropped.dropped[0]) == "traits.campaignId: expected an integer, got the string 'x'"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"calls": [], "dropped": [{"path": "a"}]}, "plan.dropped"),
        ({"calls": [], "dropped": "a"}, "plan.dropped"),
        ({"calls": [], "dropped": [{"path": "a", "reason": ""}]}, "plan.dropped"),
        ({"calls": [], "skipped": ""}, "plan.skipped"),
        (
            {"calls": [{"name": "a", "method": "GET", "path": "/x"}], "skipped": "integrations"},
            "a skipped plan has no calls",
        ),
    ],
)
def test_malformed_dropped_and_skipped(data: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Plan.from_json(data)
