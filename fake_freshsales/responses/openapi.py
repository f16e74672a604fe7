"""The OpenAPI 3 document of the fake's Freshsales routes, built from the same field tables
the fake validates with, so the two cannot drift apart.

Where an answer depends on a switch of the account (`fake_freshsales.models.variants`), every
answer the switch allows is documented, and the `x-fake-variants` extension lists the switches
with their defaults."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..config import StatusCodes
from ..models.bulk import MAX_ITEMS
from ..models.entities import (
    CRM_ENTITIES,
    DEALS,
    LEADS,
    NOTES,
    SALES_ACCOUNTS,
    SALES_ACTIVITIES,
    Entity,
)
from ..models.fields import Field, Kind
from ..models.operations import LOOKUP_KEYS, PER_PAGE_MAX
from ..models.search import SEARCHABLE
from ..models.selectors import NAMES as SELECTOR_NAMES
from ..models.tracking import TRACKING_KINDS
from ..models.variants import SPECS, Variants, describe
from .common import CLASSIC_ROOT, CLASSIC_TRACKING, SUITE_ROOT, SUITE_TRACKING

__all__ = ["build_openapi"]

Schema = dict[str, Any]

_ERRORS_REF = {"$ref": "#/components/schemas/Errors"}
_RATE_HEADERS = {
    name: {"required": True, "schema": {"type": "integer", "minimum": 0}, "description": text}
    for name, text in (
        ("X-RateLimit-Limit", "The budget of the window with the fewest requests left."),
        ("X-RateLimit-Remaining", "Requests left in that window."),
        (
            "X-RateLimit-Reset",
            "Whole seconds until that window resets; with the reset_unit variant `epoch`, the "
            "epoch second it resets at.",
        ),
    )
}
_RETRY_AFTER = {
    "Retry-After": {
        "required": False,
        "schema": {"type": "integer", "minimum": 0},
        "description": "Seconds until the refusing window resets; only with the retry_after "
        "variant.",
    }
}
_ERROR_TEXT = {
    400: "Invalid request (JSON, envelope, types, links, duplicates).",
    401: "Unknown API key: the auth_error_body variant picks the body.",
    404: "No such record or route.",
    429: "Over the hourly or per-minute budget.",
}
# The switches whose other reading removes a route: it then answers 404 like an unknown one.
_LEADS_UPSERT_404 = "No such route: the leads_upsert variant is false (the default)."


def _nullable(schema: Schema) -> Schema:
    return {**schema, "nullable": True}


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict[str, Schema], *, closed: bool = True) -> Schema:
    schema: Schema = {"type": "object", "properties": properties}
    if closed:
        schema["required"] = list(properties)
        schema["additionalProperties"] = False
    return schema


_STRING: Schema = {"type": "string"}
_INTEGER: Schema = {"type": "integer"}
_EMAIL: Schema = {"type": "string", "format": "email"}
_ID_LIST: Schema = {"type": "array", "items": _INTEGER}


def _request_schema(spec: Field) -> Schema:
    kind = spec.kind
    if kind is Kind.OBJECT:
        return _nullable(_object({c.name: _request_schema(c) for c in spec.nested}, closed=False))
    if kind is Kind.TEXT and spec.max_length is not None:
        return _nullable({"type": "string", "maxLength": spec.max_length})
    by_kind: dict[Kind, Schema] = {
        Kind.TEXT: _STRING,
        Kind.WEBSITE: {"type": "string", "description": "A host name or a URL."},
        Kind.EMAIL: _EMAIL,
        Kind.EMAILS: {
            "anyOf": [
                _EMAIL,
                {"type": "array", "items": _EMAIL},
                {"type": "array", "items": _ref("EmailInput")},
            ]
        },
        Kind.INTEGER: _INTEGER,
        Kind.PRIMARY_ACCOUNT: _INTEGER,
        Kind.NUMBER: {"type": "number"},
        Kind.AMOUNT: {"type": "number"},
        Kind.BOOLEAN: {"type": "boolean"},
        Kind.DATE: {"type": "string", "format": "date"},
        Kind.DATETIME: {"type": "string", "format": "date-time"},
        Kind.TAGS: {"type": "array", "items": _STRING},
        Kind.ACCOUNT_LINKS: {"type": "array", "items": _ref("AccountLinkInput")},
        Kind.CONTACTS_ADDED: _ID_LIST,
        Kind.CONTACTS_REMOVED: _ID_LIST,
    }
    return _nullable(by_kind[kind])


def _response_schema(spec: Field) -> Schema:
    kind = spec.kind
    if kind is Kind.OBJECT:
        return _object({child.name: _response_schema(child) for child in spec.nested})
    if kind is Kind.EMAILS:
        return {"type": "array", "items": _ref("Email")}
    if kind is Kind.ACCOUNT_LINKS:
        return {"type": "array", "items": _ref("AccountLink")}
    if kind is Kind.TAGS:
        return {"type": "array", "items": _STRING}
    by_kind: dict[Kind, Schema] = {
        Kind.INTEGER: _INTEGER,
        Kind.PRIMARY_ACCOUNT: _INTEGER,
        Kind.NUMBER: {"type": "number"},
        Kind.AMOUNT: {"type": "string", "pattern": r"^-?[0-9]+\.[0-9]+$"},
        Kind.BOOLEAN: {"type": "boolean"},
        Kind.DATE: {"type": "string", "format": "date"},
    }
    # Text, emails and datetimes come back as they were sent.
    return _nullable(by_kind.get(kind, _STRING))


def _record_schema(entity: Entity, *, lookup_row: bool = False) -> Schema:
    """A record as answered; a lookup row leaves out the links to accounts."""
    left_out = entity.account_links if lookup_row else ()
    properties: dict[str, Schema] = {"id": _INTEGER}
    properties.update(
        {
            s.name: _response_schema(s)
            for s in entity.fields
            if not s.write_only and s.name not in left_out
        }
    )
    if entity.is_person:
        properties["display_name"] = _nullable(_STRING)
    if entity in CRM_ENTITIES:
        properties["custom_field"] = {"type": "object", "additionalProperties": {}}
        properties["links"] = _object({"notes": _STRING, "activities": _STRING})
        properties["is_deleted"] = {"type": "boolean"}
    if entity is SALES_ACCOUNTS:
        properties["open_deals_amount"] = _response_schema(Field("amount", Kind.AMOUNT))
        properties["open_deals_count"] = _INTEGER
    if entity is DEALS:
        properties["contact_ids"] = _ID_LIST
    if entity in (SALES_ACTIVITIES, NOTES):
        properties["creater_id"] = _INTEGER
    properties["created_at"] = {"type": "string", "format": "date-time"}
    properties["updated_at"] = {"type": "string", "format": "date-time"}
    return _object(properties)


def _input_schema(entity: Entity) -> Schema:
    properties = {spec.name: _request_schema(spec) for spec in entity.fields}
    if entity.has_custom_fields:
        properties["custom_field"] = _nullable({"type": "object", "additionalProperties": {}})
    # Open: lenient accounts ignore unknown attributes (strict ones answer 400).
    return _object(properties, closed=False)


def _unique_identifier(entity: Entity) -> Schema:
    """One key of the record type; a deal's `name` only with the deal_upsert_by_name variant."""
    return {
        "oneOf": [
            {
                "type": "object",
                "required": [key],
                "properties": {
                    key: {"type": "integer", "minimum": 1}
                    if key == "id"
                    else {"type": "string", "minLength": 1}
                },
                "additionalProperties": False,
            }
            for key in entity.identifiers
        ]
    }


