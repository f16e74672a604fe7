"""Bulk jobs at run time: the delay set through the admin API, jobs that fail or half-fail by
injection (forced per request or drawn from the seeded fault config), and the budget they
spend."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from fake_freshsales import FaultConfig, Limits

if TYPE_CHECKING:
    from conftest import Fake, MakeFake

REASON = "Record could not be processed. Please try again."
FAILED = {"status": "failed", "id": None, "errors": [REASON]}


def errors(*messages: str, code: int = 400) -> dict[str, Any]:
    return {"errors": {"code": code, "message": list(messages)}}


def items(count: int) -> list[dict[str, Any]]:
    return [{"unique_identifier": {"emails": f"p{n}@b.com"}, "data": {}} for n in range(count)]


def advance(fake: Fake, seconds: float) -> None:
    fake.admin("POST", "/clock", {"advance": seconds})


def status(fake: Fake, job_id: int) -> str:
    answer: str = fake.get(f"/job_statuses/{job_id}").json["status"]
    return answer


def bulk(fake: Fake, count: int, fault: str | None = None) -> Any:
    headers = {} if fault is None else {"X-Fake-Bulk-Fault": fault}
    return fake.post("/contacts/bulk_upsert", {"contacts": items(count)}, headers=headers)


def test_the_delay_is_read_and_set_at_run_time(fake: Fake) -> None:
    assert fake.admin("GET", "/bulk").json == {"bulk": {"job_seconds": 2.0}}
    bulk(fake, 1)
    assert fake.admin("POST", "/bulk", {"job_seconds": 0.5}).json == {"bulk": {"job_seconds": 0.5}}
    bulk(fake, 1)
    advance(fake, 0.5)
    # The job queued under the old delay keeps its time; the new one overtakes it.
    assert (status(fake, 1), status(fake, 2)) == ("queued", "completed")
    advance(fake, 1.5)
    assert status(fake, 1) == "completed"
    fake.admin("POST", "/reset")
    assert fake.admin("GET", "/bulk").json == {"bulk": {"job_seconds": 2.0}}


def test_the_admin_client_sets_the_delay(fake: Fake) -> None:
    assert fake.admin_client.bulk() == {"job_seconds": 2.0}
    assert fake.admin_client.set_bulk(job_seconds=0) == {"job_seconds": 0.0}
    bulk(fake, 1)
    assert status(fake, 1) == "completed"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "job_seconds must be a number, got None"),
        ({"job_seconds": -1}, "job_seconds must be finite and 0 or more, got -1"),
        ({"job_seconds": "1"}, "job_seconds must be a number, got '1'"),
        ({"job_seconds": 1, "size": 5}, "Unknown setting size."),
    ],
)
def test_a_bad_delay_is_400(fake: Fake, body: dict[str, Any], message: str) -> None:
    response = fake.admin("POST", "/bulk", body)
    assert (response.status_code, response.json) == (400, errors(message))
    assert fake.admin("GET", "/bulk").json == {"bulk": {"job_seconds": 2.0}}


def test_a_forced_failure_refuses_every_item(make_fake: MakeFake) -> None:
    fake = make_fake(variants={"bulk_results": "records"})
    assert bulk(fake, 3, "fail").status_code == 202
    advance(fake, 2)
    answer = fake.get("/job_statuses/1").json
    assert (answer["status"], answer["data"]) == (
        "failed",
        {
            "total": 3,
            "succeeded": 0,
            "failed": 3,
            "records": [{"index": n, **FAILED} for n in range(3)],
        },
    )
    assert fake.state()["contacts"] == []


def test_a_forced_half_failure_refuses_every_second_item(make_fake: MakeFake) -> None:
    fake = make_fake(variants={"bulk_results": "records"})
    bulk(fake, 4, "partial")
    advance(fake, 2)
    answer = fake.get("/job_statuses/1").json
    assert answer["status"] == "partially_completed"
    records = answer["data"]["records"]
    assert [(r["index"], r["status"]) for r in records] == [
        (0, "success"),
        (1, "failed"),
        (2, "success"),
        (3, "failed"),
    ]
    assert records[1] == {"index": 1, **FAILED}
    assert [c["email"] for c in fake.state()["contacts"]] == ["p0@b.com", "p2@b.com"]


def test_a_half_failed_job_of_one_item_completes(fake: Fake) -> None:
    bulk(fake, 1, "partial")
    advance(fake, 2)
    assert status(fake, 1) == "completed"


def test_a_bad_forced_job_fault_is_400(fake: Fake) -> None:
    response = bulk(fake, 1, "explode")
    assert (response.status_code, response.json) == (
        400,
        errors("X-Fake-Bulk-Fault must be one of: fail, partial."),
    )
    assert fake.get("/job_statuses/1").status_code == 404


def test_job_faults_are_drawn_from_the_seeded_config(make_fake: MakeFake) -> None:
    config = FaultConfig(bulk_fail_rate=0.3, bulk_partial_rate=0.3, seed=3)

    def statuses() -> list[str]:
        fake = make_fake(config={"faults": config})
        for _ in range(12):
            assert bulk(fake, 2).status_code == 202
        advance(fake, 2)
        return [status(fake, n) for n in range(1, 13)]

    drawn = statuses()
    assert drawn == statuses()
    assert {"completed", "failed", "partially_completed"} == set(drawn)


def test_job_fault_rates_are_set_through_the_admin_api(fake: Fake) -> None:
    answer = fake.admin("POST", "/faults", {"bulk_fail_rate": 1.0})
    assert answer.json["faults"]["bulk_fail_rate"] == 1.0
    # No other fault: the request itself is answered.
    assert bulk(fake, 2).status_code == 202
    advance(fake, 2)
    assert status(fake, 1) == "failed"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"bulk_fail_rate": 2}, "bulk_fail_rate must be a number between 0 and 1."),
        ({"bulk_partial_rate": "x"}, "bulk_partial_rate must be a number between 0 and 1."),
        (
            {"bulk_fail_rate": 0.6, "bulk_partial_rate": 0.6},
            "bulk_fail_rate and bulk_partial_rate must add up to 1 at most.",
        ),
    ],
)
def test_bad_job_fault_rates_are_400(fake: Fake, body: dict[str, Any], message: str) -> None:
    assert fake.admin("POST", "/faults", body).json == errors(message)


def test_job_faults_leave_the_requests_fates_as_they_were(make_fake: MakeFake) -> None:
    """Adding job faults to a seed does not change which requests get a drawn status."""

    def fates(config: FaultConfig) -> list[int]:
        fake = make_fake(config={"faults": config})
        return [bulk(fake, 1).status_code for _ in range(20)]

    plain = FaultConfig(rate=0.4, statuses=(503,), seed=9)
    with_jobs = FaultConfig(rate=0.4, statuses=(503,), seed=9, bulk_fail_rate=0.5)
    assert fates(plain) == fates(with_jobs)
    assert set(fates(plain)) == {202, 503}


def test_bulk_posts_and_polls_are_refused_over_budget(make_fake: MakeFake) -> None:
    fake = make_fake(limits=Limits(hourly=100, per_minute=2))
    assert bulk(fake, 1).headers["X-RateLimit-Remaining"] == "1"
    assert fake.get("/job_statuses/1").headers["X-RateLimit-Remaining"] == "0"
    refused = bulk(fake, 1)
    assert (refused.status_code, refused.json) == (
        429,
        errors("Request limit exceeded: 2 requests per minute for this account.", code=429),
    )
    assert fake.get("/job_statuses/1").status_code == 429
    advance(fake, 60)
    # The refused upsert queued nothing: its would-be job does not exist.
    assert fake.get("/job_statuses/2").status_code == 404
    assert fake.get("/job_statuses/1").json["status"] == "completed"


def test_the_forced_job_fault_is_journaled(fake: Fake) -> None:
    bulk(fake, 1, "fail")
    [entry] = fake.admin_client.journal(path="/api/contacts/bulk_upsert")
    assert entry["headers"]["X-Fake-Bulk-Fault"] == "fail"
