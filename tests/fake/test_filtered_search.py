"""POST /filtered_search/<contact|sales_account>: many records found by their keys in one call,
rendered as GET /<plural>/{id} renders them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from conftest import Fake

SUITE = "/crm/sales/api"


def errors(*messages: str, code: int = 400) -> dict[str, Any]:
    return {"errors": {"code": code, "message": list(messages)}}


def rule(attribute: str, value: Any, operator: str = "is_in") -> dict[str, Any]:
    return {"attribute": attribute, "operator": operator, "value": value}


def search(fake: Fake, kind: str, *rules: dict[str, Any], root: str = "/api", **body: Any) -> Any:
    return fake.post(f"/filtered_search/{kind}", {"filter_rule": list(rules), **body}, root=root)


@pytest.fixture
def accounts(fake: Fake) -> list[dict[str, Any]]:
    return [fake.create("sales_accounts", "sales_account", {"name": n}) for n in ("Acme", "Beta")]


def test_accounts_are_found_by_name_in_one_call(fake: Fake, accounts: list[dict[str, Any]]) -> None:
    fake.create("sales_accounts", "sales_account", {"name": "Gamma"})
    response = search(fake, "sales_account", rule("name", ["beta", "Acme", "Nobody"]))
    assert response.status_code == 200
    assert response.json == {
        "sales_accounts": [
            fake.get(f"/sales_accounts/{account['id']}").json["sales_account"]
            for account in accounts
        ],
        "meta": {"total_pages": 1, "total": 2},
    }


def test_contacts_come_with_their_account_links(fake: Fake, accounts: list[dict[str, Any]]) -> None:
    link = [{"id": accounts[0]["id"], "is_primary": True}]
    ann = fake.create("contacts", "contact", {"email": "ann@b.com", "sales_accounts": link})
    fake.create("contacts", "contact", {"email": "bob@b.com", "external_id": "u-2"})
    found = search(fake, "contact", rule("emails", ["ANN@b.com"]), root=SUITE).json
    [row] = found["contacts"]
    assert row == fake.get(f"/contacts/{ann['id']}", root=SUITE).json["contact"]
    assert row["sales_accounts"] == [
        {"id": accounts[0]["id"], "name": "Acme", "is_primary": True, "partial": True}
    ]
    by_id = search(fake, "contact", rule("external_id", "u-2", "is")).json
    assert [c["email"] for c in by_id["contacts"]] == ["bob@b.com"]
    by_email = search(fake, "contact", rule("email", "bob@b.com", "is")).json
    assert by_email["meta"] == {"total_pages": 1, "total": 1}


def test_every_rule_must_match(fake: Fake) -> None:
    fake.create("contacts", "contact", {"email": "ann@b.com", "external_id": "u-1"})
    fake.create("contacts", "contact", {"email": "bob@b.com", "external_id": "u-2"})
    both = search(
        fake, "contact", rule("email", ["ann@b.com", "bob@b.com"]), rule("external_id", "u-2", "is")
    )
    assert [c["email"] for c in both.json["contacts"]] == ["bob@b.com"]


def test_nothing_found_is_an_empty_page(fake: Fake) -> None:
    assert search(fake, "contact", rule("email", ["x@y.z"])).json == {
        "contacts": [],
        "meta": {"total_pages": 0, "total": 0},
    }


def test_pages_are_at_most_100(fake: Fake) -> None:
    names = [f"A{n:03}" for n in range(105)]
    fake.admin_client.seed({"sales_accounts": [{"name": name} for name in names]})
    first = search(fake, "sales_account", rule("name", names), per_page=500).json
    assert (len(first["sales_accounts"]), first["meta"]) == (100, {"total_pages": 2, "total": 105})
    second = search(fake, "sales_account", rule("name", names), page=2, per_page=100).json
    assert [a["name"] for a in second["sales_accounts"]] == names[100:]


@pytest.mark.parametrize(
    ("kind", "body", "message"),
    [
        ("contact", [], "The request body must be a JSON object."),
        ("contact", {}, "param is missing or the value is empty: filter_rule"),
        ("contact", {"filter_rule": []}, "param is missing or the value is empty: filter_rule"),
        ("contact", {"filter_rule": {}}, "The type for filter_rule is invalid."),
        ("contact", {"filter_rule": ["email"]}, "The type for filter_rule is invalid."),
        (
            "contact",
            {"filter_rule": [rule("name", ["Ann"])]},
            "Filtering contacts by name is not supported.",
        ),
        (
            "sales_account",
            {"filter_rule": [rule("external_id", ["x"])]},
            "Filtering sales_accounts by external_id is not supported.",
        ),
        (
            "contact",
            {"filter_rule": [rule("email", "a@b.c", "contains")]},
            "Invalid operator provided.",
        ),
        ("contact", {"filter_rule": [rule("email", "a@b.c")]}, "The type for value is invalid."),
        ("contact", {"filter_rule": [rule("email", [])]}, "The type for value is invalid."),
        ("contact", {"filter_rule": [rule("email", [1])]}, "The type for value is invalid."),
        (
            "contact",
            {"filter_rule": [rule("email", ["a@b.c"])], "page": "1"},
            "Invalid page provided.",
        ),
        (
            "contact",
            {"filter_rule": [rule("email", ["a@b.c"])], "per_page": 0},
            "Invalid per_page provided.",
        ),
    ],
)
def test_a_search_the_fake_cannot_run_is_400_naming_it(
    fake: Fake, kind: str, body: Any, message: str
) -> None:
    response = fake.post(f"/filtered_search/{kind}", body)
    assert (response.status_code, response.json) == (400, errors(message))


def test_only_contacts_and_accounts_are_searched(fake: Fake) -> None:
    for kind in ("lead", "deal", "contacts"):
        response = search(fake, kind, rule("name", ["x"]))
        assert response.status_code == 404, kind


def test_a_search_spends_budget(fake: Fake) -> None:
    response = search(fake, "contact", rule("email", ["a@b.c"]))
    assert response.headers["X-RateLimit-Remaining"] == "399"
