"""`fake-freshsales serve` as a real process: it answers, and stops on SIGINT."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.processes import Process

pytestmark = pytest.mark.slow

SERVE = [sys.executable, "-m", "fake_freshsales.cli", "serve"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SERVE, *args], capture_output=True, text=True, timeout=30, check=False)


def test_serve_answers_and_stops_on_sigint(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"contacts": [{"email": "seeded@b.com"}]}))
    with Process(
        "fake-freshsales", "serve", "--port", "0", "--api-key", "cli-key", "--domain", "initech",
        "--per-minute", "5", "--seed-file", str(seed), "--frozen-clock",
    ) as serve:  # fmt: skip
        url = serve.expect(r"^fake-freshsales serving (http://127\.0\.0\.1:\d+)$")[1]
        serve.expect(r"^domain: initech  api key: cli-key$")
        with httpx.Client(base_url=url, headers={"Authorization": "Token token=cli-key"}) as client:
            response = client.get("/api/lookup", params={"q": "seeded@b.com", "f": "email"})
            assert response.status_code == 200
            assert response.headers["X-RateLimit-Limit"] == "5"
            assert len(response.json()["contacts"]["contacts"]) == 1
        out, err = serve.interrupt()
    assert serve.returncode == 0, err
    assert out == "fake-freshsales stopped\n"


def test_usage_error_exits_2_with_one_line() -> None:
    result = run("--port", "http")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "fake-freshsales serve: error: argument --port: expected a port number (0-65535), "
        "got 'http'\n"
    )


def test_bad_seed_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run("--seed-file", str(tmp_path / "missing.json"), "--port", "0")
    assert result.returncode == 2
    assert result.stderr.startswith("fake-freshsales: error: cannot read seed file")
    assert result.stderr.count("\n") == 1


def test_a_port_in_use_exits_1_with_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("--port", str(port))
    assert result.returncode == 1
    assert result.stderr.startswith(f"fake-freshsales: error: cannot listen on 127.0.0.1:{port}:")
    assert result.stderr.count("\n") == 1


def test_serve_stops_by_itself_when_its_standard_input_closes() -> None:
    # The helper gives the child an empty standard input: closed from the start, as a parent
    # holding the pipe would leave it on its death.
    with Process("fake-freshsales", "serve", "--port", "0", "--exit-on-stdin-close") as serve:
        serve.expect(r"^fake-freshsales serving http://127\.0\.0\.1:\d+$")
        out, err = serve.wait()
    assert serve.returncode == 0, err
    assert out.endswith("fake-freshsales stopped\n")
