"""`segment-freshsales demo`: the examples through the real Client into the embedded fake."""

import re
from pathlib import Path

import httpx
import pytest

from tests.cli.helpers import run

pytestmark = pytest.mark.slow  # the embedded fake listens on a socket


def test_demo_delivers_the_examples_and_shows_what_the_fake_holds(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    dead = tmp_path / "dead.jsonl"
    status, out, err = run(capsys, "demo", "--dead-letter", str(dead))
    assert status == 0, err
    url = re.search(r"embedded fake Freshsales at (http://127\.0\.0\.1:\d+)", out)
    assert url is not None, out
    lines = out.splitlines()
    start = lines.index("events    delivered  rejected  failed  skipped  total")
    assert lines[start : start + 10] == [
        "events    delivered  rejected  failed  skipped  total",
        "identify         23         3       0        0     26",
        "track            66         2       0        0     68",
        "page             45         0       0        0     45",
        "screen           11         0       0        0     11",
        "group             4         0       0        0      4",
        "alias             2         0       0        0      2",
        "delete            0         1       0        0      1",
        "total           151         6       0        0    157",
        "",
    ]
    # The fake's faults are seeded and the requests go in order: the same retries every run.
    assert lines[start + 10 : start + 18] == [
        "API calls: 221 (9 retries); HTTP statuses: 200 x90, 201 x122, 500 x2, 503 x7",
        "Not delivered (6):",
        "  line 152  identify  demo-0147  rejected: invalid event: userId: expected a userId: "
        "it identifies the lead or contact",
        "  line 153  identify  demo-0148  rejected: invalid event: traits.email: expected an "
        "email address: the userId is not one, so traits.email is required",
        "  line 154  track     demo-0149  rejected: invalid event: event: expected the event "
        "name, a non-empty string",
        "  line 155  identify  demo-0150  rejected: invalid event: traits.deal.amount: expected "
        "a number (or a string holding one), got the string 'a lot'",
        "  line 156  track     demo-0151  rejected: no contact or lead has external_id "
        "'u_9999': send an identify for this user first, or an email in context.traits",
        "  line 157  delete    demo-0152  rejected: invalid event: type: expected one of "
        "identify, track, page, screen, group, alias, got the string 'delete'",
    ]
    held = lines.index("Now in the fake Freshsales (read back through its admin API):")
    assert lines[held + 1 : held + 6] == [
        "  leads        14  John Doe, Ada Lovelace, Grace Hopper, ...",
        "  contacts      9  John Doe, Peter Gibbons, Michael Bolton, ...",
        "  accounts      8  Example.com, Initech, Globex, ...",
        "  deals         7  Sample Deal, Initech renewal, Globex enterprise plan, ...",
        "  activities  122  66 Segment Event, 56 Page View",
    ]
    assert f"Kept in {dead}: 6 message(s), for replay" in lines
    assert len(dead.read_text().splitlines()) == 6
    # The embedded fake is gone with the command.
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url.group(1)}/_fake/clock", timeout=2)
