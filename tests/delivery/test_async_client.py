"""AsyncClient: bounded concurrency, one user's messages in order, auth stops everything."""

import asyncio
import json
import random
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from fake_freshsales import AccountConfig, AdminClient, FakeConfig, create_app
from segment_freshsales import AsyncClient, AuthError
from segment_freshsales.delivery.deadletter import DeadLetters
from segment_freshsales.delivery.identities import user_keys
from tests.dead_letters import dead_letters
from tests.delivery.helpers import API_KEY, SETTINGS, VirtualTime
from translator import Settings


class SlowFreshsales:
    """Answers after a random short delay, recording the order and the peak concurrency."""

    def __init__(self, auth_fails_after: int | None = None) -> None:
        self.rng = random.Random(3)
        self.in_flight = 0
        self.peak = 0
        self.activities: list[str] = []
        self.requests = 0
        self.paths: list[str] = []
        self.auth_fails_after = auth_fails_after

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        self.paths.append(request.url.path)
        if self.auth_fails_after is not None and self.requests > self.auth_fails_after:
            return httpx.Response(401, json={"errors": {"code": 401, "message": ["Invalid"]}})
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(self.rng.uniform(0, 0.004))
        finally:
            self.in_flight -= 1
        path = request.url.path
        if path.endswith("/lookup"):
            return httpx.Response(200, json={"contacts": {"contacts": [{"id": 1, "owner_id": 5}]}})
        if path.endswith("/selector/sales_activity_types"):
            return httpx.Response(
                200, json={"sales_activity_types": [{"id": 5, "name": "Segment Event"}]}
            )
        body = json.loads(request.content)
        self.activities.append(body["sales_activity"]["title"])
        return httpx.Response(201, json={"sales_activity": {"id": len(self.activities)}})


def stream(users: int, per_user: int) -> list[dict[str, Any]]:
    return [
        {
            "type": "track",
            "userId": f"user{u}@example.com",
            "event": f"u{u}-{n}",
            "messageId": f"{u}-{n}",
        }
        for n in range(per_user)
        for u in range(users)
    ]


def make(transport: SlowFreshsales, tmp_path: Path, **options: Any) -> AsyncClient:
    time_ = VirtualTime()

    async def sleep(seconds: float) -> None:
        time_.sleep(seconds)

    return AsyncClient(
        SETTINGS,
        transport=httpx.MockTransport(transport),
        dead_letter=tmp_path / "dead-letter.jsonl",
        sleep=sleep,
        clock=time_.clock,
        seed=1,
        **options,
    )


def test_messages_of_one_user_keep_their_order_under_concurrency(tmp_path: Path) -> None:
    freshsales = SlowFreshsales()

    async def main() -> Any:
        async with make(freshsales, tmp_path, concurrency=8) as client:
            return await client.deliver_all(stream(users=12, per_user=6))

    report = asyncio.run(main())
    assert report.delivered == 72
    for user in range(12):
        titles = [t for t in freshsales.activities if t.startswith(f"u{user}-")]
        assert titles == [f"u{user}-{n}" for n in range(6)]
    assert 1 < freshsales.peak <= 8


def test_concurrency_is_bounded(tmp_path: Path) -> None:
    freshsales = SlowFreshsales()

    async def main() -> Any:
        async with make(freshsales, tmp_path, concurrency=3) as client:
            return await client.deliver_all(stream(users=20, per_user=2))

    assert asyncio.run(main()).delivered == 40
    assert freshsales.peak <= 3


def test_messages_waiting_for_the_same_get_share_one_request(tmp_path: Path) -> None:
    """Eight first messages all need the activity types before any answer is kept: one GET
    serves them all. Lookups of different people stay their own."""
    freshsales = SlowFreshsales()

    async def main() -> Any:
        async with make(freshsales, tmp_path, concurrency=8) as client:
            return await client.deliver_all(stream(users=12, per_user=1))

    assert asyncio.run(main()).delivered == 12
    assert freshsales.paths.count("/api/selector/sales_activity_types") == 1
    assert freshsales.paths.count("/api/lookup") == 12
    assert freshsales.paths.count("/api/sales_activities") == 12
    assert freshsales.peak > 1


def test_auth_failure_stops_and_keeps_the_rest(tmp_path: Path) -> None:
    freshsales = SlowFreshsales(auth_fails_after=10)

    async def main() -> None:
        async with make(freshsales, tmp_path, concurrency=4) as client:
            await client.deliver_all(stream(users=5, per_user=10))

    with pytest.raises(AuthError):
        asyncio.run(main())
    letters = dead_letters(tmp_path / "dead-letter.jsonl")
    delivered = len(freshsales.activities)
    assert delivered + len(letters) == 50
    assert {d["status"] for d in letters} <= {"failed", "unsent"}
    assert len({d["message"]["messageId"] for d in letters}) == len(letters)
    # The unsent are kept in the stream's order.
    order = [m["messageId"] for m in stream(users=5, per_user=10)]
    unsent = [order.index(d["message"]["messageId"]) for d in letters if d["status"] == "unsent"]
    assert unsent == sorted(unsent) and len(unsent) > 30


def test_coalescing_needs_a_plain_iterable(tmp_path: Path) -> None:
    async def messages() -> Any:
        yield {"type": "identify", "userId": "a@b.co"}

    async def main() -> None:
        async with make(SlowFreshsales(), tmp_path) as client:
            await client.deliver_all(messages(), coalesce=True)

    with pytest.raises(TypeError, match="coalesce: needs a plain iterable"):
        asyncio.run(main())


