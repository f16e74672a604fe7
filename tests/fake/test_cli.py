"""`fake-freshsales serve`: its switches and errors in-process, and as a real process that
answers and stops on SIGINT."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from flask import Flask

from fake_freshsales import cli
from fake_freshsales.models.variants import VARIANT_NAMES
from tests.processes import Process

SERVE = [sys.executable, "-m", "fake_freshsales.cli", "serve"]
PROG = "fake-freshsales"


class StubServer:
    """Stands in for waitress: it records the app and returns at once instead of serving."""

    effective_host = "127.0.0.1"
    effective_port = 8080

    def __init__(self, app: Flask) -> None:
        self.app = app

    def run(self) -> None:
        pass

    def close(self) -> None:
        pass


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[StubServer]:
    """`cli.main` runs in-process: the servers it would have started, none of them serving."""
    servers: list[StubServer] = []

    def create_server(app: Flask, **_options: Any) -> StubServer:
        servers.append(StubServer(app))
        return servers[-1]

    monkeypatch.setattr(cli, "create_server", create_server)
    # main() installs its own SIGINT and SIGTERM handlers: not in the test runner's process.
    monkeypatch.setattr(signal, "signal", lambda *_args: None)
    return servers


def refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """The one line `serve` prints when it refuses `args`, having exited with status 2."""
    with pytest.raises(SystemExit) as exited:
        cli.main(["serve", *args])
    assert exited.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1, err
    return err


def variant_values(server: StubServer) -> dict[str, Any]:
    answer = server.app.test_client().get("/_fake/variants").json
    return {entry["name"]: entry["value"] for entry in answer["variants"]}


def test_variants_and_a_profile_set_the_switches(
    served: list[StubServer], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps({"reset_unit": "epoch", "owner_required": True}))
    status = cli.main(
        [
            "serve", "--api-key", "k", "--profile", str(profile),
            "--variant", "owner_required=false", "--variant", "upsert_create_status=201",
        ]
    )  # fmt: skip
    assert status == 0
    # The generated token differs from run to run.
    out = re.sub(r"(?m)^app token: \S+$", "app token: <generated>", capsys.readouterr().out)
    assert out == (
        "fake-freshsales serving http://127.0.0.1:8080\n"
        "domain: acme  api key: k\n"
        "variants: upsert_create_status=201, reset_unit=epoch, owner_required=false\n"
        "app token: <generated>\n"
        "fake-freshsales stopped\n"
    )
    values = variant_values(served[0])
    # --variant wins over the profile.
    assert (values["upsert_create_status"], values["reset_unit"], values["owner_required"]) == (
        201,
        "epoch",
        False,
    )


def test_the_app_token_the_tracking_budget_and_the_bulk_delay_are_set(
    served: list[StubServer], capsys: pytest.CaptureFixture[str]
) -> None:
    status = cli.main(
        [
            "serve", "--api-key", "k", "--app-token", "tok-cli", "--tracking-per-minute", "3",
            "--bulk-job-seconds", "0.25",
        ]
    )  # fmt: skip
    assert status == 0
    assert "\napp token: tok-cli\n" in capsys.readouterr().out
    client = served[0].app.test_client()
    body = {"application_token": "tok-cli", "identifier": "a", "event": {"name": "E"}}
    tracked = client.post("/track/events", json=body)
    assert (tracked.status_code, tracked.headers["X-RateLimit-Limit"]) == (200, "3")
    assert client.get("/_fake/bulk").json == {"bulk": {"job_seconds": 0.25}}


def test_without_an_app_token_one_is_generated_and_printed(
    served: list[StubServer], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["serve", "--api-key", "k"]) == 0
    token = re.search(r"^app token: (\S+)$", capsys.readouterr().out, re.M)
    assert token is not None
    client = served[0].app.test_client()
    body = {"application_token": token[1], "identifier": "a", "event": {"name": "E"}}
    assert client.post("/track/events", json=body).status_code == 200
    wrong = {**body, "application_token": "anything"}
    assert client.post("/track/events", json=wrong).status_code == 401


def test_without_switches_it_says_defaults(
    served: list[StubServer], capsys: pytest.CaptureFixture[str]
) -> None:
    # A switch set to its default is no difference.
    assert cli.main(["serve", "--api-key", "k", "--variant", "reset_unit=seconds"]) == 0
    assert "\nvariants: defaults\n" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--variant", "reset_unit=hours"),
            f'{PROG}: error: variant reset_unit takes one of "seconds", "epoch"; got "hours"',
        ),
        (
            ("--variant", 'upsert_create_status="201"'),
            f'{PROG}: error: variant upsert_create_status takes one of 200, 201; got "201"',
        ),
        (
            ("--variant", "strict=true"),
            f"{PROG}: error: unknown variant 'strict' (known: {', '.join(VARIANT_NAMES)})",
        ),
        (
            ("--variant", "owner_required"),
            f"{PROG} serve: error: argument --variant: expected NAME=VALUE, got 'owner_required'",
        ),
        (("--strict",), f"{PROG}: error: unrecognized arguments: --strict"),
        (
            ("--bulk-job-seconds", "-1"),
            f"{PROG} serve: error: argument --bulk-job-seconds: expected a number of seconds, "
            "0 or more, got '-1'",
        ),
        (
            ("--bulk-job-seconds", "soon"),
            f"{PROG} serve: error: argument --bulk-job-seconds: expected a number of seconds, "
            "0 or more, got 'soon'",
        ),
        (("--retry-after",), f"{PROG}: error: unrecognized arguments: --retry-after"),
    ],
)
def test_a_bad_switch_is_one_line_naming_it(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    assert refused(capsys, *args) == message + "\n"


def test_a_bad_profile_is_one_line_naming_the_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "missing.json"
    assert refused(capsys, "--profile", str(missing)).startswith(
        f"{PROG}: error: cannot read profile {missing}: "
    )
    broken = tmp_path / "broken.json"
    broken.write_text("{reset_unit: epoch}")
    assert refused(capsys, "--profile", str(broken)).startswith(
        f"{PROG}: error: cannot read profile {broken}: "
    )
    listed = tmp_path / "listed.json"
    listed.write_text('["reset_unit"]')
    assert refused(capsys, "--profile", str(listed)) == (
        f"{PROG}: error: profile {listed} must hold a JSON object of variants\n"
    )
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"retry_after": "yes"}')
    assert refused(capsys, "--profile", str(wrong)) == (
        f'{PROG}: error: profile {wrong}: variant retry_after takes one of false, true; got "yes"\n'
    )


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SERVE, *args], capture_output=True, text=True, timeout=30, check=False)


@pytest.mark.slow
def test_serve_answers_and_stops_on_sigint(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"contacts": [{"email": "seeded@b.com"}]}))
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps({"reset_unit": "epoch"}))
    with Process(
        "fake-freshsales", "serve", "--port", "0", "--api-key", "cli-key", "--domain", "initech",
        "--per-minute", "5", "--seed-file", str(seed), "--frozen-clock",
        "--profile", str(profile), "--variant", "upsert_create_status=201",
    ) as serve:  # fmt: skip
        url = serve.expect(r"^fake-freshsales serving (http://127\.0\.0\.1:\d+)$")[1]
        serve.expect(r"^domain: initech  api key: cli-key$")
        serve.expect(r"^variants: upsert_create_status=201, reset_unit=epoch$")
        serve.expect(r"^app token: \S+$")
        with httpx.Client(base_url=url, headers={"Authorization": "Token token=cli-key"}) as client:
            response = client.get("/api/lookup", params={"q": "seeded@b.com", "f": "email"})
            assert response.status_code == 200
            assert response.headers["X-RateLimit-Limit"] == "5"
            assert len(response.json()["contacts"]["contacts"]) == 1
            created = client.post(
                "/api/contacts/upsert",
                json={"unique_identifier": {"emails": "new@b.com"}, "contact": {}},
            )
            assert created.status_code == 201
        out, err = serve.interrupt()
    assert serve.returncode == 0, err
    assert out == "fake-freshsales stopped\n"


@pytest.mark.slow
def test_usage_error_exits_2_with_one_line() -> None:
    result = run("--port", "http")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "fake-freshsales serve: error: argument --port: expected a port number (0-65535), "
        "got 'http'\n"
    )


@pytest.mark.slow
def test_bad_seed_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run("--seed-file", str(tmp_path / "missing.json"), "--port", "0")
    assert result.returncode == 2
    assert result.stderr.startswith("fake-freshsales: error: cannot read seed file")
    assert result.stderr.count("\n") == 1


@pytest.mark.slow
def test_a_port_in_use_exits_1_with_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("--port", str(port))
    assert result.returncode == 1
    assert result.stderr.startswith(f"fake-freshsales: error: cannot listen on 127.0.0.1:{port}:")
    assert result.stderr.count("\n") == 1


@pytest.mark.slow
def test_serve_stops_by_itself_when_its_standard_input_closes() -> None:
    # The helper gives the child an empty standard input: closed from the start, as a parent
    # holding the pipe would leave it on its death.
    with Process("fake-freshsales", "serve", "--port", "0", "--exit-on-stdin-close") as serve:
        serve.expect(r"^fake-freshsales serving http://127\.0\.0\.1:\d+$")
        out, err = serve.wait()
    assert serve.returncode == 0, err
    assert out.endswith("fake-freshsales stopped\n")