def _envelope(entity: Entity, *, upsert: bool = False) -> Schema:
    """The body of a create, update or upsert. Documented with its envelope; the
    envelope_required variant `false` also accepts the attributes at the top level."""
    properties: dict[str, Schema] = {entity.singular: _ref(f"{entity.model}Input")}
    required = [entity.singular]
    if upsert:
        properties["unique_identifier"] = _unique_identifier(entity)
        required.append("unique_identifier")
    return {"type": "object", "required": required, "properties": properties}


def _bulk_body(entity: Entity) -> Schema:
    item = {
        "type": "object",
        "required": ["unique_identifier", "data"],
        "properties": {
            "unique_identifier": _unique_identifier(entity),
            "data": _ref(f"{entity.model}Input"),
        },
    }
    items = {"type": "array", "minItems": 1, "maxItems": MAX_ITEMS, "items": item}
    return {"type": "object", "required": [entity.plural], "properties": {entity.plural: items}}


def _json(schema: Schema) -> Schema:
    return {"application/json": {"schema": schema}}


def _responses(
    success: Mapping[int, Schema], *errors: int, not_found: str = _ERROR_TEXT[404]
) -> Schema:
    responses: Schema = {}
    for status, schema in success.items():
        responses[str(status)] = {
            "description": "Success.",
            "headers": _RATE_HEADERS,
            "content": _json(schema),
        }
    responses["401"] = {"description": _ERROR_TEXT[401], "content": _json(_ref("Unauthorized"))}
    responses["429"] = {
        "description": _ERROR_TEXT[429],
        "headers": {**_RATE_HEADERS, **_RETRY_AFTER},
        "content": _json(_ERRORS_REF),
    }
    for status in errors:
        responses[str(status)] = {
            "description": not_found if status == 404 else _ERROR_TEXT[status],
            "headers": _RATE_HEADERS,
            "content": _json(_ERRORS_REF),
        }
    return responses


