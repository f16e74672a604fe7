"""Conformance: every request a client sends must have the shape of a recorded interaction.

`ConformanceTransport` wraps the httpx transport a client uses and checks each request against
the request shapes of the successful interactions: method, path (ids normalised), query keys
and values, headers present, and the body against the interaction's request schema and matching
rules. Error interactions are left out: their requests are ones a client must not send (no
envelope, a wrong type) or share the shape of a success. A request that matches none is kept
with its closest interaction and the fields that differ (WireMock's near miss), and
`assert_conforms()` fails with that report:

```python
transport = ConformanceTransport(httpx.WSGITransport(app=create_app(config)))
client = Client(settings, transport=transport)
...
transport.assert_conforms()
```
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import httpx

from contracts import jsonschemas
from contracts.matching import Difference, apply_rules, compare_named
from contracts.model import Interaction, load_interactions, normalise_path

__all__ = ["ConformanceTransport", "Miss", "check_request"]

_TOKEN: Final = re.compile(r"Token token=\S+")
# How far apart a request is from an interaction: another route counts more than a field.
_ROUTE_WEIGHT: Final = 5


@dataclass(frozen=True)
class Miss:
    """A request that matches no interaction, its closest interaction and how they differ."""

    method: str
    url: str
    closest: Interaction
    differences: tuple[Difference, ...]

    def __str__(self) -> str:
        lines = [
            f"{self.method} {self.url} matches no recorded interaction; closest: "
            f"{self.closest.name} ({self.closest.file})"
        ]
        lines += [f"  {difference}" for difference in self.differences]
        return "\n".join(lines)


def _body(request: httpx.Request) -> Any:
    content = request.read()
    if not content:
        return None
    try:
        return json.loads(content)
    except ValueError:
        return content.decode("utf-8", errors="replace")


def _differences(
    shape: Interaction, request: httpx.Request, query: Mapping[str, str], body: Any
) -> list[Difference]:
    expected = shape.request
    found: list[Difference] = []
    if request.method != expected.method:
        found.append(
            Difference(
                "$.request.method", "value", f"expected {expected.method}, got {request.method}"
            )
        )
    if normalise_path(request.url.path) != normalise_path(expected.path):
        found.append(
            Difference(
                "$.request.path", "value", f"expected {expected.path}, got {request.url.path}"
            )
        )
    found += compare_named(expected.query, query, ("request", "query"), shape.rules)
    found += [
        Difference(f"$.request.query.{key}", "unexpected", "query parameter not recorded")
        for key in query
        if key not in expected.query
    ]
    found += compare_named(expected.headers, request.headers, ("request", "headers"), shape.rules)
    authorization = request.headers.get("Authorization", "")
    if expected.auth == "api_key" and not _TOKEN.fullmatch(authorization):
        found.append(
            Difference("$.request.headers.Authorization", "missing", "expected Token token=<key>")
        )
    if expected.schema is None:
        if body is not None:
            found.append(Difference("$.request.body", "unexpected", "no body expected"))
    else:
        found += jsonschemas.violations(expected.schema, body, ("request", "body"))
        found += apply_rules(body, ("request", "body"), shape.rules)
    return found


def _distance(differences: Sequence[Difference]) -> int:
    route = {"$.request.method", "$.request.path"}
    return sum(_ROUTE_WEIGHT if d.path in route else 1 for d in differences)


def check_request(request: httpx.Request, shapes: Sequence[Interaction]) -> Miss | None:
    """None when `request` has the shape of one of `shapes`; else its near miss."""
    if len(request.url.params.multi_items()) != len(request.url.params):
        query: Mapping[str, str] = {}
        repeated = [Difference("$.request.query", "unexpected", "a query parameter repeats")]
    else:
        query, repeated = dict(request.url.params), []
    body = _body(request)
    route = (request.method, normalise_path(request.url.path))
    # Interactions of the request's own route first: the common case ends there.
    ordered = sorted(shapes, key=lambda shape: shape.request.route != route)
    scored: list[tuple[int, int, Interaction, list[Difference]]] = []
    for index, shape in enumerate(ordered):
        found = repeated + _differences(shape, request, query, body)
        if not found:
            return None
        scored.append((_distance(found), index, shape, found))
    if not scored:
        raise ValueError("no successful interaction to check requests against")
    _, _, closest, found = min(scored, key=lambda item: item[:2])
    return Miss(request.method, str(request.url), closest, tuple(found))


class ConformanceTransport(httpx.BaseTransport):
    """An httpx transport that checks each request (see the module doc), then sends it on."""

    def __init__(
        self, transport: httpx.BaseTransport, interactions: Sequence[Interaction] | None = None
    ) -> None:
        recorded = load_interactions() if interactions is None else interactions
        self._transport = transport
        self._shapes = [interaction for interaction in recorded if interaction.succeeds]
        self.checked = 0
        self.misses: list[Miss] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.checked += 1
        miss = check_request(request, self._shapes)
        if miss is not None:
            self.misses.append(miss)
        return self._transport.handle_request(request)

    def close(self) -> None:
        self._transport.close()

    def assert_conforms(self) -> None:
        """Raise AssertionError listing every request that matched no interaction."""
        if self.misses:
            report = "\n".join(str(miss) for miss in self.misses)
            raise AssertionError(
                f"{len(self.misses)} of {self.checked} requests matched no recorded "
                f"interaction:\n{report}"
            )
