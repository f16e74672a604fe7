"""The admin API under /_fake: reset, state, tracking, journal, accounts, variants, fields,
clock, seed, faults, bulk.

No auth, but only loopback clients are answered (see the pipeline). Admin calls are never
rate-limited, faulted or journaled.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, request

from ..config import AccountConfig, Limits, check_job_seconds
from ..harness.faults import describe, parse_fault_config
from ..models import operations
from ..models.accounts import describe_custom_field
from ..models.entities import ALL_ENTITIES, BY_PLURAL
from ..models.errors import BODY_NOT_OBJECT, bad_request, type_invalid
from ..models.rendering import Renderer
from ..models.validation import is_number
from ..models.variants import VariantError
from ..models.variants import describe as describe_variants
from .common import backend, json_body, respond
from .openapi import build_openapi

bp = Blueprint("admin", __name__)


def _object(allowed: set[str]) -> Mapping[str, Any]:
    body = json_body()
    if not isinstance(body, dict):
        raise bad_request(BODY_NOT_OBJECT)
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise bad_request(f"Unknown setting {unknown[0]}.")
    return body


def _string(body: Mapping[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise bad_request(f"{key} must be a non-empty string.")
    return value


@bp.post("/reset")
def reset() -> Response:
    backend().reset()
    return respond({"reset": True})


@bp.get("/state")
def state() -> Response:
    fake = backend()
    account = fake.account_for_domain(request.args.get("domain"))
    # Rendered as the classic host would, the only one where every record type exists.
    renderer = Renderer(account, fake.clock.zone, classic=True)
    return respond({e.plural: renderer.many(account.store.all(e)) for e in ALL_ENTITIES})


@bp.get("/tracking")
def tracking() -> Response:
    """What the tracking API recorded for the account, per identifier."""
    fake = backend()
    account = fake.account_for_domain(request.args.get("domain"))
    return respond(account.tracking.describe(fake.clock.isoformat))


@bp.get("/journal")
def journal() -> Response:
    status = request.args.get("status")
    if status is not None and not (status.isascii() and status.isdigit()):
        raise bad_request("status must be an integer.")
    entries = backend().journal.entries(
        method=request.args.get("method"),
        path=request.args.get("path"),
        status=int(status) if status is not None else None,
    )
    return respond({"journal": entries})


@bp.post("/accounts")
def add_account() -> Response:
    body = _object({"domain", "api_key", "limits", "variants", "app_token", "tracking_limits"})
    variants = body.get("variants", {})
    if not isinstance(variants, dict):
        raise bad_request(type_invalid("variants"))
    try:
        config = AccountConfig(
            domain=_string(body, "domain"),
            api_key=_string(body, "api_key"),
            limits=_limits(body, "limits"),
            variants=variants,
            app_token=_string(body, "app_token") if "app_token" in body else None,
            tracking_limits=_limits(body, "tracking_limits"),
        )
    except ValueError as error:  # a bad limit, or a VariantError naming the switch
        raise bad_request(str(error)) from None
    account = backend().add_account(config)
    # The key and the token are not repeated: the answer may be printed or logged.
    described = {
        "domain": account.domain,
        "limits": _described_limits(config.limits),
        "tracking_limits": _described_limits(config.tracking_limits),
        "variants": account.variants.as_dict(),
        "user": account.user,
    }
    return respond({"account": described}, 201)


def _limits(body: Mapping[str, Any], key: str) -> Limits:
    limits = body.get(key, {})
    if not isinstance(limits, dict) or set(limits) - {"hourly", "per_minute"}:
        raise bad_request(f"{key} must be an object with hourly and per_minute.")
    return Limits(**limits)


def _described_limits(limits: Limits) -> dict[str, int]:
    return {"hourly": limits.hourly, "per_minute": limits.per_minute}


def _variants(domain: object) -> Response:
    account = backend().account_for_domain(domain)
    return respond({"domain": account.domain, "variants": describe_variants(account.variants)})


@bp.get("/variants")
def variants() -> Response:
    return _variants(request.args.get("domain"))


@bp.post("/variants")
def set_variants() -> Response:
    body = json_body()
    if not isinstance(body, dict):
        raise bad_request(BODY_NOT_OBJECT)
    values = {name: value for name, value in body.items() if name != "domain"}
    account = backend().account_for_domain(body.get("domain"))
    try:
        changed = account.variants.changed(values)
    except VariantError as error:
        raise bad_request(str(error)) from None
    # One assignment, after every value passed: a refused change leaves all switches as they were.
    account.variants = changed
    return _variants(account.domain)


@bp.post("/fields")
def add_field() -> Response:
    body = _object({"domain", "entity", "name", "type", "label", "choices"})
    account = backend().account_for_domain(body.get("domain"))
    field = account.add_custom_field(
        body.get("entity"),
        body.get("name"),
        body.get("type"),
        body.get("label"),
        body.get("choices"),
    )
    return respond({"field": describe_custom_field(field, BY_PLURAL[body["entity"]])}, 201)


@bp.post("/activity-types")
def add_activity_type() -> Response:
    body = _object({"domain", "name"})
    account = backend().account_for_domain(body.get("domain"))
    return respond(
        {"sales_activity_type": account.selectors.add_activity_type(body.get("name"))}, 201
    )


def _clock() -> dict[str, Any]:
    clock = backend().clock
    now = clock.now()
    return {"now": clock.isoformat(now), "epoch": now}


@bp.get("/clock")
def clock() -> Response:
    return respond(_clock())


@bp.post("/clock")
def advance_clock() -> Response:
    body = _object({"advance"})
    seconds = body.get("advance")
    if not is_number(seconds) or seconds < 0:
        raise bad_request("advance must be a number of seconds, 0 or more.")
    backend().clock.advance(seconds)
    return respond(_clock())


@bp.post("/seed")
def seed() -> Response:
    fake = backend()
    data = json_body()
    domain = data.get("domain") if isinstance(data, dict) else None
    account = fake.account_for_domain(domain)
    created = operations.seed(account, data, now=fake.clock.now())
    renderer = Renderer(account, fake.clock.zone, classic=True)
    return respond({e.plural: renderer.many(records) for e, records in created.items()}, 201)


def _faults() -> Response:
    config = backend().faults.config
    return respond({"faults": describe(config) if config else None})


@bp.get("/faults")
def faults() -> Response:
    return _faults()


@bp.post("/faults")
def set_faults() -> Response:
    backend().faults.configure(parse_fault_config(json_body()))
    return _faults()


@bp.delete("/faults")
def clear_faults() -> Response:
    backend().faults.configure(None)
    return _faults()


def _bulk() -> Response:
    return respond({"bulk": {"job_seconds": backend().bulk.delay}})


@bp.get("/bulk")
def bulk() -> Response:
    return _bulk()


@bp.post("/bulk")
def set_bulk() -> Response:
    """Set how long a bulk job waits on the fake clock; jobs already queued keep their time."""
    body = _object({"job_seconds"})
    try:
        seconds = check_job_seconds(body.get("job_seconds"), "job_seconds")
    except ValueError as error:
        raise bad_request(str(error)) from None
    backend().bulk.delay = seconds
    return _bulk()


@bp.get("/openapi.json")
def openapi() -> Response:
    return respond(build_openapi(backend().config.status_codes))
