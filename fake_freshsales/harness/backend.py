"""Every account plus the clock, journal and faults they share; reset returns to the config."""

from __future__ import annotations

import hmac
import threading
from pathlib import Path
from typing import Any

import orjson

from ..config import AccountConfig, FakeConfig
from ..models import operations
from ..models.accounts import Account
from ..models.bulk import BulkQueue
from ..models.errors import ApiError, bad_request
from .clock import FakeClock
from .faults import FaultInjector
from .journal import Journal

__all__ = ["Backend"]


def _read_seed(path: Path | None) -> Any:
    if path is None:
        return None
    try:
        return orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as error:
        raise ValueError(f"cannot read seed file {path}: {error}") from error


class Backend:
    """The fake's whole state. `lock` serialises every change: concurrent upserts of one email
    must leave one record, as they do on the real service."""

    def __init__(self, config: FakeConfig) -> None:
        self.config = config
        self.lock = threading.RLock()
        self.clock = FakeClock(
            config.clock_start,
            ticks=config.clock_ticks,
            utc_offset_minutes=config.utc_offset_minutes,
        )
        self.journal = Journal(config.journal_size)
        self.faults = FaultInjector(config.faults)
        self._seed = _read_seed(config.seed_file)
        self._accounts: list[Account] = []
        self.bulk = BulkQueue(config.bulk_job_seconds)
        try:
            self.reset()
        except ApiError as error:
            raise ValueError(f"invalid configuration: {'; '.join(error.messages)}") from error

    def reset(self) -> None:
        """Back to the config: its accounts (with their configured variants), no bulk jobs, the
        clock, journal and faults as they started, then the seed file."""
        with self.lock:
            self._accounts = []
            self.bulk = BulkQueue(self.config.bulk_job_seconds)
            self.clock.reset()
            self.journal.clear()
            self.faults.configure(self.config.faults)
            for account in self.config.accounts:
                self.add_account(account)
            if self._seed is not None:
                target = self._seed.get("domain") if isinstance(self._seed, dict) else None
                operations.seed(self.account_for_domain(target), self._seed, now=self.clock.now())

    def run_due_jobs(self) -> None:
        """Run the bulk jobs the clock has reached; called before any request reads state."""
        with self.lock:
            self.bulk.run_due(self.clock.now())

    def add_account(self, config: AccountConfig) -> Account:
        with self.lock:
            if any(account.domain == config.domain for account in self._accounts):
                raise bad_request("Domain has already been taken")
            if any(account.config.api_key == config.api_key for account in self._accounts):
                raise bad_request("API key has already been taken")
            if config.app_token is not None and any(
                account.config.app_token == config.app_token for account in self._accounts
            ):
                raise bad_request("Application token has already been taken")
            account = Account(config, index=len(self._accounts))
            self._accounts.append(account)
            return account

    def account_for_key(self, key: str) -> Account | None:
        wanted = key.encode()
        with self.lock:
            for account in self._accounts:
                # Constant-time comparison: the fake should not teach a timing side channel.
                if hmac.compare_digest(account.config.api_key.encode(), wanted):
                    return account
        return None

    def account_for_app_token(self, token: str) -> Account | None:
        """The account whose tracking API takes this application token."""
        wanted = token.encode()
        with self.lock:
            for account in self._accounts:
                known = account.config.app_token
                if known is not None and hmac.compare_digest(known.encode(), wanted):
                    return account
        return None

    def account_for_domain(self, domain: object) -> Account:
        """The named account, or the first configured one when no domain is given."""
        with self.lock:
            if domain is None:
                return self._accounts[0]
            for account in self._accounts:
                if account.domain == domain:
                    return account
        raise ApiError(404, f"Unknown domain {domain}.")
