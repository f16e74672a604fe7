"""`probe`: every check against one account, in an order that keeps the account usable: reads,
then writes (each cleaning up after itself), then the burst that spends the rate budget."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from contracts.errors import ContractError
from contracts.probe import reads
from contracts.probe.burst import retry_after
from contracts.probe.observation import Observation, missed
from contracts.probe.session import ProbeError, Session, api_root
from contracts.probe.tracking import tracking_api
from contracts.probe.writes import WRITE_FACTS, write_checks
from fake_freshsales.models.variants import VARIANT_NAMES

__all__ = ["ProbeReport", "probe"]


@dataclass(frozen=True)
class ProbeReport:
    """One observation per switch, in the switches' order, and the test records left behind."""

    observations: tuple[Observation, ...]
    leftovers: tuple[str, ...] = ()

    def profile(self) -> dict[str, Any]:
        """The observed switches, as `fake-freshsales serve --profile FILE` loads them."""
        return {o.fact: o.value for o in self.observations if o.observed}

    def disagreements(self) -> list[str]:
        return [o.fact for o in self.observations if o.agrees is False]


def probe(
    base_url: str,
    api_key: str,
    *,
    api_root: str | None = None,
    allow_writes: bool = False,
    allow_burst: bool = False,
    transport: httpx.BaseTransport | None = None,
    timeout: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
    bulk_timeout: float = 60.0,
    app_token: str | None = None,
) -> ProbeReport:
    """Observe each switch of `fake_freshsales.models.variants` on the account at `base_url`.

    ```python
    report = probe("https://acme.myfreshworks.com", key, allow_writes=True)
    report.profile()          # {"auth_error_body": "login", ...}: a --profile for the fake
    ```

    `api_root` overrides the root the host implies (`/crm/sales/api` on Suite hosts, else
    `/api`); `transport` replaces the network (an `httpx.WSGITransport` of the fake); `sleep`
    waits out a 429 and paces the bulk job's polls, for at most `bulk_timeout` seconds;
    `app_token` (with `allow_writes`) lets it post one event to the tracking API.
    ContractError for a bad URL or root; ProbeError when the account cannot be reached or
    refuses the key.
    """
    root = _root(base_url, api_root)
    session = Session(
        base_url, api_key, root=root, transport=transport, timeout=timeout, sleep=sleep
    )
    leftovers: list[str] = []
    try:
        found = _observe(
            session, leftovers, allow_writes, allow_burst, sleep, bulk_timeout, app_token
        )
    except ProbeError as error:
        raise ProbeError(str(error), tuple(leftovers)) from None
    finally:
        session.close()
    return ProbeReport(tuple(found[name] for name in VARIANT_NAMES), tuple(leftovers))


def _root(base_url: str, given: str | None) -> str:
    if given is None:
        return api_root(base_url)
    root = given.rstrip("/")
    if not root.startswith("/") or "?" in root or "#" in root:
        raise ContractError("--api-root", f"expected a path such as /api, got {given!r}")
    return root


def _observe(
    session: Session,
    leftovers: list[str],
    allow_writes: bool,
    allow_burst: bool,
    sleep: Callable[[float], None],
    bulk_timeout: float,
    app_token: str | None,
) -> dict[str, Observation]:
    owners = reads.check_key(session)
    observations = [
        reads.reset_unit(owners),
        reads.auth_error_body(session),
        reads.lookup_external_id(session, f"segment-freshsales-probe-{secrets.token_hex(6)}"),
        reads.leads_upsert(session),
    ]
    if allow_writes:
        observations += write_checks(
            session, owners, leftovers, sleep=sleep, bulk_timeout=bulk_timeout
        )
    else:
        observations += [missed(fact, "needs --allow-writes") for fact in WRITE_FACTS]
    observations.append(tracking_api(session, app_token, allow_writes=allow_writes))
    # Last: a burst leaves the account without budget until its window resets.
    observations.append(retry_after(session, allow_burst=allow_burst))
    return {o.fact: o for o in observations}
