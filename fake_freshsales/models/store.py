"""An account's records by type, with the clean-up a delete implies."""

from __future__ import annotations

import itertools
from collections import defaultdict

from .entities import ALL_ENTITIES, CONTACTS, DEALS, NOTES, SALES_ACCOUNTS, SALES_ACTIVITIES, Entity
from .errors import not_found
from .records import MATCH_KEYS, Record, match_key, unlink_account

# The duplicate messages: the account one is recorded (S14), the email one by analogy [I].
_TAKEN = {"emails": "Email has already been taken", "name": "Name has already been taken"}


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
            raise not_found()
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

    def conflict(self, record: Record) -> str | None:
        """The duplicate message when another record already holds this one's unique value."""
        unique = record.entity.unique
        if unique is None:
            return None
        index = self._index[record.entity.plural][unique]
        if any(index.get(value, set()) - {record.id} for value in record.match_keys(unique)):
            return _TAKEN[unique]
        return None

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
            for item in self.all(dependent):
                targets = (item.values.get("targetable_type"), item.values.get("targetable_id"))
                if targets == (entity.model, record_id):
                    self._remove(item)
