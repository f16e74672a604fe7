"""The check can fail: one fact of the fake broken, or one mapping rule of the translator, and
verification says which interaction or case and which field."""

import shutil
from pathlib import Path

import pytest

import translator.fields
from contracts import load_interactions, verify_provider
from contracts.cli import main
from contracts.model import CONTRACTS_DIR
from fake_freshsales import AccountConfig, FakeConfig, FakeFreshsales, StatusCodes

KEY = "breaking-key-4d1e9a"
INTERACTIONS = len(load_interactions())
CHECKS = INTERACTIONS + 62
# Creates answer 200 (evidence E3, E8, E13): the interactions that pin it.
CREATES = ["contacts-create", "deals-create", "leads-create", "suite-deals-create"]
# An upsert that creates answers 200 by default (E11); contacts-upsert-create-201 pins the
# other reading and holds on an account that answers 201.
UPSERT_CREATES = [
    "contacts-upsert-account-link",
    "contacts-upsert-create",
    "contacts-upsert-custom-field",
    "deals-upsert-create",
    "leads-upsert-company-deal",
    "leads-upsert-create",
    "leads-upsert-custom-field",
    "sales-accounts-upsert-create",
    "suite-contacts-upsert-account-link",
    "suite-contacts-upsert-create",
    "suite-deals-upsert-create",
    "suite-sales-accounts-upsert-create",
]


def config(**variants: object) -> FakeConfig:
    return FakeConfig(accounts=(AccountConfig(domain="acme", api_key=KEY, variants=variants),))


def broken_fake() -> FakeConfig:
    return FakeConfig(
        accounts=(AccountConfig(domain="acme", api_key=KEY),),
        status_codes=StatusCodes(create=201),
    )


def failures(fake: FakeConfig) -> dict[str, list[str]]:
    return {
        result.name: [str(d) for d in result.differences]
        for result in verify_provider(fake)
        if result.failed
    }


def test_a_fake_answering_201_to_creates_fails_exactly_those() -> None:
    assert failures(broken_fake()) == {
        name: ["$.response.status: expected 200, got 201"] for name in CREATES
    }


def test_an_account_whose_upserts_create_with_201_fails_exactly_those() -> None:
    assert failures(config(upsert_create_status=201)) == {
        name: ["$.response.status: expected 200, got 201"] for name in UPSERT_CREATES
    }


def test_a_429_with_retry_after_fails_the_interaction_that_pins_its_absence() -> None:
    assert failures(config(retry_after=True)) == {
        "error-429-budget-spent": ["$.response.headers.Retry-After: header not expected"]
    }


def test_served_leads_upserts_and_name_keyed_deal_upserts_fail_their_refusals() -> None:
    found = failures(config(leads_upsert=True, deal_upsert_by_name=True))
    assert sorted(found) == ["error-400-deal-upsert-by-name", "error-404-leads-upsert"]
    assert found["error-404-leads-upsert"][0] == "$.response.status: expected 404, got 200"


def test_an_owner_defaulted_to_the_key_user_fails_the_refusal() -> None:
    found = failures(config(owner_required=False))
    assert list(found) == ["error-400-activity-without-owner"]
    assert found["error-400-activity-without-owner"][0] == (
        "$.response.status: expected 400, got 201"
    )


@pytest.mark.slow
def test_the_command_line_names_the_interaction_and_the_field(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # The interactions alone: the provider side is what the broken fake breaks.
    shutil.copytree(CONTRACTS_DIR / "interactions", tmp_path / "interactions")
    (tmp_path / "translations").mkdir()
    monkeypatch.setenv("BROKEN_FAKE_KEY", KEY)
    with FakeFreshsales(config=broken_fake()) as fake:
        status = main(
            [
                "verify",
                "--contracts",
                str(tmp_path),
                "--base-url",
                fake.url,
                "--api-key-env",
                "BROKEN_FAKE_KEY",
                "--allow-writes",
            ]
        )
    out = capsys.readouterr().out
    assert status == 1
    assert f"{INTERACTIONS} checks: {INTERACTIONS - 4} ok, 4 failed, 0 skipped\n" in out
    assert (
        f"FAILED contacts-create (provider side, {tmp_path}/interactions/contacts-create.json)\n"
        "  A contact create (POST /contacts) answers 200 with the new contact\n"
        "  $.response.status: expected 200, got 201\n"
    ) in out


def test_a_broken_mapping_rule_fails_the_case_naming_the_fields(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(translator.fields.PERSON_ALIASES, "title", "department")
    assert main(["verify"]) == 1
    out = capsys.readouterr().out
    assert f"{CHECKS} checks: {CHECKS - 2} ok, 2 failed, 0 skipped\n" in out
    assert (
        "FAILED identify-title-phone (consumer side, "
        "contracts/translations/identify-title-phone.json)\n"
        "  title becomes job_title and phone work_number (the seed's two exceptions)\n"
        '  $.calls[0].found.body.lead.job_title: expected "CTO", absent\n'
        '  $.calls[0].found.body.lead.department: not expected, got "CTO"\n'
        '  $.calls[0].fallback.body.lead.job_title: expected "CTO", absent\n'
        '  $.calls[0].fallback.body.lead.department: not expected, got "CTO"\n'
    ) in out
    assert "FAILED identify-null-clears (consumer side" in out
