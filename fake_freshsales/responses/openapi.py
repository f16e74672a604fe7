"""The OpenAPI 3 document of the fake's Freshsales routes, built from the same field tables
the fake validates with, so the two cannot drift apart."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..config import StatusCodes
from ..models.entities import (
    CRM_ENTITIES,
    DEALS,
    NOTES,
    SALES_ACCOUNTS,
    SALES_ACTIVITIES,
    Entity,
)
from ..models.fields import Field, Kind
from ..models.operations import LOOKUP_KEYS
from ..models.selectors import NAMES as SELECTOR_NAMES
from .common import CLASSIC_ROOT, SUITE_ROOT

__all__ = ["build_openapi"]

Schema = dict[str, Any]

_ERRORS_REF = {"$ref": "#/components/schemas/Errors"}
_RATE_HEADERS = {
    name: {"required": True, "schema": {"type": "integer", "minimum": 0}, "description": text}
    for name, text in (
        ("X-RateLimit-Limit", "The budget of the window with the fewest requests left."),
        ("X-RateLimit-Remaining", "Requests left in that window."),
        ("X-RateLimit-Reset", "Whole seconds until that window resets."),
    )
}
_ERROR_TEXT = {
    400: "Invalid request (JSON, envelope, types, links, duplicates).",
    401: "Unknown API key.",
    404: "No such record or route.",
    429: "Over the hourly or per-minute budget.",
}


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
    by_kind: dict[Kind, Schema] = {
        Kind.TEXT: _STRING,
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


def _record_schema(entity: Entity) -> Schema:
    properties: dict[str, Schema] = {"id": _INTEGER}
    properties.update({s.name: _response_schema(s) for s in entity.fields if not s.write_only})
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


def _envelope(entity: Entity, *, upsert: bool = False) -> Schema:
    properties: dict[str, Schema] = {entity.singular: _ref(f"{entity.model}Input")}
    required = [entity.singular]
    if upsert:
        properties["unique_identifier"] = {
            "oneOf": [
                {
                    "type": "object",
                    "required": [key],
                    "properties": {key: {"type": "string", "minLength": 1}},
                    "additionalProperties": False,
                }
                for key in entity.identifiers
            ]
        }
        required.append("unique_identifier")
    return {"type": "object", "required": required, "properties": properties}


def _json(schema: Schema) -> Schema:
    return {"application/json": {"schema": schema}}


def _responses(success: Mapping[int, Schema | None], *errors: int) -> Schema:
    responses: Schema = {}
    for status, schema in success.items():
        response: Schema = {"description": "Success.", "headers": _RATE_HEADERS}
        if schema is not None:
            response["content"] = _json(schema)
        responses[str(status)] = response
    for status in (401, 429, *errors):
        response = {"description": _ERROR_TEXT[status], "content": _json(_ERRORS_REF)}
        if status != 401:
            response["headers"] = _RATE_HEADERS
        responses[str(status)] = response
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


def _record_paths(
    entity: Entity, codes: StatusCodes, root_tag: str, *, upsert: bool, listing: bool
) -> Schema:
    name, body = entity.plural, {"required": True, "content": _json(_envelope(entity))}
    collection: Schema = {
        "post": _operation(
            f"Create a {entity.singular}",
            _linked(
                _responses({codes.create: _single(entity)}, 400), [codes.create], entity, root_tag
            ),
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
    item = {
        "parameters": [_ID_PARAM],
        "get": _operation(
            f"Get a {entity.singular}",
            _responses({200: _single(entity)}, 404),
            operationId=_item_operation_id("get", entity, root_tag),
        ),
        "put": _operation(
            f"Update a {entity.singular} (absent keys kept, null clears)",
            _responses({200: _single(entity)}, 400, 404),
            requestBody=body,
            operationId=_item_operation_id("update", entity, root_tag),
        ),
        "delete": _operation(
            f"Delete a {entity.singular}",
            _responses({codes.delete: None}, 404),
            operationId=_item_operation_id("delete", entity, root_tag),
        ),
    }
    paths = {f"/{name}": collection, f"/{name}/{{id}}": item}
    if upsert:
        statuses = {codes.upsert_create: _single(entity), codes.upsert_update: _single(entity)}
        paths[f"/{name}/upsert"] = {
            "post": _operation(
                f"Create or update a {entity.singular} by unique_identifier",
                _linked(_responses(statuses, 400), list(statuses), entity, root_tag),
                requestBody={"required": True, "content": _json(_envelope(entity, upsert=True))},
            )
        }
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
    paths.update(_record_paths(SALES_ACTIVITIES, codes, tag, upsert=False, listing=True))
    paths["/notes"] = {
        "post": _operation(
            "Create a note",
            _responses({codes.create: _single(NOTES)}, 400),
            requestBody={"required": True, "content": _json(_envelope(NOTES))},
        )
    }
    lookup_entities = [e.singular for e in entities]
    paths["/lookup"] = {
        "get": _operation(
            "Exact-match lookup",
            _responses(
                {
                    200: _object(
                        {
                            e.plural: _object({e.plural: {"type": "array", "items": _ref(e.model)}})
                            for e in entities
                        },
                        closed=False,
                    )
                },
                400,
            ),
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


def _components() -> Schema:
    schemas: Schema = {
        "Errors": _object(
            {"errors": _object({"code": _INTEGER, "message": {"type": "array", "items": _STRING}})}
        ),
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
                "and the Suite root /crm/sales/api (no leads there). Injected faults answer "
                "any error status with the Errors body."
            ),
        },
        "security": [{"TokenAuth": []}],
        "paths": {
            **_root_paths(codes, classic=True),
            **_root_paths(codes, classic=False),
        },
        "components": _components(),
    }
