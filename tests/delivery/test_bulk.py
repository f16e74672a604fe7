"""deliver_all(bulk=True) against respx: which messages go in bulk, in what order, with what
bodies, how jobs are polled, and what each message's outcome is."""

import asyncio
import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from segment_freshsales import AsyncClient, AuthError, Client, Outcome, RateLimits, Report
from segment_freshsales.delivery import bulk_plan
from segment_freshsales.delivery.bulk_jobs import FIRST_POLL
from segment_freshsales.delivery.bulk_plan import BulkItem, bulk_item, plan_of
from tests.dead_letters import dead_letters
from tests.delivery.helpers import API_KEY, VirtualTime, errors
from translator import Plan, Settings, translate

SUITE = Settings(domain="acme.myfreshworks.com", api_key=API_KEY)
BASE = SUITE.base_url
MakeClient = Callable[..., Client]


def identify(n: int, company: str | None = None, **traits: Any) -> dict[str, Any]:
    given: dict[str, Any] = {"email": f"p{n}@example.com", "firstName": f"P{n}", **traits}
    if company is not None:
        given["company"] = {"name": company}
    return {"type": "identify", "messageId": f"m{n}", "userId": f"u{n}", "traits": given}


def queued(job_id: int) -> httpx.Response:
    url = f"{BASE}/job_statuses/{job_id}"
    return httpx.Response(202, json={"job_status_url": url, "message": "queued"})


def status(status: str, total: int, records: list[dict[str, Any]] | None = None) -> httpx.Response:
    failed = sum(r["status"] == "failed" for r in records or [])
    data: dict[str, Any] = {"total": total, "succeeded": total - failed, "failed": failed}
    if records is not None:
        data["records"] = records
    return httpx.Response(200, json={"id": 1, "status": status, "progress": 100, "data": data})


def still_queued() -> httpx.Response:
    """A job status whose job has not started: no counts yet."""
    return httpx.Response(200, json={"id": 2, "status": "queued", "data": {}})


def record(index: int, record_id: int | None, *errors: str) -> dict[str, Any]:
    state = "failed" if errors else "success"
    return {"index": index, "status": state, "id": record_id, "errors": list(errors)}


def body(route: respx.Route, index: int = -1) -> Any:
    return json.loads(route.calls[index].request.content)


def order(router: respx.Router) -> list[str]:
    return [f"{call.request.method} {call.request.url.path}" for call in router.calls]


@pytest.fixture
def router() -> Iterator[respx.Router]:
    yield respx.Router(base_url=BASE, assert_all_mocked=True)


@pytest.fixture
def make_client(make_client: MakeClient) -> MakeClient:
    """The conftest's clients, of the Suite account this module's router answers for."""
    return partial(make_client, settings=SUITE)


def deliver(client: Client, messages: list[Any], **options: Any) -> dict[str, Outcome]:
    outcomes: dict[str, Outcome] = {}

    def keep(_: int, message: Any, outcome: Outcome) -> None:
        outcomes[message["messageId"]] = outcome

    client.deliver_all(messages, bulk=True, on_outcome=keep, **options)
    return outcomes


# Which messages ----------------------------------------------------------------------------


def item_of(message: object, settings: Settings) -> BulkItem | None:
    """A message's bulk item, as a bulk run makes it: from its plan, when it has one."""
    plan = plan_of(message, settings)
    return None if plan is None else bulk_item(0, message, plan)


def test_only_contact_identifies_without_a_deal_go_in_bulk() -> None:
    classic = Settings(domain="acme", api_key=API_KEY)
    deal = identify(1, "Acme", deal={"name": "Big one"})
    track = {"type": "track", "userId": "u1", "event": "Login"}
    assert item_of(identify(1), SUITE) is not None
    item = item_of(identify(1, "Acme"), SUITE)
    assert item is not None
    assert (item.account, item.account_data, item.email) == (
        "Acme",
        {"name": "Acme"},
        "p1@example.com",
    )
    assert item.contact == {
        "unique_identifier": {"emails": "p1@example.com"},
        "data": {"email": "p1@example.com", "external_id": "u1", "first_name": "P1"},
    }
    assert item_of(identify(1), classic) is None  # a lead
    assert item_of(deal, SUITE) is None
    assert item_of(track, SUITE) is None
    assert item_of({"type": "identify", "userId": "not-an-email"}, SUITE) is None


