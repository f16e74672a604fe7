"""Coalescing consecutive identifies: the state it leaves is the state one by one leaves.

Each stream is delivered twice, coalesced and one message at a time, each into its own fresh
in-process fake; the two fake states, with ids and times normalised, must be equal, and so must
every message's outcome.
"""

import json
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_freshsales import AccountConfig, CustomFieldSpec, FakeConfig, create_app
from segment_freshsales import Client
from segment_freshsales.delivery.coalesce import Batch, coalesce_identifies
from tests.harness import Harness
from translator import Settings

KEY = "coalesce-key-7c1e5a9d3b"
ORIGIN = "http://fake.test"
SETTINGS = Settings(domain="acme", api_key=KEY)
# The host, and how leads and deals are written: found then written, or upserted in one call.
# The fake's variants keep both paths open; the property must hold under each.
WORLDS: dict[str, dict[str, Any]] = {
    "classic, find": {"domain": "acme"},
    "classic, upsert": {"domain": "acme", "lead_write": "upsert", "deal_write": "upsert"},
    "suite, find": {"domain": "acme.myfreshworks.com"},
}
VARIANTS = {"deal_upsert_by_name": True, "leads_upsert": True, "owner_required": False}
CUSTOM_FIELDS = (
    *(
        CustomFieldSpec(entity, name, kind)
        for entity in ("leads", "contacts")
        for name, kind in (("cf_plan", "text"), ("cf_seats", "number"))
    ),
    CustomFieldSpec("sales_accounts", "cf_tier", "text"),
)
EPOCH = 1_790_000_000.0
Message = dict[str, Any]
Outcomes = dict[int, str]
ACCOUNT = AccountConfig(
    domain="acme",
    api_key=KEY,
    variants=VARIANTS,
    custom_fields=CUSTOM_FIELDS,
    activity_types=("Segment Event",),
)
# One app, reset before each delivery (building one costs more than a whole delivery).
APP = create_app(FakeConfig(accounts=(ACCOUNT,)))


def deliver(
    messages: list[Message], coalesce: bool, world: str = "classic, find"
) -> tuple[dict[str, Any], Outcomes]:
    """The normalised state a fresh fake ends in, and each message's status by position."""
    harness = Harness(httpx.WSGITransport(app=APP), ORIGIN, KEY)
    harness.admin.reset()
    outcomes: Outcomes = {}
    with Client(
        Settings(api_key=KEY, base_url=ORIGIN, **WORLDS[world]),
        transport=harness.transport,
        sleep=harness.sleep,
        clock=lambda: harness.now,
        wall_clock=lambda: EPOCH,
        seed=11,
    ) as client:
        client.deliver_all(
            messages,
            coalesce=coalesce,
            on_outcome=lambda n, _, outcome: outcomes.__setitem__(n, outcome.status),
        )
    state = harness.state()
    harness.close()
    return normalised(state), outcomes


def assert_same_either_way(messages: list[Message], world: str = "classic, find") -> dict[str, Any]:
    """Deliver coalesced and one by one, check the two agree; the state."""
    coalesced = deliver(messages, coalesce=True, world=world)
    assert coalesced == deliver(messages, coalesce=False, world=world)
    return coalesced[0]


_KINDS = {"Lead": "leads", "Contact": "contacts", "SalesAccount": "sales_accounts"}
_RUN_DEPENDENT = {"id", "created_at", "updated_at", "links"}


