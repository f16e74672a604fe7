"""`send --event-map FILE` and `--strict`, and the summary's count of dropped fields."""

import json
from pathlib import Path

import httpx
import pytest

from fake_freshsales import FakeFreshsales
from tests.cli.helpers import run, send, write_lines

IDENTIFY = {
    "type": "identify",
    "messageId": "m-identify",
    "userId": "u-1",
    "traits": {"email": "ada@example.com", "fsContact": True, "campaignId": "x"},
}


def track(event: str, message_id: str) -> dict[str, str]:
    return {"type": "track", "userId": "ada@example.com", "event": event, "messageId": message_id}


def test_the_event_map_file_skips_and_maps_events_and_dropped_fields_are_counted(
    capsys: pytest.CaptureFixture[str], fake: FakeFreshsales, tmp_path: Path
) -> None:
    event_map = tmp_path / "events.json"
    event_map.write_text(
        json.dumps({"Heartbeat": None, "Trial Started": {"lifecycle_stage": "Customer"}})
    )
    source = write_lines(
        tmp_path / "in.jsonl",
        IDENTIFY,
        track("Heartbeat", "m-beat"),
        track("Trial Started", "m-trial"),
    )
    dead = tmp_path / "dead.jsonl"
    argv = (str(source), "--event-map", str(event_map), "--dead-letter", str(dead))
    status, out, _ = send(capsys, fake, *argv)
    assert status == 0, out
    assert "track             1         0       0        1       0      2\n" in out
    assert out.endswith(
        "Fields dropped (1; --strict rejects such messages instead):\n"
        "  traits.campaignId dropped: expected an integer (or a string of digits), got the "
        "string 'x'\n"
    )
    [contact] = fake.admin.state()["contacts"]
    stages = {stage["id"]: stage["name"] for stage in _lifecycle_stages(fake)}
    assert stages[contact["lifecycle_stage_id"]] == "Customer"
    assert fake.admin.state()["sales_activities"] == []


def test_strict_rejects_the_message_instead(
    capsys: pytest.CaptureFixture[str], fake: FakeFreshsales, tmp_path: Path
) -> None:
    source = write_lines(tmp_path / "in.jsonl", IDENTIFY)
    dead = tmp_path / "dead.jsonl"
    status, out, _ = send(capsys, fake, str(source), "--strict", "--dead-letter", str(dead))
    assert status == 1
    assert "Fields dropped" not in out
    assert "traits.campaignId" in out
    assert fake.admin.state()["contacts"] == []


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "is not JSON"),
        ('{"Heartbeat": 1}', "'Heartbeat': expected null (ignore it)"),
        ("[]", "expected an object of event names"),
    ],
)
def test_a_bad_event_map_file_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, problem: str
) -> None:
    event_map = tmp_path / "events.json"
    event_map.write_text(content)
    source = write_lines(tmp_path / "in.jsonl", IDENTIFY)
    status, out, err = run(capsys, "send", str(source), "--event-map", str(event_map))
    assert (status, out) == (2, "")
    assert err.startswith("segment-freshsales send: error: argument --event-map: ")
    assert problem in err
    assert err.count("\n") == 1


def _lifecycle_stages(fake: FakeFreshsales) -> list[dict[str, object]]:
    answer = httpx.get(f"{fake.url}/api/selector/lifecycle_stages", headers=fake.auth_headers)
    stages: list[dict[str, object]] = answer.json()["lifecycle_stages"]
    return stages
