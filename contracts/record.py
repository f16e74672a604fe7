"""Recording: run a named scenario against a server and write one interaction file per step.

Every file goes through `Redactor.write` (see `redact.py`), the one place a recording touches
the disk. Server-generated values get lenient matching rules (ids, timestamps, links, the rate
limit counters), so the recording can be replayed against another account or a fresh fake.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import httpx

from contracts.errors import ContractError
from contracts.jsonpath import Path as JsonPath
from contracts.jsonpath import format_path, parse
from contracts.model import CLASSIC_ROOT, SUITE_ROOT, fill_path, put_values
from contracts.redact import Redactor
from contracts.scenarios import SCENARIOS, Scenario, Step
from contracts.wire import Exchange, auth_headers, origin, send, suite_host
from segment_freshsales.delivery.resolve import Unresolved, pointer
from segment_freshsales.delivery.wire import USER_AGENT

__all__ = ["RecordingError", "record", "scenario_named"]

_PARAM = re.compile(r"\{([a-z_]+)\}")
_DATETIME: Final = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_REQUEST_RULES: Final = {
    "$.request.headers.User-Agent": {
        "match": "regex",
        "regex": r"segment-freshsales/\S+ python-httpx/\S+",
    },
}
_RESPONSE_HEADER_RULES: Final = {
    "Content-Type": {"match": "regex", "regex": r"application/json.*"},
    "X-RateLimit-Limit": {"match": "regex", "regex": r"\d+"},
    "X-RateLimit-Remaining": {"match": "regex", "regex": r"\d+"},
    "X-RateLimit-Reset": {"match": "regex", "regex": r"\d+"},
    "Retry-After": {"match": "regex", "regex": r"\d+"},
}


class RecordingError(Exception):
    """A step got no answer, or one without what the next steps need."""


def scenario_named(name: str) -> Scenario:
    """The scenario called `name`; a ContractError listing the known ones otherwise."""
    if name not in SCENARIOS:
        known = ", ".join(repr(known) for known in sorted(SCENARIOS))
        raise ContractError("--scenario", f"no scenario {name!r} (known: {known})")
    return SCENARIOS[name]


def record(
    base_url: str,
    api_key: str,
    scenario: Scenario,
    out: Path,
    *,
    redact_pii: bool = False,
    today: date | None = None,
) -> list[Path]:
    """Run `scenario` against the server at `base_url` (an origin); the files written.

    ```python
    with FakeFreshsales() as fake:
        record(fake.url, fake.api_key, SCENARIOS["contact lifecycle"], Path("recorded"))
    ```
    """
    root_url = origin(base_url)
    host = suite_host(root_url)
    root = SUITE_ROOT if host else CLASSIC_ROOT
    when = today or datetime.now(UTC).date()
    provenance = {
        "source": f"recorded from {urlsplit(root_url).netloc} on {when}",
        "evidence": ["recorded"],
        # What a real Freshsales answered us is a third party's live recording; any other
        # server (a fake, a proxy) proves nothing about Freshsales.
        "confidence": "inferred" if host is None else "live-third-party",
    }
    redactor = Redactor(api_key, pii=redact_pii)
    out.mkdir(parents=True, exist_ok=True)
    bound: dict[str, Any] = {}
    written = []
    with httpx.Client(base_url=root_url, timeout=30.0) as http:
        for step in scenario.steps:
            from_state = {parse(key): name for key, name in step.from_state.items()}
            body = put_values(step.body, ("request", "body"), from_state, bound)
            headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
            if body is not None:
                headers["Content-Type"] = "application/json"
            try:
                exchange = send(
                    http,
                    step.method,
                    fill_path(root + step.path, bound),
                    query=step.query,
                    headers={**headers, **auth_headers(step.auth, api_key)},
                    body=body,
                )
            except httpx.HTTPError as error:
                raise RecordingError(
                    f"{scenario.name}, step {step.name}: no answer: {type(error).__name__}"
                ) from None
            path = out / f"{scenario.name.replace(' ', '-')}--{step.name}.json"
            redactor.write(
                path, _interaction(scenario, step, root, body, exchange, bound, provenance)
            )
            written.append(path)
            for name, where in step.bind.items():
                try:
                    bound[name] = pointer(exchange.body, where)
                except Unresolved as error:
                    raise RecordingError(
                        f"{scenario.name}, step {step.name}: answered {exchange.status}, {error}"
                        f" (see {path})"
                    ) from None
    return written


def _interaction(
    scenario: Scenario,
    step: Step,
    root: str,
    body: Any,
    exchange: Exchange,
    bound: Mapping[str, Any],
    provenance: Mapping[str, Any],
) -> dict[str, Any]:
    """The interaction file of one step, before redaction (all headers still in)."""
    request: dict[str, Any] = {
        "method": step.method,
        "path": root + step.path,
        "query": dict(step.query),
        "auth": step.auth,
        "headers": dict(exchange.request.headers),
        "body": body,
    }
    response: dict[str, Any] = {
        "status": exchange.status,
        "headers": dict(exchange.headers),
        "body": exchange.body,
    }
    if step.request_schema is not None:
        request["schema"] = step.request_schema
    if step.response_schema is not None:
        response["schema"] = step.response_schema
    rules = {
        **_REQUEST_RULES,
        **{
            f"$.response.headers.{name}": rule
            for name, rule in _RESPONSE_HEADER_RULES.items()
            if name.lower() in exchange.headers
        },
        **_server_rules(exchange.body, ("response", "body")),
        **step.rules,
    }
    return {
        "description": f"{scenario.name}: {step.description}",
        "provider_states": [
            {"name": state.name, "params": _params(state.params, bound)} for state in step.states
        ],
        "request": request,
        "response": response,
        "from_state": dict(step.from_state),
        "matching_rules": rules,
        **provenance,
    }


def _params(params: Mapping[str, Any], bound: Mapping[str, Any]) -> dict[str, Any]:
    """State params with each `"{name}"` replaced by the value bound to `name`."""
    filled = {}
    for key, value in params.items():
        match = _PARAM.fullmatch(value) if isinstance(value, str) else None
        filled[key] = bound[match[1]] if match else value
    return filled


def _server_rules(value: Any, path: JsonPath) -> dict[str, dict[str, Any]]:
    """Lenient rules for what the server makes up: ids, timestamps, links holding ids."""
    rules: dict[str, dict[str, Any]] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            rules.update(_server_rules(item, (*path, key)))
            if key == "id" or key.endswith("_id"):
                if isinstance(item, int) and not isinstance(item, bool):
                    rules[format_path((*path, key))] = {"match": "integer"}
            elif key.endswith("_ids") and isinstance(item, list):
                for index in range(len(item)):
                    rules[format_path((*path, key, index))] = {"match": "integer"}
            elif key == "links" and isinstance(item, dict):
                for name, link in item.items():
                    if isinstance(link, str):
                        pattern = re.sub(r"\d+", r"\\d+", re.escape(link))
                        rules[format_path((*path, key, name))] = {
                            "match": "regex",
                            "regex": pattern,
                        }
    elif isinstance(value, list):
        for index, item in enumerate(value):
            rules.update(_server_rules(item, (*path, index)))
    elif isinstance(value, str) and _DATETIME.match(value):
        rules[format_path(path)] = {"match": "iso_datetime"}
    return rules
