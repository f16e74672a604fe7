"""Create, read, update, delete and upsert of leads, contacts, accounts, deals, activities
and notes: one set of handlers, the record type coming from the URL."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ..models import operations
from ..models.entities import NOTES, SALES_ACTIVITIES, Entity
from .common import api_call, json_body, no_content, respond

bp = Blueprint("records", __name__)


def create(entity: Entity) -> Response:
    call = api_call()
    record = operations.create(
        call.account, entity, json_body(), now=call.now, classic=call.classic
    )
    status = call.backend.config.status_codes.create
    return respond({entity.singular: call.render(record)}, status)


def upsert(entity: Entity) -> Response:
    call = api_call()
    record, created = operations.upsert(
        call.account, entity, json_body(), now=call.now, classic=call.classic
    )
    codes = call.backend.config.status_codes
    status = codes.upsert_create if created else codes.upsert_update
    return respond({entity.singular: call.render(record)}, status)


def show(entity: Entity, record_id: int) -> Response:
    call = api_call()
    record = operations.get(call.account, entity, record_id, classic=call.classic)
    return respond({entity.singular: call.render(record)})


def update(entity: Entity, record_id: int) -> Response:
    call = api_call()
    record = operations.update(
        call.account, entity, record_id, json_body(), now=call.now, classic=call.classic
    )
    return respond({entity.singular: call.render(record)})


def delete(entity: Entity, record_id: int) -> Response:
    call = api_call()
    operations.delete(call.account, entity, record_id, classic=call.classic)
    return no_content(call.backend.config.status_codes.delete)


def list_records(entity: Entity) -> Response:
    call = api_call()
    records, meta = operations.page(call.account.store.all(entity), request.args.to_dict())
    return respond({entity.plural: call.render_many(records), "meta": meta})


bp.add_url_rule("/<entity:entity>", "create", create, methods=["POST"])
bp.add_url_rule("/<entity:entity>/upsert", "upsert", upsert, methods=["POST"])
bp.add_url_rule("/<entity:entity>/<int:record_id>", "show", show, methods=["GET"])
bp.add_url_rule("/<entity:entity>/<int:record_id>", "update", update, methods=["PUT"])
bp.add_url_rule("/<entity:entity>/<int:record_id>", "delete", delete, methods=["DELETE"])

# Sales activities and notes share the handlers; only the routes that exist are declared.
_ACTIVITIES = {"entity": SALES_ACTIVITIES}
_ACTIVITY = "/sales_activities/<int:record_id>"
bp.add_url_rule(
    "/sales_activities", "create_activity", create, methods=["POST"], defaults=_ACTIVITIES
)
bp.add_url_rule("/sales_activities", "list_activities", list_records, defaults=_ACTIVITIES)
bp.add_url_rule(_ACTIVITY, "show_activity", show, defaults=_ACTIVITIES)
bp.add_url_rule(_ACTIVITY, "update_activity", update, methods=["PUT"], defaults=_ACTIVITIES)
bp.add_url_rule(_ACTIVITY, "delete_activity", delete, methods=["DELETE"], defaults=_ACTIVITIES)
bp.add_url_rule("/notes", "create_note", create, methods=["POST"], defaults={"entity": NOTES})
