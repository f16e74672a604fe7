"""Shared HTTP plumbing: roots, the request's account, JSON in and out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from flask import Response, current_app, g, request
from werkzeug.routing import BaseConverter

from ..harness.backend import Backend
from ..models.accounts import Account
from ..models.entities import CRM_ENTITIES, Entity
from ..models.errors import bad_request
from ..models.records import Record
from ..models.rendering import Renderer

CLASSIC_ROOT = "/api"
SUITE_ROOT = "/crm/sales/api"
# The tracking API hangs off the account URL, not the API root: `/track/...` on the classic
# host (CODE), `/crm/sales/track/...` on the Suite host (CLAIM).
CLASSIC_TRACKING = "/track"
SUITE_TRACKING = "/crm/sales/track"
ADMIN_ROOT = "/_fake"
EXTENSION = "fake_freshsales"
INVALID_JSON = "The request body is not valid JSON."
NOT_JSON_MEDIA_TYPE = "Invalid or missing attributes"


def under(path: str, root: str) -> bool:
    return path == root or path.startswith(root + "/")


def is_api_path(path: str) -> bool:
    return under(path, CLASSIC_ROOT) or under(path, SUITE_ROOT)


def is_tracking_path(path: str) -> bool:
    return under(path, CLASSIC_TRACKING) or under(path, SUITE_TRACKING)


def backend() -> Backend:
    found: Backend = current_app.extensions[EXTENSION]
    return found


@dataclass(frozen=True)
class ApiCall:
    """The authenticated account of this request and the host flavour it came through."""

    backend: Backend
    account: Account
    classic: bool

    @property
    def now(self) -> float:
        return self.backend.clock.now()

    @property
    def renderer(self) -> Renderer:
        return Renderer(self.account, self.backend.clock.zone, classic=self.classic)

    def render(self, record: Record) -> dict[str, Any]:
        return self.renderer.one(record)

    def render_many(self, records: list[Record]) -> list[dict[str, Any]]:
        return self.renderer.many(records)


def api_call() -> ApiCall:
    return ApiCall(backend(), g.account, classic=under(request.path, CLASSIC_ROOT))


def json_body() -> Any:
    """The parsed body; an empty body counts as `{}` (Rails reads it as no params) [I].

    The API refuses a body sent as anything but JSON (E3), and [I] so does the tracking API;
    the admin API does not care.
    """
    data = request.get_data(cache=True)
    if not data.strip():
        return {}
    checked = is_api_path(request.path) or is_tracking_path(request.path)
    if checked and request.mimetype != "application/json":
        raise bad_request(NOT_JSON_MEDIA_TYPE)
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        raise bad_request(INVALID_JSON) from None


def respond(payload: Any, status: int = 200) -> Response:
    # Kept for the journal, which records the answer without parsing it back.
    g.payload = payload
    return Response(orjson.dumps(payload), status=status, mimetype="application/json")


class EntityConverter(BaseConverter):
    """`<entity:entity>` matches leads, contacts, sales_accounts and deals."""

    regex = "|".join(entity.plural for entity in CRM_ENTITIES)

    def to_python(self, value: str) -> Entity:
        return next(entity for entity in CRM_ENTITIES if entity.plural == value)

    def to_url(self, value: Entity) -> str:
        return value.plural
