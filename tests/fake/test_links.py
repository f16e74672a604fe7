"""Links between records: contacts to accounts, deals to accounts and contacts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from conftest import Fake


def errors(*messages: str) -> dict[str, Any]:
    return {"errors": {"code": 400, "message": list(messages)}}


@pytest.fixture
def accounts(fake: Fake) -> tuple[int, int]:
    first = fake.create("sales_accounts", "sales_account", {"name": "Acme"})["id"]
    second = fake.create("sales_accounts", "sales_account", {"name": "Globex"})["id"]
    return first, second


def test_contact_links_accounts_with_one_primary(fake: Fake, accounts: tuple[int, int]) -> None:
    acme, globex = accounts
    contact = fake.create(
        "contacts",
        "contact",
        {
            "email": "a@b.com",
            "sales_accounts": [
                {"id": acme, "is_primary": False},
                {"id": globex, "is_primary": True},
            ],
        },
    )
    assert contact["sales_accounts"] == [
        {"id": acme, "name": "Acme", "is_primary": False, "partial": True},
        {"id": globex, "name": "Globex", "is_primary": True, "partial": True},
    ]
    assert contact["sales_account_id"] == globex


def test_sales_account_id_promotes_or_adds_the_primary(
    fake: Fake, accounts: tuple[int, int]
) -> None:
    acme, globex = accounts
    contact = fake.create("contacts", "contact", {"email": "a@b.com", "sales_account_id": acme})
    path = f"/contacts/{contact['id']}"
    changed = fake.put(path, {"contact": {"sales_account_id": globex}}).json["contact"]
    assert [(a["id"], a["is_primary"]) for a in changed["sales_accounts"]] == [
        (globex, True),
        (acme, False),
    ]
    cleared = fake.put(path, {"contact": {"sales_account_id": None}}).json["contact"]
    assert (cleared["sales_account_id"], len(cleared["sales_accounts"])) == (acme, 1)


def test_sales_accounts_of_the_wrong_type_is_the_recorded_400(fake: Fake) -> None:
    response = fake.post("/contacts", {"contact": {"sales_accounts": [70000000001]}})
    assert response.json == {
        "errors": {"code": 400, "message": ["The type for sales_accounts is invalid."]}
    }


@pytest.mark.parametrize(
    ("plural", "singular", "attributes", "field"),
    [
        ("contacts", "contact", {"sales_account_id": 1}, "sales_account_id"),
        ("contacts", "contact", {"sales_accounts": [{"id": 1}]}, "sales_accounts"),
        ("deals", "deal", {"name": "D", "sales_account_id": 1}, "sales_account_id"),
        ("deals", "deal", {"name": "D", "contacts_added_list": [1]}, "contacts_added_list"),
        (
            "sales_accounts",
            "sales_account",
            {"name": "S", "parent_sales_account_id": 1},
            "parent_sales_account_id",
        ),
    ],
)
def test_link_to_a_missing_record_is_400(
    fake: Fake, plural: str, singular: str, attributes: dict[str, Any], field: str
) -> None:
    response = fake.post(f"/{plural}", {singular: attributes})
    assert response.json == errors(f"Invalid {field} provided.")


def test_links_stay_inside_one_account(fake: Fake) -> None:
    fake.admin_client.add_account("other", "other-key")
    theirs = fake.post("/sales_accounts", {"sales_account": {"name": "T"}}, key="other-key")
    their_id = theirs.json["sales_account"]["id"]
    response = fake.post("/contacts", {"contact": {"sales_account_id": their_id}})
    assert response.json == errors("Invalid sales_account_id provided.")


def test_deal_links_contacts_and_account(fake: Fake, accounts: tuple[int, int]) -> None:
    acme, _ = accounts
    one = fake.create("contacts", "contact", {"email": "1@b.com"})["id"]
    two = fake.create("contacts", "contact", {"email": "2@b.com"})["id"]
    deal = fake.create(
        "deals",
        "deal",
        {"name": "D", "sales_account_id": acme, "contacts_added_list": [one, two, one]},
    )
    assert (deal["sales_account_id"], deal["contact_ids"]) == (acme, [one, two])
    path = f"/deals/{deal['id']}"
    changed = fake.put(path, {"deal": {"contacts_removed_list": [one]}}).json["deal"]
    assert changed["contact_ids"] == [two]


def test_account_shows_its_open_deals(fake: Fake, accounts: tuple[int, int]) -> None:
    acme, _ = accounts
    fake.create("deals", "deal", {"name": "A", "amount": 100, "sales_account_id": acme})
    fake.create("deals", "deal", {"name": "B", "amount": 0.5, "sales_account_id": acme})
    account = fake.get(f"/sales_accounts/{acme}").json["sales_account"]
    assert (account["open_deals_amount"], account["open_deals_count"]) == ("100.5", 2)


def test_deleting_an_account_unlinks_it_everywhere(fake: Fake, accounts: tuple[int, int]) -> None:
    acme, globex = accounts
    contact = fake.create(
        "contacts",
        "contact",
        {"email": "a@b.com", "sales_accounts": [{"id": acme, "is_primary": True}, {"id": globex}]},
    )
    deal = fake.create("deals", "deal", {"name": "D", "sales_account_id": acme})
    assert fake.delete(f"/sales_accounts/{acme}").status_code == 204
    contact = fake.get(f"/contacts/{contact['id']}").json["contact"]
    assert contact["sales_accounts"] == [
        {"id": globex, "name": "Globex", "is_primary": True, "partial": True}
    ]
    assert fake.get(f"/deals/{deal['id']}").json["deal"]["sales_account_id"] is None


def test_deleting_a_contact_removes_it_from_deals_and_its_activities(fake: Fake) -> None:
    contact = fake.create("contacts", "contact", {"email": "a@b.com"})["id"]
    deal = fake.create("deals", "deal", {"name": "D", "contacts_added_list": [contact]})
    fake.create(
        "notes",
        "note",
        {"description": "n", "targetable_type": "Contact", "targetable_id": contact},
    )
    fake.delete(f"/contacts/{contact}")
    assert fake.get(f"/deals/{deal['id']}").json["deal"]["contact_ids"] == []
    assert fake.state()["notes"] == []
