"""Client against respx: what a real account takes. Activities carry an owner, leads and deals
are found before they are written, a contact's accounts are added to, and a group links the
person it finds instead of making a twin."""

import copy
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

from segment_freshsales import Client
from tests.delivery.helpers import API_KEY, activity_types
from translator import Settings, translate

MakeClient = Callable[..., Client]
TRACK = {"type": "track", "userId": "ann@example.com", "event": "Signed Up"}
CONTACT_ROW = {"id": 55, "owner_id": None, "email": "ann@example.com"}
FOUND = httpx.Response(200, json={"contacts": {"contacts": [CONTACT_ROW]}, "leads": {"leads": []}})
NOBODY = httpx.Response(200, json={"contacts": {"contacts": []}, "leads": {"leads": []}})
ACTIVITY = httpx.Response(201, json={"sales_activity": {"id": 9}})


def settings(**options: Any) -> Settings:
    return Settings(domain="acme", api_key=API_KEY, **options)


def body(route: respx.Route, index: int = -1) -> Any:
    return json.loads(route.calls[index].request.content)


def ok(record: str, **fields: Any) -> httpx.Response:
    return httpx.Response(200, json={record: fields})


def activity_routes(router: respx.Router, lookup: httpx.Response = FOUND) -> respx.Route:
    router.get("/lookup").mock(return_value=lookup)
    router.get("/selector/sales_activity_types").mock(
        return_value=activity_types("Segment Event", "Page View")
    )
    return router.post("/sales_activities").mock(return_value=ACTIVITY)


# Owners ------------------------------------------------------------------------------------


def test_the_owner_named_by_the_message_wins(router: respx.Router, make_client: MakeClient) -> None:
    activity = activity_routes(router)
    message = {**TRACK, "properties": {"ownerId": 42}}
    assert make_client(settings=settings(owner=7)).deliver(message).status == "delivered"
    assert body(activity)["sales_activity"]["owner_id"] == 42


def test_the_person_owner_comes_before_the_settings_owner(
    router: respx.Router, make_client: MakeClient
) -> None:
    found = {"contacts": {"contacts": [{**CONTACT_ROW, "owner_id": 31}]}, "leads": {"leads": []}}
    activity = activity_routes(router, httpx.Response(200, json=found))
    assert make_client(settings=settings(owner=7)).deliver(TRACK).status == "delivered"
    assert body(activity)["sales_activity"]["owner_id"] == 31


def test_the_owner_of_a_lead_just_created_is_read_from_its_answer(
    router: respx.Router, make_client: MakeClient
) -> None:
    activity = activity_routes(router, NOBODY)
    create = router.post("/leads").mock(return_value=ok("lead", id=101, owner_id=12))
    assert make_client(settings=settings()).deliver(TRACK).status == "delivered"
    assert body(create) == {"lead": {"email": "ann@example.com", "external_id": "ann@example.com"}}
    assert body(activity)["sales_activity"]["owner_id"] == 12


def test_the_settings_owner_id_when_the_person_has_none(
    router: respx.Router, make_client: MakeClient
) -> None:
    activity = activity_routes(router)
    assert make_client(settings=settings(owner=7)).deliver(TRACK).status == "delivered"
    assert body(activity)["sales_activity"]["owner_id"] == 7


def test_the_settings_owner_email_is_resolved_once_per_client(
    router: respx.Router, make_client: MakeClient
) -> None:
    activity = activity_routes(router)
    users = {"users": [{"id": 3, "display_name": "Boss", "email": "boss@acme.io"}]}
    owners = router.get("/selector/owners").mock(return_value=httpx.Response(200, json=users))
    client = make_client(settings=settings(owner="Boss@Acme.io"))
    for number in range(3):
        assert client.deliver({**TRACK, "messageId": f"m-{number}"}).status == "delivered"
    assert owners.call_count == 1
    assert [body(activity, i)["sales_activity"]["owner_id"] for i in range(3)] == [3, 3, 3]


