"""Create, read, update, delete and upsert of leads, contacts, accounts, deals, activities
and notes: one set of handlers, the record type coming from the URL. A read may side-load
related records (`?include=deals`); `/<entity>/{id}/activities` lists a record's activities.

A route that does not exist for this host or account (leads on the Suite host, lead upserts
without the leads_upsert switch) answers 404 before its body is read, like an unknown route.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from ..models import operations
from ..models.entities import CRM_ENTITIES, NOTES, SALES_ACTIVITIES, Entity
from .common import api_call, json_body, respond

bp = Blueprint("records", __name__)


def create(entity: Entity) -> Response:
    call = api_call()
    operations.check_entity(entity, classic=call.classic)
    record = operations.create(
        call.account, entity, json_body(), now=call.now, classic=call.classic
    )
    codes = call.backend.config.status_codes
    status = codes.create if entity in CRM_ENTITIES else codes.activity_create
    return respond({entity.singular: call.render(record)}, status)


def upsert(entity: Entity) -> Response:
    call = api_call()
    operations.check_upsert(call.account, entity, classic=call.classic)
    record, created = operations.upsert(
        call.account, entity, json_body(), now=call.now, classic=call.classic
    )
    if created:
        status = call.account.variants.upsert_create_status
    else:
        status = call.backend.config.status_codes.upsert_update
    return respond({entity.singular: call.render(record)}, status)


def show(entity: Entity, record_id: int) -> Response:
    call = api_call()
    record, side_loads = operations.show(
        call.account, entity, record_id, request.args.to_dict(), classic=call.classic
    )
    return respond(
        {
            entity.singular: call.render(record),
            **{loaded.plural: call.render_many(records) for loaded, records in side_loads.items()},
        }
    )


def activities(entity: Entity, record_id: int) -> Response:
    call = api_call()
    found = operations.activities(call.account, entity, record_id, classic=call.classic)
    return respond({"activities": call.render_many(found)})


def update(entity: Entity, record_id: int) -> Response:
    call = api_call()
    operations.check_entity(entity, classic=call.classic)
    record = operations.update(
        call.account, entity, record_id, json_body(), now=call.now, classic=call.classic
    )
    return respond({entity.singular: call.render(record)})


def delete(entity: Entity, record_id: int) -> Response:
    call = api_call()
    operations.delete(call.account, entity, record_id, classic=call.classic)
    # Freshsales answers a delete with the JSON `true` (E3, E9).
    return respond(True, call.backend.config.status_codes.delete)


def list_records(entity: Entity) -> Response:
    call = api_call()
    records, meta = operations.page(call.account.store.all(entity), request.args.to_dict())
    return respond({entity.plural: call.render_many(records), "meta": meta})


bp.add_url_rule("/<entity:entity>", "create", create, methods=["POST"])
bp.add_url_rule("/<entity:entity>/upsert", "upsert", upsert, methods=["POST"])
bp.add_url_rule("/<entity:entity>/<int:record_id>", "show", show, methods=["GET"])
bp.add_url_rule("/<entity:entity>/<int:record_id>", "update", update, methods=["PUT"])
bp.add_url_rule("/<entity:entity>/<int:record_id>", "delete", delete, methods=["DELETE"])
# Every record's `links.activities` names this route; its answer's shape is a claim.
bp.add_url_rule("/<entity:entity>/<int:record_id>/activities", "activities", activities)

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
