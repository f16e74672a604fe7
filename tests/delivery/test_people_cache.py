"""The client's bounded caches: people (LRU by person, every key of one), selector tables."""

import httpx
import pytest
import respx

from segment_freshsales import Client
from segment_freshsales.delivery.lru import Lru
from segment_freshsales.delivery.people import People, person_key
from tests.delivery.helpers import API_KEY, SETTINGS, VirtualTime, activity_types
from translator import Settings

KINDS = ("Contact", "Lead")


def contact(number: int) -> dict[str, object]:
    return {"targetable_type": "Contact", "targetable_id": number, "owner_id": None}


def lead(number: int) -> dict[str, object]:
    return {"targetable_type": "Lead", "targetable_id": number, "owner_id": 7}


def email(name: str) -> tuple[str, str]:
    return person_key("email", f"{name}@example.com")


def test_the_least_recently_used_person_goes_first_under_all_its_keys() -> None:
    people = People(capacity=2)
    people.remember(contact(1), [email("ann"), person_key("external_id", "u-1")])
    people.remember(contact(2), [email("bob")])
    assert people.get(email("ann"), KINDS) == contact(1)  # Ann is now the most recent
    people.remember(contact(3), [email("cy")])
    assert len(people) == 2
    assert people.get(email("bob"), KINDS) is None
    assert people.get(person_key("external_id", "u-1"), KINDS) == contact(1)
    assert people.get(email("cy"), KINDS) == contact(3)
    people.remember(contact(4), [email("dee")])  # Cy was read after Ann
    assert people.get(email("ann"), KINDS) is None
    assert people.get(person_key("external_id", "u-1"), KINDS) is None
    assert people.get(email("cy"), KINDS) == contact(3)


def test_a_person_under_two_keys_counts_once() -> None:
    people = People(capacity=2)
    people.remember(lead(1), [email("ann")])
    people.remember(lead(1), [person_key("external_id", "u-1")])
    people.remember(lead(2), [email("bob")])
    assert len(people) == 2
    assert people.get(email("ann"), KINDS) == lead(1)
    assert people.get(person_key("external_id", "u-1"), KINDS) == lead(1)


def test_forget_drops_every_key_of_that_record_and_nothing_else() -> None:
    people = People()
    people.remember(contact(1), [email("ann"), person_key("external_id", "u-1")])
    people.remember(contact(2), [email("bob")])
    people.forget(person_key("external_id", "u-1"))
    assert people.get(email("ann"), KINDS) is None
    assert people.get(person_key("external_id", "u-1"), KINDS) is None
    assert people.get(email("bob"), KINDS) == contact(2)
    assert len(people) == 1
    people.forget(email("nobody"))  # not known: nothing happens
    assert len(people) == 1


def test_a_lead_never_replaces_a_contact_and_a_moved_key_leaves_its_old_person() -> None:
    people = People()
    people.remember(contact(1), [email("ann")])
    people.remember(lead(9), [email("ann")])
    assert people.get(email("ann"), KINDS) == contact(1)
    assert len(people) == 1  # the lead was known by no key: not kept
    people.remember(lead(2), [email("bob")])
    people.remember(contact(3), [email("bob")])  # Bob's lead was converted
    assert people.get(email("bob"), KINDS) == contact(3)
    assert len(people) == 2  # the lead had no other key left
    assert people.get(email("bob"), ["Lead"]) is None


def test_the_newest_answer_replaces_what_was_known_of_a_record() -> None:
    people = People()
    people.remember({**lead(1), "created": True}, [email("ann")])
    people.remember({**lead(1), "owner_id": 8}, [email("ann")])
    assert people.get(email("ann"), KINDS) == {**lead(1), "owner_id": 8}


def test_hits_and_misses_are_counted() -> None:
    assert People().hit_rate is None  # nobody asked for yet
    people = People()
    people.get(email("ann"), KINDS)
    people.remember(lead(1), [email("ann")])
    people.get(email("ann"), KINDS)
    people.get(email("ann"), KINDS)
    people.get(email("ann"), ["Contact"])  # known, but not of the kind asked for
    assert (people.hits, people.misses, people.hit_rate) == (2, 2, 0.5)