def test_an_owner_email_no_user_has_rejects_naming_it(
    router: respx.Router, make_client: MakeClient
) -> None:
    activity = activity_routes(router)
    users = {"users": [{"id": 3, "email": "boss@acme.io"}]}
    router.get("/selector/owners").mock(return_value=httpx.Response(200, json=users))
    outcome = make_client(settings=settings(owner="gone@acme.io")).deliver(TRACK)
    assert outcome.status == "rejected"
    assert outcome.reason == (
        "no user of this Freshsales account has the email 'gone@acme.io' (Settings.owner): set "
        "Settings.owner (--owner or $FRESHSALES_OWNER) to the id or the email of one of its users"
    )
    assert not activity.called


def test_no_owner_rejects_naming_owner_option_and_setting(
    router: respx.Router, make_client: MakeClient
) -> None:
    activity = activity_routes(router)
    outcome = make_client(settings=settings()).deliver(TRACK)
    assert outcome.status == "rejected"
    assert outcome.reason is not None
    assert "--owner ID|EMAIL" in outcome.reason and "Settings.owner" in outcome.reason
    assert not activity.called


# Leads -------------------------------------------------------------------------------------

IDENTIFY = {"type": "identify", "userId": "u-1", "traits": {"email": "ann@example.com"}}
LEAD_BODY = {"lead": {"email": "ann@example.com", "external_id": "u-1", "first_name": "Ann"}}


def test_a_lead_found_by_email_is_updated(router: respx.Router, make_client: MakeClient) -> None:
    lookup = router.get("/lookup").mock(
        return_value=httpx.Response(200, json={"leads": {"leads": [{"id": 7}]}})
    )
    update = router.put("/leads/7").mock(return_value=ok("lead", id=7))
    message = {**IDENTIFY, "traits": {**IDENTIFY["traits"], "firstName": "Ann"}}
    outcome = make_client(settings=settings()).deliver(message)
    assert outcome.calls == [("GET", "/lookup", 200), ("PUT", "/leads/7", 200)]
    assert dict(lookup.calls[0].request.url.params) == {
        "q": "ann@example.com",
        "f": "email",
        "entities": "lead",
    }
    assert body(update) == LEAD_BODY


def test_a_lead_nobody_has_is_created_and_never_upserted(
    router: respx.Router, make_client: MakeClient
) -> None:
    router.get("/lookup").mock(return_value=httpx.Response(200, json={"leads": {"leads": []}}))
    create = router.post("/leads").mock(return_value=ok("lead", id=8))
    update = router.put("/leads/8").mock(return_value=ok("lead", id=8))
    client = make_client(settings=settings())
    message = {**IDENTIFY, "traits": {**IDENTIFY["traits"], "firstName": "Ann"}}
    assert client.deliver(message).calls == [("GET", "/lookup", 200), ("POST", "/leads", 200)]
    assert body(create) == LEAD_BODY
    # Known from then on: the next identify updates it without looking again.
    assert client.deliver(message).calls == [("PUT", "/leads/8", 200)]
    assert update.call_count == 1


def test_a_remembered_lead_deleted_since_is_looked_up_again(
    router: respx.Router, make_client: MakeClient
) -> None:
    router.get("/lookup").mock(
        side_effect=[
            httpx.Response(200, json={"leads": {"leads": [{"id": 7}]}}),
            httpx.Response(200, json={"leads": {"leads": []}}),
        ]
    )
    router.put("/leads/7").mock(
        side_effect=[
            ok("lead", id=7),
            httpx.Response(
                404, json={"errors": {"code": 404, "message": ["The lead is not in the CRM."]}}
            ),
        ]
    )
    router.post("/leads").mock(return_value=ok("lead", id=9))
    client = make_client(settings=settings())
    client.deliver(IDENTIFY)
    outcome = client.deliver(IDENTIFY)
    assert outcome.status == "delivered"
    assert outcome.calls == [
        ("PUT", "/leads/7", 404),
        ("GET", "/lookup", 200),
        ("POST", "/leads", 200),
    ]


