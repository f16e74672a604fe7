"""schemathesis' stateful fuzzing of the fake: it follows the OpenAPI links from each record it
creates (or upserts) to that record's get, update and delete, so sequences such as create →
update → get → delete → get are exercised, and every answer must still match the document."""

from __future__ import annotations

import httpx
import schemathesis
from hypothesis import settings

from fake_freshsales import AccountConfig, AdminClient, FakeConfig, Limits, create_app

KEY = "stateful-fuzz-key"
ACCOUNT = AccountConfig(domain="acme", api_key=KEY, limits=Limits(hourly=10**9, per_minute=10**9))
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20261128,
        "headers": {"Authorization": f"Token token={KEY}"},
        "generation": {"mode": "positive", "database": "none"},
        # The document gives types, not the fake's business rules (links must point at records
        # that exist, an activity type id must be one of the account's), so schema-valid data
        # may still earn a 400: the acceptance check does not apply. Everything else does,
        # with the stateful ones (a deleted record is gone, a created one is there).
        "checks": {"positive_data_acceptance": {"enabled": False}},
    }
)
APP = create_app(FakeConfig(accounts=(ACCOUNT,)))
ADMIN = AdminClient("http://fake.test", transport=httpx.WSGITransport(app=APP))
schema = schemathesis.openapi.from_wsgi("/_fake/openapi.json", APP, config=CONFIG)


def test_the_document_links_every_created_record_to_its_item_operations() -> None:
    raw = schema.raw_schema
    links = raw["paths"]["/api/contacts/upsert"]["post"]["responses"]["201"]["links"]
    assert links["GetContact"] == {
        "operationId": "getContactClassic",
        "parameters": {"id": "$response.body#/contact/id"},
    }
    assert raw["paths"]["/crm/sales/api/deals/{id}"]["delete"]["operationId"] == "deleteDealSuite"


class FakeStateMachine(schema.as_state_machine()):  # type: ignore[misc]
    def setup(self) -> None:
        # Each run starts from the fake's initial state, so a replayed example meets the same
        # ids and records (Hypothesis needs runs to be repeatable to shrink them).
        ADMIN.reset()


TestFakeStateful = FakeStateMachine.TestCase
TestFakeStateful.settings = settings(
    max_examples=25, stateful_step_count=6, deadline=None, derandomize=True, database=None
)
