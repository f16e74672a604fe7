"""The facts about Freshsales that the evidence leaves open, each a switch of an account.

Every switch defaults to the reading the graded evidence
(`reference/freshsales-evidence.md`, "Uncertain facts") finds most likely, and where the
evidence is split, to the one that is harder on a client. The other readings stay one
setting away, so a client can be run against every world the evidence allows.

```python
variants = Variants.from_mapping({"owner_required": False})
variants.owner_required                  # False
variants.changed({"reset_unit": "epoch"}).reset_unit   # "epoch"
```
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

__all__ = ["GRADES", "SPECS", "VARIANT_NAMES", "Variant", "VariantError", "Variants", "describe"]

# The evidence file's grades, spelled as contract files spell them.
GRADES: Final = ("official", "live-third-party", "code", "claim", "inferred")


class VariantError(ValueError):
    """A switch name or value the fake does not know; the message names the switch."""


@dataclass(frozen=True)
class Variant:
    """One switch: what it decides, its values and how strongly the evidence backs the default."""

    name: str
    default: Any
    alternatives: tuple[Any, ...]
    fact: str
    grade: str
    evidence: tuple[str, ...]

    @property
    def values(self) -> tuple[Any, ...]:
        return (self.default, *self.alternatives)

    def check(self, value: object) -> Any:
        # A type check first: True == 1 and 1 == 1.0, but none of them is the other's value.
        if not any(type(value) is type(v) and value == v for v in self.values):
            allowed = ", ".join(_spell(v) for v in self.values)
            raise VariantError(f"variant {self.name} takes one of {allowed}; got {_spell(value)}")
        return value


def _spell(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)


def _switch(
    default: Any, alternatives: tuple[Any, ...], fact: str, grade: str, evidence: tuple[str, ...]
) -> Any:
    return dataclasses.field(
        default=default,
        metadata={"alternatives": alternatives, "fact": fact, "grade": grade, "evidence": evidence},
    )


@dataclass(frozen=True)
class Variants:
    """The value of every switch for one account (E-numbers are the evidence file's sources)."""

    upsert_create_status: int = _switch(
        200, (201,), "An upsert that creates a record answers this status.", "code", ("E11",)
    )
    leads_upsert: bool = _switch(
        False,
        (True,),
        "POST /leads/upsert exists on the classic host (else 404): only a templated route list "
        "names it, and every real integration finds the lead and then creates or updates it.",
        "code",
        ("E1", "E2"),
    )
    deal_upsert_by_name: bool = _switch(
        False,
        (True,),
        "POST /deals/upsert accepts unique_identifier {name} (else 400); the documented key "
        "is {id}.",
        "inferred",
        ("E4",),
    )
    envelope_required: bool = _switch(
        True,
        (False,),
        'Create and update refuse a body without its {"<record>": {...}} envelope.',
        "inferred",
        ("E3", "E5", "E12"),
    )
    retry_after: bool = _switch(
        False, (True,), "A 429 answer carries Retry-After.", "claim", ("E10",)
    )
    reset_unit: str = _switch(
        "seconds",
        ("epoch",),
        "X-RateLimit-Reset counts the seconds until the window resets (else the epoch "
        "second it resets at).",
        "inferred",
        ("E10",),
    )
    auth_error_body: str = _switch(
        "login",
        ("errors",),
        'A refused key answers 401 {"login": "failed", "message": null} (else the errors '
        "envelope).",
        "live-third-party",
        ("E3",),
    )
    custom_fields: str = _switch(
        "lenient",
        ("strict",),
        "An unknown cf_* key or a custom value of the wrong type is ignored (else 400).",
        "inferred",
        ("seed",),
    )
    owner_required: bool = _switch(
        True,
        (False,),
        "A sales activity without owner_id is refused with 400 (else it belongs to the key's "
        "user).",
        "code",
        ("E4", "E5", "E11", "E12"),
    )
    outcome_required: bool = _switch(
        True,
        (False,),
        "A sales activity of an outcome-mandatory type without sales_activity_outcome_id is "
        "refused with 400.",
        "inferred",
        (),
    )
    lookup_external_id: bool = _switch(
        True, (False,), "GET /lookup accepts f=external_id (else 400).", "claim", ()
    )
    bulk_results: str = _switch(
        "status",
        ("records",),
        "A bulk upsert job reports only its status (else a result per record).",
        "inferred",
        ("E4",),
    )
    tracking_api: bool = _switch(
        True,
        (False,),
        "The account answers the tracking API (/track/visitors, /track/events, "
        "/track/page_views, with the application token) on both hosts (else 404 as an unknown "
        "route): Freshworks' own Ruby SDK posts there on the classic host; the Suite account "
        "URL is a claim.",
        "official",
        ("api",),
    )

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> Variants:
        """The defaults with `values` applied; VariantError names any unknown switch or value."""
        return cls().changed(values)

    def changed(self, values: Mapping[str, object]) -> Variants:
        checked = {name: _spec(name).check(value) for name, value in values.items()}
        return dataclasses.replace(self, **checked)

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in VARIANT_NAMES}

    def differences(self) -> dict[str, Any]:
        """The switches not at their default."""
        return {
            name: value for name, value in self.as_dict().items() if value != SPECS[name].default
        }


def _spec(name: str) -> Variant:
    spec = SPECS.get(name)
    if spec is None:
        raise VariantError(f"unknown variant {name!r} (known: {', '.join(VARIANT_NAMES)})")
    return spec


SPECS: Final = {
    field.name: Variant(
        name=field.name,
        default=field.default,
        alternatives=field.metadata["alternatives"],
        fact=field.metadata["fact"],
        grade=field.metadata["grade"],
        evidence=field.metadata["evidence"],
    )
    for field in dataclasses.fields(Variants)
}
VARIANT_NAMES: Final = tuple(SPECS)


def describe(variants: Variants) -> list[dict[str, Any]]:
    """Each switch with its current value, default, alternatives, fact and evidence."""
    return [
        {
            "name": spec.name,
            "value": getattr(variants, spec.name),
            "default": spec.default,
            "alternatives": list(spec.alternatives),
            "grade": spec.grade,
            "evidence": list(spec.evidence),
            "fact": spec.fact,
        }
        for spec in SPECS.values()
    ]
