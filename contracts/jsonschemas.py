"""The JSON Schemas in `contracts/schemas/`: the contract file formats and the envelopes of the
requests and responses the translator uses. Each schema's `$id` is its file name, so one
schema refers to another by name (`"$ref": "common.json#/$defs/email"`)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from referencing import Registry, Resource

from contracts.errors import ContractError
from contracts.jsonpath import Path as JsonPath
from contracts.jsonpath import format_path
from contracts.matching import Difference

__all__ = ["SCHEMA_DIR", "check_document", "names", "violations"]

SCHEMA_DIR = Path(__file__).parent / "schemas"


@functools.cache
def _schemas() -> dict[str, dict[str, Any]]:
    return {
        path.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(SCHEMA_DIR.glob("*.json"))
    }


@functools.cache
def _validator(name: str) -> Draft202012Validator:
    schemas = _schemas()
    registry: Registry[Any] = Registry().with_resources(
        (key, Resource.from_contents(schema)) for key, schema in schemas.items()
    )
    return Draft202012Validator(schemas[name], registry=registry)


def names() -> frozenset[str]:
    """The schema file names there are."""
    return frozenset(_schemas())


def violations(name: str, instance: Any, prefix: JsonPath) -> list[Difference]:
    """What in `instance` (found at `prefix`) the schema `name` refuses, one Difference each."""
    errors = sorted(_validator(name).iter_errors(instance), key=lambda e: e.json_path)
    paths = [tuple(error.absolute_path) for error in errors]
    return [
        Difference(format_path((*prefix, *path)), "schema", error.message)
        for error, path in zip(errors, paths, strict=True)
        if not _consequence(error.validator, path, paths)
    ]


def _consequence(keyword: object, path: tuple[Any, ...], paths: list[tuple[Any, ...]]) -> bool:
    """An unevaluatedProperties error on an object with a failing child is only an echo of it.

    A subschema that fails evaluates nothing, so every key it declares then counts as
    unexpected ("'email', 'first_name' were unexpected"); the child's own error says it all.
    """
    return keyword == "unevaluatedProperties" and any(
        len(other) > len(path) and other[: len(path)] == path for other in paths
    )


def check_document(name: str, document: Any, where: str) -> None:
    """Raise a ContractError naming `where` and the field when `document` breaks schema `name`."""
    error = best_match(_validator(name).iter_errors(document))
    if error is not None:
        raise ContractError(where, error.message, format_path(tuple(error.absolute_path)))