def _single(entity: Entity) -> Schema:
    return _object({entity.singular: _ref(entity.model)})


def _operation(summary: str, responses: Schema, **extra: Any) -> Schema:
    return {"summary": summary, "responses": responses, **extra}


_ID_PARAM = {
    "name": "id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}


def _item_operation_id(verb: str, entity: Entity, root_tag: str) -> str:
    return f"{verb}{entity.model}{root_tag}"


def _linked(responses: Schema, statuses: list[int], entity: Entity, root_tag: str) -> Schema:
    """`responses` with OpenAPI links from a created record to its get, update and delete, so a
    stateful fuzzer (schemathesis) chains calls on the records it made."""
    pointer = f"$response.body#/{entity.singular}/id"
    links = {
        f"{verb.title()}{entity.model}": {
            "operationId": _item_operation_id(verb, entity, root_tag),
            "parameters": {"id": pointer},
        }
        for verb in ("get", "update", "delete")
    }
    for status in statuses:
        responses[str(status)]["links"] = links
    return responses


_DELETED: Schema = {"type": "boolean", "enum": [True]}


def _upsert_statuses(codes: StatusCodes) -> list[int]:
    """An update's status, then each status the upsert_create_status variant allows."""
    return list(dict.fromkeys((codes.upsert_update, *SPECS["upsert_create_status"].values)))


def _upsert_not_found(entity: Entity) -> str | None:
    """Why an upsert of this record type may answer 404, if it may."""
    if entity is LEADS:
        return _LEADS_UPSERT_404
    if entity is DEALS:
        return "No deal has the unique_identifier id."
    return None


def _read(entity: Entity) -> tuple[Schema, Schema]:
    """The responses of a record read, and the `include` parameter where it side-loads."""
    if not entity.includes:
        return _responses({200: _single(entity)}, 404), {}
    answer = {
        "type": "object",
        "properties": {
            entity.singular: _ref(entity.model),
            "deals": {"type": "array", "items": _ref(DEALS.model)},
        },
        "required": [entity.singular],
        "additionalProperties": False,
    }
    include = {
        "name": "include",
        "in": "query",
        "description": f"Comma-separated among: {', '.join(entity.includes)}; any other: 400.",
        "schema": {"type": "string"},
    }
    return _responses({200: answer}, 400, 404), {"parameters": [include]}


def _record_paths(
    entity: Entity, codes: StatusCodes, root_tag: str, *, upsert: bool, listing: bool
) -> Schema:
    name, body = entity.plural, {"required": True, "content": _json(_envelope(entity))}
    created = codes.create if entity in CRM_ENTITIES else codes.activity_create
    collection: Schema = {
        "post": _operation(
            f"Create a {entity.singular}",
            _linked(_responses({created: _single(entity)}, 400), [created], entity, root_tag),
            requestBody=body,
        )
    }
    if listing:
        collection["get"] = _operation(
            f"List {name}",
            _responses(
                {
                    200: _object(
                        {name: {"type": "array", "items": _ref(entity.model)}, "meta": _ref("Meta")}
                    )
                },
                400,
            ),
            parameters=[
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                {
                    "name": "per_page",
                    "in": "query",
                    "description": "Default 25; more than 100 counts as 100.",
                    "schema": {"type": "integer", "minimum": 1},
                },
            ],
        )
    read, read_extra = _read(entity)
    item = {
        "parameters": [_ID_PARAM],
        "get": _operation(
            f"Get a {entity.singular}",
            read,
            **read_extra,
            operationId=_item_operation_id("get", entity, root_tag),
        ),
        "put": _operation(
            f"Update a {entity.singular} (absent keys kept, null clears)",
            _responses({200: _single(entity)}, 400, 404),
            requestBody=body,
            operationId=_item_operation_id("update", entity, root_tag),
        ),
        "delete": _operation(
            f"Delete a {entity.singular}: the answer is the JSON value true",
            _responses({codes.delete: _DELETED}, 404),
            operationId=_item_operation_id("delete", entity, root_tag),
        ),
    }
    paths = {f"/{name}": collection, f"/{name}/{{id}}": item}
    if upsert:
        paths.update(_upsert_paths(entity, codes, root_tag))
    return paths


def _upsert_paths(entity: Entity, codes: StatusCodes, root_tag: str) -> Schema:
    """The single and the bulk upsert of a record type."""
    statuses = _upsert_statuses(codes)
    missing = _upsert_not_found(entity)
    errors = (400,) if missing is None else (400, 404)
    summary = (
        f"Create or update a {entity.singular} by unique_identifier: an update answers "
        f"{codes.upsert_update}, a create answers the upsert_create_status variant"
    )
    if entity is DEALS:
        summary += " (unique_identifier name only with the deal_upsert_by_name variant)"
    single = _responses(
        dict.fromkeys(statuses, _single(entity)), *errors, not_found=missing or _ERROR_TEXT[404]
    )
    queued = _object({"job_status_url": _STRING, "message": _STRING})
    bulk_missing = _LEADS_UPSERT_404 if entity is LEADS else None
    return {
        f"/{entity.plural}/upsert": {
            "post": _operation(
                summary,
                _linked(single, statuses, entity, root_tag),
                requestBody={"required": True, "content": _json(_envelope(entity, upsert=True))},
            )
        },
        f"/{entity.plural}/bulk_upsert": {
            "post": _operation(
                f"Queue upserts of 1 to {MAX_ITEMS} {entity.plural}; each runs as a single "
                "upsert when the job is due (poll its job_status_url)",
                _responses(
                    {202: queued},
                    *((400,) if bulk_missing is None else (400, 404)),
                    not_found=bulk_missing or _ERROR_TEXT[404],
                ),
                requestBody={"required": True, "content": _json(_bulk_body(entity))},
            )
        },
    }


def _lookup_paths(entities: list[Entity]) -> Schema:
    lookup_entities = [e.singular for e in entities]
    rows = {
        e.plural: _object({e.plural: {"type": "array", "items": _ref(f"{e.model}LookupRow")}})
        for e in entities
    }
    return {
        "/lookup": {
            "get": _operation(
                "Exact-match lookup (f=external_id: 400 with the lookup_external_id variant false)",
                _responses({200: _object(rows, closed=False)}, 400),
                parameters=[
                    {
                        "name": "q",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string", "minLength": 1},
                    },
                    {
                        "name": "f",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string", "enum": list(LOOKUP_KEYS)},
                    },
                    {
                        "name": "entities",
                        "in": "query",
                        "description": f"Comma-separated among: {', '.join(lookup_entities)}.",
                        "schema": {"type": "string"},
                    },
                ],
            )
        }
    }


def _search_paths() -> Schema:
    """POST /filtered_search/<contact|sales_account>: the rules the fake supports."""
    paths: Schema = {}
    for entity, attributes in SEARCHABLE.items():
        rule = {
            "type": "object",
            "required": ["attribute", "operator", "value"],
            "properties": {
                "attribute": {"type": "string", "enum": list(attributes)},
                "operator": {"type": "string", "enum": ["is", "is_in"]},
                "value": {
                    "oneOf": [_STRING, {"type": "array", "minItems": 1, "items": _STRING}],
                    "description": "One string for `is`, a list of them for `is_in`.",
                },
            },
        }
        body = {
            "type": "object",
            "required": ["filter_rule"],
            "properties": {
                "filter_rule": {"type": "array", "minItems": 1, "items": rule},
                "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX},
            },
        }
        answer = _object(
            {entity.plural: {"type": "array", "items": _ref(entity.model)}, "meta": _ref("Meta")}
        )
        paths[f"/filtered_search/{entity.singular}"] = {
            "post": _operation(
                f"The {entity.plural} matching every rule, as GET /{entity.plural}/{{id}} "
                "renders them",
                _responses({200: answer}, 400),
                requestBody={"required": True, "content": _json(body)},
            )
        }
    return paths


def _tracking_paths() -> Schema:
    """The tracking API at the account URL of both hosts; its token travels in the body."""
    refused = {"description": "Unknown application token.", "content": _json(_ERRORS_REF)}
    absent = {
        "description": "No such route: the tracking_api variant is false.",
        "content": _json(_ERRORS_REF),
    }
    paths: Schema = {}
    for kind, (key, required) in TRACKING_KINDS.items():
        tracked: Schema = {"type": "object", "additionalProperties": True}
        if required is not None:
            tracked["required"] = [required]
            tracked["properties"] = {required: {"type": "string", "minLength": 1, "pattern": r"\S"}}
        body = {
            "type": "object",
            "required": ["application_token", "identifier", *((key,) if required else ())],
            "properties": {
                "application_token": _STRING,
                "sdk": _STRING,
                "identifier": {"type": "string", "minLength": 1, "pattern": r"\S"},
                key: tracked,
            },
        }
        responses = _responses({200: _object({})}, 400)
        responses["401"], responses["404"] = refused, absent
        operation = _operation(
            f"Track {kind.replace('_', ' ')} (application token in the body, no API key)",
            responses,
            requestBody={"required": True, "content": _json(body)},
            security=[],
        )
        for root in (CLASSIC_TRACKING, SUITE_TRACKING):
            paths[f"{root}/{kind}"] = {"post": operation}
    return paths


def _root_paths(codes: StatusCodes, *, classic: bool) -> Schema:
    entities = [e for e in CRM_ENTITIES if classic or not e.classic_only]
    tag = "Classic" if classic else "Suite"
    paths: Schema = {}
    for entity in entities:
        paths.update(_record_paths(entity, codes, tag, upsert=True, listing=False))
        paths[f"/settings/{entity.plural}/fields"] = {
            "get": _operation(
                f"Field definitions of {entity.plural}",
                _responses(
                    {200: _object({"fields": {"type": "array", "items": _ref("FieldDefinition")}})},
                    404,
                ),
            )
        }
        paths[f"/{entity.plural}/{{id}}/activities"] = {
            "parameters": [_ID_PARAM],
            "get": _operation(
                f"The sales activities on a {entity.singular}, newest first",
                _responses(
                    {
                        200: _object(
                            {"activities": {"type": "array", "items": _ref(SALES_ACTIVITIES.model)}}
                        )
                    },
                    404,
                ),
            ),
        }
    paths.update(_record_paths(SALES_ACTIVITIES, codes, tag, upsert=False, listing=True))
    paths["/notes"] = {
        "post": _operation(
            "Create a note",
            _responses({codes.activity_create: _single(NOTES)}, 400),
            requestBody={"required": True, "content": _json(_envelope(NOTES))},
        )
    }
    paths["/job_statuses/{id}"] = {
        "parameters": [_ID_PARAM],
        "get": _operation(
            "The status of a bulk upsert job (per-record results with the bulk_results "
            "variant records)",
            _responses({200: _ref("JobStatus")}, 404),
        ),
    }
    paths.update(_lookup_paths(entities))
    paths.update(_search_paths())
    paths["/selector/{name}"] = {
        "get": _operation(
            "A picklist (owners answer as users)",
            _responses({200: _ref("Selector")}, 404),
            parameters=[
                {
                    "name": "name",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "enum": list(SELECTOR_NAMES)},
                }
            ],
        )
    }
    root = CLASSIC_ROOT if classic else SUITE_ROOT
    return {root + path: item for path, item in paths.items()}


