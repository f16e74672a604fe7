"""The checks that write nothing: the key itself, the 401 body, the reset header's unit, lookup by
external_id, and whether the leads upsert route exists."""

from __future__ import annotations

from contracts.probe.observation import Observation, missed, seen, unexpected
from contracts.probe.session import EPOCH_FLOOR, Answer, ProbeError, Session

__all__ = [
    "auth_error_body",
    "check_key",
    "leads_upsert",
    "lookup_external_id",
    "reset_unit",
]

OWNERS = "/selector/owners"


def check_key(session: Session) -> Answer:
    """`GET /selector/owners` with the key: its answer (the owners and rate headers), or
    ProbeError when the key or the API root is refused."""
    answer = session.api("GET", OWNERS)
    if answer.status == 401:
        raise ProbeError(f"the account refused the key (401 on GET {answer.path})")
    if not answer.ok:
        hint = " (is the API root right? see --api-root)" if answer.status == 404 else ""
        said = answer.message()
        raise ProbeError(
            f"GET {answer.path} answered {answer.status}{hint}" + (f": {said}" if said else "")
        )
    return answer


def auth_error_body(session: Session) -> Observation:
    """A deliberately wrong key: which body shape the 401 has."""
    fact = "auth_error_body"
    answer = session.api("GET", OWNERS, wrong_key=True)
    if answer.status != 401:
        return unexpected(fact, answer, "a wrong key")
    body = answer.body
    if isinstance(body, dict) and "login" in body:
        return seen(fact, "login")
    if isinstance(body, dict) and "errors" in body:
        return seen(fact, "errors")
    return missed(fact, f"unexpected 401 body: {answer.message() or 'empty'}")


def reset_unit(answer: Answer) -> Observation:
    """`X-RateLimit-Reset` of an answer: a count of seconds, or an epoch second."""
    fact = "reset_unit"
    text = answer.headers.get("X-RateLimit-Reset")
    if text is None:
        return missed(fact, "n/a: no X-RateLimit-Reset header")
    try:
        value = int(text)
    except ValueError:
        return missed(fact, f"unexpected X-RateLimit-Reset {text!r}")
    return seen(fact, "epoch" if value > EPOCH_FLOOR else "seconds")


def lookup_external_id(session: Session, probe_value: str) -> Observation:
    """`GET /lookup?f=external_id`: served (200, nobody found) or refused (400)."""
    fact = "lookup_external_id"
    query = {"q": probe_value, "f": "external_id", "entities": "contact"}
    answer = session.api("GET", "/lookup", query=query)
    if answer.status in (200, 400):
        return seen(fact, answer.status == 200)
    return unexpected(fact, answer)


def leads_upsert(session: Session) -> Observation:
    """`POST /leads/upsert` with an empty body: 404 means no such route; any other refusal
    means the route exists (an empty body upserts nothing)."""
    fact = "leads_upsert"
    if session.suite:
        return missed(fact, "n/a: no leads on Suite")
    answer = session.api("POST", "/leads/upsert", body={})
    if answer.status == 404:
        return seen(fact, False)
    if answer.status >= 500 or answer.status in (401, 429):
        return unexpected(fact, answer)
    return seen(fact, True)
