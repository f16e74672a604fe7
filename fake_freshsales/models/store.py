"""An account's records by type, with the clean-up a delete implies."""

from __future__ import annotations

import itertools
from collections import defaultdict

from .entities import ALL_ENTITIES, CONTACTS, DEALS, NOTES, SALES_ACCOUNTS, SALES_ACTIVITIES, Entity
from .errors import not_found
from .records import MATCH_KEYS, Record, match_key, unlink_account

# Both recorded: a taken account name (E3, E8), a taken contact email (E3, "<email> already
# exists.", [I] the same for leads).
NAME_TAKEN = "Name has already been taken"


def email_taken(value: str) -> str:
    return f"{value} already exists."


class IdSequence:
    """Ids counting up from `first`: deterministic after every reset."""

    def __init__(self, first: int) -> None:
        self._counter = itertools.count(first)

    def __call__(self) -> int:
        return next(self._counter)


class RecordStore:
    """Records by type and id, indexed on the keys lookups and upserts match on."""

    def __init__(self) -> None:
        self._records: dict[str, dict[int, Record]] = {e.plural: {} for e in ALL_ENTITIES}
        # entity -> key -> normalised value -> ids holding it
        self._index: dict[str, dict[str, dict[str, set[int]]]] = {
            e.plural: {key: defaultdict(set) for key in MATCH_KEYS} for e in ALL_ENTITIES
        }

    def all(self, entity: Entity) -> list[Record]:
        return list(self._records[entity.plural].values())

    def find(self, entity: Entity, record_id: int) -> Record | None:
        return self._records[entity.plural].get(record_id)

    def get(self, entity: Entity, record_id: int) -> Record:
        record = self.find(entity, record_id)
        if record is None:
            raise not_found(entity.label)
        return record

    def put(self, record: Record) -> None:
        """Add a record, or replace the stored one with the same id."""
        stored = self.find(record.entity, record.id)
        if stored is not None:
            self._unindex(stored)
        self._records[record.entity.plural][record.id] = record
        for key, values in self._index[record.entity.plural].items():
            for value in record.match_keys(key):
                values[value].add(record.id)

    def _unindex(self, record: Record) -> None:
        for key, values in self._index[record.entity.plural].items():
            for value in record.match_keys(key):
                values[value].discard(record.id)

    def _remove(self, record: Record) -> None:
        self._unindex(record)
        del self._records[record.entity.plural][record.id]

    def matching(self, entity: Entity, key: str, query: str) -> list[Record]:
        """Records whose `key` equals `query`, oldest (lowest id) first."""
        key = "emails" if key == "email" else key
        ids = self._index[entity.plural][key].get(match_key(key, query), set())
        return [self._records[entity.plural][record_id] for record_id in sorted(ids)]

    def conflicts(self, record: Record) -> list[str]:
        """The duplicate messages when other records already hold this one's unique values."""
        unique = record.entity.unique
        if unique is None:
            return []
        index = self._index[record.entity.plural][unique]

        def taken(value: str) -> bool:
            return bool(index.get(match_key(unique, value), set()) - {record.id})

        if unique == "emails":
            # Named as this record spells the address, whatever case the other one has.
            return [email_taken(email.value) for email in record.emails if taken(email.value)]
        name = record.values.get(unique)
        return [NAME_TAKEN] if isinstance(name, str) and taken(name) else []

    def deals_of(self, record: Record) -> list[Record]:
        """The deals of an account (their `sales_account_id`) or of a contact (their
        `contact_ids`), oldest first; no other record type has deals."""
        if record.entity is SALES_ACCOUNTS:
            return [d for d in self.all(DEALS) if d.values.get("sales_account_id") == record.id]
        if record.entity is CONTACTS:
            return [d for d in self.all(DEALS) if record.id in d.contact_ids]
        return []

    def targeting(self, dependent: Entity, entity: Entity, record_id: int) -> list[Record]:
        """The sales activities or notes (`dependent`) whose target is this record."""
        target = (entity.model, record_id)
        return [
            item
            for item in self.all(dependent)
            if (item.values.get("targetable_type"), item.values.get("targetable_id")) == target
        ]

    def delete(self, entity: Entity, record_id: int) -> None:
        """Remove a record and every link to it [I]: Freshsales leaves no dangling ids."""
        self._remove(self.get(entity, record_id))
        if entity is SALES_ACCOUNTS:
            for contact in self.all(CONTACTS):
                unlink_account(contact.accounts, record_id)
            for other in (*self.all(DEALS), *self.all(SALES_ACCOUNTS)):
                for key in ("sales_account_id", "parent_sales_account_id"):
                    if other.values.get(key) == record_id:
                        del other.values[key]
        if entity is CONTACTS:
            for deal in self.all(DEALS):
                if record_id in deal.contact_ids:
                    deal.contact_ids.remove(record_id)
        for dependent in (SALES_ACTIVITIES, NOTES):
            for item in self.targeting(dependent, entity, record_id):
                self._remove(item)
