"""Seeded picklists answered by GET /selector/<name>, one set per account."""

from __future__ import annotations

import re
from typing import Any

from .errors import bad_request, blank, route_not_found, type_invalid
from .store import IdSequence

# Freshsales' default sales activity types (reference §4.1, recorded by S10): name,
# show_in_conversation, is_checkedin, position. [I] Positions other than Phone's 7 are guesses.
DEFAULT_ACTIVITY_TYPES: tuple[tuple[str, bool, bool, int], ...] = (
    ("Chat", True, False, 6),
    ("Phone", True, False, 7),
    ("Meeting", False, True, 1),
    ("Task", False, False, 2),
    ("Email", True, False, 3),
    ("SMS Outgoing", True, False, 4),
    ("Reminder", False, False, 5),
    ("SMS Incoming", True, False, 8),
)
# [I] Which default type needs an outcome is unknown; a phone call is the one that has one.
OUTCOME_MANDATORY = frozenset({"Phone"})

# [I] Plausible entries; the real ones are configured per Freshsales account.
PICKLISTS: dict[str, tuple[str, ...]] = {
    "lifecycle_stages": ("Lead", "Sales Qualified Lead", "Customer"),
    "contact_statuses": ("New", "Contacted", "Interested", "Unqualified", "Won", "Lost"),
    "lead_sources": ("Web", "Email", "Phone", "Chat", "Referral", "Organic search"),
    "deal_pipelines": ("Default Pipeline",),
    "deal_stages": ("New", "Qualification", "Proposal", "Negotiation", "Won", "Lost"),
    "deal_types": ("New Business", "Existing Business"),
    "deal_reasons": ("Price", "Competition", "Timing", "No budget"),
    "currencies": ("USD", "EUR"),
    "territories": ("Americas", "EMEA", "APAC"),
    "business_types": ("Prospect", "Customer", "Partner", "Reseller", "Competitor", "Other"),
    "industry_types": ("Computer Software", "Banking", "Education", "Healthcare", "Retail"),
    "sales_activity_outcomes": (
        "Interested",
        "Left message",
        "No response",
        "Not interested",
        "Not able to reach",
    ),
    "campaigns": ("Newsletter", "Webinar"),
    "deal_payment_statuses": ("Paid", "Unpaid", "Partially paid"),
    "deal_products": ("Basic Plan", "Pro Plan", "Enterprise Plan"),
}
ACTIVITY_TYPES = "sales_activity_types"
OWNERS = "owners"
NAMES = (*PICKLISTS, ACTIVITY_TYPES, OWNERS)


def _internal_name(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _extras(selector: str, name: str, lists: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The few attributes some picklists carry beyond id, name and position."""
    if selector == "deal_stages":
        forecast = name if name in ("Won", "Lost") else "Open"
        return {"deal_pipeline_id": lists["deal_pipelines"][0]["id"], "forecast_type": forecast}
    if selector == "currencies":
        return {"currency_code": name, "is_default": name == "USD"}
    if selector == "deal_pipelines":
        return {"is_default": True}
    return {}


class Selectors:
    """Picklists of one account; its custom activity types are added through the admin API."""

    def __init__(self, new_id: IdSequence, user: dict[str, Any]) -> None:
        self._new_id = new_id
        self._user = user
        self._lists: dict[str, list[dict[str, Any]]] = {}
        for selector, names in PICKLISTS.items():
            self._lists[selector] = [
                {
                    "partial": True,
                    "id": new_id(),
                    "name": name,
                    "position": position,
                    **_extras(selector, name, self._lists),
                }
                for position, name in enumerate(names, start=1)
            ]
        self._lists[ACTIVITY_TYPES] = [
            self._activity_type(
                name,
                in_conversation,
                checked_in,
                position,
                is_default=True,
                outcome_mandatory=name in OUTCOME_MANDATORY,
            )
            for name, in_conversation, checked_in, position in DEFAULT_ACTIVITY_TYPES
        ]

    def _activity_type(
        self,
        name: str,
        in_conversation: bool,
        checked_in: bool,
        position: int,
        *,
        is_default: bool,
        outcome_mandatory: bool,
    ) -> dict[str, Any]:
        return {
            "partial": True,
            "id": self._new_id(),
            "name": name,
            "internal_name": _internal_name(name),
            "show_in_conversation": in_conversation,
            "position": position,
            "is_default": is_default,
            "is_checkedin": checked_in,
            # [I] No type is known to demand a check-in.
            "is_checkedin_mandatory": False,
            "is_outcome_mandatory": outcome_mandatory,
        }

    def render(self, selector: str) -> dict[str, list[dict[str, Any]]]:
        if selector == OWNERS:
            return {"users": [dict(self._user)]}
        if selector not in self._lists:
            raise route_not_found()
        return {selector: [dict(entry) for entry in self._lists[selector]]}

    def _entry(self, selector: str, entry_id: object) -> dict[str, Any] | None:
        entries = [self._user] if selector == OWNERS else self._lists[selector]
        return next((entry for entry in entries if entry["id"] == entry_id), None)

    def has(self, selector: str, entry_id: object) -> bool:
        return self._entry(selector, entry_id) is not None

    def needs_outcome(self, type_id: object) -> bool:
        """Whether activities of this type must name a sales_activity_outcome_id."""
        entry = self._entry(ACTIVITY_TYPES, type_id)
        return entry is not None and bool(entry["is_outcome_mandatory"])

    def add_activity_type(self, name: object, outcome_mandatory: object = False) -> dict[str, Any]:
        if not isinstance(name, str) or not name.strip():
            raise bad_request(blank("Name"))
        if not isinstance(outcome_mandatory, bool):
            raise bad_request(type_invalid("outcome_mandatory"))
        types = self._lists[ACTIVITY_TYPES]
        if any(entry["name"].casefold() == name.casefold() for entry in types):
            raise bad_request("Name has already been taken")
        position = max(entry["position"] for entry in types) + 1
        entry = self._activity_type(
            name, False, False, position, is_default=False, outcome_mandatory=outcome_mandatory
        )
        types.append(entry)
        return dict(entry)