# Accounts before contacts, per-record results ----------------------------------------------


def test_accounts_are_written_first_and_linked_by_id_from_the_records(
    router: respx.Router, make_client: MakeClient
) -> None:
    accounts = router.post("/sales_accounts/bulk_upsert").mock(return_value=queued(1))
    router.get("/job_statuses/1").mock(return_value=status("completed", 1, [record(0, 900)]))
    contacts = router.post("/contacts/bulk_upsert").mock(return_value=queued(2))
    router.get("/job_statuses/2").mock(
        return_value=status("completed", 3, [record(0, 1), record(1, 2), record(2, 3)])
    )
    client = make_client()
    messages = [identify(1, "Acme"), identify(2), identify(3, "Acme", company_size=3)]
    outcomes = deliver(client, messages)

    assert order(router) == [
        "POST /crm/sales/api/sales_accounts/bulk_upsert",
        "GET /crm/sales/api/job_statuses/1",
        "POST /crm/sales/api/contacts/bulk_upsert",
        "GET /crm/sales/api/job_statuses/2",
    ]
    assert body(accounts) == {
        "sales_accounts": [{"unique_identifier": {"name": "Acme"}, "data": {"name": "Acme"}}]
    }
    sent = body(contacts)["contacts"]
    assert [item["data"].get("sales_account_id") for item in sent] == [900, None, 900]
    assert "sales_accounts" not in json.dumps(sent)
    assert sent[1] == {
        "unique_identifier": {"emails": "p2@example.com"},
        "data": {"email": "p2@example.com", "external_id": "u2", "first_name": "P2"},
    }
    assert {k: o.status for k, o in outcomes.items()} == dict.fromkeys(
        ("m1", "m2", "m3"), "delivered"
    )


def test_a_later_body_of_an_account_wins_within_a_batch(
    router: respx.Router, make_client: MakeClient
) -> None:
    accounts = router.post("/sales_accounts/bulk_upsert").mock(return_value=queued(1))
    router.get("/job_statuses/1").mock(return_value=status("completed", 1, [record(0, 9)]))
    router.post("/contacts/bulk_upsert").mock(return_value=queued(2))
    router.get("/job_statuses/2").mock(
        return_value=status("completed", 2, [record(0, 1), record(1, 2)])
    )
    first = identify(1, "Acme")
    first["traits"]["company"].update(website="acme.example", employees=5)
    second = identify(2, "Acme")
    second["traits"]["company"]["employees"] = 8
    deliver(make_client(), [first, second])
    assert body(accounts)["sales_accounts"] == [
        {
            "unique_identifier": {"name": "Acme"},
            "data": {"name": "Acme", "website": "acme.example", "number_of_employees": 8},
        }
    ]


# Job status only --------------------------------------------------------------------------


def test_without_records_account_ids_come_from_one_filtered_search(
    router: respx.Router, make_client: MakeClient
) -> None:
    router.post("/sales_accounts/bulk_upsert").mock(return_value=queued(1))
    router.get("/job_statuses/1").mock(return_value=status("completed", 2))
    search = router.post("/filtered_search/sales_account").mock(
        return_value=httpx.Response(
            200,
            json={
                "sales_accounts": [{"id": 71, "name": "Acme"}, {"id": 72, "name": "Globex"}],
                "meta": {"total": 2},
            },
        )
    )
    contacts = router.post("/contacts/bulk_upsert").mock(return_value=queued(2))
    router.get("/job_statuses/2").mock(return_value=status("completed", 2))
    client = make_client()
    outcomes = deliver(client, [identify(1, "Acme"), identify(2, "Globex")])
    assert body(search) == {
        "filter_rule": [{"attribute": "name", "operator": "is_in", "value": ["Acme", "Globex"]}],
        "page": 1,
        "per_page": 100,
    }
    assert [i["data"]["sales_account_id"] for i in body(contacts)["contacts"]] == [71, 72]
    assert all(o.status == "delivered" for o in outcomes.values())


