"""One Freshsales account: its records, custom fields, picklists, API user and budget."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..config import AccountConfig
from .entities import BY_PLURAL, CRM_ENTITIES, Entity
from .errors import bad_request
from .fields import Choice, CustomField, CustomType, settings_type
from .ratelimit import RateLimiter
from .selectors import Selectors
from .store import IdSequence, RecordStore
from .tracking import Tracking
from .variants import Variants

# Each account numbers its records in its own band of large ids (reference §1: ids such as
# 70042006456), so ids never collide across accounts and repeat exactly after a reset.
_FIRST_BAND = 70_000_000_000
_BAND_SIZE = 1_000_000_000
# Emails, picklist entries and field definitions count in the upper half of the band.
_AUX_OFFSET = 500_000_000
_CUSTOM_NAME = re.compile(r"cf_\S+")
_CUSTOM_TYPES = frozenset(kind.value for kind in CustomType)


class Account:
    """All state of one account; the backend's lock guards every use of it."""

    def __init__(self, config: AccountConfig, index: int) -> None:
        base = _FIRST_BAND + index * _BAND_SIZE
        self.config = config
        # Changed at run time through the admin API; a reset goes back to the config's.
        self.variants = Variants.from_mapping(config.variants)
        self.new_record_id = IdSequence(base + 1)
        self.new_aux_id = IdSequence(base + _AUX_OFFSET + 1)
        self.user: dict[str, Any] = {
            "id": self.new_aux_id(),
            "display_name": "API User",
            "email": f"api-user@{config.domain}.example.com",
            "is_active": True,
        }
        self.store = RecordStore()
        self.limiter = RateLimiter(config.limits)
        self.tracking = Tracking()
        # [I] Whether tracking posts spend the REST budget is not known: they get their own.
        self.tracking_limiter = RateLimiter(config.tracking_limits)
        self.selectors = Selectors(self.new_aux_id, self.user)
        self._standard_ids = {
            (entity.plural, spec.name): self.new_aux_id()
            for entity in CRM_ENTITIES
            for spec in entity.fields
        }
        self._custom: dict[str, dict[str, CustomField]] = {e.plural: {} for e in CRM_ENTITIES}
        for spec in config.custom_fields:
            self.add_custom_field(spec.entity, spec.name, spec.type, spec.label, spec.choices)
        for name in config.activity_types:
            self.selectors.add_activity_type(name)

    @property
    def domain(self) -> str:
        return self.config.domain

    @property
    def strict(self) -> bool:
        return self.variants.custom_fields == "strict"

    def custom_fields(self, entity: Entity) -> dict[str, CustomField]:
        return self._custom.get(entity.plural, {})

    def add_custom_field(
        self,
        entity_name: object,
        name: object,
        type_name: object,
        label: object = None,
        choices: object = None,
    ) -> CustomField:
        """Define a custom field; Freshsales never creates one on the fly (reference §3.4)."""
        entity = BY_PLURAL.get(entity_name) if isinstance(entity_name, str) else None
        if entity is None or entity.plural not in self._custom:
            raise bad_request("entity must be one of: leads, contacts, sales_accounts, deals.")
        if not isinstance(name, str) or not _CUSTOM_NAME.fullmatch(name):
            raise bad_request("A custom field name starts with cf_ and has no spaces.")
        if name in self._custom[entity.plural]:
            raise bad_request("Name has already been taken")
        if not isinstance(type_name, str) or type_name not in _CUSTOM_TYPES:
            raise bad_request(f"type must be one of: {', '.join(CustomType)}.")
        kind = CustomType(type_name)
        if label is not None and not isinstance(label, str):
            raise bad_request("The type for label is invalid.")
        values = _choices(kind, choices)
        field = CustomField(
            id=self.new_aux_id(),
            name=name,
            label=label or name.removeprefix("cf_").replace("_", " ").capitalize(),
            type=kind,
            choices=tuple(Choice(self.new_aux_id(), value) for value in values),
        )
        self._custom[entity.plural][name] = field
        return field

    def field_definitions(self, entity: Entity) -> list[dict[str, Any]]:
        """Standard then custom fields, as GET /settings/<entity>/fields lists them."""
        standard = [
            {
                "id": self._standard_ids[(entity.plural, spec.name)],
                "name": spec.name,
                "label": spec.label,
                "type": settings_type(spec),
                "default": True,
                "required": spec.name in entity.required,
                "base_model": entity.model,
                "choices": [],
            }
            for spec in entity.fields
        ]
        return standard + [
            describe_custom_field(field, entity) for field in self.custom_fields(entity).values()
        ]


def describe_custom_field(field: CustomField, entity: Entity) -> dict[str, Any]:
    return {
        "id": field.id,
        "name": field.name,
        "label": field.label,
        "type": field.type.value,
        "default": False,
        "required": False,
        "base_model": entity.model,
        "choices": [
            {"id": choice.id, "value": choice.value, "position": position}
            for position, choice in enumerate(field.choices, start=1)
        ],
    }


def _choices(kind: CustomType, choices: object) -> Sequence[str]:
    if kind not in (CustomType.DROPDOWN, CustomType.MULTISELECT):
        if choices:
            raise bad_request("choices apply to dropdown and multiselect fields only.")
        return ()
    if (
        not isinstance(choices, list | tuple)
        or not choices
        or not all(isinstance(c, str) and c.strip() and ";" not in c for c in choices)
        or len(set(choices)) != len(choices)
    ):
        # ";" joins multiselect values, so a choice may not contain it.
        raise bad_request("choices must be a non-empty list of distinct strings without ';'.")
    return list(choices)
