"""Verification against a live server: states set only where an admin API exists, writes only
when allowed, one host kind at a time, and a drift report of what changed."""

import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import httpx
import pytest

from contracts import load_interactions, verify_live
from contracts.cli import main
from contracts.model import CONTRACTS_DIR
from contracts.report import confidence_counts, render
from fake_freshsales import AccountConfig, FakeConfig, FakeFreshsales, StatusCodes, create_app

KEY = "live-key-77aa01"
INTERACTIONS = load_interactions()
NO_STATE_READS = [
    "error-401-no-key",
    "error-404-unknown-selector",
    "selector-lifecycle-stages",
    "selector-owners",
    "selector-sales-activity-outcomes",
    "suite-error-400-lookup-leads",
    "suite-error-401-wrong-key",
    "suite-error-404-lead-get",
    "suite-selector-lifecycle-stages",
    "suite-selector-owners",
]
Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def fake_app(**options: Any) -> Wsgi:
    app: Wsgi = create_app(
        FakeConfig(accounts=(AccountConfig(domain="acme", api_key=KEY),), **options)
    )
    return app


def without_admin(app: Wsgi) -> Wsgi:
    """The fake as a real Freshsales looks from outside: no /_fake admin API."""

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ["PATH_INFO"].startswith("/_fake"):
            start_response("404 Not Found", [("Content-Type", "text/html")])
            return [b"<h1>Not Found</h1>"]
        return app(environ, start_response)

    return wsgi


def by_status(results: list[Any]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for result in results:
        grouped.setdefault(result.status, []).append(result.name)
    return grouped


def test_without_an_admin_api_states_are_not_faked_and_writes_wait() -> None:
    transport = httpx.WSGITransport(app=without_admin(fake_app()))
    results = verify_live("https://live.example", KEY, transport=transport)
    assert by_status(results)["ok"] == NO_STATE_READS
    assert "failed" not in by_status(results)
    notes = {result.name: result.note for result in results}
    assert notes["contacts-get"] == (
        "provider state 'contact exists' cannot be set on a live server (no /_fake admin API)"
    )
    assert notes["error-400-missing-envelope"] == "writes (add --allow-writes)"
    # A variant is a fact of the account: a live one answers one way or the other.
    assert notes["error-401-errors-body"] == "holds when auth_error_body=errors"
    assert notes["error-400-lookup-external-id"] == "holds when lookup_external_id=false"
    assert notes["leads-upsert-create"] == "holds when leads_upsert=true"


def test_allowed_writes_without_states_run() -> None:
    transport = httpx.WSGITransport(app=without_admin(fake_app()))
    results = verify_live("https://live.example", KEY, allow_writes=True, transport=transport)
    assert by_status(results)["ok"] == sorted(
        [
            *NO_STATE_READS,
            "error-400-deal-upsert-by-name",
            "error-400-invalid-email",
            "error-400-missing-envelope",
            "error-400-missing-unique-identifier",
            "error-400-wrong-content-type",
            "error-400-wrong-type-amount",
            "error-400-wrong-type-sales-accounts",
            "error-401-tracking-wrong-token",
            "error-401-wrong-key",
            "error-404-leads-upsert",
            "suite-error-400-contact-without-email",
            "suite-error-404-leads-upsert",
        ]
    )


def test_a_suite_host_runs_only_suite_interactions() -> None:
    transport = httpx.WSGITransport(app=fake_app())
    results = verify_live(
        "https://acme.myfreshworks.com", KEY, allow_writes=True, transport=transport
    )
    ran = [result.name for result in results if result.status != "skipped"]
    assert ran == [i.name for i in INTERACTIONS if i.suite]
    assert {result.status for result in results if result.name in ran} == {"ok"}
    assert {result.note for result in results if result.name not in ran} == {
        "classic root; the server is not"
    }


def test_the_drift_report_lists_changed_fields_and_whether_rules_allow_them() -> None:
    app = fake_app(utc_offset_minutes=-240, status_codes=StatusCodes(upsert_update=201))
    results = verify_live(
        "http://live.test",
        KEY,
        allow_writes=True,
        interactions=[i for i in INTERACTIONS if i.name == "suite-contacts-upsert-update"],
        transport=httpx.WSGITransport(app=app),
    )
    report = render(results, drift=True)
    assert report.splitlines()[-8:] == [
        "drift report: 1 interactions differ from their recording",
        "drift suite-contacts-upsert-update:",
        "  $.response.status: value: expected 200, got 201 (breaks the contract)",
        "  $.response.body.contact.id: value: expected 70054866612, got 70000000001 "
        "(tolerated by its matching rule)",
        "  $.response.body.contact.emails[0].id: value: expected 70054867612, got 70500000171 "
        "(tolerated by its matching rule)",
        "  $.response.body.contact.links.notes: value: expected "
        '"/crm/sales/contacts/70054866612/notes?include=creater", got '
        '"/crm/sales/contacts/70000000001/notes?include=creater" (tolerated by its matching rule)',
        '  $.response.body.contact.created_at: value: expected "2022-10-11T08:42:15-04:00", '
        'got "2025-12-31T20:00:00-04:00" (tolerated by its matching rule)',
        '  $.response.body.contact.updated_at: value: expected "2022-10-11T08:42:15-04:00", '
        'got "2025-12-31T20:00:00-04:00" (tolerated by its matching rule)',
    ]
    assert [str(d) for d in results[0].differences] == ["$.response.status: expected 200, got 201"]


@pytest.mark.slow
def test_the_command_line_against_a_served_fake(
    fake_freshsales: FakeFreshsales,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    # The interactions alone: the server is what this run checks.
    shutil.copytree(CONTRACTS_DIR / "interactions", tmp_path / "interactions")
    (tmp_path / "translations").mkdir()
    monkeypatch.setenv("LIVE_KEY", fake_freshsales.api_key)
    argv = ["verify", "--contracts", str(tmp_path), "--base-url", fake_freshsales.url]
    assert main([*argv, "--api-key-env", "LIVE_KEY", "--against-live"]) == 0
    out = capsys.readouterr().out
    counts = ", ".join(f"{grade} {n}" for grade, n in confidence_counts(INTERACTIONS).items())
    writes = sum(interaction.writes for interaction in INTERACTIONS)
    # With the admin API every read runs, its variants and states set; writes wait.
    assert (
        f"{len(INTERACTIONS)} checks: {len(INTERACTIONS) - writes} ok, 0 failed, "
        f"{writes} skipped\n"
        f"interactions by confidence: {counts}\n"
    ) in out
    assert "contacts-get                           provider  ok\n" in out
    assert (
        "contacts-delete                        provider  skipped: writes (add --allow-writes)\n"
    ) in out
    assert "\ndrift report: 22 interactions differ from their recording\n" in out
