"""The people a client knows: Freshsales leads and contacts by email and by external id.

Filled by lookups and by the writes of leads and contacts, so a stream of events looks each
person up once. A person is `{"targetable_type", "targetable_id", "owner_id"}`, as
`resolve.person_from_lookup` reads them.
"""

from __future__ import annotations

from collections.abc import Iterable

from segment_freshsales.delivery.resolve import person_from_record
from translator.plan import JSON

__all__ = ["Key", "People", "person_key"]

Key = tuple[str, str]
"""(field, value): ("email", "ann@example.com") or ("external_id", "u-1")."""


def person_key(field: str, value: str) -> Key:
    """Emails are matched without regard to case, as Freshsales does."""
    return (field, value.lower() if field == "email" else value)


class People:
    """People by key; a lead never replaces a contact, since lookups find contacts first."""

    def __init__(self) -> None:
        self._known: dict[Key, dict[str, JSON]] = {}

    def get(self, key: Key, kinds: Iterable[str | None]) -> dict[str, JSON] | None:
        """The person known by `key` when of one of `kinds` ("Contact", "Lead")."""
        person = self._known.get(key)
        return person if person is not None and person["targetable_type"] in kinds else None

    def remember(self, person: dict[str, JSON], keys: Iterable[Key]) -> None:
        """Know `person` under `keys` (what a find step adds, `created`, is not kept)."""
        known = {k: v for k, v in person.items() if k != "created"}
        for key in keys:
            earlier = self._known.get(key)
            if earlier is None or (earlier["targetable_type"], known["targetable_type"]) != (
                "Contact",
                "Lead",
            ):
                self._known[key] = known

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
        person = self._known.pop(key, None)
        for other in [k for k, v in self._known.items() if v == person]:
            del self._known[other]
