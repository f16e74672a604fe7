"""Provider side: replay each interaction against a server and check the answer it gets.

Against the in-process fake (`verify_provider`), each interaction starts from a reset fake,
set to the interaction's variants and put in its provider states through the admin API.
Against a live server (`verify_live`), variants and states are set only when the server has
that admin API (a `fake-freshsales serve`); otherwise interactions that need them are skipped
and say so (a real account answers one way or the other: `probe` measures which), and those
that write are skipped unless allowed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import httpx

from contracts import jsonschemas
from contracts.matching import NO_RULES, Difference, Rules, compare, compare_named
from contracts.model import Interaction, fill_path, load_interactions, put_values, spell_variants
from contracts.report import Result
from contracts.states import StateError, set_states
from contracts.wire import Exchange, auth_headers, origin, send, suite_host
from fake_freshsales import AccountConfig, AdminClient, AdminError, FakeConfig, create_app

__all__ = ["DEFAULT_KEY", "verify_live", "verify_provider"]

DEFAULT_KEY: Final = "contract-provider-key"
_IN_PROCESS: Final = "http://fake.test"
_TIMEOUT: Final = 30.0
_BODY: Final = ("response", "body")


def verify_provider(
    config: FakeConfig | None = None, *, interactions: Sequence[Interaction] | None = None
) -> list[Result]:
    """Check every interaction against an in-process fake built from `config`.

    ```python
    results = verify_provider(FakeConfig(status_codes=StatusCodes(create=201)))
    [r.name for r in results if r.failed]      # the interactions that notice
    ```
    """
    config = config or FakeConfig(accounts=(AccountConfig(domain="acme", api_key=DEFAULT_KEY),))
    transport = httpx.WSGITransport(app=create_app(config))
    with (
        httpx.Client(transport=transport, base_url=_IN_PROCESS) as http,
        AdminClient(_IN_PROCESS, transport=transport) as admin,
    ):
        return [
            _check(http, admin, config.accounts[0].api_key, interaction, drift=False)
            for interaction in (load_interactions() if interactions is None else interactions)
        ]


def verify_live(
    base_url: str,
    api_key: str,
    *,
    allow_writes: bool = False,
    interactions: Sequence[Interaction] | None = None,
    transport: httpx.BaseTransport | None = None,
) -> list[Result]:
    """Check the interactions against the server at `base_url` (an origin), noting drift.

    `transport` replaces the network (an `httpx.WSGITransport`, a proxy's transport).
    """
    root = origin(base_url)
    suite = suite_host(root)
    with (
        httpx.Client(base_url=root, timeout=_TIMEOUT, transport=transport) as http,
        AdminClient(root, transport=transport, timeout=_TIMEOUT) as client,
    ):
        admin = client if _has_admin(client) else None
        results = []
        for interaction in load_interactions() if interactions is None else interactions:
            reason = _skip_reason(interaction, suite, admin is not None, allow_writes)
            if reason is None:
                results.append(_check(http, admin, api_key, interaction, drift=True))
            else:
                results.append(_result(interaction, "skipped", note=reason))
        return results


def _has_admin(admin: AdminClient) -> bool:
    """Whether the server is a fake with its admin API (a real Freshsales answers 404)."""
    try:
        return "now" in admin.clock()
    except AdminError:
        return False


def _skip_reason(
    interaction: Interaction, suite: bool | None, admin: bool, allow_writes: bool
) -> str | None:
    if suite is not None and suite != interaction.suite:
        return f"{'Suite' if interaction.suite else 'classic'} root; the server is not"
    if interaction.variants and not admin:
        return f"holds when {spell_variants(interaction.variants)}"
    if interaction.states and not admin:
        return (
            f"provider state '{interaction.states[0].name}' cannot be set on a live server "
            "(no /_fake admin API)"
        )
    if interaction.writes and not allow_writes:
        return "writes (add --allow-writes)"
    return None


def _result(interaction: Interaction, status: str, **details: Any) -> Result:
    return Result(
        interaction.name,
        "provider",
        status,
        file=interaction.file,
        description=interaction.description,
        **details,
    )


def _check(
    http: httpx.Client,
    admin: AdminClient | None,
    api_key: str,
    interaction: Interaction,
    *,
    drift: bool,
) -> Result:
    """Replay one interaction; `admin` is None on a server without the fake's admin API, where
    interactions that need variants or states were skipped already."""
    values: dict[str, Any] = {}
    try:
        if admin is not None:
            admin.reset()
            if interaction.variants:
                admin.set_variants(interaction.variants)
            values = set_states(http, admin, api_key, interaction.states)
    except (StateError, AdminError) as error:
        return _result(interaction, "failed", note=str(error))
    request = interaction.request
    headers = {**request.headers, **auth_headers(request.auth, values.get("api_key", api_key))}
    try:
        exchange = send(
            http,
            request.method,
            fill_path(request.path, values),
            query=request.query,
            headers=headers,
            body=put_values(request.body, ("request", "body"), interaction.from_state, values),
        )
    except httpx.HTTPError as error:
        return _result(interaction, "failed", note=f"no answer: {type(error).__name__}: {error}")
    expected = put_values(interaction.response.body, _BODY, interaction.from_state, values)
    found = _differences(interaction, exchange, interaction.rules, expected)
    result = _result(interaction, "failed" if found else "ok", differences=found)
    if drift:
        # Against the recording itself: every value that changed, rule or no rule.
        breaking = {difference.path for difference in found}
        result.drift = [
            (difference, difference.path not in breaking)
            for difference in _differences(
                interaction, exchange, NO_RULES, interaction.response.body
            )
        ]
    return result


def _differences(
    interaction: Interaction, exchange: Exchange, rules: Rules, expected_body: Any
) -> list[Difference]:
    """How the answer differs from the recorded response: status, headers, body, schema."""
    response = interaction.response
    found: list[Difference] = []
    if exchange.status != response.status:
        found.append(
            Difference(
                "$.response.status", "value", f"expected {response.status}, got {exchange.status}"
            )
        )
    found += compare_named(response.headers, exchange.headers, ("response", "headers"), rules)
    found += [
        Difference(f"$.response.headers.{name}", "unexpected", "header not expected")
        for name in response.absent_headers
        if name in exchange.headers
    ]
    found += compare(expected_body, exchange.body, _BODY, rules, extra_keys=True)
    if response.schema is not None and exchange.status == response.status:
        found += jsonschemas.violations(response.schema, exchange.body, _BODY)
    return found
