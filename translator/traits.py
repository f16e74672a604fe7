"""Mapping a traits object onto a Freshsales record's fields.

The rules, in order, for each trait key (after camelCase → snake_case):
1. keys the caller handles itself (`email`, `company`, ...) are set aside as `special`;
2. `cf…` keys (`cfAlternateNumber`, `cf_alternate_number`) go to `custom_field`;
3. the record's aliases rename a key (`title` → `job_title`, `phone` → `work_number`);
4. an `address` object is spread over `address`, `city`, `state`, `zipcode`, `country`;
5. a key naming one of the record's standard fields is sent, its value coerced to the field's
   type; an explicit null is sent as null, which clears the field;
6. everything else is reported in `ignored`.
When two keys land on one field, the key spelled exactly as the field wins; otherwise the later.
A value that cannot be coerced is dropped and listed (`translator.lenient`), or, under strict
settings, rejects the message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from translator.coerce import coerce, coerce_custom
from translator.errors import InvalidEvent, child, describe
from translator.fields import ADDRESS_PARTS, FieldType, Record
from translator.lenient import Drops, drop
from translator.plan import JSON

__all__ = [
    "Mapped",
    "map_traits",
    "object_trait",
    "snake_case",
    "spelled",
    "spelled_all",
]

_WORD_START = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


# Memos of what depends only on keys, which repeat from message to message. They are plain
# dicts, read by subscript (a dict subclass with `__missing__` is read through a slow generic
# path); each keeps at most _KEPT entries, so that a stream of odd keys cannot fill the memory.
_KEPT = 4096
_SNAKE_NAMES: dict[str, str] = {}


def snake_case(key: str) -> str:
    """camelCase to snake_case: `firstName` → `first_name`, `EMAIL` → `email`."""
    try:
        return _SNAKE_NAMES[key]
    except KeyError:
        name = key if key.islower() else _WORD_START.sub("_", key).lower()
        if len(_SNAKE_NAMES) < _KEPT:
            _SNAKE_NAMES[key] = name
        return name


def spelled(holder: dict[str, JSON], name: str) -> tuple[str, JSON] | None:
    """(key, value) of the key of `holder` that is `name` in snake_case; the key spelled
    exactly so wins over other spellings, else the later one."""
    # By the holder's keys: holders from one source have the same keys, message after message.
    shape = (tuple(holder), name)
    try:
        key = _SPELLINGS[shape]
    except KeyError:
        key = None
        for candidate in holder:
            if snake_case(candidate) == name and key != name:
                key = candidate
        # Only small holders are kept: their keys are part of the memo's key.
        if len(holder) <= _SHAPE_KEYS_KEPT and len(_SPELLINGS) < _KEPT:
            _SPELLINGS[shape] = key
    return None if key is None else (key, holder[key])


_SHAPE_KEYS_KEPT = 32
_SPELLINGS: dict[tuple[tuple[str, ...], str], str | None] = {}


def spelled_all(holder: dict[str, JSON], names: frozenset[str]) -> dict[str, tuple[str, JSON]]:
    """`spelled` for each of `names` at once: (key, value) by snake_case name, for the names
    some key of `holder` spells."""
    found: dict[str, tuple[str, JSON]] = {}
    for key, value in holder.items():
        name = snake_case(key)
        if name in names and (name not in found or found[name][0] != name):
            found[name] = (key, value)
    return found


@dataclass(slots=True)
class Mapped:
    """The fields a traits object maps to, and what was left out."""

    fields: dict[str, JSON] = field(default_factory=dict)
    custom: dict[str, JSON] = field(default_factory=dict)
    special: dict[str, JSON] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    # The names in `fields`, `custom` and `special` set by a key spelled exactly so: another
    # spelling of the same name does not replace them.
    exact: set[str] = field(default_factory=set)

    def body(self) -> dict[str, JSON]:
        """The standard fields plus `custom_field` when there are custom values."""
        if not self.custom:
            return self.fields
        return {**self.fields, "custom_field": self.custom}

    def absorb(self, other: Mapped) -> None:
        """Take what `other` maps that this has not: its fields, custom values and special
        keys this has no value for, and its ignored keys."""
        for mine, theirs in (
            (self.fields, other.fields),
            (self.custom, other.custom),
            (self.special, other.special),
        ):
            for name, value in theirs.items():
                mine.setdefault(name, value)
        self.ignored.extend(other.ignored)


def map_traits(
    traits: dict[str, JSON],
    record: Record,
    *,
    path: str,
    prefix: str = "",
    special: frozenset[str] = frozenset(),
    drops: Drops = None,
) -> Mapped:
    """Map `traits` (found at `path` in the message) onto `record`'s fields.

    `prefix` is put before ignored keys (`"company."`); `special` are snake_cased keys the
    caller handles, returned in `Mapped.special` as (path, raw value); none may be a standard
    field of `record`. Values that cannot be coerced go to `drops` (None: they raise).
    """
    mapped = Mapped({}, {}, {}, [], set())  # literals: the default factories cost a call each
    fields, aliases, exact, snake = record.fields, record.aliases, mapped.exact, _SNAKE_NAMES
    # The loop is the hottest code of a translation: standard fields, the common case, are
    # tried first (no caller's special key is a standard field), and the steps are inlined.
    for key, value in traits.items():
        try:
            name = snake[key]
        except KeyError:
            name = snake_case(key)
        target = aliases.get(name, name)
        kind = fields.get(target)
        if kind is not None and not (target == "address" and isinstance(value, dict)):
            if kind is not _STRING or type(value) is not str:
                try:
                    value = coerce(value, kind, path, key)
                except InvalidEvent as error:
                    drop(drops, error)
                    continue
            into, name = mapped.fields, target
        elif name in special:
            into, value = mapped.special, (child(path, key), value)
        elif name[:3] == "cf_" and len(name) > 3:
            try:
                value = coerce_custom(value, path, key)
            except InvalidEvent as error:
                drop(drops, error)
                continue
            into = mapped.custom
        elif name == "address" and isinstance(value, dict) and "address" in fields:
            _map_address(value, fields, mapped, path, key, prefix, drops)
            continue
        else:
            mapped.ignored.append(prefix + key)
            continue
        if key == name:
            exact.add(name)
        elif name in exact:
            continue
        into[name] = value
    return mapped


_STRING = FieldType.STRING


def _map_address(
    address: dict[str, JSON],
    fields: Mapping[str, FieldType],
    mapped: Mapped,
    path: str,
    key: str,
    prefix: str,
    drops: Drops,
) -> None:
    """Spread Segment's address object (`key` at `path`) over the record's flat address
    fields."""
    for part, value in address.items():
        target = ADDRESS_PARTS.get(snake_case(part))
        kind = None if target is None else fields.get(target)
        if target is None or kind is None:
            mapped.ignored.append(f"{prefix}{key}.{part}")
        elif target not in mapped.exact:
            if kind is not _STRING or type(value) is not str:
                try:
                    value = coerce(value, kind, child(path, key), part)
                except InvalidEvent as error:
                    drop(drops, error)
                    continue
            mapped.fields[target] = value


def object_trait(value: JSON, path: str) -> dict[str, JSON] | None:
    """A `company`/`deal` trait as an object: a bare string is its name; null is absent."""
    if value is None:
        return None
    if isinstance(value, str):
        return {"name": value}
    if isinstance(value, dict):
        return value
    raise InvalidEvent(path, f"expected an object or a name, got {describe(value)}")
