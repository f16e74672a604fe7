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
    ("plural", "singular", "attributes", "message"),
    [
        ("contacts", "contact", {"sales_account_id": 1}, "Invalid sales account provided."),
        (
            "contacts",
            "contact",
            {"sales_accounts": [{"id": 1}]},
            "Invalid sales accounts provided.",
        ),
        ("deals", "deal", {"name": "D", "sales_account_id": 1}, "Invalid sales account provided."),
        (
            "deals",
            "deal",
            {"name": "D", "contacts_added_list": [1]},
            "Invalid contacts added list provided.",
        ),
        (
            "sales_accounts",
            "sales_account",
            {"name": "S", "parent_sales_account_id": 1},
            "Invalid parent sales account provided.",
        ),
    ],
)
def test_link_to_a_missing_record_is_400(
    fake: Fake, plural: str, singular: str, attributes: dict[str, Any], message: str
) -> None:
    response = fake.post(f"/{plural}", {singular: attributes})
    assert response.json == errors(message)


def test_links_stay_inside_one_account(fake: Fake) -> None:
    fake.admin_client.add_account("other", "other-key")
    theirs = fake.post("/sales_accounts", {"sales_account": {"name": "T"}}, key="other-key")
    their_id = theirs.json["sales_account"]["id"]
    response = fake.post("/contacts", {"contact": {"sales_account_id": their_id}})
    assert response.json == errors("Invalid sales account provided.")


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
    assert fake.delete(f"/sales_accounts/{acme}").status_code == 200
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


def test_updating_a_deal_adds_and_removes_contacts_never_replaces(fake: Fake) -> None:
    one, two, three = (
        fake.create("contacts", "contact", {"email": f"{n}@b.com"})["id"] for n in range(3)
    )
    deal = fake.create("deals", "deal", {"name": "D", "contacts_added_list": [one]})
    path = f"/deals/{deal['id']}"

    def put(changes: dict[str, Any]) -> list[int]:
        response = fake.put(path, {"deal": changes})
        assert response.status_code == 200, response.json
        ids: list[int] = response.json["deal"]["contact_ids"]
        return ids

    assert put({"contacts_added_list": [two, one]}) == [one, two]
    assert put({"name": "Renamed"}) == [one, two]
    assert put({"contacts_added_list": [three], "contacts_removed_list": [one]}) == [two, three]
    assert put({"contacts_removed_list": [one], "contacts_added_list": []}) == [two, three]
    assert fake.get(path).json["deal"]["contact_ids"] == [two, three]


USER = 70500000001  # the first account's API user, the one entry of /selector/owners


@pytest.mark.parametrize(("plural", "singular"), [("contacts", "contact"), ("leads", "lead")])
def test_people_carry_an_owner_id_null_unless_set(fake: Fake, plural: str, singular: str) -> None:
    assert fake.get("/selector/owners").json["users"][0]["id"] == USER
    person = fake.create(plural, singular, {"email": "a@b.com"})
    assert person["owner_id"] is None
    path = f"/{plural}/{person['id']}"
    assert fake.put(path, {singular: {"owner_id": USER}}).json[singular]["owner_id"] == USER
    assert fake.get(path).json[singular]["owner_id"] == USER
    refused = fake.put(path, {singular: {"owner_id": USER + 1}})
    assert (refused.status_code, refused.json) == (400, errors("Invalid owner provided."))
    assert fake.put(path, {singular: {"owner_id": None}}).json[singular]["owner_id"] is None


def test_an_owner_id_must_be_an_owner_on_create(fake: Fake) -> None:
    response = fake.post("/contacts", {"contact": {"email": "a@b.com", "owner_id": 1}})
    assert (response.status_code, response.json) == (400, errors("Invalid owner provided."))
    assert fake.state()["contacts"] == []
