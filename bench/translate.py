"""Benchmark: translate a realistic mixed stream, JSON lines decoded inside the timed loop.

The floor is this machine's plain orjson decode + encode of the same lines in the same run;
the last line printed is one JSON object with both rates and their ratio (target >= 0.25).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import orjson

from bench.stream import realistic_stream
from translator import Settings, translate

ROUNDS = 7
COUNT = 20_000


def best_rates(works: list[Callable[[list[bytes]], None]], lines: list[bytes]) -> list[float]:
    """Events per second of each work's fastest run; the runs alternate between the works so
    that a change in the machine's load touches all of them alike."""
    best = [float("inf")] * len(works)
    for _ in range(ROUNDS):
        for index, work in enumerate(works):
            started = time.perf_counter()
            work(lines)
            best[index] = min(best[index], time.perf_counter() - started)
    return [len(lines) / seconds for seconds in best]


def floor(lines: list[bytes]) -> None:
    for line in lines:
        orjson.dumps(orjson.loads(line))


def main() -> None:
    settings = Settings(domain="acme", api_key="bench-key")
    lines = [orjson.dumps(message) for message in realistic_stream(COUNT)]

    def translated(lines: list[bytes]) -> None:
        for line in lines:
            translate(orjson.loads(line), settings)

    floor_rate, rate = best_rates([floor, translated], lines)
    size = sum(map(len, lines)) / len(lines)
    print(f"{COUNT} events, {size:.0f} bytes each on average, best of {ROUNDS} runs")
    print(
        json.dumps(
            {
                "bench": "translate",
                "events_per_s": round(rate),
                "floor_events_per_s": round(floor_rate),
                "ratio": round(rate / floor_rate, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
