"""`freshsales-contracts probe` against the fake: it reports back exactly the variants the fake
was started with, its profile reproduces them, it cleans up after itself, and it never shows
the key."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import httpx
import pytest

from contracts.cli import main
from contracts.probe import ProbeError, ProbeReport, probe, render
from fake_freshsales import (
    AccountConfig,
    AdminClient,
    FakeConfig,
    FakeFreshsales,
    Limits,
    create_app,
)
from fake_freshsales.models.variants import SPECS, VARIANT_NAMES, Variants
from tests.processes import Process

KEY = "probe-key-RECOGNISABLE-5f3a9c"
APP_TOKEN = "probe-app-token-RECOGNISABLE-7c1e"
ORIGIN = "http://fake.test"
CLASSIC = "/api"
SUITE = "/crm/sales/api"
DEFAULTS = Variants().as_dict()
# The probe spends about 30 requests before its burst: a budget a little above keeps the
# burst short without throttling the checks.
SMALL = Limits(per_minute=40)
Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def fake(variants: dict[str, Any] | None = None, limits: Limits | None = None) -> Wsgi:
    account = AccountConfig(
        domain="acme",
        api_key=KEY,
        limits=limits or SMALL,
        variants=variants or {},
        app_token=APP_TOKEN,
    )
    app: Wsgi = create_app(FakeConfig(accounts=(account,)))
    return app


def run(
    app: Wsgi,
    root: str = CLASSIC,
    *,
    writes: bool = True,
    burst: bool = True,
    key: str = KEY,
    app_token: str | None = APP_TOKEN,
) -> tuple[ProbeReport, AdminClient]:
    """Probe the app in-process; waiting moves the fake's clock instead of real time."""
    transport = httpx.WSGITransport(app=app)
    admin = AdminClient(ORIGIN, transport=transport)

    def wait(seconds: float) -> None:
        admin.advance_clock(seconds)

    report = probe(
        ORIGIN,
        key,
        api_root=root,
        allow_writes=writes,
        allow_burst=burst,
        transport=transport,
        sleep=wait,
        app_token=app_token,
    )
    return report, admin


def reasons(report: ProbeReport) -> dict[str, str | None]:
    return {o.fact: o.reason for o in report.observations}


def assert_clean(admin: AdminClient) -> None:
    assert all(records == [] for records in admin.state().values()), admin.state()


def test_the_default_fake_agrees_on_every_switch() -> None:
    # The default budget (400 a minute): the burst spends what the checks left of it.
    report, admin = run(fake(limits=Limits()))
    assert [o.fact for o in report.observations] == list(VARIANT_NAMES)
    assert report.profile() == DEFAULTS
    assert all(o.agrees for o in report.observations)
    assert report.leftovers == ()
    assert_clean(admin)
    # Not even composed: the command line's masking is only a last guard.
    shown = render(report) + json.dumps(report.profile()) + repr(report)
    assert KEY not in shown and APP_TOKEN not in shown
    throttled = admin.journal(status=429)
    assert [(entry["method"], entry["path"]) for entry in throttled] == [
        ("GET", "/api/selector/owners")
    ]


def test_the_table() -> None:
    report, _ = run(fake(), writes=False, burst=False)
    assert render(report) == (
        "fact                  observed                          fake default  agrees\n"
        "upsert_create_status  needs --allow-writes              200           —\n"
        "leads_upsert          false                             false         yes\n"
        "deal_upsert_by_name   needs --allow-writes              false         —\n"
        "envelope_required     needs --allow-writes              true          —\n"
        "retry_after           needs --allow-burst (no 429 met)  false         —\n"
        'reset_unit            "seconds"                         "seconds"     yes\n'
        'auth_error_body       "login"                           "login"       yes\n'
        'custom_fields         needs --allow-writes              "lenient"     —\n'
        "owner_required        needs --allow-writes              true          —\n"
        "outcome_required      needs --allow-writes              true          —\n"
        "lookup_external_id    true                              true          yes\n"
        'bulk_results          needs --allow-writes              "status"      —\n'
        "tracking_api          needs --allow-writes              true          —\n"
        "\n"
        "4 of 13 observed; all agree\n"
    )


def test_without_writes_nothing_is_written() -> None:
    report, admin = run(fake(), writes=False, burst=False)
    assert report.profile() == {
        name: DEFAULTS[name]
        for name in ("leads_upsert", "reset_unit", "auth_error_body", "lookup_external_id")
    }
    sent = {(entry["method"], entry["path"]) for entry in admin.journal()}
    assert sent == {
        ("GET", "/api/selector/owners"),
        ("GET", "/api/lookup"),
        # An empty upsert: refused whether or not the route exists.
        ("POST", "/api/leads/upsert"),
    }


def test_on_the_suite_root_leads_are_not_asked_about() -> None:
    report, admin = run(fake(), SUITE)
    assert reasons(report)["leads_upsert"] == "n/a: no leads on Suite"
    assert report.profile() == {k: v for k, v in DEFAULTS.items() if k != "leads_upsert"}
    assert not any("/leads" in entry["path"] for entry in admin.journal())
    assert_clean(admin)


