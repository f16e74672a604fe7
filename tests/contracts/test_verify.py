"""The CI contract check: every interaction holds on the fake, every case on the translator,
and the interactions cover what the translator and the client use."""

from collections import Counter

import pytest

from contracts import (
    confidence_counts,
    load_interactions,
    load_translations,
    verify_consumer,
    verify_provider,
)
from contracts.cli import main
from fake_freshsales.models.variants import SPECS

INTERACTIONS = load_interactions()
COUNTS = "official 5, live-third-party 27, code 15, claim 26, inferred 43"

# The roots requests go under, longest first: each host's API root, then its account URL
# (where the tracking API is).
ROOTS = ("/crm/sales/api", "/crm/sales", "/api", "")
# Every request a client sends, on the root(s) where it exists (evidence E6: no leads on the
# Suite host), as (method, path) after the root: the upserts (leads' and name-keyed deals'
# under their variants) and the default paths of leads and deals (E2, E4), the bulk upserts,
# their jobs and the filtered search that finds accounts (issue 15), and the tracking API
# (issue 17).
CLIENT_ROUTES = {
    ("/api", "POST", "/leads/upsert"),
    ("/api", "POST", "/leads"),
    ("/api", "PUT", "/leads/{lead_id}"),
    ("/api", "POST", "/contacts/upsert"),
    ("/api", "POST", "/sales_accounts/upsert"),
    ("/api", "GET", "/sales_accounts/{sales_account_id}"),
    ("/api", "POST", "/deals"),
    ("/api", "PUT", "/deals/{deal_id}"),
    ("/api", "POST", "/deals/upsert"),
    ("/api", "GET", "/selector/sales_activity_types"),
    ("/api", "GET", "/selector/owners"),
    ("/api", "POST", "/sales_activities"),
    ("/api", "GET", "/contacts/{contact_id}/activities"),
    ("/api", "GET", "/leads/{lead_id}/activities"),
    ("/api", "GET", "/lookup"),
    ("/crm/sales/api", "POST", "/contacts/upsert"),
    ("/crm/sales/api", "GET", "/contacts/{contact_id}"),
    ("/crm/sales/api", "PUT", "/contacts/{contact_id}"),
    ("/crm/sales/api", "POST", "/sales_accounts/upsert"),
    ("/crm/sales/api", "POST", "/deals"),
    ("/crm/sales/api", "POST", "/deals/upsert"),
    ("/crm/sales/api", "GET", "/selector/sales_activity_types"),
    ("/crm/sales/api", "POST", "/sales_activities"),
    ("/crm/sales/api", "GET", "/contacts/{contact_id}/activities"),
    ("/crm/sales/api", "GET", "/lookup"),
    *(
        (root, method, path)
        for root in ("/api", "/crm/sales/api")
        for method, path in (
            ("POST", "/contacts/bulk_upsert"),
            ("POST", "/sales_accounts/bulk_upsert"),
            ("GET", "/job_statuses/{job_id}"),
            ("POST", "/filtered_search/sales_account"),
            ("POST", "/filtered_search/contact"),
        )
    ),
    *(
        (root, "POST", f"/track/{kind}")
        for root in ("", "/crm/sales")
        for kind in ("visitors", "events", "page_views")
    ),
}
# The interactions that hold only under a switch, and the switch.
UNDER_VARIANTS = {
    "contacts-upsert-create-201": {"upsert_create_status": 201},
    "deals-upsert-create": {"deal_upsert_by_name": True},
    "deals-upsert-update": {"deal_upsert_by_name": True},
    "error-400-lookup-external-id": {"lookup_external_id": False},
    "error-401-errors-body": {"auth_error_body": "errors"},
    "error-404-tracking-unavailable": {"tracking_api": False},
    "error-429-retry-after": {"retry_after": True},
    "job-status-completed-records": {"bulk_results": "records"},
    "job-status-partial-records": {"bulk_results": "records"},
    "leads-upsert-company-deal": {"leads_upsert": True},
    "leads-upsert-create": {"leads_upsert": True},
    "leads-upsert-custom-field": {"leads_upsert": True},
    "leads-upsert-update": {"leads_upsert": True},
    "suite-deals-upsert-create": {"deal_upsert_by_name": True},
}


def test_every_interaction_holds_on_the_fake() -> None:
    results = verify_provider(interactions=INTERACTIONS)
    assert [(r.name, r.status) for r in results if r.status != "ok"] == []
    assert len(results) == len(INTERACTIONS) == 116


def test_every_translation_case_holds() -> None:
    results = verify_consumer(interactions=INTERACTIONS)
    assert [(r.name, r.status) for r in results if r.status != "ok"] == []
    assert len(results) == 62


def test_the_command_line_check_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["interaction", "/", "case", "side", "result"]
    assert out.endswith(
        f"178 checks: 178 ok, 0 failed, 0 skipped\ninteractions by confidence: {COUNTS}\n"
    )


def test_every_client_route_succeeds_on_record() -> None:
    recorded = set()
    for interaction in INTERACTIONS:
        if interaction.succeeds:
            path = interaction.request.path
            root = next(root for root in ROOTS if path.startswith(root + "/"))
            recorded.add((root, interaction.request.method, path[len(root) :]))
    assert recorded >= CLIENT_ROUTES


def test_both_lookups_the_client_makes_are_recorded_on_both_roots() -> None:
    lookups = {
        (i.suite, i.request.query["f"], i.request.query["entities"])
        for i in INTERACTIONS
        if i.succeeds and i.request.path.endswith("/lookup")
    }
    assert lookups == {
        (False, "email", "contact,lead"),
        (False, "email", "lead"),
        (False, "external_id", "contact,lead"),
        (True, "email", "contact"),
        (True, "external_id", "contact"),
    }


def test_the_error_answers_are_recorded() -> None:
    statuses = Counter(i.response.status for i in INTERACTIONS if not i.succeeds)
    assert statuses == {400: 19, 401: 5, 404: 7, 429: 2}
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


def test_every_interaction_is_graded_and_inferences_say_so() -> None:
    assert ", ".join(f"{g} {n}" for g, n in confidence_counts(INTERACTIONS).items()) == COUNTS
    for interaction in INTERACTIONS:
        assert interaction.evidence, interaction.name
        if interaction.confidence == "inferred":
            assert "[I]" in interaction.source, interaction.name


def test_the_switches_each_interaction_needs() -> None:
    under = {i.name: dict(i.variants) for i in INTERACTIONS if i.variants}
    assert under == UNDER_VARIANTS
    for variants in under.values():
        for name, value in variants.items():
            assert value != SPECS[name].default


def test_translation_cases_cover_every_message_type_and_the_invalid_ones() -> None:
    cases = load_translations()
    kinds = Counter(case.message["type"] if case.plan is not None else "invalid" for case in cases)
    assert kinds == {
        "identify": 21,
        "track": 16,
        "page": 4,
        "screen": 2,
        "group": 4,
        "alias": 1,
        "invalid": 14,
    }
