"""Type rules for request attributes: a body becomes a Patch, or a 400 listing every problem.

Standard fields have strict JSON types (a string, an integer that is not a boolean, ...) and
`null` clears them (so does an empty website); a few values of the right type are still
refused, as seen live (E3): bad email addresses, over-long names, websites that are not host
names. Custom fields follow the
account's `custom_fields` switch: lenient drops an unknown or wrong-typed `cf_*` value silently
(the Segment doc's troubleshooting implies this), strict answers 400; strict also refuses unknown
top-level attributes, which lenient ignores.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeGuard

from .entities import Entity
from .errors import bad_request, type_invalid
from .fields import READ_ONLY, CustomField, CustomType, Field, Kind

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})?")
# [I] Freshsales' own email rule is unknown; this refuses only what cannot be an address.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
# A host name or URL: [I] the rule; E3 saw a website refused, this refuses a space or no dot.
_WEBSITE = re.compile(r"\S*\.\S*")


class _Invalid:
    """Marks a value that failed its check (None is a valid value: it clears)."""


_INVALID: Any = _Invalid()


@dataclass(frozen=True)
class EmailInput:
    """One entry of `emails`; `label` is applied only when the request carried one."""

    value: str
    is_primary: bool | None = None
    label: str | None = None
    has_label: bool = False
    destroy: bool = False
    id: int | None = None


@dataclass(frozen=True)
class AccountLinkInput:
    id: int
    is_primary: bool | None = None


@dataclass
class Patch:
    """Validated changes: a value of None clears the field."""

    values: dict[str, Any] = field(default_factory=dict)
    custom: dict[str, Any] = field(default_factory=dict)
    # True when `custom_field: null` asked to clear every custom value.
    clear_custom: bool = False


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_date(value: object) -> bool:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_datetime(value: object) -> bool:
    if not isinstance(value, str) or not _DATETIME.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value.upper())
    except ValueError:
        return False
    return True


def is_email(value: object) -> bool:
    return isinstance(value, str) and _EMAIL.fullmatch(value) is not None


def _email_inputs(value: object) -> list[EmailInput] | None:
    """The three request forms of `emails` seen in real clients (reference §3.3)."""
    if isinstance(value, str):
        return [EmailInput(value)]
    if not isinstance(value, list):
        return None
    inputs: list[EmailInput] = []
    for item in value:
        if isinstance(item, str):
            inputs.append(EmailInput(item))
            continue
        if not isinstance(item, dict) or not isinstance(item.get("value"), str):
            return None
        primary, label, destroy = item.get("is_primary"), item.get("label"), item.get("_destroy")
        email_id = item.get("id")
        if (
            not isinstance(primary, bool | None)
            or not isinstance(label, str | None)
            or not isinstance(destroy, bool | None)
            or not (email_id is None or is_int(email_id))
        ):
            return None
        inputs.append(
            EmailInput(item["value"], primary, label, "label" in item, bool(destroy), email_id)
        )
    return inputs


def _account_links(value: object) -> list[AccountLinkInput] | None:
    if not isinstance(value, list):
        return None
    links: list[AccountLinkInput] = []
    for item in value:
        if not isinstance(item, dict) or not is_int(item.get("id")):
            return None
        primary = item.get("is_primary")
        if not isinstance(primary, bool | None):
            return None
        links.append(AccountLinkInput(item["id"], primary))
    return links


def _id_list(value: object) -> list[int] | None:
    if not isinstance(value, list) or not all(is_int(item) for item in value):
        return None
    return list(value)


def _is_str(value: object) -> bool:
    return isinstance(value, str)


def _is_tags(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(tag, str) for tag in value)


def invalid_email(value: str) -> str:
    """Seen live: the message contains "invalid email address" (E3); [I] the value before it."""
    return f"{value} is an invalid email address"


def _bad_emails(value: str | list[EmailInput]) -> list[str]:
    values = [value] if isinstance(value, str) else [item.value for item in value]
    return [invalid_email(item) for item in values if not is_email(item)]


def _format_messages(spec: Field, value: Any, name: str) -> list[str]:
    """What E3 saw refused even with the right JSON type: bad addresses, long names, websites."""
    if spec.kind in (Kind.EMAIL, Kind.EMAILS):
        return _bad_emails(value)
    if spec.kind is Kind.WEBSITE and not _WEBSITE.fullmatch(value):
        return [f"{name} is not in required format"]
    if spec.max_length is not None and len(value) > spec.max_length:
        return [f"{spec.label} is not in required length"]
    return []


# Kinds whose request value is stored as sent once it has the right JSON type.
_CHECKS: dict[Kind, Callable[[object], bool]] = {
    Kind.TEXT: _is_str,
    Kind.WEBSITE: _is_str,
    Kind.EMAIL: _is_str,
    Kind.INTEGER: is_int,
    Kind.PRIMARY_ACCOUNT: is_int,
    Kind.NUMBER: is_number,
    Kind.AMOUNT: is_number,
    Kind.BOOLEAN: lambda value: isinstance(value, bool),
    Kind.DATE: is_date,
    Kind.DATETIME: is_datetime,
    Kind.TAGS: _is_tags,
}
# Kinds parsed into a structure; None means the JSON type is wrong.
_PARSERS: dict[Kind, Callable[[object], Any]] = {
    Kind.EMAILS: _email_inputs,
    Kind.ACCOUNT_LINKS: _account_links,
    Kind.CONTACTS_ADDED: _id_list,
    Kind.CONTACTS_REMOVED: _id_list,
}
_CUSTOM_CHECKS: dict[CustomType, Callable[[object], bool]] = {
    CustomType.TEXT: _is_str,
    CustomType.NUMBER: is_int,
    CustomType.DECIMAL: is_number,
    CustomType.DATE: is_date,
    CustomType.DATETIME: is_datetime,
    CustomType.CHECKBOX: lambda value: isinstance(value, bool),
}


class _Checker:
    """Walks one body, collecting every message so a client sees all its mistakes at once."""

    def __init__(self, custom_defs: Mapping[str, CustomField], strict: bool) -> None:
        self.custom_defs = custom_defs
        self.strict = strict
        self.messages: list[str] = []

    def attributes(
        self, fields: Mapping[str, Field], body: Mapping[str, Any], prefix: str = ""
    ) -> dict[str, Any]:
        clean: dict[str, Any] = {}
        # Messages follow the field table, then unknown keys alphabetically: the same answer
        # whatever order the client serialised its keys in.
        position = {name: index for index, name in enumerate(fields)}
        for key in sorted(body, key=lambda key: (position.get(key, len(position)), key)):
            value = body[key]
            spec = fields.get(key)
            if spec is None:
                if self.strict and key not in READ_ONLY:
                    self.messages.append(f"Unknown attribute {prefix}{key}.")
                continue
            # [I] An emptied website is cleared, not refused: forms send "" for a blank field.
            if value is None or (spec.kind is Kind.WEBSITE and value == ""):
                clean[key] = None
                continue
            checked = self.value(spec, value, prefix)
            if checked is not _INVALID:
                clean[key] = checked
        return clean

    def value(self, spec: Field, value: Any, prefix: str) -> Any:
        name = prefix + spec.name
        if spec.kind is Kind.OBJECT and isinstance(value, dict):
            return self.attributes({child.name: child for child in spec.nested}, value, f"{name}.")
        check = _CHECKS.get(spec.kind)
        if check is not None:
            result = value if check(value) else _INVALID
        else:
            parsed = _PARSERS[spec.kind](value) if spec.kind in _PARSERS else None
            result = _INVALID if parsed is None else parsed
        if result is _INVALID:
            self.messages.append(type_invalid(name))
            return result
        refused = _format_messages(spec, result, name)
        self.messages.extend(refused)
        return _INVALID if refused else result

    def custom(self, body: object, patch: Patch) -> None:
        if body is None:
            patch.clear_custom = True
            return
        if not isinstance(body, dict):
            self.messages.append(type_invalid("custom_field"))
            return
        for key, value in sorted(body.items()):
            definition = self.custom_defs.get(key)
            if definition is None:
                if self.strict:
                    self.messages.append(f"Unknown custom field {key}.")
                continue
            checked = None if value is None else custom_value(definition, value)
            if checked is _INVALID:
                if self.strict:
                    self.messages.append(type_invalid(key))
                continue
            patch.custom[key] = checked


def custom_value(definition: CustomField, value: object) -> Any:
    """The stored form of a custom value, or the invalid marker."""
    check = _CUSTOM_CHECKS.get(definition.type)
    if check is not None:
        return value if check(value) else _INVALID
    choices = definition.values
    if definition.type is CustomType.DROPDOWN:
        return value if isinstance(value, str) and value in choices else _INVALID
    parts = value.split(";") if isinstance(value, str) else value
    if not isinstance(parts, list) or not all(isinstance(p, str) and p in choices for p in parts):
        return _INVALID
    # [I] Stored and rendered ";"-joined, like subscription_types ("2;3;4;5;1", S10); an empty
    # list clears the field.
    return ";".join(parts) or None


def validate(
    entity: Entity, body: Mapping[str, Any], custom_defs: Mapping[str, CustomField], *, strict: bool
) -> Patch:
    """Check the attributes inside an envelope against the entity's rules."""
    checker = _Checker(custom_defs, strict)
    attributes = {key: value for key, value in body.items() if key != "custom_field"}
    patch = Patch(values=checker.attributes({f.name: f for f in entity.fields}, attributes))
    if "custom_field" in body:
        if entity.has_custom_fields:
            checker.custom(body["custom_field"], patch)
        elif strict:
            checker.messages.append("Unknown attribute custom_field.")
    if checker.messages:
        raise bad_request(*checker.messages)
    return patch
