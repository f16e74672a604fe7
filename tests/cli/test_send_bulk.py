"""`send --bulk` and `--bulk-size`: identifies of contacts go in bulk jobs, the summary says
how many, the rest goes one by one."""

from pathlib import Path

import pytest

from fake_freshsales import FakeFreshsales
from segment_freshsales.delivery import bulk_jobs
from segment_freshsales.delivery.deadletter import DeadLetters
from tests.cli.helpers import IDENTIFY, TRACK, run, write_lines

pytestmark = pytest.mark.slow  # the command sends to the fake over a socket
SUITE = "acme.myfreshworks.com"


@pytest.fixture(autouse=True)
def quick_jobs(fake: FakeFreshsales, monkeypatch: pytest.MonkeyPatch) -> None:
    """Jobs run at once, and are polled at once: the command waits in real time."""
    fake.admin.set_bulk(job_seconds=0)
    monkeypatch.setattr(bulk_jobs, "FIRST_POLL", 0.01)


def people(count: int) -> list[dict[str, object]]:
    return [
        {
            **IDENTIFY,
            "messageId": f"m-{n}",
            "userId": f"u-{n}",
            "traits": {"email": f"p{n}@example.com", "company": {"name": f"Co {n % 2}"}},
        }
        for n in range(count)
    ]


def send(capsys: pytest.CaptureFixture[str], fake: FakeFreshsales, *args: str) -> tuple[int, str]:
    status, out, err = run(capsys, "send", *args, "--domain", SUITE, "--base-url", fake.url)
    assert err == "" or "sending" in err, err
    return status, out


def test_send_bulk_says_how_many_went_in_bulk(
    capsys: pytest.CaptureFixture[str], fake: FakeFreshsales, tmp_path: Path
) -> None:
    source = write_lines(tmp_path / "in.jsonl", *people(5), {**TRACK, "userId": "u-4"})
    status, out = send(capsys, fake, str(source), "--bulk", "--bulk-size", "2")
    assert status == 0, out
    # Two accounts fill a job of 2: p0 and p1 go at once (an account job, a contact job). The
    # track of u-4 goes after u-4's identify, sent alone first; p2 and p3 go at the end.
    assert "4 messages went in bulk (3 jobs)" in out.splitlines()
    contacts = fake.admin.state()["contacts"]
    assert sorted(c["email"] for c in contacts) == [f"p{n}@example.com" for n in range(5)]
    assert all(len(c["sales_accounts"]) == 1 for c in contacts)
    paths = [entry["path"] for entry in fake.admin.journal(method="POST")]
    assert paths.count("/crm/sales/api/contacts/bulk_upsert") == 2
    assert paths.count("/crm/sales/api/contacts/upsert") == 1


def test_send_bulk_with_concurrency_goes_through_the_async_client(
    capsys: pytest.CaptureFixture[str], fake: FakeFreshsales, tmp_path: Path
) -> None:
    source = write_lines(tmp_path / "in.jsonl", *people(3))
    status, out = send(capsys, fake, str(source), "--bulk", "--concurrency", "4")
    assert status == 0, out
    assert "3 messages went in bulk (2 jobs)" in out.splitlines()


def test_without_bulk_nothing_goes_in_bulk(
    capsys: pytest.CaptureFixture[str], fake: FakeFreshsales, tmp_path: Path
) -> None:
    source = write_lines(tmp_path / "in.jsonl", *people(2))
    status, out = send(capsys, fake, str(source))
    assert status == 0, out
    assert "went in bulk" not in out
    assert fake.admin.journal(path="/crm/sales/api/contacts/bulk_upsert") == []


@pytest.mark.parametrize("size", ["0", "101", "x"])
def test_a_bulk_size_out_of_range_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], fake: FakeFreshsales, tmp_path: Path, size: str
) -> None:
    source = write_lines(tmp_path / "in.jsonl", *people(1))
    status, _, err = run(capsys, "send", str(source), "--bulk", "--bulk-size", size)
    assert status == 2
    assert "--bulk-size" in err


def test_replay_bulk_sends_a_dead_letter_file_in_bulk(
    capsys: pytest.CaptureFixture[str], fake: FakeFreshsales, tmp_path: Path
) -> None:
    path = tmp_path / "dead.jsonl"
    kept = DeadLetters(path, "not-the-key")
    for message in people(3):
        kept.write(message, "failed", "POST /contacts/upsert: 503 Service Unavailable", 6)
    status, out, _ = run(
        capsys, "replay", str(path), "--bulk", "--domain", SUITE, "--base-url", fake.url
    )
    assert status == 0, out
    assert "3 messages went in bulk (2 jobs)" in out.splitlines()
    assert path.read_text(encoding="utf-8") == ""
    emails = sorted(c["email"] for c in fake.admin.state()["contacts"])
    assert emails == ["p0@example.com", "p1@example.com", "p2@example.com"]
