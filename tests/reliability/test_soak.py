"""A short fault soak (bench/soak.py runs the full 10,000 events): nothing lost, no twins."""

from pathlib import Path

import pytest

from bench.soak import run_soak

pytestmark = pytest.mark.slow  # a short soak against the fake on a socket


def test_faults_lose_nothing_and_make_no_twins(tmp_path: Path) -> None:
    # Two attempts per request, so some messages exhaust their budget and must be kept.
    figures = run_soak(400, tmp_path, max_attempts=2)
    assert figures["lost"] == 0
    assert figures["delivered"] + figures["rejected"] + figures["failed"] == 400
    assert figures["failed"] > 0
    assert figures["dead_letters"] == figures["rejected"] + figures["failed"]
    assert figures["dead_letters_without_reason"] == 0
    assert figures["twins_by_kind"] == {
        "leads": 0,
        "contacts": 0,
        "sales_accounts": 0,
        "deals": 0,
        "activities": 0,
        "activities_beyond_delivered": 0,
    }
    assert figures["retries"] > 0
    assert {"429", "500", "502", "503", "0"} <= set(figures["injected_statuses"])
