"""The test records a write check makes, deleted when the check ends, however it ends.

A deletion that fails is not an error of the probe: it is written down (record type, id, the
test email or name, what the server said) so the report can ask for it to be removed by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Final

from contracts.probe.session import Answer, ProbeError, Session

__all__ = ["Cleanup", "Made"]

SINGULAR: Final = {
    "contacts": "contact",
    "deals": "deal",
    "sales_activities": "sales_activity",
}


@dataclass
class Made:
    """The records one check has made so far (type, id, label), newest last."""

    records: list[tuple[str, int, str]] = field(default_factory=list)

    def add(self, plural: str, record_id: int, label: str) -> None:
        if (plural, record_id) not in ((p, i) for p, i, _ in self.records):
            self.records.append((plural, record_id, label))

    def keep(self, plural: str, answer: Answer, label: str) -> None:
        """The record an answer created or updated, if it holds one."""
        record = answer.record(SINGULAR[plural])
        if record is not None:
            self.add(plural, record["id"], label)


class Cleanup:
    """Deletes what each `scope` made; `leftovers` collects what could not be deleted."""

    def __init__(self, session: Session, leftovers: list[str]) -> None:
        self._session = session
        self.leftovers = leftovers

    @contextmanager
    def scope(self) -> Iterator[Made]:
        made = Made()
        try:
            yield made
        finally:
            # Newest first: an activity goes before the contact it is logged on.
            for plural, record_id, label in reversed(made.records):
                self._delete(plural, record_id, label)

    def _delete(self, plural: str, record_id: int, label: str) -> None:
        what = f"{SINGULAR[plural]} {record_id} ({label})"
        try:
            answer = self._session.api("DELETE", f"/{plural}/{record_id}")
        except ProbeError as error:
            self.leftovers.append(f"{what}: {error}")
            return
        # 404: already gone (a contact's deletion may take its activities with it).
        if not answer.ok and answer.status != 404:
            said = answer.message()
            self.leftovers.append(
                f"{what}: DELETE answered {answer.status}" + (f": {said}" if said else "")
            )

    def note(self, leftover: str) -> None:
        """A record that may exist but could not be found to delete."""
        self.leftovers.append(leftover)
