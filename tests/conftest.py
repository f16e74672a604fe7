"""Shared test configuration: Hypothesis profiles, and no run on a stale compiled translator.

`HYPOTHESIS_PROFILE=ci` (set by .ci/run) derandomises the property tests so CI runs the same
examples every time; locally they explore new ones on every run.
"""

import os

import pytest
from hypothesis import HealthCheck, settings

from bench.compiled import stale_build

settings.register_profile(
    "default",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("ci", parent=settings.get_profile("default"), derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_configure(config: pytest.Config) -> None:
    """Refuse to test a compiled translator older than its sources: the edits would not run."""
    stale = stale_build()
    if stale is not None:
        raise pytest.UsageError(stale)