def flipped(root: str) -> list[Any]:
    names = [n for n in VARIANT_NAMES if not (root == SUITE and n == "leads_upsert")]
    host = "suite" if root == SUITE else "classic"
    return [
        pytest.param(root, name, SPECS[name].alternatives[0], id=f"{host}-{name}") for name in names
    ]


@pytest.mark.parametrize(("root", "name", "value"), flipped(CLASSIC) + flipped(SUITE))
def test_each_switch_is_observed_and_its_profile_reproduces_it(
    root: str, name: str, value: Any
) -> None:
    report, admin = run(fake({name: value}), root)
    assert report.disagreements() == [name]
    expected = {**DEFAULTS, name: value}
    if root == SUITE:
        del expected["leads_upsert"]
    profile = report.profile()
    assert profile == expected
    assert report.leftovers == ()
    assert_clean(admin)
    # The profile, loaded as the fake loads it, makes a fake the probe cannot tell apart.
    again, _ = run(fake(profile), root)
    assert again.profile() == profile


def test_tracking_needs_a_token_and_a_refused_token_is_no_answer() -> None:
    report, admin = run(fake(), burst=False, app_token=None)
    assert reasons(report)["tracking_api"] == "needs --app-token-env"
    assert not admin.journal(path="/track")
    wrong, _ = run(fake(), burst=False, app_token="not-the-token")
    assert reasons(wrong)["tracking_api"] == (
        "unexpected 401 to the application token: Invalid application token."
    )


def test_tracking_is_asked_at_the_account_url_of_each_host() -> None:
    for root, path in ((CLASSIC, "/track/events"), (SUITE, "/crm/sales/track/events")):
        _, admin = run(fake(), root, burst=False)
        [entry] = admin.journal(path=path)
        # The token travels in the body; no API key goes with it.
        assert "Authorization" not in entry["headers"]
        assert entry["body"]["application_token"] == "[REDACTED]"
        assert entry["body"]["event"] == {"name": "segment-freshsales probe event"}


def test_a_429_met_on_the_way_answers_retry_after_without_a_burst() -> None:
    report, admin = run(fake({"retry_after": True}, Limits(per_minute=5)), burst=False)
    assert report.profile()["retry_after"] is True
    # Every throttled request was waited out (on the fake clock) and sent again.
    assert report.profile() == {**DEFAULTS, "retry_after": True}
    assert admin.journal(status=429)


def test_a_burst_larger_than_500_requests_is_refused() -> None:
    report, admin = run(fake(limits=Limits(hourly=5000, per_minute=1000)), writes=False)
    assert reasons(report)["retry_after"] == (
        "n/a: the burst would spend 997 requests (more than 500)"
    )
    assert len(admin.journal()) == 4


def failing_deletes(app: Wsgi) -> Wsgi:
    """The fake, except that deleting a contact answers 500."""

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ["REQUEST_METHOD"] == "DELETE" and "/contacts/" in environ["PATH_INFO"]:
            start_response("500 Internal Server Error", [("Content-Type", "application/json")])
            return [b'{"errors": {"code": 500, "message": ["boom"]}}']
        return app(environ, start_response)

    return wsgi


def test_a_record_that_could_not_be_deleted_is_reported_with_its_id() -> None:
    app = fake()
    report, admin = run(failing_deletes(app), burst=False)
    left = {contact["id"]: contact["email"] for contact in admin.state()["contacts"]}
    assert len(left) == 4  # upsert, base, custom field, bulk (the unwrapped one was refused)
    assert sorted(report.leftovers) == sorted(
        f"contact {record_id} ({email}): DELETE answered 500: boom"
        for record_id, email in left.items()
    )
    assert all(email.startswith("segment-freshsales-probe-") for email in left.values())
    assert "test records not deleted (remove them by hand):" in render(report)
    # Everything else went.
    assert admin.state()["deals"] == admin.state()["sales_activities"] == []


def test_an_unexpected_answer_is_shown_and_left_out_of_the_profile() -> None:
    app = fake()

    def broken_lookup(
        environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        if environ["PATH_INFO"] == "/api/lookup":
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"down for maintenance"]
        return app(environ, start_response)

    report, _ = run(broken_lookup, burst=False)
    assert reasons(report)["lookup_external_id"] == "unexpected 503: down for maintenance"
    assert "lookup_external_id" not in report.profile()
    # The bulk check looks its contact up to delete it: the lookup failing leaves it behind.
    assert len(report.leftovers) == 1
    assert report.leftovers[0].endswith("unexpected 503 to a lookup: down for maintenance")


def test_a_refused_key_stops_the_probe() -> None:
    with pytest.raises(ProbeError) as caught:
        run(fake(), key="not-the-key")
    assert str(caught.value) == "the account refused the key (401 on GET /api/selector/owners)"