def test_delivering_leaves_the_parts_plans_share_as_they_were(
    router: respx.Router, make_client: MakeClient
) -> None:
    # Plans of one Settings share their person step and placeholders (translator.shared):
    # delivery fills them into new objects, so a plan made before is unchanged after.
    activity_routes(router)
    shared_settings = settings(owner=7)
    kept = translate(TRACK, shared_settings)
    before = copy.deepcopy(kept.to_json())
    client = make_client(settings=shared_settings)
    assert client.deliver({**TRACK, "properties": {"plan": "pro"}}).status == "delivered"
    assert kept.to_json() == before
    assert translate(TRACK, shared_settings).calls[0] is kept.calls[0]


# Deals -------------------------------------------------------------------------------------


def deal_identify(company: str, deal: str = "Renewal") -> dict[str, Any]:
    return {
        "type": "identify",
        "userId": "u-1",
        "traits": {
            "email": "ann@example.com",
            "fsContact": True,
            "company": company,
            "deal": {"name": deal, "amount": 10},
        },
    }


def contact_routes(router: respx.Router) -> respx.Route:
    """Accounts Initech (7001) and Globex (7002), and contact 8001 linked to Initech; the
    route that links the contact to more."""
    accounts = {"Initech": 7001, "Globex": 7002}

    def account(request: httpx.Request) -> httpx.Response:
        name = json.loads(request.content)["unique_identifier"]["name"]
        return ok("sales_account", id=accounts[name], name=name)

    router.post("/sales_accounts/upsert").mock(side_effect=account)
    links = [{"id": 7001, "name": "Initech", "is_primary": True, "partial": True}]
    router.post("/contacts/upsert").mock(return_value=ok("contact", id=8001, sales_accounts=links))
    return router.put("/contacts/8001").mock(return_value=ok("contact", id=8001))


def test_a_deal_found_by_name_among_the_account_deals_is_updated(
    router: respx.Router, make_client: MakeClient
) -> None:
    contact_routes(router)
    deals = [{"id": 4, "name": "Other"}, {"id": 5, "name": "Renewal", "sales_account_id": 7001}]
    router.get("/sales_accounts/7001", params={"include": "deals"}).mock(
        return_value=httpx.Response(200, json={"sales_account": {"id": 7001}, "deals": deals})
    )
    update = router.put("/deals/5").mock(return_value=ok("deal", id=5))
    outcome = make_client(settings=settings()).deliver(deal_identify("Initech"))
    assert outcome.status == "delivered"
    assert body(update) == {
        "deal": {
            "name": "Renewal",
            "amount": 10,
            "sales_account_id": 7001,
            "contacts_added_list": [8001],
        }
    }
    assert [path for _, path, _ in outcome.calls][-2:] == ["/sales_accounts/7001", "/deals/5"]


def test_the_same_deal_name_for_two_companies_makes_two_deals(
    router: respx.Router, make_client: MakeClient
) -> None:
    contact_routes(router)
    empty = {"deals": []}
    for account_id in (7001, 7002):
        router.get(f"/sales_accounts/{account_id}", params={"include": "deals"}).mock(
            return_value=httpx.Response(200, json={"sales_account": {"id": account_id}, **empty})
        )
    create = router.post("/deals").mock(side_effect=[ok("deal", id=5), ok("deal", id=6)])
    client = make_client(settings=settings())
    assert client.deliver(deal_identify("Initech")).status == "delivered"
    assert client.deliver(deal_identify("Globex")).status == "delivered"
    assert [body(create, i)["deal"]["sales_account_id"] for i in range(2)] == [7001, 7002]


