"""Benchmark: translate a realistic mixed stream, JSON lines decoded inside the timed loop.

The floor is this machine's plain orjson decode + encode of the same lines in the same run;
the last line printed is one JSON object with both rates and their ratio (target >= 0.25): the
median over rounds that each time both, back to back.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable

import orjson

from bench.compiled import is_compiled, stale_build
from bench.owner import fake_user
from bench.stream import realistic_stream
from translator import Settings, translate

ROUNDS = 9
COUNT = 20_000


def timed_rounds(
    works: list[Callable[[list[bytes]], None]], lines: list[bytes]
) -> list[list[float]]:
    """Seconds each work took in each round; the works run back to back within a round, so a
    change in the machine's load touches them alike."""
    rounds = []
    for _ in range(ROUNDS):
        seconds = []
        for work in works:
            started = time.perf_counter()
            work(lines)
            seconds.append(time.perf_counter() - started)
        rounds.append(seconds)
    return rounds


def floor(lines: list[bytes]) -> None:
    for line in lines:
        orjson.dumps(orjson.loads(line))


def main() -> None:
    stale = stale_build()
    if stale is not None:
        raise SystemExit(stale)
    settings = Settings(domain="acme", api_key="bench-key", owner=fake_user("acme"))
    lines = [orjson.dumps(message) for message in realistic_stream(COUNT)]

    def translated(lines: list[bytes]) -> None:
        for line in lines:
            translate(orjson.loads(line), settings)

    rounds = timed_rounds([floor, translated], lines)
    floor_rate = COUNT / statistics.median(r[0] for r in rounds)
    rate = COUNT / statistics.median(r[1] for r in rounds)
    ratio = statistics.median(r[0] / r[1] for r in rounds)
    size = sum(map(len, lines)) / len(lines)
    build = "compiled" if is_compiled() else "interpreted"
    print(
        f"{COUNT} events, {size:.0f} bytes each on average, median of {ROUNDS} rounds, "
        f"translator {build}"
    )
    print(
        json.dumps(
            {
                "bench": "translate",
                "events_per_s": round(rate),
                "floor_events_per_s": round(floor_rate),
                "ratio": round(ratio, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
