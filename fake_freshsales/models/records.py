"""A stored record and how a validated Patch changes it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from .entities import Entity
from .fields import Kind
from .validation import AccountLinkInput, EmailInput, Patch

NewId = Callable[[], int]


@dataclass
class Email:
    id: int
    value: str
    is_primary: bool
    label: str | None = None


@dataclass
class AccountLink:
    """A contact's link to a sales account."""

    id: int
    is_primary: bool


@dataclass
class Record:
    """One record of any type; the lists hold the fields that need more than a value."""

    id: int
    entity: Entity
    created_at: float
    updated_at: float
    values: dict[str, Any] = field(default_factory=dict)
    custom: dict[str, Any] = field(default_factory=dict)
    emails: list[Email] = field(default_factory=list)
    accounts: list[AccountLink] = field(default_factory=list)
    contact_ids: list[int] = field(default_factory=list)

    @property
    def primary_email(self) -> str | None:
        return next((email.value for email in self.emails if email.is_primary), None)

    @property
    def primary_account_id(self) -> int | None:
        return next((link.id for link in self.accounts if link.is_primary), None)

    def copy(self) -> Record:
        """A copy safe to change: a failed update leaves the stored record untouched."""
        return replace(
            self,
            values={k: dict(v) if isinstance(v, dict) else v for k, v in self.values.items()},
            custom=dict(self.custom),
            emails=[replace(email) for email in self.emails],
            accounts=[replace(link) for link in self.accounts],
            contact_ids=list(self.contact_ids),
        )

    def match_keys(self, key: str) -> set[str]:
        """What a lookup or upsert on `key` compares against (see `match_key`)."""
        if key == "emails":
            return {match_key(key, email.value) for email in self.emails}
        value = self.values.get(key)
        return {match_key(key, value)} if isinstance(value, str) else set()

    def matches(self, key: str, query: str) -> bool:
        return match_key(key, query) in self.match_keys(key)


# The keys lookups and upserts match on (`email` is an alias of `emails`).
MATCH_KEYS = ("emails", "name", "external_id", "mobile_number")


def match_key(key: str, value: str) -> str:
    """Exact match, except that emails and names ignore case [I]: Freshsales runs on MySQL,
    whose default collation compares case-insensitively."""
    return value.casefold() if key in ("emails", "name") else value


class _HasPrimary(Protocol):
    is_primary: bool


def _one_primary(items: Sequence[_HasPrimary]) -> None:
    """At most one primary, and the first item becomes primary when none is."""
    seen = False
    for item in items:
        item.is_primary = item.is_primary and not seen
        seen = seen or item.is_primary
    if items and not seen:
        items[0].is_primary = True


def _make_primary(items: Sequence[_HasPrimary], chosen: _HasPrimary) -> None:
    for item in items:
        item.is_primary = item is chosen


def _find_email(emails: list[Email], item: EmailInput) -> Email | None:
    by_id = next((email for email in emails if item.id is not None and email.id == item.id), None)
    folded = item.value.casefold()
    return by_id or next((email for email in emails if email.value.casefold() == folded), None)


def merge_emails(emails: list[Email], inputs: list[EmailInput] | None, new_id: NewId) -> None:
    """`emails` adds or updates addresses, `_destroy` removes one, null removes them all.

    [I] Rails nested attributes work this way; S10 sends the same address on every upsert,
    which must not add a twin.
    """
    if inputs is None:
        emails.clear()
        return
    for item in inputs:
        current = _find_email(emails, item)
        if item.destroy:
            if current is not None:
                emails.remove(current)
            continue
        if current is None:
            current = Email(new_id(), item.value, False, item.label)
            emails.append(current)
        else:
            if item.id is not None:
                current.value = item.value
            if item.has_label:
                current.label = item.label
        if item.is_primary:
            _make_primary(emails, current)
        elif item.is_primary is False:
            current.is_primary = False
    _one_primary(emails)


