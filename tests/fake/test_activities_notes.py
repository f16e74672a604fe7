"""Sales activities (create, list, get, update, delete), their owner and outcome, and notes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from conftest import Fake, MakeFake

SUITE = "/crm/sales/api"
CHAT = 70500000059  # the first default activity type of the first account
PHONE = 70500000060  # the second, the only default type that needs an outcome
USER = 70500000001  # the first account's API user


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
        "sales_activity_type_id": CHAT,
        "owner_id": USER,
        "targetable_type": "Contact",
        "targetable_id": target,
        **changes,
    }


def test_the_ids_these_tests_use(fake: Fake) -> None:
    types = fake.get("/selector/sales_activity_types").json["sales_activity_types"]
    assert [(t["id"], t["name"], t["is_outcome_mandatory"]) for t in types[:2]] == [
        (CHAT, "Chat", False),
        (PHONE, "Phone", True),
    ]
    assert fake.get("/selector/owners").json["users"][0]["id"] == USER


def test_create_activity_answers_201(fake: Fake, contact_id: int) -> None:
    response = fake.post("/sales_activities", {"sales_activity": activity(contact_id)})
    assert response.status_code == 201
    assert response.json == {
        "sales_activity": {
            "id": 70000000002,
            **activity(contact_id),
            "sales_activity_outcome_id": None,
            "location": None,
            "latitude": None,
            "longitude": None,
            "checkedin_at": None,
            "creater_id": USER,
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
        "Owner can't be blank",
    )


def without_owner(target: int) -> dict[str, Any]:
    body = activity(target)
    del body["owner_id"]
    return {"sales_activity": body}


def test_owner_required_refuses_an_activity_without_owner(fake: Fake, contact_id: int) -> None:
    response = fake.post("/sales_activities", without_owner(contact_id))
    assert (response.status_code, response.json) == (400, errors("Owner can't be blank"))
    assert fake.state()["sales_activities"] == []
    created = fake.create("sales_activities", "sales_activity", activity(contact_id))
    cleared = fake.put(f"/sales_activities/{created['id']}", {"sales_activity": {"owner_id": None}})
    assert cleared.json == errors("Owner can't be blank")


def test_without_owner_required_the_owner_is_the_api_user(make_fake: MakeFake) -> None:
    fake = make_fake(variants={"owner_required": False})
    contact_id = fake.create("contacts", "contact", {"email": "a@b.com"})["id"]
    response = fake.post("/sales_activities", without_owner(contact_id))
    assert (response.status_code, response.json["sales_activity"]["owner_id"]) == (201, USER)


def test_an_unknown_owner_is_refused(fake: Fake, contact_id: int) -> None:
    body = {"sales_activity": activity(contact_id, owner_id=12)}
    assert fake.post("/sales_activities", body).json == errors("Invalid owner provided.")


def outcomes(fake: Fake) -> list[int]:
    entries = fake.get("/selector/sales_activity_outcomes").json["sales_activity_outcomes"]
    return [entry["id"] for entry in entries]


@pytest.mark.parametrize("required", [True, False])
def test_outcome_of_an_outcome_mandatory_type(make_fake: MakeFake, required: bool) -> None:
    fake = make_fake(variants={"outcome_required": required})
    contact_id = fake.create("contacts", "contact", {"email": "a@b.com"})["id"]
    phone_call = {"sales_activity": activity(contact_id, sales_activity_type_id=PHONE)}
    response = fake.post("/sales_activities", phone_call)
    if required:
        assert (response.status_code, response.json) == (400, errors("Outcome can't be blank"))
    else:
        assert response.status_code == 201
    answered = activity(contact_id, sales_activity_type_id=PHONE)
    answered["sales_activity_outcome_id"] = outcomes(fake)[0]
    assert fake.post("/sales_activities", {"sales_activity": answered}).status_code == 201


def test_an_update_to_an_outcome_mandatory_type_needs_an_outcome(
    fake: Fake, contact_id: int
) -> None:
    created = fake.create("sales_activities", "sales_activity", activity(contact_id))
    path = f"/sales_activities/{created['id']}"
    response = fake.put(path, {"sales_activity": {"sales_activity_type_id": PHONE}})
    assert response.json == errors("Outcome can't be blank")
    with_outcome = {"sales_activity_type_id": PHONE, "sales_activity_outcome_id": outcomes(fake)[1]}
    assert fake.put(path, {"sales_activity": with_outcome}).status_code == 200


def test_added_types_need_an_outcome_only_when_marked(fake: Fake, contact_id: int) -> None:
    account = fake.app.extensions["fake_freshsales"].account_for_domain(None)
    strict = account.selectors.add_activity_type("Demo", outcome_mandatory=True)["id"]
    relaxed = account.selectors.add_activity_type("Visit")["id"]
    body = {"sales_activity": activity(contact_id, sales_activity_type_id=strict)}
    assert fake.post("/sales_activities", body).json == errors("Outcome can't be blank")
    body = {"sales_activity": activity(contact_id, sales_activity_type_id=relaxed)}
    assert fake.post("/sales_activities", body).status_code == 201


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"start_date": "tomorrow"}, "The type for start_date is invalid."),
        ({"sales_activity_type_id": 1}, "Invalid sales activity type provided."),
        ({"sales_activity_outcome_id": 1}, "Invalid sales activity outcome provided."),
        ({"targetable_type": "Person"}, "Invalid targetable type provided."),
        ({"targetable_id": 1}, "Invalid targetable provided."),
        ({"targetable_type": "Deal"}, "Invalid targetable provided."),
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
    assert suite.json == errors("Invalid targetable type provided.")


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
    deleted = fake.delete(path)
    assert (deleted.status_code, deleted.json) == (200, True)
    assert fake.get(path).json == {
        "errors": {"code": 404, "message": ["The sales activity is not in the CRM."]}
    }


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
    assert fake.post("/notes", body).json == errors("Invalid targetable provided.")
    assert fake.post("/notes", {"note": {}}).json == errors(
        "Description can't be blank", "Targetable type can't be blank", "Targetable can't be blank"
    )


def test_a_record_lists_its_activities_newest_first(fake: Fake, contact_id: int) -> None:
    other = fake.create("contacts", "contact", {"email": "o@b.com"})["id"]
    first = fake.create("sales_activities", "sales_activity", activity(contact_id, title="1"))
    fake.admin_client.advance_clock(60)
    second = fake.create("sales_activities", "sales_activity", activity(contact_id, title="2"))
    third = fake.create("sales_activities", "sales_activity", activity(contact_id, title="3"))
    fake.create("sales_activities", "sales_activity", activity(other))
    fake.create(
        "notes",
        "note",
        {"description": "n", "targetable_type": "Contact", "targetable_id": contact_id},
    )
    # Changed later, listed by when it was created.
    fake.put(f"/sales_activities/{first['id']}", {"sales_activity": {"notes": "edited"}})
    response = fake.get(f"/contacts/{contact_id}/activities")
    assert (response.status_code, response.json) == (
        200,
        {
            "activities": [
                fake.get(f"/sales_activities/{item['id']}").json["sales_activity"]
                for item in (third, second, first)
            ]
        },
    )
    assert response.json["activities"][2]["notes"] == "edited"


def test_a_lead_lists_its_activities_on_the_classic_host_only(fake: Fake) -> None:
    lead = fake.create("leads", "lead", {"email": "l@b.com"})["id"]
    created = fake.create(
        "sales_activities", "sales_activity", activity(lead, targetable_type="Lead")
    )
    assert fake.get(f"/leads/{lead}/activities").json == {"activities": [created]}
    suite = fake.get(f"/leads/{lead}/activities", root=SUITE)
    assert (suite.status_code, suite.json) == (
        404,
        {"errors": {"code": 404, "message": ["Not found."]}},
    )


def test_a_record_without_activities_lists_none(fake: Fake, contact_id: int) -> None:
    response = fake.get(f"/contacts/{contact_id}/activities", root=SUITE)
    assert (response.status_code, response.json) == (200, {"activities": []})


@pytest.mark.parametrize(("plural", "label"), [("contacts", "contact"), ("leads", "lead")])
def test_activities_of_an_unknown_record_is_the_record_404(
    fake: Fake, plural: str, label: str
) -> None:
    response = fake.get(f"/{plural}/1/activities")
    assert (response.status_code, response.json) == (
        404,
        {"errors": {"code": 404, "message": [f"The {label} is not in the CRM."]}},
    )


def test_accounts_and_deals_list_theirs_where_their_links_point(fake: Fake) -> None:
    account = fake.create("sales_accounts", "sales_account", {"name": "Acme"})
    deal = fake.create("deals", "deal", {"name": "D"})
    for target, model in ((account, "SalesAccount"), (deal, "Deal")):
        created = fake.create(
            "sales_activities", "sales_activity", activity(target["id"], targetable_type=model)
        )
        assert fake.get(target["links"]["activities"]).json == {"activities": [created]}
