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
from segment_freshsales.cli.options import writable_file
from segment_freshsales.cli.progress import progress_for
from segment_freshsales.cli.send import EXIT_INTERRUPTED, print_outcome
from segment_freshsales.delivery.pacing import RateLimits

__all__ = ["add_parser", "run"]

EXAMPLES: Final = "examples/events.jsonl"
# A few injected server errors, the same ones every run, so the summary shows retries at work.
FAULTS: Final = {"rate": 0.03, "statuses": [500, 503], "seed": 7}
_NAMES_SHOWN: Final = 3


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "demo",
        help="deliver the example events to the embedded fake Freshsales",
        description="Start the embedded fake Freshsales (served by this command on loopback), "
        "deliver the packaged example events to it with the real Client, and show what "
        "became of them and what the fake holds now.",
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
        kept_in = str(args.dead_letter or "a temporary dead-letter file (--dead-letter keeps it)")
        started = time.monotonic()
        result = deliver(
            items,
            fake.settings,
            DeliveryOptions(dead_letter, limits),
            progress_for(err, len(items), "delivering"),
        )
        elapsed = time.monotonic() - started
        state = fake.admin.state()
        print_outcome(result, kept_in, out, err)
        print("", file=out)
        for line in _state_lines(state, fake.activity_types):
            print(line, file=out)
    print(f"\nDelivered in {elapsed:.1f} s.", file=out)
    # Rejections are part of the show (the examples hold invalid events on purpose).
    return EXIT_INTERRUPTED if result.interrupted else 0


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
