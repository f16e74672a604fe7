"""The people a client knows: Freshsales leads and contacts by email and by external id.

Filled by lookups and by the writes of leads and contacts, so a stream of events looks each
person up once; bounded, so that a client running for months holds the people it saw lately,
not all it ever saw. A person is `{"targetable_type", "targetable_id", "owner_id"}`, as
`resolve.person_from_lookup` reads them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from segment_freshsales.delivery.lru import Lru
from segment_freshsales.delivery.resolve import person_from_record
from translator.plan import JSON

__all__ = ["DEFAULT_CACHE_SIZE", "Key", "People", "person_key"]

DEFAULT_CACHE_SIZE: Final = 100_000
"""People a client remembers at most (and selector entries), unless told otherwise."""

Key = tuple[str, str]
"""(field, value): ("email", "ann@example.com") or ("external_id", "u-1")."""

_Record = tuple[str, int | str]  # (targetable_type, targetable_id): one Freshsales record


def person_key(field: str, value: str) -> Key:
    """Emails are matched without regard to case, as Freshsales does."""
    return (field, value.lower() if field == "email" else value)


@dataclass(slots=True)
class _Known:
    """One person, and every key it is known by (a tuple: one or two keys, and a set would
    take four times the memory, for each of up to 100,000 people)."""

    person: dict[str, JSON]
    keys: tuple[Key, ...] = ()


class People:
    """People by key, at most `capacity` of them: the least recently used is forgotten first,
    under all its keys. A lead never replaces a contact, since lookups find contacts first.

    `hits` and `misses` count the `get`s that found a person and those that did not.
    """

    def __init__(self, capacity: int = DEFAULT_CACHE_SIZE) -> None:
        self._records: Lru[_Record, _Known] = Lru(capacity)
        # The record of each key, by field then value: one table per field, since a table
        # grows in doublings, and one of every key would still double long after the
        # cache is full, as people gain a second key.
        self._keys: dict[str, dict[str, _Record]] = {}
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        """People remembered."""
        return len(self._records)

    @property
    def hit_rate(self) -> float | None:
        """hits / (hits + misses); None before the first `get`."""
        asked = self.hits + self.misses
        return None if asked == 0 else self.hits / asked

    def get(self, key: Key, kinds: Iterable[str | None]) -> dict[str, JSON] | None:
        """The person known by `key` when of one of `kinds` ("Contact", "Lead")."""
        record = self._record_of(key)
        known = None if record is None else self._records.get(record)
        if known is None or known.person["targetable_type"] not in kinds:
            self.misses += 1
            return None
        self.hits += 1
        return known.person

    def remember(self, person: dict[str, JSON], keys: Iterable[Key]) -> None:
        """Know `person` under `keys` (what a find step adds, `created`, is not kept)."""
        person = {k: v for k, v in person.items() if k != "created"}
        number = person["targetable_id"]
        record = (
            str(person["targetable_type"]),
            number if isinstance(number, int | str) else repr(number),
        )
        known = self._records.pop(record) or _Known(person)
        known.person = person  # the newest answer: its owner may have changed
        for key in keys:
            earlier = self._record_of(key)
            if earlier is None or (earlier[0], record[0]) != ("Contact", "Lead"):
                self._move(key, record)
                if key not in known.keys:
                    known.keys += (key,)
        if known.keys:
            for _, evicted in self._records.put(record, known):
                self._drop(evicted.keys)

    def remember_written(self, path: str, body: JSON, answer: JSON) -> None:
        """After a lead or contact was written (`path`, `body`), know the person its answer
        holds by the email and external id the body gave."""
        person = person_from_record(path, answer, created=False)
        envelope = path.strip("/").split("/")[0].removesuffix("s")
        record = body.get(envelope) if isinstance(body, dict) else None
        if person is None or not isinstance(record, dict):
            return
        unique = body.get("unique_identifier")
        email = unique.get("emails") if isinstance(unique, dict) else None
        given = (
            ("email", email or record.get("email")),
            ("external_id", record.get("external_id")),
        )
        self.remember(person, [person_key(f, v) for f, v in given if isinstance(v, str)])

    def forget(self, key: Key) -> None:
        """Forget a person, under every key that names the same record."""
        record = self._record_of(key)
        known = None if record is None else self._records.pop(record)
        if known is not None:
            self._drop(known.keys)

    def _move(self, key: Key, record: _Record) -> None:
        """Point `key` at `record`, taking it from the person it named before, who is
        forgotten when that was its last key."""
        earlier = self._record_of(key)
        self._keys.setdefault(key[0], {})[key[1]] = record
        if earlier is None or earlier == record:
            return
        other = self._records.peek(earlier)
        if other is not None:
            other.keys = tuple(k for k in other.keys if k != key)
            if not other.keys:
                self._records.pop(earlier)

    def _record_of(self, key: Key) -> _Record | None:
        table = self._keys.get(key[0])
        return None if table is None else table.get(key[1])

    def _drop(self, keys: Iterable[Key]) -> None:
        for field, value in keys:
            del self._keys[field][value]
