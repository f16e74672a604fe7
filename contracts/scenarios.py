"""Named recording scenarios: requests run in order against a server, each recorded as one
interaction. Data only; `record.py` runs them.

A step's path is relative to the API root (the recorder picks `/api` or `/crm/sales/api` from the
host) and may hold `{name}` for a value an earlier step bound (`bind`: name → JSON pointer into
its response body). `from_state` puts bound values into the request at JSON paths (and names
them for replay, where provider states give them). `states` say what holds before the step, as
the earlier steps left it; a param written `"{name}"` takes a bound value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from contracts.states import ProviderState

__all__ = ["SCENARIOS", "Scenario", "Step"]


@dataclass(frozen=True)
class Step:
    """One request of a scenario (see the module doc)."""

    name: str
    description: str
    method: str
    path: str
    body: Any = None
    query: Mapping[str, str] = field(default_factory=dict)
    auth: str = "api_key"
    states: tuple[ProviderState, ...] = ()
    from_state: Mapping[str, str] = field(default_factory=dict)
    bind: Mapping[str, str] = field(default_factory=dict)
    request_schema: str | None = None
    response_schema: str | None = None
    rules: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    steps: tuple[Step, ...]


def _state(name: str, /, **params: Any) -> ProviderState:
    return ProviderState(name, params)


_ANN = "ann.lee@example.com"
_ANN_CREATED = {"email": _ANN, "first_name": "Ann", "last_name": "Lee"}
_ANN_UPDATED = {**_ANN_CREATED, "job_title": "CTO"}
_ANN_RENAMED = {**_ANN_UPDATED, "first_name": "Anna"}

CONTACT_LIFECYCLE: Final = Scenario(
    "contact lifecycle",
    "A contact upserted, read, updated, upserted again, looked up, deleted, then gone.",
    (
        Step(
            "upsert-create",
            "an upsert by email creates the contact",
            "POST",
            "/contacts/upsert",
            {"unique_identifier": {"emails": _ANN}, "contact": _ANN_CREATED},
            states=(_state("no contact with email", email=_ANN),),
            bind={"contact_id": "/contact/id"},
            request_schema="contact_upsert.request.json",
            response_schema="contact.response.json",
        ),
        Step(
            "get",
            "the contact read by id",
            "GET",
            "/contacts/{contact_id}",
            states=(_state("contact exists", **_ANN_CREATED),),
            response_schema="contact.response.json",
        ),
        Step(
            "update",
            "the contact updated by id",
            "PUT",
            "/contacts/{contact_id}",
            {"contact": {"job_title": "CTO"}},
            states=(_state("contact exists", **_ANN_CREATED),),
            request_schema="contact.request.json",
            response_schema="contact.response.json",
        ),
        Step(
            "upsert-update",
            "an upsert by the same email updates the contact",
            "POST",
            "/contacts/upsert",
            {"unique_identifier": {"emails": _ANN}, "contact": {"first_name": "Anna"}},
            states=(_state("contact exists", **_ANN_UPDATED),),
            request_schema="contact_upsert.request.json",
            response_schema="contact.response.json",
        ),
        Step(
            "lookup",
            "a lookup by email finds the contact",
            "GET",
            "/lookup",
            query={"q": _ANN, "f": "email", "entities": "contact"},
            states=(_state("contact exists", **_ANN_RENAMED),),
            response_schema="lookup.response.json",
        ),
        Step(
            "delete",
            "the contact deleted by id",
            "DELETE",
            "/contacts/{contact_id}",
            states=(_state("contact exists", **_ANN_RENAMED),),
        ),
        Step(
            "get-deleted",
            "reading the deleted contact finds nothing",
            "GET",
            "/contacts/{contact_id}",
            states=(_state("contact was deleted", email=_ANN),),
            response_schema="errors.response.json",
        ),
    ),
)

_BO = "bo.ray@example.com"
_BO_LEAD = {"email": _BO, "first_name": "Bo", "company": {"name": "Initech"}}
_BO_UPDATED = {**_BO_LEAD, "job_title": "CTO"}

# Leads are found, then created or updated by id, as Freshworks' own code does (evidence E2).
LEAD_ACTIVITY: Final = Scenario(
    "lead activity",
    "A lead looked for, created, updated and found, then a sales activity of an existing type "
    "recorded on it, owned by the API user.",
    (
        Step(
            "activity-types",
            "the account's sales activity types",
            "GET",
            "/selector/sales_activity_types",
            bind={
                "activity_type_id": "/sales_activity_types/0/id",
                "activity_type_name": "/sales_activity_types/0/name",
            },
            response_schema="selector.response.json",
            # Accounts have their own types: at least one, each shaped like the first.
            rules={"$.response.body.sales_activity_types": {"match": "type", "min": 1}},
        ),
        Step(
            "owners",
            "the account's users",
            "GET",
            "/selector/owners",
            bind={"owner_id": "/users/0/id"},
            response_schema="owners.response.json",
            rules={"$.response.body.users": {"match": "type", "min": 1}},
        ),
        Step(
            "lead-lookup-nobody",
            "a lookup by email among leads finds nobody yet",
            "GET",
            "/lookup",
            query={"q": _BO, "f": "email", "entities": "lead"},
            states=(_state("no lead with email", email=_BO),),
            response_schema="lookup.response.json",
        ),
        Step(
            "lead-create",
            "the lead created with its company",
            "POST",
            "/leads",
            {"lead": _BO_LEAD},
            states=(_state("no lead with email", email=_BO),),
            bind={"lead_id": "/lead/id"},
            request_schema="lead.request.json",
            response_schema="lead.response.json",
        ),
        Step(
            "lead-update",
            "the lead updated by id",
            "PUT",
            "/leads/{lead_id}",
            {"lead": {"job_title": "CTO"}},
            states=(_state("lead exists", **_BO_LEAD),),
            request_schema="lead.request.json",
            response_schema="lead.response.json",
        ),
        Step(
            "lookup",
            "a lookup by email among contacts and leads finds the lead",
            "GET",
            "/lookup",
            query={"q": _BO, "f": "email", "entities": "contact,lead"},
            states=(_state("lead exists", **_BO_UPDATED),),
            response_schema="lookup.response.json",
        ),
        Step(
            "activity",
            "a sales activity on the lead",
            "POST",
            "/sales_activities",
            {
                "sales_activity": {
                    "title": "Signed Up",
                    "notes": 'Segment track "Signed Up"\nplan: pro',
                    "start_date": "2026-05-01T10:00:00Z",
                    "end_date": "2026-05-01T10:00:00Z",
                    "sales_activity_type_id": 0,
                    "targetable_type": "Lead",
                    "targetable_id": 0,
                    "owner_id": 0,
                }
            },
            states=(
                _state("lead exists", **_BO_UPDATED),
                _state("activity type exists", name="{activity_type_name}"),
                _state("api user exists"),
            ),
            from_state={
                "$.request.body.sales_activity.sales_activity_type_id": "activity_type_id",
                "$.request.body.sales_activity.targetable_id": "lead_id",
                "$.request.body.sales_activity.owner_id": "owner_id",
                "$.response.body.sales_activity.sales_activity_type_id": "activity_type_id",
                "$.response.body.sales_activity.targetable_id": "lead_id",
                "$.response.body.sales_activity.owner_id": "owner_id",
            },
            request_schema="sales_activity.request.json",
            response_schema="sales_activity.response.json",
        ),
    ),
)

_CY = "cy.moss@example.com"
_ACCOUNT = {"name": "Initech", "website": "initech.example"}
_DEAL_LINKS = {
    "$.request.body.deal.sales_account_id": "sales_account_id",
    "$.request.body.deal.contacts_added_list[0]": "contact_id",
    "$.response.body.deal.sales_account_id": "sales_account_id",
    "$.response.body.deal.contact_ids[0]": "contact_id",
}


_DEAL_NAME = "Initech renewal"
_DEAL_STATES = (
    _state("sales account exists", **_ACCOUNT, city="Austin"),
    _state("contact exists", email=_CY, first_name="Cy"),
)


def _deal(amount: int) -> dict[str, Any]:
    # The links go with every write, so that a replay from a bare `deal exists` ends the same.
    return {"amount": amount, "sales_account_id": 0, "contacts_added_list": [0]}


# Deals are created, then updated by id or upserted on their id: the documented key (E4).
ACCOUNT_AND_DEAL: Final = Scenario(
    "account and deal",
    "An account upserted twice, a contact linked to it, and a deal on both created, updated "
    "and upserted by its id.",
    (
        Step(
            "account-upsert-create",
            "an account upsert by name creates the account",
            "POST",
            "/sales_accounts/upsert",
            {"unique_identifier": {"name": "Initech"}, "sales_account": _ACCOUNT},
            states=(_state("no sales account with name", name="Initech"),),
            bind={"sales_account_id": "/sales_account/id"},
            request_schema="sales_account_upsert.request.json",
            response_schema="sales_account.response.json",
        ),
        Step(
            "account-upsert-update",
            "an account upsert by the same name updates it",
            "POST",
            "/sales_accounts/upsert",
            {"unique_identifier": {"name": "Initech"}, "sales_account": {"city": "Austin"}},
            states=(_state("sales account exists", **_ACCOUNT),),
            request_schema="sales_account_upsert.request.json",
            response_schema="sales_account.response.json",
        ),
        Step(
            "contact-linked",
            "a contact upsert linked to the account",
            "POST",
            "/contacts/upsert",
            {
                "unique_identifier": {"emails": _CY},
                "contact": {
                    "email": _CY,
                    "first_name": "Cy",
                    "sales_accounts": [{"id": 0, "is_primary": True}],
                },
            },
            states=(
                _state("sales account exists", **_ACCOUNT, city="Austin"),
                _state("no contact with email", email=_CY),
            ),
            from_state={
                "$.request.body.contact.sales_accounts[0].id": "sales_account_id",
                "$.response.body.contact.sales_accounts[0].id": "sales_account_id",
            },
            bind={"contact_id": "/contact/id"},
            request_schema="contact_upsert.request.json",
            response_schema="contact.response.json",
        ),
        Step(
            "deal-create",
            "the deal created, linked to the account and the contact",
            "POST",
            "/deals",
            {"deal": {"name": _DEAL_NAME, **_deal(1200)}},
            states=(*_DEAL_STATES, _state("no deal with name", name=_DEAL_NAME)),
            from_state=_DEAL_LINKS,
            bind={"deal_id": "/deal/id"},
            request_schema="deal.request.json",
            response_schema="deal.response.json",
        ),
        Step(
            "deal-update",
            "the deal's amount updated by id",
            "PUT",
            "/deals/{deal_id}",
            {"deal": _deal(1500)},
            states=(*_DEAL_STATES, _state("deal exists", name=_DEAL_NAME, amount=1200)),
            from_state=_DEAL_LINKS,
            request_schema="deal.request.json",
            response_schema="deal.response.json",
        ),
        Step(
            "deal-upsert-by-id",
            "a deal upsert keyed by its id updates its amount",
            "POST",
            "/deals/upsert",
            {"unique_identifier": {"id": 0}, "deal": _deal(1800)},
            states=(*_DEAL_STATES, _state("deal exists", name=_DEAL_NAME, amount=1500)),
            from_state={**_DEAL_LINKS, "$.request.body.unique_identifier.id": "deal_id"},
            request_schema="deal_upsert.request.json",
            response_schema="deal.response.json",
        ),
    ),
)

REJECTIONS: Final = Scenario(
    "rejections",
    "Requests Freshsales refuses: a wrong key, an unknown id, no envelope, a wrong type.",
    (
        Step(
            "wrong-key",
            "a wrong API key is refused",
            "GET",
            "/selector/sales_activity_types",
            auth="wrong_key",
            response_schema="login.response.json",
        ),
        Step(
            "unknown-id",
            "reading a contact id that does not exist",
            "GET",
            "/contacts/70999999999",
            states=(_state("no contact with id", id=70999999999),),
            response_schema="errors.response.json",
        ),
        Step(
            "no-envelope",
            "an upsert without its contact envelope",
            "POST",
            "/contacts/upsert",
            {"unique_identifier": {"emails": _ANN}},
            response_schema="errors.response.json",
        ),
        Step(
            "wrong-type",
            "an upsert whose sales_accounts is an object, not a list",
            "POST",
            "/contacts/upsert",
            {
                "unique_identifier": {"emails": _ANN},
                "contact": {"email": _ANN, "sales_accounts": {"id": 1}},
            },
            response_schema="errors.response.json",
        ),
    ),
)

SCENARIOS: Final[Mapping[str, Scenario]] = {
    scenario.name: scenario
    for scenario in (CONTACT_LIFECYCLE, LEAD_ACTIVITY, ACCOUNT_AND_DEAL, REJECTIONS)
}
