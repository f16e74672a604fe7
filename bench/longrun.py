"""Benchmark: memory and disk of a client that runs for a month.

One million messages over 200,000 people (60% track, 25% page, 15% identify: `bench.stream`)
through `Client`, with a transport that answers at once (`bench.responder`: the fake's speed is
not the subject), on a virtual clock that spans 30 days (both of the client's clocks advance
with each message; nothing sleeps), the dedupe store a SQLite file in a temporary folder.

Progress lines go to stderr; the last line printed is one JSON object:
`{"bench": "longrun", "messages", "rss_mb_at_25pct", "rss_mb_at_end", "dedupe_db_mb",
"cache_hit_rate", "messages_per_s"}`.
Targets: rss_mb_at_end <= 1.1 x rss_mb_at_25pct (memory stays flat once the person cache is
full); dedupe_db_mb holds about a week of messages (the dedupe window), not 30 days' of them;
the default run takes under 10 minutes on two cores. `--messages`, `--people` and
`--cache-size` shrink a run for a quick check (shrink all three to keep their proportions).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import httpx

from bench.responder import respond
from bench.stream import stream
from segment_freshsales import Client, RateLimits, Report
from segment_freshsales.delivery.people import DEFAULT_CACHE_SIZE
from segment_freshsales.delivery.sqlite_space import file_bytes
from translator import Settings

MESSAGES = 1_000_000
PEOPLE = 200_000
DAYS = 30
MB = 1024 * 1024
START = 1_790_000_000.0  # the virtual wall clock's start (November 2026)


def rss_mb() -> float:
    """This process's resident set, from /proc/self/status (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024  # kB
    raise RuntimeError("no VmRSS in /proc/self/status")


class Run:
    """The virtual clock, and what is measured on the way."""

    def __init__(self, messages: int, dedupe: Path) -> None:
        self.messages = messages
        self.dedupe = dedupe
        self.step = DAYS * 86400.0 / messages  # virtual seconds between two messages
        self.elapsed = 0.0
        self.rss_at_25pct = 0.0
        self.started = time.perf_counter()

    def clock(self) -> float:
        return self.elapsed

    def wall_clock(self) -> float:
        return START + self.elapsed

    def sleep(self, seconds: float) -> None:
        self.elapsed += seconds

    def fed(self, people: int, seed: int) -> Iterator[dict[str, Any]]:
        """The stream, the clock advanced before each message, with a progress line at
        every tenth and the RSS noted at a quarter."""
        tenth = max(1, self.messages // 10)
        for index, message in enumerate(stream(self.messages, users=people, seed=seed)):
            if index == self.messages // 4:
                self.rss_at_25pct = rss_mb()
            if index and index % tenth == 0:
                self.progress(index)
            self.elapsed += self.step
            yield message

    def progress(self, done: int) -> None:
        seconds = time.perf_counter() - self.started
        print(
            f"{done} messages, day {self.elapsed / 86400:.1f}: rss {rss_mb():.1f} MB, "
            f"dedupe file {file_bytes(self.dedupe) / MB:.1f} MB, {done / seconds:.0f} msg/s",
            file=sys.stderr,
            flush=True,
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.longrun", description=__doc__)
    parser.add_argument("--messages", type=int, default=MESSAGES)
    parser.add_argument("--people", type=int, default=PEOPLE)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--cache-size",
        type=int,
        default=DEFAULT_CACHE_SIZE,
        help="people the client remembers; shrink it with --people to keep their proportion",
    )
    args = parser.parse_args(argv)
    settings = Settings(domain="acme", api_key="longrun-key-0b7c", owner=1)
    with TemporaryDirectory() as folder:
        run = Run(args.messages, Path(folder) / "delivered.sqlite")
        with Client(
            settings,
            transport=httpx.MockTransport(respond),
            limits=RateLimits(((10**9, 1.0),)),  # budgets too large to matter
            dead_letter=Path(folder) / "dead-letter.jsonl",
            dedupe_path=run.dedupe,
            sleep=run.sleep,
            clock=run.clock,
            wall_clock=run.wall_clock,
            seed=args.seed,
            cache_size=args.cache_size,
        ) as client:
            report: Report = client.deliver_all(run.fed(args.people, args.seed))
            seconds = time.perf_counter() - run.started
            run.progress(args.messages)
            hit_rate = client.engine.people.hit_rate or 0.0
            dedupe_mb = file_bytes(run.dedupe) / MB  # with its write-ahead log, as it runs
            end_rss = rss_mb()
    print(
        f"delivered {report.delivered}, rejected {report.rejected}, failed {report.failed}, "
        f"skipped {report.skipped}; {report.api_calls} API calls",
        file=sys.stderr,
    )
    print(
        json.dumps(
            {
                "bench": "longrun",
                "messages": args.messages,
                "rss_mb_at_25pct": round(run.rss_at_25pct, 1),
                "rss_mb_at_end": round(end_rss, 1),
                "dedupe_db_mb": round(dedupe_mb, 1),
                "cache_hit_rate": round(hit_rate, 3),
                "messages_per_s": round(args.messages / seconds, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