def test_lru_by_weight_keeps_the_newest_even_when_it_alone_is_too_heavy() -> None:
    tables: Lru[str, dict[str, int]] = Lru(3, weigh=len)
    tables.put("owners", {"a": 1, "b": 2})
    assert tables.put("types", {"c": 3}) == []
    assert tables.weight == 3
    assert tables.put("stages", {"d": 4}) == [("owners", {"a": 1, "b": 2})]
    assert [key for key in ("owners", "types", "stages") if key in tables] == ["types", "stages"]
    assert tables.put("big", {str(n): n for n in range(5)}) == [
        ("types", {"c": 3}),
        ("stages", {"d": 4}),
    ]
    assert len(tables) == 1 and tables.get("big") is not None
    with pytest.raises(ValueError, match="capacity: expected at least 1"):
        Lru(0)


def test_a_client_cache_size_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="cache_size: expected at least 1"):
        Client(SETTINGS, cache_size=0)


def test_a_client_forgets_the_least_recent_person_and_looks_them_up_again(
    router: respx.Router, time_: VirtualTime
) -> None:
    lookup = router.get("/lookup").mock(
        side_effect=lambda request: httpx.Response(
            200, json={"contacts": {"contacts": [{"id": len(request.url.params["q"])}]}}
        )
    )
    router.get("/selector/sales_activity_types").mock(return_value=activity_types("Segment Event"))
    router.post("/sales_activities").mock(
        return_value=httpx.Response(201, json={"sales_activity": {"id": 1}})
    )
    settings = Settings(domain="acme", api_key=API_KEY, owner=5)
    with Client(
        settings,
        transport=httpx.MockTransport(router.handler),
        cache_size=2,
        sleep=time_.sleep,
        clock=time_.clock,
        wall_clock=time_.wall_clock,
    ) as client:
        for user in ("a@x.io", "bb@x.io", "a@x.io", "ccc@x.io", "a@x.io", "bb@x.io"):
            message = {"type": "track", "userId": user, "event": "E"}
            assert client.deliver(message).status == "delivered"
        looked_up = [call.request.url.params["q"] for call in lookup.calls]
        # bb@ was the least recently used when ccc@ came, a@ never was.
        assert looked_up == ["a@x.io", "bb@x.io", "ccc@x.io", "bb@x.io"]
        assert client.engine.people.hit_rate == pytest.approx(2 / 6)


def test_selector_tables_are_bounded_and_a_body_needing_two_still_resolves(
    router: respx.Router, time_: VirtualTime
) -> None:
    owners = router.get("/selector/owners").mock(
        return_value=httpx.Response(200, json={"users": [{"id": 5, "email": "Boss@x.io"}]})
    )
    types = router.get("/selector/sales_activity_types").mock(
        return_value=activity_types("Segment Event")
    )
    router.get("/lookup").mock(
        return_value=httpx.Response(200, json={"contacts": {"contacts": [{"id": 3}]}})
    )
    activity = router.post("/sales_activities").mock(
        return_value=httpx.Response(201, json={"sales_activity": {"id": 1}})
    )
    settings = Settings(domain="acme", api_key=API_KEY, owner="boss@x.io")
    with Client(
        settings,
        transport=httpx.MockTransport(router.handler),
        cache_size=1,  # one selector entry: each table evicts the other
        sleep=time_.sleep,
        clock=time_.clock,
        wall_clock=time_.wall_clock,
    ) as client:
        for _ in range(2):
            message = {"type": "track", "userId": "a@x.io", "event": "E"}
            assert client.deliver(message).status == "delivered"
        assert len(client.engine.selectors) == 1
    assert owners.call_count + types.call_count == 4
    body = activity.calls[-1].request.read()
    assert b'"owner_id":5' in body and b'"sales_activity_type_id":70000' in body
