"""A bulk stream end to end, in every world of the fidelity matrix, on both hosts, with faults
on (and some bulk jobs failing or half-failing): the matrix's stream with a backfill of
contacts among it, some of them tracked while their job is held.

Every message must end as the matrix says (delivered, or rejected for its switch); the fake
must end with one contact per email, linked to the account it named, and no twin account.
"""

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from segment_freshsales import Outcome
from tests.dead_letters import dead_letters
from tests.fidelity.test_variant_matrix import (
    HOSTS,
    OWNER,
    PROFILES,
    REMOVES,
    STREAM,
    matrix_harness,
)
from tests.harness import Harness

COMPANIES = ("Initech", "Globex", "Hooli", "Umbrella")


def backfill(count: int) -> list[dict[str, Any]]:
    """Contacts (fsContact, so a classic account makes contacts too), half with a company,
    every fifth one tracked right after its identify."""
    messages: list[dict[str, Any]] = []
    for n in range(count):
        traits: dict[str, Any] = {"email": f"bulk{n}@example.com", "name": f"Bulk {n}"}
        traits["fsContact"] = True
        if n % 2 == 0:
            traits["company"] = {"name": COMPANIES[n % len(COMPANIES)], "website": "x.example"}
        messages.append(
            {"type": "identify", "messageId": f"bulk-{n}", "userId": f"ub-{n}", "traits": traits}
        )
        if n % 5 == 0:
            messages.append(
                {
                    "type": "track",
                    "messageId": f"bulk-track-{n}",
                    "userId": f"ub-{n}",
                    "event": "Login",
                }
            )
    return messages


BULK = backfill(15)
# The matrix's own stream first, so its people are there before the backfill writes some.
BULK_STREAM = STREAM + BULK


@pytest.fixture
def harness(request: pytest.FixtureRequest) -> Iterator[Harness]:
    harness = matrix_harness(request, bulk_fail_rate=0.1, bulk_partial_rate=0.2)
    yield harness
    harness.close()
    harness.conformance.assert_conforms()


@pytest.mark.parametrize("host", sorted(HOSTS))
@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_a_bulk_stream_ends_as_the_matrix_says(
    harness: Harness, tmp_path: Path, profile: str, host: str
) -> None:
    outcomes: dict[str, Outcome] = {}
    client = harness.client(tmp_path, domain=HOSTS[host], max_attempts=6, owner=OWNER)
    report = client.deliver_all(
        BULK_STREAM,
        bulk=True,
        bulk_size=5,
        on_outcome=lambda _, message, outcome: outcomes.__setitem__(message["messageId"], outcome),
    )
    removed = REMOVES.get(profile, set())
    for message_id, outcome in outcomes.items():
        if message_id in removed:
            assert outcome.status == "rejected", message_id
        else:
            assert outcome.status == "delivered", (message_id, outcome.reason)
    assert set(outcomes) == {m["messageId"] for m in BULK_STREAM}
    assert len(dead_letters(tmp_path / "dead-letter.jsonl")) == len(removed)
    assert report.bulk > 0

    state = harness.state()
    contacts = Counter(contact["email"] for contact in state["contacts"])
    assert all(count == 1 for count in contacts.values()), contacts
    accounts = Counter(account["name"] for account in state["sales_accounts"])
    assert all(count == 1 for count in accounts.values()), accounts
    by_email = {contact["email"]: contact for contact in state["contacts"]}
    for message in BULK:
        if message["type"] != "identify":
            continue
        traits = message["traits"]
        contact = by_email[traits["email"]]
        assert contact["external_id"] == message["userId"]
        if "company" in traits:
            names = {account["name"] for account in contact["sales_accounts"]}
            assert names == {traits["company"]["name"]}, contact
