"""`segment-freshsales demo`: the examples through the real Client into the embedded fake."""

import re
from pathlib import Path

import httpx
import pytest

from tests.cli.helpers import run

pytestmark = pytest.mark.slow  # the embedded fake listens on a socket


def test_demo_delivers_the_examples_and_shows_what_the_fake_holds(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, "demo")
    assert status == 0, err
    url = re.search(r"embedded fake Freshsales at (http://127\.0\.0\.1:\d+)", out)
    assert url is not None, out
    lines = out.splitlines()
    start = lines.index("events    delivered  rejected  failed  skipped  unsent  total")
    assert lines[start : start + 10] == [
        "events    delivered  rejected  failed  skipped  unsent  total",
        "identify         24         2       0        0       0     26",
        "track            66         2       0        0       0     68",
        "page             45         0       0        0       0     45",
        "screen           11         0       0        0       0     11",
        "group             4         0       0        0       0      4",
        "alias             2         0       0        0       0      2",
        "delete            0         1       0        0       0      1",
        "total           152         5       0        0       0    157",
        "",
    ]
    # The fake's faults are seeded and the requests go in order: the same retries every run.
    assert lines[start + 10 : start + 24] == [
        "API calls: 224 (9 retries); HTTP statuses: 200 x93, 201 x122, 500 x2, 503 x7",
        # The identify with a deal amount of "a lot" is delivered without that amount.
        "Fields dropped (1; --strict rejects such messages instead):",
        "  traits.deal.amount dropped: expected a number (or a string holding one), got the "
        "string 'a lot'",
        "Not delivered (5):",
        "  line 152  identify  demo-0147  rejected: invalid event: userId: expected a userId: "
        "it identifies the lead or contact",
        "  line 153  identify  demo-0148  rejected: invalid event: traits.email: expected an "
        "email address: the userId is not one, so traits.email is required",
        "  line 154  track     demo-0149  rejected: invalid event: event: expected the event "
        "name, a non-empty string",
        "  line 156  track     demo-0151  rejected: no contact or lead has external_id "
        "'u_9999': send an identify for this user first, or an email in context.traits",
        "  line 157  delete    demo-0152  rejected: invalid event: type: expected one of "
        "identify, track, page, screen, group, alias, got the string 'delete'",
        # The rejections are said to be meant, the `delete` row among them.
        "As intended: the 5 events rejected above are wrong on purpose (the `delete` row is one: "
        "a Segment",
        "call this destination does not take). Every other event was delivered.",
        # Without --dead-letter they are not kept, and it says so: no "kept for replay".
        "Not kept: undelivered events went to a temporary dead-letter file, removed at the end",
        "(--dead-letter FILE keeps them).",
        "",
    ]
    held = lines.index("Now in the fake Freshsales (read back through its admin API):")
    assert lines[held + 1 : held + 6] == [
        "  leads        14  John Doe, Ada Lovelace, Grace Hopper, ...",
        "  contacts      9  John Doe, Peter Gibbons, Michael Bolton, ...",
        "  accounts      8  Example.com, Initech, Globex, ...",
        "  deals         7  Sample Deal, Initech renewal, Globex enterprise plan, ...",
        "  activities  122  66 Segment Event, 56 Page View",
    ]
    assert list(tmp_path.iterdir()) == []
    # The embedded fake is gone with the command.
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url.group(1)}/_fake/clock", timeout=2)