def set_primary_email(emails: list[Email], value: str | None, new_id: NewId) -> None:
    """`email` names the primary address: a known one is promoted, else the primary changes."""
    primary = next((email for email in emails if email.is_primary), None)
    if value is None:
        if primary is not None:
            emails.remove(primary)
    else:
        known = _find_email(emails, EmailInput(value))
        if known is not None:
            _make_primary(emails, known)
        elif primary is not None:
            primary.value = value
        else:
            emails.insert(0, Email(new_id(), value, True))
    _one_primary(emails)


def replace_account_links(links: list[AccountLink], inputs: list[AccountLinkInput] | None) -> None:
    """`sales_accounts` is the whole list (S10 sends existing plus new); repeats collapse."""
    links.clear()
    for item in inputs or []:
        if all(link.id != item.id for link in links):
            links.append(AccountLink(item.id, bool(item.is_primary)))
    _one_primary(links)


def set_primary_account(links: list[AccountLink], account_id: int | None) -> None:
    """`sales_account_id` links (or promotes) the primary account; null unlinks it."""
    if account_id is None:
        links[:] = [link for link in links if not link.is_primary]
    else:
        known = next((link for link in links if link.id == account_id), None)
        if known is None:
            known = AccountLink(account_id, True)
            links.insert(0, known)
        _make_primary(links, known)
    _one_primary(links)


def unlink_account(links: list[AccountLink], account_id: int) -> None:
    links[:] = [link for link in links if link.id != account_id]
    _one_primary(links)


def _merge_object(current: dict[str, Any] | None, changes: dict[str, Any]) -> dict[str, Any]:
    merged = dict(current or {})
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def apply(record: Record, patch: Patch, new_id: NewId) -> None:
    """Write a patch: absent keys are kept, explicit nulls clear."""
    linked: dict[Kind, Any] = {}
    for name, value in patch.values.items():
        spec = record.entity.field(name)
        if spec is None:
            continue
        if spec.kind in _LINKED_ORDER:
            linked[spec.kind] = value
        elif spec.kind is Kind.OBJECT and value is not None:
            record.values[name] = _merge_object(record.values.get(name), value)
        elif value is None:
            record.values.pop(name, None)
        else:
            record.values[name] = value
    # The list form goes first, so `email` / `sales_account_id` pick the primary among it.
    for kind in _LINKED_ORDER:
        if kind in linked:
            _apply_linked(record, kind, linked[kind], new_id)
    if patch.clear_custom:
        record.custom.clear()
    record.custom.update(patch.custom)
    for key in [key for key, value in record.custom.items() if value is None]:
        del record.custom[key]


_LINKED_ORDER = (
    Kind.EMAILS,
    Kind.EMAIL,
    Kind.ACCOUNT_LINKS,
    Kind.PRIMARY_ACCOUNT,
    Kind.CONTACTS_ADDED,
    Kind.CONTACTS_REMOVED,
)


def _apply_linked(record: Record, kind: Kind, value: Any, new_id: NewId) -> None:
    if kind is Kind.EMAILS:
        merge_emails(record.emails, value, new_id)
    elif kind is Kind.EMAIL:
        set_primary_email(record.emails, value, new_id)
    elif kind is Kind.ACCOUNT_LINKS:
        replace_account_links(record.accounts, value)
    elif kind is Kind.PRIMARY_ACCOUNT:
        set_primary_account(record.accounts, value)
    elif kind is Kind.CONTACTS_ADDED:
        record.contact_ids.extend(
            i for i in dict.fromkeys(value or []) if i not in record.contact_ids
        )
    else:
        removed = set(value or [])
        record.contact_ids[:] = [i for i in record.contact_ids if i not in removed]


def set_identifier(record: Record, key: str, value: str, new_id: NewId) -> None:
    """An upsert that creates keeps its identifier on the new record, so repeating it updates.

    [I] For a scalar key the identifier wins over a different value in the body.
    """
    if key == "emails":
        if not record.matches("emails", value):
            merge_emails(record.emails, [EmailInput(value)], new_id)
    else:
        record.values[key] = value