def _job_status_schema() -> Schema:
    record = _object(
        {
            "index": _INTEGER,
            "status": {"type": "string", "enum": ["success", "failed"]},
            "id": _nullable(_INTEGER),
            "errors": {"type": "array", "items": _STRING},
        }
    )
    data = _object(
        {
            "total": _INTEGER,
            "succeeded": _INTEGER,
            "failed": _INTEGER,
            "records": {"type": "array", "items": record},
        }
    )
    data["required"] = ["total", "succeeded", "failed"]  # records: bulk_results="records" only
    return _object(
        {
            "id": _INTEGER,
            "status": {
                "type": "string",
                "enum": ["queued", "completed", "partially_completed", "failed"],
            },
            "progress": {"type": "integer", "minimum": 0, "maximum": 100},
            "job_type_name": _STRING,
            "created_at": {"type": "string", "format": "date-time"},
            "status_updated_at": {"type": "string", "format": "date-time"},
            "data": data,
        }
    )


def _components() -> Schema:
    errors = _object(
        {"errors": _object({"code": _INTEGER, "message": {"type": "array", "items": _STRING}})}
    )
    login_failed = _object(
        {
            "login": {"type": "string", "enum": ["failed"]},
            "message": {"type": "string", "nullable": True, "enum": [None]},
        }
    )
    schemas: Schema = {
        "Errors": errors,
        # The auth_error_body variant: "login" (the default) or "errors".
        "Unauthorized": {"oneOf": [_ref("LoginFailed"), _ref("Errors")]},
        "LoginFailed": login_failed,
        "JobStatus": _job_status_schema(),
        "Meta": _object({"total_pages": _INTEGER, "total": _INTEGER}),
        "Email": _object(
            {
                "id": _INTEGER,
                "value": _STRING,
                "is_primary": {"type": "boolean"},
                "label": _nullable(_STRING),
                "_destroy": {"type": "boolean"},
            }
        ),
        "EmailInput": {
            "type": "object",
            "required": ["value"],
            "properties": {
                "id": _INTEGER,
                "value": _EMAIL,
                "is_primary": _nullable({"type": "boolean"}),
                "label": _nullable(_STRING),
                "_destroy": _nullable({"type": "boolean"}),
            },
        },
        "AccountLink": _object(
            {
                "id": _INTEGER,
                "name": _nullable(_STRING),
                "is_primary": {"type": "boolean"},
                "partial": {"type": "boolean"},
            }
        ),
        "AccountLinkInput": {
            "type": "object",
            "required": ["id"],
            "properties": {"id": _INTEGER, "is_primary": _nullable({"type": "boolean"})},
        },
        "FieldDefinition": _object(
            {
                "id": _INTEGER,
                "name": _STRING,
                "label": _STRING,
                "type": _STRING,
                "default": {"type": "boolean"},
                "required": {"type": "boolean"},
                "base_model": _STRING,
                "choices": {
                    "type": "array",
                    "items": _object({"id": _INTEGER, "value": _STRING, "position": _INTEGER}),
                },
            }
        ),
        "Selector": {
            "type": "object",
            "minProperties": 1,
            "maxProperties": 1,
            "additionalProperties": {
                "type": "array",
                "items": {"type": "object", "required": ["id"], "properties": {"id": _INTEGER}},
            },
        },
    }
    for entity in (*CRM_ENTITIES, SALES_ACTIVITIES, NOTES):
        schemas[entity.model] = _record_schema(entity)
        schemas[f"{entity.model}Input"] = _input_schema(entity)
    for entity in CRM_ENTITIES:
        schemas[f"{entity.model}LookupRow"] = _record_schema(entity, lookup_row=True)
    return {
        "schemas": schemas,
        "securitySchemes": {
            "TokenAuth": {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "Token token=<api key>",
            }
        },
    }


def build_openapi(codes: StatusCodes) -> Schema:
    """The document served at GET /_fake/openapi.json (admin routes are not part of it)."""
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "fake_freshsales",
            "version": "1",
            "description": (
                "The Freshsales REST API as the fake serves it, under the classic root /api "
                "and the Suite root /crm/sales/api (no leads there), and the tracking API at "
                "the account URL of each host. Injected faults answer "
                "any error status with the Errors body. Answers that depend on a switch of "
                "the account (x-fake-variants, set through POST /_fake/variants) are "
                "documented in every form the switch allows."
            ),
        },
        "x-fake-variants": describe(Variants()),
        "security": [{"TokenAuth": []}],
        "paths": {
            **_root_paths(codes, classic=True),
            **_root_paths(codes, classic=False),
            **_tracking_paths(),
        },
        "components": _components(),
    }