def test_an_unreachable_account_stops_the_probe() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(ProbeError) as caught:
        probe(ORIGIN, KEY, transport=httpx.MockTransport(refuse))
    assert str(caught.value) == (
        "GET http://fake.test/api/selector/owners could not be reached: "
        "ConnectError: connection refused"
    )
    assert KEY not in str(caught.value)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--base-url", "http://fake.test/api", "--api-key-env", "PROBE_KEY"],
            "--base-url: expected an origin such as https://acme.myfreshworks.com, got "
            "'http://fake.test/api' (no path: interaction paths carry the API root)",
        ),
        (
            ["--base-url", ORIGIN, "--api-key-env", "PROBE_KEY", "--api-root", "api"],
            "--api-root: expected a path such as /api, got 'api'",
        ),
        (
            ["--base-url", ORIGIN, "--api-key-env", "NO_SUCH_PROBE_KEY"],
            "--api-key-env: environment variable NO_SUCH_PROBE_KEY is not set",
        ),
    ],
)
def test_usage_errors_exit_2_on_one_line(
    argv: list[str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PROBE_KEY", KEY)
    monkeypatch.delenv("NO_SUCH_PROBE_KEY", raising=False)
    assert main(["probe", *argv]) == 2
    assert capsys.readouterr() == ("", f"freshsales-contracts: {message}\n")


def test_a_missing_flag_exits_2_on_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["probe", "--api-key-env", "PROBE_KEY"])
    assert exited.value.code == 2
    assert capsys.readouterr().err == (
        "freshsales-contracts: the following arguments are required: --base-url\n"
    )


@pytest.mark.slow
def test_the_command_writes_a_profile_the_fake_loads_and_never_shows_the_key(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    variants = {"upsert_create_status": 201, "reset_unit": "epoch"}
    account = AccountConfig(
        domain="acme", api_key=KEY, limits=SMALL, variants=variants, app_token=APP_TOKEN
    )
    # A ticking clock and a quick bulk job: the command waits in real time.
    config = FakeConfig(accounts=(account,), clock_ticks=True, bulk_job_seconds=0.1)
    out = tmp_path / "profile.json"
    monkeypatch.setenv("PROBE_KEY", KEY)
    monkeypatch.setenv("PROBE_APP_TOKEN", APP_TOKEN)
    with FakeFreshsales(config=config) as server:
        argv = ["probe", "--base-url", server.url, "--api-key-env", "PROBE_KEY"]
        argv += ["--app-token-env", "PROBE_APP_TOKEN"]
        status = main([*argv, "--allow-writes", "--allow-burst", "--out", str(out)])
        captured = capsys.readouterr()
        assert status == 0, captured.err
        assert_clean(server.admin)
    assert json.loads(out.read_text()) == {**DEFAULTS, **variants}
    assert "differing from the fake's defaults: upsert_create_status, reset_unit" in captured.out
    assert captured.out.endswith(f"wrote {out}\n")
    shown = captured.out + captured.err + out.read_text()
    assert KEY not in shown and APP_TOKEN not in shown


@pytest.mark.slow
def test_the_command_exits_1_when_the_key_is_refused_or_nobody_answers(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PROBE_KEY", "wrong-" + KEY)
    with FakeFreshsales(api_key=KEY) as server:
        url = server.url
        assert main(["probe", "--base-url", url, "--api-key-env", "PROBE_KEY"]) == 1
    captured = capsys.readouterr()
    assert captured.err == (
        "freshsales-contracts: the account refused the key (401 on GET /api/selector/owners)\n"
    )
    assert captured.out == ""
    # The server is gone now: its port answers nobody.
    assert main(["probe", "--base-url", url, "--api-key-env", "PROBE_KEY"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"freshsales-contracts: GET {url}/api/selector/owners could not be ")
    assert KEY not in err


@pytest.mark.slow
def test_fake_freshsales_serve_profile_reproduces_what_the_probe_saw(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    profile = tmp_path / "profile.json"
    switches = {"owner_required": False, "bulk_results": "records", "tracking_api": False}
    profile.write_text(json.dumps({**DEFAULTS, **switches}))
    monkeypatch.setenv("PROBE_KEY", KEY)
    monkeypatch.setenv("PROBE_APP_TOKEN", APP_TOKEN)
    with Process(
        "fake-freshsales", "serve", "--port", "0", "--api-key", KEY, "--per-minute", "40",
        "--profile", str(profile), "--app-token", APP_TOKEN,
    ) as serve:  # fmt: skip
        url = serve.expect(r"^fake-freshsales serving (http://127\.0\.0\.1:\d+)$")[1]
        serve.expect(r"^domain: acme  api key: ")
        serve.expect(r"^variants: owner_required=false, bulk_results=records, tracking_api=false$")
        again = tmp_path / "again.json"
        argv = ["probe", "--base-url", url, "--api-key-env", "PROBE_KEY", "--out", str(again)]
        argv += ["--app-token-env", "PROBE_APP_TOKEN"]
        # The served fake's clock ticks: the bulk job completes after two real seconds.
        assert main([*argv, "--allow-writes", "--allow-burst"]) == 0, capsys.readouterr().err
        serve.interrupt()
    assert json.loads(again.read_text()) == json.loads(profile.read_text())