def test_a_deal_found_or_made_once_is_written_at_once_by_the_next_message(
    router: respx.Router, make_client: MakeClient
) -> None:
    contact_routes(router)
    listing = router.get("/sales_accounts/7001", params={"include": "deals"}).mock(
        return_value=httpx.Response(200, json={"sales_account": {"id": 7001}, "deals": []})
    )
    router.post("/deals").mock(return_value=ok("deal", id=5, name="Renewal"))
    update = router.put("/deals/5").mock(return_value=ok("deal", id=5))
    client = make_client(settings=settings())
    assert client.deliver(deal_identify("Initech")).status == "delivered"
    again = client.deliver(deal_identify("Initech"))
    assert again.status == "delivered"
    assert listing.call_count == 1  # the second message knew deal 5 from its create
    assert [path for _, path, _ in again.calls][-1] == "/deals/5"
    assert body(update)["deal"]["amount"] == 10
    # Another deal name on the same account is found, not taken for deal 5.
    client.deliver(deal_identify("Initech", deal="Upsell"))
    assert listing.call_count == 2


def test_a_remembered_deal_gone_from_freshsales_is_found_again_and_made(
    router: respx.Router, make_client: MakeClient
) -> None:
    contact_routes(router)
    deals: list[dict[str, Any]] = [{"id": 5, "name": "Renewal"}]
    listing = router.get("/sales_accounts/7001", params={"include": "deals"}).mock(
        side_effect=lambda _: httpx.Response(200, json={"sales_account": {}, "deals": deals})
    )
    gone = httpx.Response(404, json={"errors": {"code": 404, "message": ["Record not found"]}})
    router.put("/deals/5").mock(side_effect=[ok("deal", id=5), gone])
    create = router.post("/deals").mock(return_value=ok("deal", id=6, name="Renewal"))
    client = make_client(settings=settings())
    assert client.deliver(deal_identify("Initech")).status == "delivered"
    deals.clear()  # deleted in Freshsales meanwhile
    outcome = client.deliver(deal_identify("Initech"))
    assert outcome.status == "delivered"
    # The plan is carried out again without what was remembered; its upserts are idempotent.
    assert [(method, path, status) for method, path, status in outcome.calls] == [
        ("POST", "/sales_accounts/upsert", 200),
        ("POST", "/contacts/upsert", 200),
        ("PUT", "/deals/5", 404),
        ("POST", "/sales_accounts/upsert", 200),
        ("POST", "/contacts/upsert", 200),
        ("GET", "/sales_accounts/7001", 200),
        ("POST", "/deals", 200),
    ]
    assert listing.call_count == 2
    assert create.call_count == 1


def test_deal_write_upsert_keeps_the_upsert_by_name(
    router: respx.Router, make_client: MakeClient
) -> None:
    contact_routes(router)
    upsert = router.post("/deals/upsert").mock(return_value=ok("deal", id=5))
    outcome = make_client(settings=settings(deal_write="upsert")).deliver(deal_identify("Initech"))
    assert outcome.status == "delivered"
    assert body(upsert)["unique_identifier"] == {"name": "Renewal"}


# Links that add ----------------------------------------------------------------------------


def test_a_contact_keeps_its_accounts_and_gets_the_new_one(
    router: respx.Router, make_client: MakeClient
) -> None:
    link = contact_routes(router)
    message = {
        "type": "identify",
        "userId": "u-1",
        "traits": {"email": "ann@example.com", "fsContact": True, "company": "Globex"},
    }
    assert make_client(settings=settings()).deliver(message).status == "delivered"
    assert body(link) == {
        "contact": {
            "sales_accounts": [
                {"id": 7001, "is_primary": True},
                {"id": 7002, "is_primary": False},
            ]
        }
    }


