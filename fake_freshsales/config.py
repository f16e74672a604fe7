"""Configuration of the fake: accounts, limits, faults, clock and the tunable answers."""

from __future__ import annotations

import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .models.variants import Variants

__all__ = [
    "AccountConfig",
    "CustomFieldSpec",
    "FakeConfig",
    "FaultConfig",
    "Limits",
    "StatusCodes",
    "check_job_seconds",
]


@dataclass(frozen=True)
class Limits:
    """An account's request budgets, counted in fixed windows of the fake clock."""

    hourly: int = 1000
    per_minute: int = 400

    def __post_init__(self) -> None:
        for name, value in (("hourly", self.hourly), ("per_minute", self.per_minute)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} limit must be a positive integer, got {value!r}")


@dataclass(frozen=True)
class CustomFieldSpec:
    """A custom field an account starts with (`entity` is a plural such as "contacts")."""

    entity: str
    name: str
    type: str
    label: str | None = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class AccountConfig:
    """One Freshsales account: its key picks it, its domain names it."""

    domain: str
    api_key: str
    limits: Limits = field(default_factory=Limits)
    custom_fields: tuple[CustomFieldSpec, ...] = ()
    activity_types: tuple[str, ...] = ()
    # The uncertain facts this account follows (see fake_freshsales.models.variants); the
    # switches not named keep their defaults. A VariantError names a wrong name or value.
    variants: Mapping[str, Any] = field(default_factory=dict)
    # The application token of the tracking API (`/track/...`): it picks the account as the
    # API key does for the REST API. None: no tracking request reaches this account.
    app_token: str | None = None
    # [I] The tracking API's limits are unknown: a budget of its own, the REST numbers.
    tracking_limits: Limits = field(default_factory=Limits)

    def __post_init__(self) -> None:
        Variants.from_mapping(self.variants)
        if self.app_token is not None and (
            not isinstance(self.app_token, str) or not self.app_token.strip()
        ):
            raise ValueError("app_token must be a non-empty string")

    def __repr__(self) -> str:
        # The key and the token are credentials: keep them out of reprs, logs and tracebacks.
        token = None if self.app_token is None else "***"
        return (
            f"AccountConfig(domain={self.domain!r}, api_key='***', app_token={token!r}, "
            f"limits={self.limits!r}, variants={dict(self.variants)!r})"
        )


@dataclass(frozen=True)
class FaultConfig:
    """Random faults on API routes, reproducible for a given seed."""

    rate: float = 0.0
    statuses: tuple[int, ...] = (500,)
    latency_ms: tuple[int, int] = (0, 0)
    drop_connection_rate: float = 0.0
    seed: int = 0
    # Bulk upsert jobs that fail (every item refused) or half-fail (every second item refused),
    # drawn once per `POST /<entity>/bulk_upsert` from a generator of their own.
    bulk_fail_rate: float = 0.0
    bulk_partial_rate: float = 0.0


@dataclass(frozen=True)
class StatusCodes:
    """Success statuses of the write routes whose answer the evidence settles (create and
    delete: 200, LIVE-3P; an upsert that updates: 200). An upsert that creates is the
    `upsert_create_status` variant instead.

    Test-only switch: a contract test sets e.g. `StatusCodes(create=201)` to break one rule of
    the fake on purpose and prove that the contract checker notices.
    """

    create: int = 200
    # [I] Creating a sales activity or a note: E3 saw 201 for its closest siblings.
    activity_create: int = 201
    upsert_update: int = 200
    delete: int = 200


def check_job_seconds(seconds: object, name: str = "bulk_job_seconds") -> float:
    """A bulk job's delay: a finite number of seconds, 0 or more; else a ValueError naming it."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise ValueError(f"{name} must be a number, got {seconds!r}")
    if not 0 <= seconds < math.inf:
        raise ValueError(f"{name} must be finite and 0 or more, got {seconds!r}")
    return float(seconds)


def _default_accounts() -> tuple[AccountConfig, ...]:
    return (
        AccountConfig(
            domain="acme",
            api_key=secrets.token_urlsafe(24),
            app_token=secrets.token_urlsafe(24),
        ),
    )


@dataclass(frozen=True)
class FakeConfig:
    """Everything `create_app` needs; `POST /_fake/reset` returns to exactly this state.

    The first account is the default one (used by the admin API when no domain is given).

    ```python
    config = FakeConfig(accounts=(AccountConfig(domain="acme", api_key="k"),))
    app = create_app(config)
    ```
    """

    accounts: tuple[AccountConfig, ...] = field(default_factory=_default_accounts)
    journal_size: int = 1000
    faults: FaultConfig | None = None
    seed_file: Path | None = None
    clock_start: datetime = datetime(2026, 1, 1, tzinfo=UTC)
    # A ticking clock follows real time (plus any advance); a frozen one moves only when told.
    clock_ticks: bool = False
    utc_offset_minutes: int = 0
    status_codes: StatusCodes = field(default_factory=StatusCodes)
    # How long a queued bulk upsert waits on the fake clock before it runs [I].
    bulk_job_seconds: float = 2.0

    def __post_init__(self) -> None:
        if not self.accounts:
            raise ValueError("FakeConfig needs at least one account")
        if self.journal_size < 1:
            raise ValueError("journal_size must be at least 1")
        check_job_seconds(self.bulk_job_seconds)
