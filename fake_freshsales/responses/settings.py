"""GET /settings/<entity>/fields: standard and custom field definitions."""

from __future__ import annotations

from flask import Blueprint, Response

from ..models.entities import Entity
from ..models.operations import check_entity
from .common import api_call, respond

bp = Blueprint("settings", __name__)


@bp.get("/settings/<entity:entity>/fields")
def fields(entity: Entity) -> Response:
    call = api_call()
    check_entity(entity, classic=call.classic)
    return respond({"fields": call.account.field_definitions(entity)})
