"""Shared test configuration: Hypothesis profiles.

`HYPOTHESIS_PROFILE=ci` (set by .ci/run) derandomises the property tests so CI runs the same
examples every time; locally they explore new ones on every run.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "default",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("ci", parent=settings.get_profile("default"), derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