def normalised(state: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The state with each record id replaced by what identifies the record (a person's email,
    an account's name), run-dependent fields dropped, and each list sorted."""
    labels: dict[tuple[str, Any], str] = {}
    for kind in ("leads", "contacts"):
        for record in state[kind]:
            labels[(kind, record["id"])] = f"{kind}:{str(record['email']).casefold()}"
    for record in state["sales_accounts"]:
        labels[("sales_accounts", record["id"])] = f"account:{record['name'].casefold()}"

    def label(kind: str, record_id: Any) -> Any:
        return None if record_id is None else labels.get((kind, record_id), f"{kind}:?")

    result: dict[str, Any] = {}
    for kind, records in state.items():
        rows = []
        for record in records:
            row = {k: v for k, v in record.items() if k not in _RUN_DEPENDENT}
            if "emails" in row:
                row["emails"] = [(e["value"], e["is_primary"], e["label"]) for e in row["emails"]]
            if "sales_accounts" in row:
                row["sales_accounts"] = [
                    (label("sales_accounts", a["id"]), a["is_primary"])
                    for a in row["sales_accounts"] or []
                ]
            if "sales_account_id" in row:
                row["sales_account_id"] = label("sales_accounts", row["sales_account_id"])
            if "contact_ids" in row:
                row["contact_ids"] = [label("contacts", i) for i in row["contact_ids"]]
            if "targetable_id" in row:
                target = _KINDS.get(row["targetable_type"], "?")
                row["targetable_id"] = label(target, row["targetable_id"])
            rows.append(row)
        result[kind] = sorted(rows, key=lambda row: json.dumps(row, sort_keys=True, default=str))
    return result


def batches(messages: list[Message]) -> list[Batch]:
    return list(coalesce_identifies(messages, SETTINGS))


def identify(traits: dict[str, Any], message_id: str, user_id: str = "u-ann") -> Message:
    return {
        "type": "identify",
        "userId": user_id,
        "messageId": message_id,
        "traits": {"email": "ann@example.com", **traits},
    }


# The bugs the issue names, each a state one by one leaves and coalescing used to lose.


def test_an_earlier_company_and_deal_survive_a_later_one_key_by_key() -> None:
    state = assert_same_either_way(
        [
            identify({"company": {"name": "Initech", "website": "initech.com"}}, "1"),
            identify({"company": {"name": "Initech", "city": "Austin"}, "deal": "Renewal"}, "2"),
            identify({"deal": {"name": "Renewal", "amount": 990.5}}, "3"),
        ]
    )
    [lead] = state["leads"]
    assert {k: lead["company"][k] for k in ("name", "website", "city")} == {
        "name": "Initech",
        "website": "initech.com",
        "city": "Austin",
    }
    assert (lead["deal"]["name"], lead["deal"]["amount"]) == ("Renewal", "990.5")


def test_an_earlier_name_split_survives_a_later_first_name() -> None:
    messages = [identify({"name": "Ann Lee"}, "1"), identify({"firstName": "Annie"}, "2")]
    [lead] = assert_same_either_way(messages)["leads"]
    assert (lead["first_name"], lead["last_name"]) == ("Annie", "Lee")
    [batch] = batches(messages)
    assert len(batch.members) == 2


def test_a_later_camel_case_spelling_beats_an_earlier_snake_case_one() -> None:
    messages = [
        identify({"first_name": "Ann", "job_title": "Dev", "cf_plan": "free"}, "1"),
        identify({"firstName": "Annie", "title": "CTO", "cfPlan": None}, "2"),
    ]
    [lead] = assert_same_either_way(messages)["leads"]
    assert (lead["first_name"], lead["job_title"], lead["custom_field"]["cf_plan"]) == (
        "Annie",
        "CTO",
        None,
    )
    assert len(batches(messages)) == 1


def test_null_clears_survive() -> None:
    messages = [
        identify({"title": "CTO", "phone": "555-0100"}, "1"),
        identify({"title": None}, "2"),
        identify({"city": "Austin"}, "3"),
    ]
    [lead] = assert_same_either_way(messages)["leads"]
    assert (lead["job_title"], lead["work_number"], lead["city"]) == (None, "555-0100", "Austin")
    assert len(batches(messages)) == 1


def test_contact_records_merge_when_they_name_the_same_account_and_deal() -> None:
    contact = {"fsContact": True, "company": {"name": "Initech"}, "deal": {"name": "Renewal"}}
    messages = [
        identify({**contact, "title": "CTO"}, "1"),
        identify({**contact, "deal": {"name": "Renewal", "amount": 5}, "company": "Initech"}, "2"),
        identify({"fs_contact": "true", "company": {"name": "Initech", "cfTier": "gold"}}, "3"),
    ]
    state = assert_same_either_way(messages)
    [batch] = batches(messages)
    assert batch.message_ids == ("1", "2", "3")
    [account] = state["sales_accounts"]
    assert account["custom_field"]["cf_tier"] == "gold"
    [deal] = state["deals"]
    assert (deal["amount"], deal["sales_account_id"]) == ("5.0", "account:initech")


def test_what_cannot_be_proven_the_same_is_sent_separately() -> None:
    """Each pair differs in a way one merged identify cannot express."""
    pairs = [
        # a lead, then a contact: two records
        ({}, {"fsContact": True}),
        # two accounts: the contact is linked to both
        ({"fsContact": True, "company": "Initech"}, {"fsContact": True, "company": "Acme"}),
        # two deals of different names
        ({"fsContact": True, "deal": "Renewal"}, {"fsContact": True, "deal": "Upsell"}),
        # a deal first without an account, then with one: found among different deals
        ({"fsContact": True, "deal": "Renewal"}, {"fsContact": True, "company": "Initech"}),
        # a custom field given two values: the account may drop the later one silently
        ({"cfSeats": 3}, {"cf_seats": "many"}),
    ]
    for first, second in pairs:
        messages = [identify(first, "1"), identify(second, "2")]
        assert [len(b.members) for b in batches(messages)] == [1, 1], (first, second)
        assert_same_either_way(messages)


def test_other_users_invalid_identifies_and_tracks_break_a_run() -> None:
    messages = [
        identify({"title": "CTO"}, "1"),
        identify({"title": "CTO"}, "2", user_id="u-bob"),
        identify({"email": "not an email"}, "3"),
        identify({"title": "CEO"}, "4"),
        {"type": "track", "userId": "u-ann", "event": "Signed Up", "messageId": "5"},
        identify({"title": "CFO"}, "6"),
        identify({"city": "Austin"}, "7"),
    ]
    assert [b.message_ids for b in batches(messages)] == [
        ("1",),
        ("2",),
        ("3",),
        ("4",),
        ("5",),
        ("6", "7"),
    ]
    assert_same_either_way(messages)


def test_a_redelivered_message_is_never_merged() -> None:
    messages = [
        identify({"title": "CTO"}, "1"),
        identify({"title": "CEO"}, "2"),
        identify({"title": "CTO"}, "1"),
        identify({"city": "Austin"}, "3"),
    ]
    assert [b.message_ids for b in batches(messages)] == [("1", "2"), ("1",), ("3",)]
    state = assert_same_either_way(messages)
    assert state["leads"][0]["job_title"] == "CEO"


def test_every_member_counts_as_delivered_and_the_calls_saved_are_counted() -> None:
    first, second = identify({"title": "CTO"}, "1"), identify({"city": "Austin"}, "2")
    [batch] = batches([first, second])
    assert batch.members == [(0, first), (1, second)]
    assert batch.message_ids == ("1", "2")
    assert batch.calls_saved > 0
    assert [b.calls_saved for b in batches([first])] == [0]
    # The first member's redelivery finds its messageId delivered with the merged identify.
    _, outcomes = deliver([first, second, first, second], coalesce=True)
    assert outcomes == {0: "delivered", 1: "delivered", 2: "skipped", 3: "skipped"}


def test_a_merged_identify_that_is_refused_is_sent_again_one_message_at_a_time() -> None:
    good = identify({"company": {"name": "Initech"}}, "good")
    bad = identify({"company": {"name": "Initech", "website": "not a site"}}, "bad")
    [batch] = batches([good, bad])
    assert batch.merged
    suite = "suite, find"  # where the company is a sales account, whose website is checked
    state = assert_same_either_way([good, bad], world=suite)
    # Only the message with the bad website is refused; the one before it is delivered.
    assert deliver([good, bad], coalesce=True, world=suite)[1] == {0: "delivered", 1: "rejected"}
    assert [account["name"] for account in state["sales_accounts"]] == ["Initech"]


# The property: any stream of identifies and tracks over a few users.

USERS = [("u-ann", "ann@example.com"), ("bob@example.com", "bob@example.com"), ("u-cy", "cy@x.io")]


def _spelled(*names: str) -> st.SearchStrategy[str]:
    return st.sampled_from(names)


def _trait(names: tuple[str, ...], values: list[Any]) -> st.SearchStrategy[tuple[str, Any]]:
    return st.tuples(st.sampled_from(names), st.sampled_from(values))


_NAMES = ["Ann", "Lee", "Ann Lee", "Annie Mae Lee", "", None]
_COMPANY_NAMES = ["Initech", "Acme", "initech"]
PERSON_TRAITS = st.one_of(
    _trait(("firstName", "first_name", "lastName", "last_name", "name"), _NAMES),
    _trait(("title", "job_title", "jobTitle"), ["CTO", "Dev", None]),
    _trait(("phone", "work_number", "workNumber"), ["555-0100", 5550101, None]),
    _trait(("city",), ["Austin", None]),
    _trait(("address",), ["1 Main St", {"street": "2 Side St", "postalCode": "78701"}, None]),
    _trait(("tags",), ["vip", ["a", "b"], None]),
    _trait(("cfPlan", "cf_plan"), ["free", "pro", None, 3]),
    _trait(("cfSeats", "cf_seats"), [1, 2, "many", None]),
    _trait(("cfUnknown", "age"), ["x", 30]),
)
COMPANIES = st.one_of(
    st.sampled_from([*_COMPANY_NAMES, None, ""]),
    st.fixed_dictionaries(
        {},
        optional={
            "name": st.sampled_from(_COMPANY_NAMES),
            "website": st.sampled_from(["initech.com", None]),
            "city": st.sampled_from(["Austin", "Paris"]),
            "employees": st.sampled_from([10, "20"]),
            "cfTier": st.sampled_from(["gold", None]),
        },
    ),
)
DEALS = st.one_of(
    st.sampled_from(["Renewal", "Upsell", None]),
    st.fixed_dictionaries(
        {},
        optional={
            "name": st.sampled_from(["Renewal", "Upsell"]),
            "amount": st.sampled_from([100, 99.5, "250", None]),
            "expected_close": st.sampled_from(["2026-06-30", None]),
        },
    ),
)


# What a run of identifies shares, most of the time: the person's kind, company and deal.
SHARED = {
    "kind": _trait(("fsContact", "fs_contact"), [True, "true", True, False, "FALSE", None]),
    "company": COMPANIES.map(lambda company: ("company", company)),
    "deal": DEALS.map(lambda deal: ("deal", deal)),
}


@st.composite
def identifies(draw: st.DrawFn, user: int, run: dict[str, tuple[str, Any]]) -> Message:
    """An identify of `user`, taking most of its shared traits from its `run`, so that
    consecutive identifies often write the same records."""
    user_id, email = USERS[user]
    traits = dict(draw(st.lists(PERSON_TRAITS, max_size=5)))
    for slot, values in SHARED.items():
        choice = draw(st.sampled_from(["run", "run", "own", "none"]))
        if choice != "none":
            key, value = run[slot] if choice == "run" else draw(values)
            traits[key] = value
    if "@" not in user_id or draw(st.booleans()):
        spellings = [email, f" {email} ", email.upper(), "not an email"]
        traits[draw(_spelled("email", "Email"))] = draw(st.sampled_from(spellings))
    return {"type": "identify", "userId": user_id, "traits": traits}


@st.composite
def tracks(draw: st.DrawFn, user: int) -> Message:
    user_id, email = USERS[user]
    message: Message = {"type": "track", "event": draw(_spelled("Signed Up", "Paid"))}
    how = draw(_spelled("userId", "context", "properties"))
    if how == "userId":
        message["userId"] = user_id
    elif how == "context":
        message.update(userId=user_id, context={"traits": {"email": email.upper()}})
    else:
        message["properties"] = {"email": email, "plan": "pro"}
    return message


@st.composite
def streams(draw: st.DrawFn) -> list[Message]:
    """Runs of identifies of one user, tracks between, now and then a redelivery."""
    messages: list[Message] = []
    for _ in range(draw(st.integers(1, 5))):
        user = draw(st.integers(0, len(USERS) - 1))
        if draw(st.integers(0, 3)) == 0:
            messages.append(draw(tracks(user)))
        else:
            run = {slot: draw(values) for slot, values in SHARED.items()}
            messages.extend(draw(st.lists(identifies(user, run), min_size=1, max_size=4)))
    for n, message in enumerate(messages):
        message["messageId"] = f"m-{n}"
    if len(messages) > 1 and draw(st.booleans()):
        messages.append(dict(messages[draw(st.integers(0, len(messages) - 2))]))
    return messages


@pytest.mark.parametrize("world", sorted(WORLDS))
@settings(max_examples=60)
@given(messages=streams())
def test_coalesced_or_one_by_one_any_stream_leaves_the_same_state(
    world: str, messages: list[Message]
) -> None:
    assert_same_either_way(messages, world)
