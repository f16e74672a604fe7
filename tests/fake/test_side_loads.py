"""`GET /<entity>/{id}?include=`: deals side-loaded beside an account or a contact."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from conftest import Fake

SUITE = "/crm/sales/api"
INVALID_INCLUDE = {"errors": {"code": 400, "message": ["Invalid include provided."]}}


class Book:
    """Two accounts, two contacts and three deals linking them in different ways."""

    def __init__(self, fake: Fake) -> None:
        self.acme = fake.create("sales_accounts", "sales_account", {"name": "Acme"})["id"]
        self.globex = fake.create("sales_accounts", "sales_account", {"name": "Globex"})["id"]
        self.ann = fake.create("contacts", "contact", {"email": "ann@acme.com"})["id"]
        self.bob = fake.create("contacts", "contact", {"email": "bob@acme.com"})["id"]
        self.renewal = self._deal(fake, "Renewal", self.acme, [self.ann, self.bob])
        self.upsell = self._deal(fake, "Upsell", self.acme, [])
        self.pilot = self._deal(fake, "Pilot", self.globex, [self.bob])

    @staticmethod
    def _deal(fake: Fake, name: str, account: int, contacts: list[int]) -> int:
        body = {"name": name, "sales_account_id": account, "contacts_added_list": contacts}
        deal_id: int = fake.create("deals", "deal", body)["id"]
        return deal_id


@pytest.fixture
def book(fake: Fake) -> Book:
    return Book(fake)


def deals(fake: Fake, *ids: int, root: str = "/api") -> list[dict[str, Any]]:
    """The deals as GET /deals/{id} renders them."""
    return [fake.get(f"/deals/{deal_id}", root=root).json["deal"] for deal_id in ids]


def record(fake: Fake, plural: str, singular: str, record_id: int) -> dict[str, Any]:
    found: dict[str, Any] = fake.get(f"/{plural}/{record_id}").json[singular]
    return found


def test_an_account_side_loads_its_deals(fake: Fake, book: Book) -> None:
    response = fake.get(f"/sales_accounts/{book.acme}", query_string={"include": "deals"})
    assert (response.status_code, response.json) == (
        200,
        {
            "sales_account": record(fake, "sales_accounts", "sales_account", book.acme),
            "deals": deals(fake, book.renewal, book.upsell),
        },
    )


def test_a_contact_side_loads_the_deals_that_list_it(fake: Fake, book: Book) -> None:
    response = fake.get(f"/contacts/{book.bob}", query_string={"include": "deals"})
    assert (response.status_code, response.json) == (
        200,
        {
            "contact": record(fake, "contacts", "contact", book.bob),
            "deals": deals(fake, book.renewal, book.pilot),
        },
    )


def test_a_record_without_deals_side_loads_an_empty_list(fake: Fake) -> None:
    account = fake.create("sales_accounts", "sales_account", {"name": "Empty"})
    response = fake.get(f"/sales_accounts/{account['id']}", query_string={"include": "deals"})
    assert response.json == {"sales_account": account, "deals": []}


def test_without_include_the_answer_is_the_record_alone(fake: Fake, book: Book) -> None:
    assert list(fake.get(f"/sales_accounts/{book.acme}").json) == ["sales_account"]
    assert list(fake.get(f"/contacts/{book.ann}").json) == ["contact"]


@pytest.mark.parametrize("include", ["sales_accounts", "", " , "])
def test_names_that_side_load_nothing_leave_the_answer_unchanged(
    fake: Fake, book: Book, include: str
) -> None:
    contact = fake.create(
        "contacts", "contact", {"email": "c@acme.com", "sales_account_id": book.acme}
    )
    response = fake.get(f"/contacts/{contact['id']}", query_string={"include": include})
    assert (response.status_code, response.json) == (200, {"contact": contact})
    assert contact["sales_accounts"] == [
        {"id": book.acme, "name": "Acme", "is_primary": True, "partial": True}
    ]


def test_several_names_and_repeats(fake: Fake, book: Book) -> None:
    query = {"include": "sales_accounts, deals,deals"}
    response = fake.get(f"/contacts/{book.ann}", query_string=query)
    assert response.json == {
        "contact": record(fake, "contacts", "contact", book.ann),
        "deals": deals(fake, book.renewal),
    }


def test_side_loads_follow_later_links(fake: Fake, book: Book) -> None:
    fake.put(f"/deals/{book.pilot}", {"deal": {"contacts_added_list": [book.ann]}})
    fake.put(f"/deals/{book.renewal}", {"deal": {"contacts_removed_list": [book.ann]}})
    fake.put(f"/deals/{book.upsell}", {"deal": {"sales_account_id": book.globex}})
    by_contact = fake.get(f"/contacts/{book.ann}", query_string={"include": "deals"}).json
    assert [deal["id"] for deal in by_contact["deals"]] == [book.pilot]
    by_account = fake.get(f"/sales_accounts/{book.globex}", query_string={"include": "deals"})
    assert [deal["id"] for deal in by_account.json["deals"]] == [book.upsell, book.pilot]


def test_the_suite_host_side_loads_too(fake: Fake, book: Book) -> None:
    response = fake.get(
        f"/sales_accounts/{book.globex}", root=SUITE, query_string={"include": "deals"}
    )
    assert response.json["deals"] == deals(fake, book.pilot, root=SUITE)
    assert response.json["deals"][0]["links"]["notes"].startswith("/crm/sales/deals/")


@pytest.mark.parametrize(
    ("path", "include"),
    [
        ("/contacts/{ann}", "owner"),
        ("/contacts/{ann}", "deals,owner"),
        ("/contacts/{ann}", "Deals"),
        ("/sales_accounts/{acme}", "sales_accounts"),
        ("/deals/{renewal}", "deals"),
        ("/deals/{renewal}", "sales_account"),
    ],
)
def test_an_unknown_name_is_400(fake: Fake, book: Book, path: str, include: str) -> None:
    response = fake.get(path.format(**vars(book)), query_string={"include": include})
    assert (response.status_code, response.json) == (400, INVALID_INCLUDE)


def test_an_unknown_record_is_404_whatever_the_include(fake: Fake) -> None:
    for include in ("deals", "owner"):
        response = fake.get("/contacts/1", query_string={"include": include})
        assert (response.status_code, response.json) == (
            404,
            {"errors": {"code": 404, "message": ["The contact is not in the CRM."]}},
        )
