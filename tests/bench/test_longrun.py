"""bench.longrun, shrunk: it runs, every message is delivered, and its last line has the keys
other tools read. Figures are the benchmark's to print, never a test's to time."""

import json

import httpx
import pytest

from bench import longrun
from bench.responder import respond


def test_a_short_run_prints_the_pinned_keys(capsys: pytest.CaptureFixture[str]) -> None:
    longrun.main(["--messages", "2000", "--people", "400", "--cache-size", "100"])
    out, err = capsys.readouterr()
    figures = json.loads(out.strip().splitlines()[-1])
    assert list(figures) == [
        "bench",
        "messages",
        "rss_mb_at_25pct",
        "rss_mb_at_end",
        "dedupe_db_mb",
        "cache_hit_rate",
        "messages_per_s",
    ]
    assert figures["bench"] == "longrun"
    assert figures["messages"] == 2000
    assert figures["rss_mb_at_25pct"] > 0
    assert 0 < figures["cache_hit_rate"] < 1  # 400 people for 100 places: some misses
    assert "delivered 2000, rejected 0, failed 0, skipped 0" in err


def test_the_responder_finds_the_same_person_for_the_same_email() -> None:
    url = "https://acme.freshsales.io/api/lookup?q=ann%40example.com&f=email&entities=lead"
    answers = [respond(httpx.Request("GET", url)) for _ in range(2)]
    first, second = (json.loads(answer.read()) for answer in answers)
    assert first == second
    assert list(first) == ["leads"]
    [person] = first["leads"]["leads"]
    assert person["owner_id"] == 1
