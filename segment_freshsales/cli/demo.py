"""`segment-freshsales demo`: the example events through the real Client into the embedded fake."""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any, Final, TextIO

from segment_freshsales.cli.delivery import DeliveryOptions, deliver
from segment_freshsales.cli.embedded_fake import EmbeddedFake
from segment_freshsales.cli.input import parse
from segment_freshsales.cli.paths import writable_file
from segment_freshsales.cli.progress import progress_for
from segment_freshsales.cli.send import print_outcome
from segment_freshsales.cli.summary import Tally, run_kept_lines
from segment_freshsales.delivery.pacing import RateLimits

__all__ = ["MEANT_REJECTED", "add_parser", "as_intended", "run"]

EXAMPLES: Final = "examples/events.jsonl"
# A few injected server errors, the same ones every run, so the summary shows retries at work.
FAULTS: Final = {"rate": 0.03, "statuses": [500, 503], "seed": 7}
_NAMES_SHOWN: Final = 3
# The example file ends with events that are wrong on purpose, to show rejections: four
# invalid ones (one of them a `delete`, a Segment call this destination does not take) and a
# track of a user nobody identified. Among them, demo-0150's deal amount is no number: that
# optional field is dropped and the rest delivered. Every other event is meant to be delivered.
MEANT_REJECTED: Final = ("demo-0147", "demo-0148", "demo-0149", "demo-0151", "demo-0152")


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "demo",
        help="deliver the example events to the embedded fake Freshsales",
        description="Start the embedded fake Freshsales (served by this command on loopback), "
        "deliver the packaged example events to it with the real Client, and show what "
        "became of them and what the fake holds now. Exit 0 when each event ended as the "
        f"example file intends (the {len(MEANT_REJECTED)} events wrong on purpose rejected, "
        "every other one delivered), 1 otherwise.",
    )
    parser.add_argument(
        "--dead-letter",
        type=Path,
        help="keep undelivered events in this file (default: a temporary one, removed)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.dead_letter is not None:
        writable_file(args.dead_letter, "--dead-letter")
    text = resources.files("segment_freshsales.cli").joinpath(EXAMPLES).read_text("utf-8")
    items = parse(text)
    limits = RateLimits()
    with tempfile.TemporaryDirectory() as scratch, EmbeddedFake(limits) as fake:
        fake.admin.set_faults(**FAULTS)
        print(
            f"Delivering {len(items)} example events to the embedded fake Freshsales at "
            f"{fake.url}\n(served by this command on loopback; it answers {FAULTS['rate']:.0%} of "
            "requests with a 500 or 503, to show the retries)\n",
            file=out,
            flush=True,
        )
        dead_letter = args.dead_letter or Path(scratch, "dead-letter.jsonl")
        started = time.monotonic()
        result = deliver(
            items,
            fake.settings,
            DeliveryOptions(dead_letter, limits),
            progress_for(err, len(items), "delivering"),
        )
        elapsed = time.monotonic() - started
        state = fake.admin.state()
        print_outcome(result, out, err)
        intended = as_intended(result.tally)
        if result.interrupt is None:
            print(_INTENDED if intended else _NOT_INTENDED, file=out)
        if args.dead_letter is not None:
            kept = run_kept_lines(result.tally, str(args.dead_letter))
        else:
            kept = [_TEMPORARY] if result.tally.undelivered else []
        for line in [*kept, "", *_state_lines(state, fake.activity_types)]:
            print(line, file=out)
    ended = "Delivered in" if result.interrupt is None else "Stopped after"
    print(f"\n{ended} {elapsed:.1f} s.", file=out)
    # The rejections are the show's, so the rule is the example file's intent, not send's.
    if result.interrupt is not None:
        return result.exit_status
    return 0 if intended else 1


_INTENDED: Final = (
    f"As intended: the {len(MEANT_REJECTED)} events rejected above are wrong on purpose (the "
    "`delete` row is one: a Segment\ncall this destination does not take). Every other event "
    "was delivered."
)
_NOT_INTENDED: Final = (
    f"Not as intended: only {', '.join(MEANT_REJECTED)} were meant to be rejected,\n"
    "and every other event delivered."
)
_TEMPORARY: Final = (
    "Not kept: undelivered events went to a temporary dead-letter file, removed at the end\n"
    "(--dead-letter FILE keeps them)."
)


def as_intended(tally: Tally) -> bool:
    """Whether each event ended as the example file intends."""
    problems = Counter((problem.message_id, problem.status) for problem in tally.problems)
    meant = Counter((name, "rejected") for name in MEANT_REJECTED)
    return tally.unsent == 0 and problems == meant


def _person(record: dict[str, Any]) -> str:
    name = " ".join(str(record.get(k) or "") for k in ("first_name", "last_name")).strip()
    return name or str(record.get("email"))


def _named(record: dict[str, Any]) -> str:
    return str(record.get("name"))


# (label, entity in the fake's state, how a record is named)
_RECORDS: Final = (
    ("leads", "leads", _person),
    ("contacts", "contacts", _person),
    ("accounts", "sales_accounts", _named),
    ("deals", "deals", _named),
)


def _state_lines(state: dict[str, list[dict[str, Any]]], types: dict[int, str]) -> list[str]:
    """What the fake holds, read back through its admin API: counts and a few names."""
    lines = ["Now in the fake Freshsales (read back through its admin API):"]
    for label, entity, name in _RECORDS:
        records = state[entity]
        names = ", ".join(name(record) for record in records[:_NAMES_SHOWN])
        more = ", ..." if len(records) > _NAMES_SHOWN else ""
        lines.append(f"  {label:<11}{len(records):>4}  {names}{more}")
    activities = state["sales_activities"]
    by_type = Counter(types.get(a.get("sales_activity_type_id") or 0, "?") for a in activities)
    kinds = ", ".join(f"{count} {name}" for name, count in by_type.most_common())
    lines.append(f"  {'activities':<11}{len(activities):>4}  {kinds}")
    return lines
