"""Bulk upserts: queued as a job, run when the fake clock reaches it, each record applied as a
single upsert would be, and reported by GET /job_statuses/<id>."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from fake_freshsales import AccountConfig, FakeConfig

if TYPE_CHECKING:
    from conftest import Fake, MakeFake

CLASSIC = "/api"
SUITE = "/crm/sales/api"
START = "2026-01-01T00:00:00+00:00"
DUE = "2026-01-01T00:00:02+00:00"
NOT_FOUND = {"errors": {"code": 404, "message": ["Not found."]}}


def errors(*messages: str, code: int = 400) -> dict[str, Any]:
    return {"errors": {"code": code, "message": list(messages)}}


def item(email: str, **data: Any) -> dict[str, Any]:
    return {"unique_identifier": {"emails": email}, "data": data}


def advance(fake: Fake, seconds: float) -> None:
    fake.admin("POST", "/clock", {"advance": seconds})


def job(fake: Fake, job_id: int = 1, *, root: str = CLASSIC) -> dict[str, Any]:
    response = fake.get(f"/job_statuses/{job_id}", root=root)
    assert response.status_code == 200, response.json
    answer: dict[str, Any] = response.json
    return answer


def test_a_bulk_upsert_is_queued_and_reported_queued(fake: Fake) -> None:
    body = {"contacts": [item("a@b.com", first_name="Ann"), item("c@d.com")]}
    response = fake.post("/contacts/bulk_upsert", body)
    assert (response.status_code, response.json) == (
        202,
        {
            "job_status_url": "http://localhost/api/job_statuses/1",
            "message": "Bulk upsert has been queued.",
        },
    )
    assert job(fake) == {
        "id": 1,
        "status": "queued",
        "progress": 0,
        "job_type_name": "bulk_upsert_contacts",
        "created_at": START,
        "status_updated_at": START,
        "data": {"total": 2, "succeeded": 0, "failed": 0},
    }
    assert fake.state()["contacts"] == []


def test_the_job_runs_when_the_fake_clock_reaches_it(fake: Fake) -> None:
    body = {"contacts": [item("a@b.com", first_name="Ann"), item("c@d.com")]}
    fake.post("/contacts/bulk_upsert", body)
    advance(fake, 1.9)
    assert job(fake)["status"] == "queued"
    advance(fake, 0.1)
    assert job(fake) == {
        "id": 1,
        "status": "completed",
        "progress": 100,
        "job_type_name": "bulk_upsert_contacts",
        "created_at": START,
        "status_updated_at": DUE,
        "data": {"total": 2, "succeeded": 2, "failed": 0},
    }
    contacts = fake.state()["contacts"]
    assert [(c["email"], c["first_name"], c["created_at"]) for c in contacts] == [
        ("a@b.com", "Ann", DUE),
        ("c@d.com", None, DUE),
    ]


def test_any_read_of_the_account_sees_a_due_job(fake: Fake) -> None:
    fake.post("/contacts/bulk_upsert", {"contacts": [item("a@b.com")]})
    advance(fake, 2)
    # No poll: the admin state is read first, and the job has run for it.
    assert [c["email"] for c in fake.state()["contacts"]] == ["a@b.com"]
    found = fake.get("/lookup", query_string={"q": "a@b.com", "f": "email"}, root=SUITE)
    assert len(found.json["contacts"]["contacts"]) == 1


def test_records_are_upserted_like_single_upserts(fake: Fake) -> None:
    fake.post("/contacts/upsert", {"unique_identifier": {"emails": "a@b.com"}, "contact": {}})
    [stored] = fake.state()["contacts"]
    body = {"contacts": [item("a@b.com", city="Pune"), item("new@b.com", city="Oslo")]}
    fake.post("/contacts/bulk_upsert", body)
    advance(fake, 2)
    fake.admin("POST", "/variants", {"bulk_results": "records"})
    records = job(fake)["data"]["records"]
    assert records[0]["id"] == stored["id"]
    assert [(c["email"], c["city"]) for c in fake.state()["contacts"]] == [
        ("a@b.com", "Pune"),
        ("new@b.com", "Oslo"),
    ]


def test_one_bad_record_is_partially_completed(make_fake: MakeFake) -> None:
    bad = item("ann@b.com", first_name="A" * 256)
    single = make_fake().post("/contacts/upsert", {**bad, "contact": bad["data"]}).json
    fake = make_fake()
    fake.post("/contacts/bulk_upsert", {"contacts": [item("a@b.com"), bad, item("c@d.com")]})
    advance(fake, 2)
    answer = job(fake)
    assert (answer["status"], answer["data"]) == (
        "partially_completed",
        {"total": 3, "succeeded": 2, "failed": 1},
    )
    fake.admin("POST", "/variants", {"bulk_results": "records"})
    first, second = (contact["id"] for contact in fake.state()["contacts"])
    assert job(fake)["data"] == {
        "total": 3,
        "succeeded": 2,
        "failed": 1,
        "records": [
            {"index": 0, "status": "success", "id": first, "errors": []},
            # The very messages a single upsert of the same record gets.
            {"index": 1, "status": "failed", "id": None, "errors": single["errors"]["message"]},
            {"index": 2, "status": "success", "id": second, "errors": []},
        ],
    }


def test_every_record_refused_is_failed(fake: Fake) -> None:
    body = {
        "sales_accounts": [
            {"unique_identifier": {"name": "Acme"}, "data": {"website": "not a site"}},
            {"unique_identifier": {"nickname": "Acme"}, "data": {}},
        ]
    }
    fake.post("/sales_accounts/bulk_upsert", body, root=SUITE)
    advance(fake, 2)
    fake.admin("POST", "/variants", {"bulk_results": "records"})
    answer = job(fake, root=SUITE)
    assert answer["status"] == "failed"
    assert [(r["status"], r["id"]) for r in answer["data"]["records"]] == [("failed", None)] * 2
    assert answer["data"]["records"][0]["errors"] == ["website is not in required format"]
    assert fake.state()["sales_accounts"] == []


def test_deals_follow_the_single_upsert_keys(make_fake: MakeFake) -> None:
    by_name = {"unique_identifier": {"name": "Big deal"}, "data": {"amount": 5}}
    single = make_fake().post("/deals/upsert", {**by_name, "deal": by_name["data"]})
    assert single.status_code == 400
    fake = make_fake(variants={"bulk_results": "records"})
    fake.post("/deals/bulk_upsert", {"deals": [by_name]})
    advance(fake, 2)
    [record] = job(fake)["data"]["records"]
    assert record["errors"] == single.json["errors"]["message"]
    fake.admin("POST", "/variants", {"deal_upsert_by_name": True})
    fake.post("/deals/bulk_upsert", {"deals": [by_name]})
    advance(fake, 2)
    assert job(fake, 2)["status"] == "completed"
    assert [d["name"] for d in fake.state()["deals"]] == ["Big deal"]


def test_leads_bulk_upsert_exists_only_with_leads_upsert_on_classic(fake: Fake) -> None:
    body = {"leads": [item("a@b.com")]}
    refused = fake.post("/leads/bulk_upsert", body)
    assert (refused.status_code, refused.json) == (404, NOT_FOUND)
    fake.admin("POST", "/variants", {"leads_upsert": True})
    assert fake.post("/leads/bulk_upsert", body).status_code == 202
    suite = fake.post("/leads/bulk_upsert", body, root=SUITE)
    assert (suite.status_code, suite.json) == (404, NOT_FOUND)
    advance(fake, 2)
    assert job(fake)["status"] == "completed"
    assert [lead["email"] for lead in fake.state()["leads"]] == ["a@b.com"]


SIZE = "A bulk upsert takes 1 to 100 contacts."


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "The request body must be a JSON object."),
        ({}, "param is missing or the value is empty: contacts"),
        ({"contacts": {"emails": "a@b.com"}}, "The type for contacts is invalid."),
        ({"contacts": []}, SIZE),
        ({"contacts": [item(f"{n}@b.com") for n in range(101)]}, SIZE),
    ],
)
def test_a_bad_request_is_400_and_queues_nothing(fake: Fake, body: Any, message: str) -> None:
    assert fake.post("/contacts/bulk_upsert", body).json == errors(message)
    fake.post("/contacts/bulk_upsert", {"contacts": [item("a@b.com")]})
    # The first job queued after the refusals is job 1.
    assert job(fake)["id"] == 1


def test_an_item_that_is_not_an_object_fails_alone(fake: Fake) -> None:
    fake.post("/contacts/bulk_upsert", {"contacts": ["a@b.com", item("a@b.com")]})
    advance(fake, 2)
    fake.admin("POST", "/variants", {"bulk_results": "records"})
    records = job(fake)["data"]["records"]
    assert records[0]["errors"] == ["The request body must be a JSON object."]
    assert records[1]["status"] == "success"


def test_a_job_is_its_accounts_only(fake: Fake) -> None:
    fake.admin("POST", "/accounts", {"domain": "b", "api_key": "b-key"})
    fake.post("/contacts/bulk_upsert", {"contacts": [item("a@b.com")]})
    theirs = fake.get("/job_statuses/1", key="b-key")
    assert (theirs.status_code, theirs.json) == (404, NOT_FOUND)
    assert fake.get("/job_statuses/2").status_code == 404
    advance(fake, 2)
    assert fake.state("b")["contacts"] == []


def test_the_request_and_each_poll_spend_budget(fake: Fake) -> None:
    queued = fake.post("/contacts/bulk_upsert", {"contacts": [item("a@b.com"), item("c@d.com")]})
    assert queued.headers["X-RateLimit-Remaining"] == "399"
    assert fake.get("/job_statuses/1").headers["X-RateLimit-Remaining"] == "398"


def test_reset_forgets_jobs(fake: Fake) -> None:
    fake.post("/contacts/bulk_upsert", {"contacts": [item("a@b.com")]})
    fake.admin("POST", "/reset")
    advance(fake, 2)
    assert fake.get("/job_statuses/1").status_code == 404
    assert fake.state()["contacts"] == []


def test_the_delay_is_configurable(make_fake: MakeFake) -> None:
    fake = make_fake(config={"bulk_job_seconds": 0})
    fake.post("/contacts/bulk_upsert", {"contacts": [item("a@b.com")]})
    assert job(fake)["status"] == "completed"


@pytest.mark.parametrize("seconds", [-1, float("nan"), float("inf"), True, "2"])
def test_a_bad_delay_is_a_configuration_error(seconds: Any) -> None:
    with pytest.raises(ValueError, match="bulk_job_seconds must be"):
        FakeConfig(accounts=(AccountConfig(domain="a", api_key="k"),), bulk_job_seconds=seconds)
