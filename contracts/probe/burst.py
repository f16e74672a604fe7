"""`retry_after`: whether a 429 carries `Retry-After`, read off any 429 the probe met, or off
one it provokes on purpose (`--allow-burst`) by spending the rest of the current budget."""

from __future__ import annotations

from typing import Final

from contracts.probe.observation import Observation, missed, seen, surprise
from contracts.probe.reads import OWNERS
from contracts.probe.session import Session

__all__ = ["BURST_CEILING", "retry_after"]

# The most requests a burst may spend: above this the budget it would exhaust is likely the
# hourly one, which would stop the account's integrations for up to an hour.
BURST_CEILING: Final = 500
# Allowance for requests counted differently (or by others) than the header said.
_SLACK: Final = 10


def retry_after(session: Session, *, allow_burst: bool) -> Observation:
    fact = "retry_after"
    if not session.throttles:
        if not allow_burst:
            return missed(fact, "needs --allow-burst (no 429 met)")
        reason = _burst(session)
        if reason is not None:
            return missed(fact, reason)
    if all(session.throttles):
        return seen(fact, True)
    if not any(session.throttles):
        return seen(fact, False)
    return missed(fact, "unexpected: Retry-After on some 429 answers only")


def _burst(session: Session) -> str | None:
    """Cheap GETs until the first 429; why not, when no 429 came or the burst was refused."""
    text = session.rate.get("X-RateLimit-Remaining") if session.rate is not None else None
    if text is None or not text.isdigit():
        return "n/a: no X-RateLimit-Remaining header to size the burst by"
    remaining = int(text)
    if remaining > BURST_CEILING:
        return f"n/a: the burst would spend {remaining} requests (more than {BURST_CEILING})"
    for _ in range(remaining + _SLACK):
        answer = session.api("GET", OWNERS, wait_out_throttling=False)
        if answer.status == 429:
            return None
        if not answer.ok:
            return surprise(answer, "the burst")
    return f"n/a: no 429 after {remaining + _SLACK} requests"
