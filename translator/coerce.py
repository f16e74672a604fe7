"""Turning a trait value into the JSON type a Freshsales field expects.

Only lossless conversions are made (the number 5551234 for a string field, the string "42" for
an integer field, "true" for a boolean); anything else is an InvalidEvent naming the trait, since
Freshsales would refuse the whole record with "The type for <field> is invalid.".
An explicit null is kept: it clears the field.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime

from translator.errors import InvalidEvent, child, describe
from translator.fields import FieldType
from translator.plan import JSON

__all__ = ["coerce", "coerce_custom"]

_INTEGER = re.compile(r"[+-]?\d{1,18}", re.ASCII)


def coerce(value: JSON, kind: FieldType, path: str, key: str | None = None) -> JSON:
    """`value` as the JSON type `kind`, or an InvalidEvent naming `path` (and `key` in it)."""
    if value is None:
        return None
    converted = _CONVERTERS[kind](value)
    if converted is _INVALID:
        where = path if key is None else child(path, key)
        raise InvalidEvent(where, f"expected {_EXPECTED[kind]}, got {describe(value)}")
    return converted


def coerce_custom(value: JSON, path: str, key: str) -> JSON:
    """A custom field value (`key` at `path`): a scalar or a list of scalars, sent as given."""
    if isinstance(value, list):
        if all(_is_scalar(item) for item in value):
            return value
    elif _is_scalar(value):
        return value
    raise InvalidEvent(
        child(path, key),
        "expected a string, number, boolean, null or a list of those for a custom field, "
        f"got {describe(value)}",
    )


_INVALID = object()


def _is_scalar(value: object) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    return value is None or isinstance(value, str | int)


def _to_string(value: object) -> object:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return _INVALID
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    return _INVALID


def _to_integer(value: object) -> object:
    if isinstance(value, bool):
        return _INVALID
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value)
    return _INVALID


def _to_number(value: object) -> object:
    if isinstance(value, bool):
        return _INVALID
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else _INVALID
    if isinstance(value, str):
        text = value.strip()
        if _INTEGER.fullmatch(text):
            return int(text)
        try:
            number = float(text)
        except ValueError:
            return _INVALID
        # float() also reads "nan", "inf" and "1_000"; only plain decimal notation is a number.
        return number if math.isfinite(number) and "_" not in text else _INVALID
    return _INVALID


def _to_boolean(value: object) -> object:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return _INVALID


def _to_date(value: object) -> object:
    if not isinstance(value, str):
        return _INVALID
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value).date().isoformat()
    except ValueError:
        return _INVALID


def _to_account_links(value: object) -> object:
    """Account ids, or `{"id", "is_primary"}` objects, as the links a contact takes; the
    first is primary when none says it is."""
    if not isinstance(value, list):
        return _INVALID
    links: list[dict[str, object]] = []
    marked = False
    for item in value:
        if isinstance(item, dict):
            account, primary = item.get("id"), item.get("is_primary", item.get("isPrimary"))
        else:
            account, primary = item, None
        account = _to_integer(account)
        if account is _INVALID or not isinstance(primary, bool | None):
            return _INVALID
        marked = marked or primary is True
        links.append({"id": account, "is_primary": bool(primary)})
    if links and not marked:
        links[0]["is_primary"] = True
    return links


def _to_string_list(value: object) -> object:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    return _INVALID


_CONVERTERS = {
    FieldType.STRING: _to_string,
    FieldType.INTEGER: _to_integer,
    FieldType.NUMBER: _to_number,
    FieldType.BOOLEAN: _to_boolean,
    FieldType.DATE: _to_date,
    FieldType.STRING_LIST: _to_string_list,
    FieldType.ACCOUNT_LINKS: _to_account_links,
}

_EXPECTED = {
    FieldType.STRING: "a string",
    FieldType.INTEGER: "an integer (or a string of digits)",
    FieldType.NUMBER: "a number (or a string holding one)",
    FieldType.BOOLEAN: "true or false",
    FieldType.DATE: "a date such as 2026-06-30",
    FieldType.STRING_LIST: "a string or a list of strings",
    FieldType.ACCOUNT_LINKS: 'a list of sales account ids or {"id", "is_primary"} objects',
}