def test_an_account_written_before_with_the_same_fields_is_not_written_again(
    router: respx.Router, make_client: MakeClient
) -> None:
    accounts = router.post("/sales_accounts/bulk_upsert").mock(return_value=queued(1))
    router.get("/job_statuses/1").mock(return_value=status("completed", 1, [record(0, 9)]))
    contacts = router.post("/contacts/bulk_upsert").mock(return_value=queued(2))
    router.get("/job_statuses/2").mock(return_value=status("completed", 1, [record(0, 1)]))
    # A batch of one account is full at once: two flushes, one account job.
    deliver(make_client(), [identify(1, "Acme"), identify(2, "Acme")], bulk_size=1)
    assert accounts.call_count == 1
    assert contacts.call_count == 2
    assert body(contacts)["contacts"][0]["data"]["sales_account_id"] == 9


# Order per person --------------------------------------------------------------------------


def test_a_track_goes_after_its_person_s_identify_and_others_do_not_wait(
    router: respx.Router, make_client: MakeClient
) -> None:
    contacts = router.post("/contacts/bulk_upsert").mock(return_value=queued(2))
    router.get("/job_statuses/2").mock(return_value=status("completed", 1))
    single = router.post("/contacts/upsert").mock(
        return_value=httpx.Response(200, json={"contact": {"id": 5, "owner_id": 3}})
    )
    router.get("/lookup").mock(
        return_value=httpx.Response(
            200,
            json={"contacts": {"contacts": [{"id": 6, "owner_id": 3}]}, "leads": {"leads": []}},
        )
    )
    router.get("/selector/sales_activity_types").mock(
        return_value=httpx.Response(
            200, json={"sales_activity_types": [{"id": 1, "name": "Segment Event"}]}
        )
    )
    activity = router.post("/sales_activities").mock(
        return_value=httpx.Response(201, json={"sales_activity": {"id": 8}})
    )
    other = {"type": "track", "messageId": "t9", "userId": "p9@example.com", "event": "Login"}
    mine = {"type": "track", "messageId": "t1", "userId": "u1", "event": "Login"}
    outcomes = deliver(make_client(), [identify(1), identify(2), other, mine])
    assert order(router) == [
        "GET /crm/sales/api/lookup",  # p9's track goes at once
        "GET /crm/sales/api/selector/sales_activity_types",
        "POST /crm/sales/api/sales_activities",
        # u1's track: u1's identify goes first, alone, and the client then knows u1
        "POST /crm/sales/api/contacts/upsert",
        "POST /crm/sales/api/sales_activities",
        "POST /crm/sales/api/contacts/bulk_upsert",  # the rest, at the end of the stream
        "GET /crm/sales/api/job_statuses/2",
    ]
    assert body(single)["unique_identifier"] == {"emails": "p1@example.com"}
    assert body(activity)["sales_activity"]["targetable_id"] == 5
    assert [i["unique_identifier"] for i in body(contacts)["contacts"]] == [
        {"emails": "p2@example.com"}
    ]
    assert {k: o.status for k, o in outcomes.items()} == dict.fromkeys(
        ("m1", "m2", "t9", "t1"), "delivered"
    )


# Failed jobs --------------------------------------------------------------------------------


def test_a_partial_job_without_records_sends_its_batch_again_one_by_one(
    router: respx.Router, make_client: MakeClient, tmp_path: Path
) -> None:
    router.post("/contacts/bulk_upsert").mock(return_value=queued(2))
    router.get("/job_statuses/2").mock(return_value=status("partially_completed", 2))

    def upsert(request: httpx.Request) -> httpx.Response:
        email = json.loads(request.content)["unique_identifier"]["emails"]
        if email == "p2@example.com":
            return errors(400, "Emails is invalid.")
        return httpx.Response(200, json={"contact": {"id": 1, "sales_accounts": []}})

    singles = router.post("/contacts/upsert").mock(side_effect=upsert)
    client = make_client()
    outcomes = deliver(client, [identify(1), identify(2)])
    assert singles.call_count == 2
    assert outcomes["m1"].status == "delivered"
    assert (outcomes["m2"].status, outcomes["m2"].reason) == (
        "rejected",
        "POST /contacts/upsert: 400 Emails is invalid.",
    )
    (kept,) = dead_letters(tmp_path / "dead-letter.jsonl")
    assert kept["message"]["messageId"] == "m2"


