"""The check can fail: one rule of the fake broken, or one mapping rule of the translator, and
verification says which interaction or case and which field."""

import pytest

import translator.fields
from contracts import verify_provider
from contracts.cli import main
from fake_freshsales import AccountConfig, FakeConfig, FakeFreshsales, StatusCodes

KEY = "breaking-key-4d1e9a"
# Upserts that create a record: 201 on record (reference §3.5, S15).
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


def broken_fake() -> FakeConfig:
    return FakeConfig(
        accounts=(AccountConfig(domain="acme", api_key=KEY),),
        status_codes=StatusCodes(upsert_create=200),
    )


def test_a_fake_answering_200_to_upsert_creates_fails_exactly_those() -> None:
    failed = [result for result in verify_provider(broken_fake()) if result.failed]
    assert [result.name for result in failed] == UPSERT_CREATES
    for result in failed:
        assert [str(d) for d in result.differences] == ["$.response.status: expected 201, got 200"]


@pytest.mark.slow
def test_the_command_line_names_the_interaction_and_the_field(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BROKEN_FAKE_KEY", KEY)
    with FakeFreshsales(config=broken_fake()) as fake:
        status = main(
            [
                "verify",
                "--base-url",
                fake.url,
                "--api-key-env",
                "BROKEN_FAKE_KEY",
                "--allow-writes",
            ]
        )
    out = capsys.readouterr().out
    assert status == 1
    assert "102 checks: 90 ok, 12 failed, 0 skipped\n" in out
    assert (
        "FAILED contacts-upsert-create (provider side, "
        "contracts/interactions/contacts-upsert-create.json)\n"
        "  A contact upsert by email creates the contact (classic host)\n"
        "  $.response.status: expected 201, got 200\n"
    ) in out


def test_a_broken_mapping_rule_fails_the_case_naming_the_fields(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(translator.fields.PERSON_ALIASES, "title", "department")
    assert main(["verify"]) == 1
    out = capsys.readouterr().out
    assert "102 checks: 100 ok, 2 failed, 0 skipped\n" in out
    assert (
        "FAILED identify-title-phone (consumer side, "
        "contracts/translations/identify-title-phone.json)\n"
        "  title becomes job_title and phone work_number (the seed's two exceptions)\n"
        '  $.calls[0].body.lead.job_title: expected "CTO", absent\n'
        '  $.calls[0].body.lead.department: not expected, got "CTO"\n'
    ) in out
    assert "FAILED identify-null-clears (consumer side" in out
