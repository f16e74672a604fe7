"""Writes that attach one record to another: a contact to one more account, a deal found by
name or created.

Both look before they write, because a write that replaces would lose what is there: a
contact's `sales_accounts` sent alone replace the accounts it has, and deal names are not
unique, so no upsert keyed by name is documented (evidence: Deals).
"""

from __future__ import annotations

from translator.fields import CONTACT, DEAL, SALES_ACCOUNT
from translator.person import upsert
from translator.plan import JSON, Call, link_placeholder, path_ref, ref
from translator.settings import Settings

__all__ = ["ACCOUNT_ID", "deal_step", "link_account"]

ACCOUNT_ID = ref("account", "/sales_account/id")


def link_account(
    contact_id: str, existing: JSON, when: dict[str, JSON] | None = None, name: str = "link"
) -> Call:
    """`PUT /contacts/<contact_id>` with the `account` call's account added to `existing`
    (the contact's sales_accounts as an earlier answer gave them); not made when it is there."""
    body = {CONTACT.key: {"sales_accounts": link_placeholder(ACCOUNT_ID, existing)}}
    return Call(name, "PUT", f"{CONTACT.path}/{contact_id}", body, when=when)


def deal_step(settings: Settings, name: str, body: dict[str, JSON], on_account: bool) -> Call:
    """The `deal` write: found by name among the deals of the `account` call's account (or of
    the `person` contact when there is none), then updated or created; or, with
    `Settings.deal_write` "upsert", one upsert keyed by name."""
    if settings.deal_write == "upsert":
        return upsert("deal", DEAL, {"name": name}, body)
    return Call(
        "deal",
        "GET",
        _ACCOUNT_DEALS if on_account else _CONTACT_DEALS,
        None,
        {"include": "deals"},
        match={"list": "/deals", "where": {"name": name}},
        found=Call("deal", "PUT", _DEAL_FOUND, {DEAL.key: body}),
        fallback=Call("deal", "POST", DEAL.path, {DEAL.key: body}),
    )


# The paths of a deal step, the same in every plan: the record whose deals are searched (the
# account, else the contact), and the deal found.
_ACCOUNT_DEALS = f"{SALES_ACCOUNT.path}/{path_ref('account', '/sales_account/id')}"
_CONTACT_DEALS = f"{CONTACT.path}/{path_ref('person', '/contact/id')}"
_DEAL_FOUND = f"{DEAL.path}/{path_ref('deal', '/id')}"