def test_a_failed_record_alone_is_sent_again_and_keeps_the_api_reason(
    router: respx.Router, make_client: MakeClient
) -> None:
    router.post("/contacts/bulk_upsert").mock(return_value=queued(2))
    router.get("/job_statuses/2").mock(
        return_value=status("partially_completed", 2, [record(0, 1), record(1, None, "Bad.")])
    )
    singles = router.post("/contacts/upsert").mock(return_value=errors(400, "Emails is invalid."))
    client = make_client()
    report = client.deliver_all([identify(1), identify(2)], bulk=True)
    assert singles.call_count == 1
    assert body(singles)["unique_identifier"] == {"emails": "p2@example.com"}
    assert (report.delivered, report.rejected, report.bulk, report.bulk_jobs) == (1, 1, 1, 1)
    assert report.by_reason == {"POST /contacts/upsert: 400 Emails is invalid.": 1}


def test_a_failed_account_sends_its_contacts_one_by_one(
    router: respx.Router, make_client: MakeClient
) -> None:
    router.post("/sales_accounts/bulk_upsert").mock(return_value=queued(1))
    router.get("/job_statuses/1").mock(
        return_value=status("failed", 1, [record(0, None, "Name is invalid.")])
    )
    contacts = router.post("/contacts/bulk_upsert").mock(return_value=queued(2))
    router.get("/job_statuses/2").mock(return_value=status("completed", 1, [record(0, 4)]))
    account = router.post("/sales_accounts/upsert").mock(
        return_value=errors(400, "Name is invalid.")
    )
    outcomes = deliver(make_client(), [identify(1, "Acme"), identify(2)])
    assert [i["unique_identifier"] for i in body(contacts)["contacts"]] == [
        {"emails": "p2@example.com"}
    ]
    assert account.call_count == 1
    assert outcomes["m1"].reason == "POST /sales_accounts/upsert: 400 Name is invalid."
    assert outcomes["m2"].status == "delivered"


def test_a_bulk_post_that_fails_for_good_sends_the_batch_one_by_one(
    router: respx.Router, make_client: MakeClient
) -> None:
    router.post("/contacts/bulk_upsert").mock(return_value=errors(503, "Service Unavailable"))
    singles = router.post("/contacts/upsert").mock(
        return_value=httpx.Response(200, json={"contact": {"id": 1, "sales_accounts": []}})
    )
    report = make_client(max_attempts=2).deliver_all([identify(1), identify(2)], bulk=True)
    assert singles.call_count == 2
    assert (report.delivered, report.bulk, report.bulk_jobs, report.retries) == (2, 0, 0, 1)
    assert report.by_status == {503: 2, 200: 2}


# Polls -------------------------------------------------------------------------------------


def test_polls_start_near_the_job_time_and_space_out(
    router: respx.Router, make_client: MakeClient, time_: VirtualTime
) -> None:
    router.post("/contacts/bulk_upsert").mock(return_value=queued(2))
    router.get("/job_statuses/2").mock(
        side_effect=[
            still_queued(),
            still_queued(),
            status("completed", 1),
        ]
    )
    report = make_client().deliver_all([identify(1)], bulk=True)
    assert time_.sleeps == [FIRST_POLL, FIRST_POLL * 2, FIRST_POLL * 4]
    assert (report.delivered, report.api_calls) == (1, 4)


def test_polls_are_paced_like_every_request(
    router: respx.Router, make_client: MakeClient, time_: VirtualTime
) -> None:
    router.post("/contacts/bulk_upsert").mock(return_value=queued(2))
    router.get("/job_statuses/2").mock(
        side_effect=[
            still_queued(),
            status("completed", 1),
        ]
    )
    # Two requests a minute: the second poll waits for the budget, beyond its schedule.
    client = make_client(limits=RateLimits(((2, 60.0),)))
    client.deliver_all([identify(1)], bulk=True)
    assert time_.sleeps[0] == FIRST_POLL
    # The POST and the first poll spend the budget; the second poll's schedule (6 s after the
    # first) is then 21 s short of a free place.
    assert time_.sleeps == [FIRST_POLL, FIRST_POLL * 2, 21.0]


# The ledger --------------------------------------------------------------------------------


