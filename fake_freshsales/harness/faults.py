"""Fault injection: error statuses, latency and dropped connections, reproducible by seed."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from ..config import FaultConfig
from ..models.bulk import JOB_FAIL, JOB_FAULTS, JOB_PARTIAL
from ..models.errors import bad_request

__all__ = [
    "INJECTED_429_SPENDS",
    "FaultDecision",
    "FaultInjector",
    "InjectedDrop",
    "describe",
    "error_status",
    "parse_fault_config",
    "parse_forced",
    "parse_forced_job",
]

DROP = "drop"
# [I] An injected 429 stands for the commonest real one, the per-minute budget spent: its body
# and rate-limit headers say so, as a real refusal's would (Remaining 0, that window's reset).
INJECTED_429_SPENDS = "minute"
_MAX_LATENCY_MS = 60_000


class InjectedDrop(ConnectionResetError):
    """Raised mid-body to break the connection of a request chosen to be dropped."""


@dataclass(frozen=True)
class FaultDecision:
    """What to do to one API request before it reaches the model."""

    status: int | None = None
    drop: bool = False
    latency_ms: float = 0.0


def error_status(value: object) -> int | None:
    """An HTTP error status (400-599 known to the stdlib), else None."""
    if isinstance(value, bool) or not isinstance(value, int) or not 400 <= value <= 599:
        return None
    try:
        return HTTPStatus(value).value
    except ValueError:
        return None


def parse_forced(header: str) -> FaultDecision:
    """The `X-Fake-Fault` request header: a status such as `503`, or `drop`."""
    text = header.strip().lower()
    if text == DROP:
        return FaultDecision(drop=True)
    status = error_status(int(text)) if text.isdigit() else None
    if status is None:
        raise bad_request("X-Fake-Fault must be an HTTP error status (400-599) or 'drop'.")
    return FaultDecision(status=status)


def parse_forced_job(header: str) -> str:
    """The `X-Fake-Bulk-Fault` header of a bulk upsert: `fail` or `partial`."""
    text = header.strip().lower()
    if text not in JOB_FAULTS:
        raise bad_request(f"X-Fake-Bulk-Fault must be one of: {', '.join(JOB_FAULTS)}.")
    return text


def _rate(data: Mapping[str, Any], key: str) -> float:
    value = data.get(key, 0.0)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise bad_request(f"{key} must be a number between 0 and 1.")
    return float(value)


def parse_fault_config(data: object) -> FaultConfig:
    """Validate the body of `POST /_fake/faults`."""
    if not isinstance(data, Mapping):
        raise bad_request("The fault configuration must be a JSON object.")
    known = {
        "rate",
        "statuses",
        "latency_ms",
        "drop_connection_rate",
        "seed",
        "bulk_fail_rate",
        "bulk_partial_rate",
    }
    unknown = sorted(set(data) - known)
    if unknown:
        raise bad_request(f"Unknown fault setting {unknown[0]}.")
    statuses = data.get("statuses", [500])
    if not isinstance(statuses, list) or not statuses:
        raise bad_request("statuses must be a non-empty list of HTTP error statuses.")
    checked = [error_status(status) for status in statuses]
    if None in checked:
        raise bad_request("statuses must be a non-empty list of HTTP error statuses.")
    latency = data.get("latency_ms", [0, 0])
    if (
        not isinstance(latency, list)
        or len(latency) != 2
        or any(isinstance(v, bool) or not isinstance(v, int) for v in latency)
        or not 0 <= latency[0] <= latency[1] <= _MAX_LATENCY_MS
    ):
        raise bad_request(f"latency_ms must be [min, max], 0 <= min <= max <= {_MAX_LATENCY_MS}.")
    seed = data.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise bad_request("seed must be an integer.")
    bulk_fail, bulk_partial = _rate(data, "bulk_fail_rate"), _rate(data, "bulk_partial_rate")
    if bulk_fail + bulk_partial > 1:
        raise bad_request("bulk_fail_rate and bulk_partial_rate must add up to 1 at most.")
    return FaultConfig(
        rate=_rate(data, "rate"),
        statuses=tuple(status for status in checked if status is not None),
        latency_ms=(latency[0], latency[1]),
        drop_connection_rate=_rate(data, "drop_connection_rate"),
        seed=seed,
        bulk_fail_rate=bulk_fail,
        bulk_partial_rate=bulk_partial,
    )


def describe(config: FaultConfig) -> dict[str, Any]:
    return {
        "rate": config.rate,
        "statuses": list(config.statuses),
        "latency_ms": list(config.latency_ms),
        "drop_connection_rate": config.drop_connection_rate,
        "seed": config.seed,
        "bulk_fail_rate": config.bulk_fail_rate,
        "bulk_partial_rate": config.bulk_partial_rate,
    }


class FaultInjector:
    """Draws one decision per API request from a generator seeded by the configuration."""

    def __init__(self, config: FaultConfig | None) -> None:
        self.configure(config)

    @property
    def config(self) -> FaultConfig | None:
        return self._config

    def configure(self, config: FaultConfig | None) -> None:
        self._config = config
        seed = config.seed if config else 0
        self._random = random.Random(seed)
        # A generator of their own: bulk jobs leave the n-th request's fate as it was.
        self._jobs = random.Random(f"bulk-{seed}")

    def decide(self) -> FaultDecision:
        config = self._config
        if config is None:
            return FaultDecision()
        # Always draw the same four numbers, so the n-th request gets the same fate for a seed
        # whichever branch the earlier requests took.
        drop_draw = self._random.random()
        status_draw = self._random.random()
        status = config.statuses[self._random.randrange(len(config.statuses))]
        latency = self._random.uniform(*config.latency_ms)
        if drop_draw < config.drop_connection_rate:
            return FaultDecision(drop=True, latency_ms=latency)
        if status_draw < config.rate:
            return FaultDecision(status=status, latency_ms=latency)
        return FaultDecision(latency_ms=latency)

    def decide_job(self) -> str | None:
        """The fault of one bulk upsert's job (`fail`, `partial`), or None."""
        config = self._config
        if config is None:
            return None
        draw = self._jobs.random()
        if draw < config.bulk_fail_rate:
            return JOB_FAIL
        if draw < config.bulk_fail_rate + config.bulk_partial_rate:
            return JOB_PARTIAL
        return None