def test_an_account_the_contact_has_is_not_sent_again(
    router: respx.Router, make_client: MakeClient
) -> None:
    contact_routes(router)
    message = {
        "type": "identify",
        "userId": "u-1",
        "traits": {"email": "ann@example.com", "fsContact": True, "company": "Initech"},
    }
    outcome = make_client(settings=settings()).deliver(message)
    assert outcome.calls == [
        ("POST", "/sales_accounts/upsert", 200),
        ("POST", "/contacts/upsert", 200),
    ]


# Groups ------------------------------------------------------------------------------------

GROUP = {
    "type": "group",
    "userId": "ann@example.com",
    "groupId": "g1",
    "traits": {"name": "Globex"},
}


def test_a_group_links_the_contact_it_finds_and_makes_no_lead(
    router: respx.Router, make_client: MakeClient
) -> None:
    contact_routes(router)
    router.get("/lookup").mock(return_value=FOUND)
    links = [{"id": 7001, "name": "Initech", "is_primary": True, "partial": True}]
    read = router.get("/contacts/55", params={"include": "sales_accounts"}).mock(
        return_value=ok("contact", id=55, sales_accounts=links)
    )
    link = router.put("/contacts/55").mock(return_value=ok("contact", id=55))
    outcome = make_client(settings=settings()).deliver(GROUP)
    assert outcome.status == "delivered"
    assert read.call_count == 1
    assert body(link) == {
        "contact": {
            "sales_accounts": [
                {"id": 7001, "is_primary": True},
                {"id": 7002, "is_primary": False},
            ]
        }
    }
    assert [c for c in outcome.calls if "leads" in c[1]] == []


def test_a_group_gives_a_lead_it_finds_the_company(
    router: respx.Router, make_client: MakeClient
) -> None:
    contact_routes(router)
    router.get("/lookup").mock(
        return_value=httpx.Response(
            200, json={"contacts": {"contacts": []}, "leads": {"leads": [{"id": 7}]}}
        )
    )
    company = router.put("/leads/7").mock(return_value=ok("lead", id=7))
    assert make_client(settings=settings()).deliver(GROUP).status == "delivered"
    assert body(company) == {"lead": {"company": {"name": "Globex"}}}


def test_a_group_for_nobody_creates_the_lead_with_its_company(
    router: respx.Router, make_client: MakeClient
) -> None:
    contact_routes(router)
    router.get("/lookup").mock(return_value=NOBODY)
    create = router.post("/leads").mock(return_value=ok("lead", id=7))
    outcome = make_client(settings=settings()).deliver(GROUP)
    assert outcome.calls == [
        ("POST", "/sales_accounts/upsert", 200),
        ("GET", "/lookup", 200),
        ("POST", "/leads", 200),
    ]
    assert body(create) == {
        "lead": {
            "email": "ann@example.com",
            "external_id": "ann@example.com",
            "company": {"name": "Globex"},
        }
    }


def test_a_group_for_a_user_id_nobody_has_writes_the_account_alone(
    router: respx.Router, make_client: MakeClient
) -> None:
    contact_routes(router)
    router.get("/lookup").mock(return_value=NOBODY)
    message = {"type": "group", "userId": "u-9", "groupId": "g1", "traits": {"name": "Globex"}}
    outcome = make_client(settings=settings()).deliver(message)
    assert outcome.status == "delivered"
    assert outcome.calls == [("POST", "/sales_accounts/upsert", 200), ("GET", "/lookup", 200)]


@pytest.mark.parametrize("lead_write", ["find", "upsert"])
def test_an_unseen_visitor_on_classic_follows_lead_write(
    router: respx.Router, make_client: MakeClient, lead_write: str
) -> None:
    activity_routes(router, NOBODY)
    path = "/leads" if lead_write == "find" else "/leads/upsert"
    create = router.post(path).mock(return_value=ok("lead", id=101))
    client = make_client(settings=settings(lead_write=lead_write, owner=7))
    assert client.deliver(TRACK).status == "delivered"
    assert create.call_count == 1