def test_a_message_delivered_before_is_skipped_and_a_delivered_one_remembered(
    router: respx.Router, make_client: MakeClient, tmp_path: Path
) -> None:
    contacts = router.post("/contacts/bulk_upsert").mock(return_value=queued(2))
    router.get("/job_statuses/2").mock(return_value=status("completed", 1))
    client = make_client(dedupe_path=tmp_path / "ids.sqlite")
    first = client.deliver_all([identify(1)], bulk=True)
    again = client.deliver_all([identify(1)], bulk=True)
    assert (first.delivered, again.skipped, contacts.call_count) == (1, 1, 1)


def test_a_refused_key_keeps_every_held_message_unsent(
    router: respx.Router, make_client: MakeClient, tmp_path: Path
) -> None:
    router.post("/contacts/bulk_upsert").mock(return_value=errors(401, "Login failed"))
    client = make_client()
    with pytest.raises(AuthError):
        client.deliver_all([identify(1), identify(2)], bulk=True, bulk_size=1)
    kept = dead_letters(tmp_path / "dead-letter.jsonl")
    assert [(k["message"]["messageId"], k["status"]) for k in kept] == [
        ("m1", "unsent"),
        ("m2", "unsent"),
    ]


def test_bulk_and_coalesce_do_not_go_together(make_client: MakeClient) -> None:
    with pytest.raises(ValueError, match="choose one"):
        make_client().deliver_all([], bulk=True, coalesce=True)
    with pytest.raises(ValueError, match="bulk_size"):
        make_client().deliver_all([], bulk=True, bulk_size=101)


def test_async_client_drives_the_same_run(router: respx.Router, time_: VirtualTime) -> None:
    router.post("/sales_accounts/bulk_upsert").mock(return_value=queued(1))
    router.get("/job_statuses/1").mock(return_value=status("completed", 1, [record(0, 9)]))
    contacts = router.post("/contacts/bulk_upsert").mock(return_value=queued(2))
    router.get("/job_statuses/2").mock(return_value=status("completed", 2))

    async def sleep(seconds: float) -> None:
        time_.sleep(seconds)

    async def main() -> Report:
        async with AsyncClient(
            SUITE,
            transport=httpx.MockTransport(router.async_handler),
            sleep=sleep,
            clock=time_.clock,
            seed=7,
        ) as client:
            return await client.deliver_all([identify(1, "Acme"), identify(2)], bulk=True)

    report = asyncio.run(main())
    assert (report.delivered, report.bulk, report.bulk_jobs, report.api_calls) == (2, 2, 2, 4)
    assert [i["data"].get("sales_account_id") for i in body(contacts)["contacts"]] == [9, None]


def test_lookups_in_a_bulk_body_are_filled_from_the_engine_s_selectors(
    router: respx.Router, make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No identify asks for a picklist entry today; a plan that does is filled as the engine
    # fills one, each selector fetched once, and one that names no entry goes alone.
    def with_stage(message: Any, settings: Settings) -> Plan:
        # A new plan: plans are read-only, and may share parts with others.
        plan = translate(message, settings)
        first = plan.calls[0]
        stage = {"$lookup": "lifecycle_stages", "name": message["traits"]["stage"]}
        body = {**first.body, "contact": {**first.body["contact"], "lifecycle_stage_id": stage}}
        return replace(plan, calls=[replace(first, body=body), *plan.calls[1:]])

    monkeypatch.setattr(bulk_plan, "translate", with_stage)
    stages = router.get("/selector/lifecycle_stages").mock(
        return_value=httpx.Response(200, json={"lifecycle_stages": [{"id": 41, "name": "Lead"}]})
    )
    contacts = router.post("/contacts/bulk_upsert").mock(return_value=queued(2))
    router.get("/job_statuses/2").mock(return_value=status("completed", 2))
    single = router.post("/contacts/upsert").mock(return_value=errors(400, "Stage unknown."))
    outcomes = deliver(
        make_client(),
        [identify(1, stage="Lead"), identify(2, stage="Lead"), identify(3, stage="X")],
    )
    assert stages.call_count == 1
    assert [i["data"]["lifecycle_stage_id"] for i in body(contacts)["contacts"]] == [41, 41]
    # The engine translates p3 as it is (the stage is only in this test's plans).
    assert single.call_count == 1
    assert (outcomes["m1"].status, outcomes["m2"].status) == ("delivered", "delivered")
