"""Sales activities (create, list, get, update, delete) and notes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from conftest import Fake

SUITE = "/crm/sales/api"
PHONE = 70500000060  # the second default activity type of the first account


def errors(*messages: str) -> dict[str, Any]:
    return {"errors": {"code": 400, "message": list(messages)}}


@pytest.fixture
def contact_id(fake: Fake) -> int:
    contact_id: int = fake.create("contacts", "contact", {"email": "a@b.com"})["id"]
    return contact_id


def activity(target: int, **changes: Any) -> dict[str, Any]:
    return {
        "title": "Signed up",
        "notes": "Segment track: Signed Up",
        "start_date": "2026-05-01T10:00:00Z",
        "end_date": "2026-05-01T10:30:00Z",
        "sales_activity_type_id": PHONE,
        "targetable_type": "Contact",
        "targetable_id": target,
        **changes,
    }


def test_phone_is_the_id_these_tests_use(fake: Fake) -> None:
    types = fake.get("/selector/sales_activity_types").json["sales_activity_types"]
    assert types[1]["name"] == "Phone"
    assert types[1]["id"] == PHONE


def test_create_activity_defaults_the_owner(fake: Fake, contact_id: int) -> None:
    response = fake.post("/sales_activities", {"sales_activity": activity(contact_id)})
    assert response.status_code == 201
    assert response.json == {
        "sales_activity": {
            "id": 70000000002,
            **activity(contact_id),
            "sales_activity_outcome_id": None,
            "owner_id": 70500000001,
            "creater_id": 70500000001,
            "created_at": "2026-01-01T00:00:00+00:00",
            "updated_at": "2026-01-01T00:00:00+00:00",
        }
    }


def test_required_activity_fields(fake: Fake) -> None:
    response = fake.post("/sales_activities", {"sales_activity": {"notes": "n"}})
    assert response.json == errors(
        "Title can't be blank",
        "Start date can't be blank",
        "End date can't be blank",
        "Sales activity type can't be blank",
        "Targetable type can't be blank",
        "Targetable can't be blank",
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"start_date": "tomorrow"}, "The type for start_date is invalid."),
        ({"sales_activity_type_id": 1}, "Invalid sales_activity_type_id provided."),
        ({"targetable_type": "Person"}, "Invalid targetable_type provided."),
        ({"targetable_id": 1}, "Invalid targetable_id provided."),
        ({"targetable_type": "Deal"}, "Invalid targetable_id provided."),
    ],
)
def test_bad_activity_is_400(
    fake: Fake, contact_id: int, changes: dict[str, Any], message: str
) -> None:
    response = fake.post("/sales_activities", {"sales_activity": activity(contact_id, **changes)})
    assert response.json == errors(message)


def test_activities_on_leads_only_on_the_classic_host(fake: Fake) -> None:
    lead = fake.create("leads", "lead", {"email": "l@b.com"})["id"]
    body = {"sales_activity": activity(lead, targetable_type="Lead")}
    assert fake.post("/sales_activities", body).status_code == 201
    suite = fake.post("/sales_activities", body, root=SUITE)
    assert suite.json == errors("Invalid targetable_type provided.")


def test_an_added_activity_type_can_be_used(fake: Fake, contact_id: int) -> None:
    type_id = fake.admin_client.add_activity_type("Segment Event")["id"]
    body = {"sales_activity": activity(contact_id, sales_activity_type_id=type_id)}
    assert fake.post("/sales_activities", body).status_code == 201


def test_list_get_update_delete(fake: Fake, contact_id: int) -> None:
    ids = [
        fake.post(
            "/sales_activities", {"sales_activity": activity(contact_id, title=f"t{n}")}
        ).json["sales_activity"]["id"]
        for n in range(3)
    ]
    listed = fake.get("/sales_activities", query_string={"per_page": 2, "page": 2}).json
    assert [a["title"] for a in listed["sales_activities"]] == ["t2"]
    assert listed["meta"] == {"total_pages": 2, "total": 3}
    path = f"/sales_activities/{ids[0]}"
    assert fake.get(path).json["sales_activity"]["title"] == "t0"
    updated = fake.put(path, {"sales_activity": {"title": "changed"}}).json["sales_activity"]
    assert (updated["title"], updated["notes"]) == ("changed", "Segment track: Signed Up")
    assert fake.put(path, {"sales_activity": {"title": None}}).json == errors(
        "Title can't be blank"
    )
    assert fake.delete(path).status_code == 204
    assert fake.get(path).status_code == 404


def test_empty_list_has_no_pages(fake: Fake) -> None:
    assert fake.get("/sales_activities").json == {
        "sales_activities": [],
        "meta": {"total_pages": 0, "total": 0},
    }


@pytest.mark.parametrize(("param", "value"), [("page", "0"), ("per_page", "x")])
def test_bad_paging_is_400(fake: Fake, param: str, value: str) -> None:
    response = fake.get("/sales_activities", query_string={param: value})
    assert response.json == errors(f"Invalid {param} provided.")


def test_create_note(fake: Fake, contact_id: int) -> None:
    body = {
        "note": {"description": "Called", "targetable_type": "Contact", "targetable_id": contact_id}
    }
    response = fake.post("/notes", body, root=SUITE)
    assert (response.status_code, response.json) == (
        201,
        {
            "note": {
                "id": 70000000002,
                "description": "Called",
                "targetable_type": "Contact",
                "targetable_id": contact_id,
                "creater_id": 70500000001,
                "created_at": "2026-01-01T00:00:00+00:00",
                "updated_at": "2026-01-01T00:00:00+00:00",
            }
        },
    )


def test_note_needs_an_existing_target(fake: Fake) -> None:
    body = {"note": {"description": "x", "targetable_type": "SalesAccount", "targetable_id": 9}}
    assert fake.post("/notes", body).json == errors("Invalid targetable_id provided.")
    assert fake.post("/notes", {"note": {}}).json == errors(
        "Description can't be blank", "Targetable type can't be blank", "Targetable can't be blank"
    )
