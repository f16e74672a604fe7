"""The CI contract check: every interaction holds on the fake, every case on the translator,
and the interactions cover what the translator and the client use."""

from collections import Counter

import pytest

from contracts import load_interactions, load_translations, verify_consumer, verify_provider
from contracts.cli import main

INTERACTIONS = load_interactions()

# Every request the client sends, on the root(s) where it exists (reference §1: no leads on
# the Suite host), as (method, path) after the root.
CLIENT_ROUTES = {
    ("/api", "POST", "/leads/upsert"),
    ("/api", "POST", "/contacts/upsert"),
    ("/api", "POST", "/sales_accounts/upsert"),
    ("/api", "POST", "/deals/upsert"),
    ("/api", "GET", "/selector/sales_activity_types"),
    ("/api", "POST", "/sales_activities"),
    ("/api", "GET", "/lookup"),
    ("/crm/sales/api", "POST", "/contacts/upsert"),
    ("/crm/sales/api", "POST", "/sales_accounts/upsert"),
    ("/crm/sales/api", "POST", "/deals/upsert"),
    ("/crm/sales/api", "GET", "/selector/sales_activity_types"),
    ("/crm/sales/api", "POST", "/sales_activities"),
    ("/crm/sales/api", "GET", "/lookup"),
}


def test_every_interaction_holds_on_the_fake() -> None:
    results = verify_provider(interactions=INTERACTIONS)
    assert [(r.name, r.status) for r in results if r.status != "ok"] == []
    assert len(results) == len(INTERACTIONS) == 56


def test_every_translation_case_holds() -> None:
    results = verify_consumer(interactions=INTERACTIONS)
    assert [(r.name, r.status) for r in results if r.status != "ok"] == []
    assert len(results) == 46


def test_the_command_line_check_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["interaction", "/", "case", "side", "result"]
    assert out.endswith("102 checks: 102 ok, 0 failed, 0 skipped\n")


def test_every_client_route_succeeds_on_record() -> None:
    recorded = set()
    for interaction in INTERACTIONS:
        if interaction.succeeds:
            root = "/crm/sales/api" if interaction.suite else "/api"
            recorded.add((root, interaction.request.method, interaction.request.path[len(root) :]))
    assert recorded >= CLIENT_ROUTES


def test_both_lookups_the_client_makes_are_recorded_on_both_roots() -> None:
    lookups = {
        (i.suite, i.request.query["f"], i.request.query["entities"])
        for i in INTERACTIONS
        if i.succeeds and i.request.path.endswith("/lookup")
    }
    assert lookups == {
        (False, "email", "contact,lead"),
        (False, "external_id", "contact,lead"),
        (True, "email", "contact"),
        (True, "external_id", "contact"),
    }


def test_the_error_answers_are_recorded() -> None:
    statuses = Counter(i.response.status for i in INTERACTIONS if not i.succeeds)
    assert statuses == {400: 12, 401: 3, 404: 5, 429: 2}
    for interaction in INTERACTIONS:
        if interaction.response.status == 429:
            assert {"X-RateLimit-Remaining", "X-RateLimit-Reset"} <= set(
                interaction.response.headers
            )
    names = {i.name for i in INTERACTIONS}
    assert {
        "error-400-missing-envelope",
        "error-400-wrong-type-sales-accounts",
        "error-400-duplicate-account-name",
        "error-400-bad-link-account",
        "suite-error-404-leads-upsert",
    } <= names


def test_every_source_carries_a_mark_or_a_recording() -> None:
    for interaction in INTERACTIONS:
        marked = any(mark in interaction.source for mark in ("[C]", "[C-3p]", "[I]"))
        assert marked or interaction.source.startswith("recorded from "), interaction.name


def test_translation_cases_cover_every_message_type_and_the_invalid_ones() -> None:
    cases = load_translations()
    kinds = Counter(case.message["type"] if case.plan is not None else "invalid" for case in cases)
    assert kinds == {
        "identify": 17,
        "track": 6,
        "page": 3,
        "screen": 2,
        "group": 4,
        "alias": 1,
        "invalid": 13,
    }