def test_user_keys_join_ids_and_emails() -> None:
    assert user_keys({"userId": "u-1", "traits": {"email": " A@B.co "}}) == {
        "userId:u-1",
        "email:a@b.co",
    }
    assert user_keys({"userId": "A@B.co"}) == {"userId:A@B.co", "email:a@b.co"}
    assert user_keys({"anonymousId": "x", "context": {"traits": {"email": "c@d.io"}}}) == {
        "anonymousId:x",
        "email:c@d.io",
    }
    assert user_keys({"type": "track", "properties": {"email": "Ann@Example.COM"}}) == {
        "email:ann@example.com"
    }
    assert user_keys({"type": "group", "userId": 42, "groupId": "g1"}) == {"userId:42"}
    assert user_keys([]) == set()
    assert user_keys({"userId": True, "context": ["x"], "traits": "t", "properties": 1}) == set()


def test_identifies_naming_one_deal_share_a_key() -> None:
    # A deal is found by name, then created: two people's identifies must not race for it.
    ann = {"userId": "u-1", "traits": {"deal": {"name": "Acme Renewal"}}}
    bob = {"userId": "u-2", "context": {"traits": {"deal": {"name": " acme renewal"}}}}
    assert user_keys(ann) == {"userId:u-1", "deal:acme renewal"}
    assert user_keys(ann) & user_keys(bob) == {"deal:acme renewal"}


class RecordingFake(httpx.AsyncBaseTransport):
    """The fake, in-process, behind a transport that holds each request a moment and records
    how many were in flight at once."""

    def __init__(self) -> None:
        account = AccountConfig(
            domain="acme",
            api_key=API_KEY,
            variants={"owner_required": False},
            activity_types=("Segment Event",),
        )
        self.app = create_app(FakeConfig(accounts=(account,)))
        self.fake = httpx.WSGITransport(app=self.app)
        self.in_flight = 0
        self.peak = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(0.01)
            body = await request.aread()
            forwarded = httpx.Request(
                request.method, request.url, headers=request.headers, content=body
            )
            response = self.fake.handle_request(forwarded)
            return httpx.Response(
                response.status_code, headers=response.headers, content=response.read()
            )
        finally:
            self.in_flight -= 1

    def state(self) -> dict[str, Any]:
        with AdminClient("http://fake.test", transport=self.fake) as admin:
            return admin.state()


def deliver_to_fake(fake: RecordingFake, messages: list[dict[str, Any]]) -> Any:
    async def main() -> Any:
        async with AsyncClient(
            # The owner is named, so an activity never waits on how the person's is found.
            Settings(domain="acme", api_key=API_KEY, base_url="http://fake.test", owner=OWNER),
            transport=fake,
            concurrency=8,
            seed=1,
        ) as client:
            return await client.deliver_all(messages)

    return asyncio.run(main())


OWNER = "api-user@acme.example.com"  # the API user of the fake's account
ANN_BY_TRAITS = {
    "type": "identify",
    "userId": "u-ann",
    "messageId": "identify",
    "traits": {"email": "ann@example.com", "firstName": "Ann"},
}


def test_a_person_named_only_by_properties_email_is_never_raced() -> None:
    """Bug 3: a track naming its person only by properties.email ran beside the identify that
    names them only by traits.email, and made a twin lead."""
    fake = RecordingFake()
    track = {
        "type": "track",
        "messageId": "track",
        "event": "Signed Up",
        "properties": {"email": "Ann@Example.com"},
    }
    report = deliver_to_fake(fake, [ANN_BY_TRAITS, track])
    assert (report.delivered, report.rejected) == (2, 0)
    assert fake.peak == 1
    state = fake.state()
    [lead] = state["leads"]
    assert (lead["email"], lead["first_name"], lead["external_id"]) == (
        "ann@example.com",
        "Ann",
        "u-ann",
    )
    [activity] = state["sales_activities"]
    assert (activity["targetable_type"], activity["targetable_id"]) == ("Lead", lead["id"])


def test_messages_of_other_people_still_run_at_once() -> None:
    fake = RecordingFake()
    track = {
        "type": "track",
        "messageId": "track",
        "event": "Signed Up",
        "properties": {"email": "bob@example.com"},
    }
    assert deliver_to_fake(fake, [ANN_BY_TRAITS, track]).delivered == 2
    assert fake.peak == 2
    assert sorted(lead["email"] for lead in fake.state()["leads"]) == [
        "ann@example.com",
        "bob@example.com",
    ]


def test_each_message_is_told_its_outcome_with_its_position(tmp_path: Path) -> None:
    messages: list[object] = [*stream(users=3, per_user=2), {"type": "track"}, "not a message"]
    told: dict[int, tuple[object, str]] = {}

    async def main() -> None:
        async with make(SlowFreshsales(), tmp_path, concurrency=4) as client:
            await client.deliver_all(
                messages,
                on_outcome=lambda n, message, outcome: told.update({n: (message, outcome.status)}),
            )

    asyncio.run(main())
    assert told == {
        **{n: (messages[n], "delivered") for n in range(6)},
        6: (messages[6], "rejected"),
        7: (messages[7], "rejected"),
    }


def test_dead_letters_and_the_dedupe_store_are_written_off_the_event_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[str] = []
    write = DeadLetters.write

    def spy(self: DeadLetters, *args: Any) -> dict[str, Any]:
        threads.append(threading.current_thread().name)
        return write(self, *args)

    monkeypatch.setattr(DeadLetters, "write", spy)

    async def main() -> str:
        async with make(
            SlowFreshsales(), tmp_path, dedupe_path=tmp_path / "delivered.sqlite"
        ) as client:
            await client.deliver_all([{"type": "track"}, *stream(users=1, per_user=1)])
        return threading.current_thread().name

    loop_thread = asyncio.run(main())
    assert len(threads) == 1
    assert threads[0] != loop_thread
