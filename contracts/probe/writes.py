"""The checks that must write: each makes clearly named test records and deletes them again.

Test contacts have an email `segment-freshsales-probe-<random>@example.com` and the first name
"segment-freshsales probe"; deals and activities have names starting with it. A base contact is
created first, in the plain enveloped form: when that is accepted, a later refusal of the same
attributes unwrapped, or with an unknown custom field, can only be due to what was changed.
Likewise a refused activity counts as "owner required" (or "outcome required") only once the
same activity with an owner (or an outcome) has been accepted.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from contracts.probe.cleanup import Cleanup, Made
from contracts.probe.observation import Observation, missed, seen, surprise, unexpected
from contracts.probe.session import Answer, ProbeError, Session

__all__ = ["PROBE_NAME", "UNKNOWN_CUSTOM_FIELD", "WRITE_FACTS", "probe_email", "write_checks"]

PROBE_NAME: Final = "segment-freshsales probe"
UNKNOWN_CUSTOM_FIELD: Final = "cf_segment_freshsales_probe_unknown"
WRITE_FACTS: Final = (
    "upsert_create_status",
    "deal_upsert_by_name",
    "envelope_required",
    "custom_fields",
    "owner_required",
    "outcome_required",
    "bulk_results",
)
# Read against the base contact, which must be accepted first.
_ON_BASE_CONTACT: Final = (
    "envelope_required",
    "custom_fields",
    "owner_required",
    "outcome_required",
)
# [I] No job status other than the fake's "queued" is documented; these read as "not yet".
_JOB_WAITING: Final = frozenset({"queued", "pending", "in_progress", "processing", "running"})
_OUTCOME: Final = "sales_activity_outcome_id"
_NO_TYPE: Final = "no activity type to log with (GET /selector/sales_activity_types)"
_FIRST_POLL: Final = 0.5
_LONGEST_POLL: Final = 5.0


def probe_email() -> str:
    return f"segment-freshsales-probe-{secrets.token_hex(6)}@example.com"


def _contact(email: str, fact: str) -> dict[str, Any]:
    return {"emails": email, "first_name": PROBE_NAME, "last_name": fact}


def _emails(record: Mapping[str, Any]) -> set[str]:
    found = {record.get("email")}
    listed = record.get("emails")
    for item in listed if isinstance(listed, list) else ():
        found.add(item.get("value") if isinstance(item, dict) else item)
    return {email.casefold() for email in found if isinstance(email, str)}


def _entries(body: Any, key: str) -> list[dict[str, Any]]:
    listed = body.get(key) if isinstance(body, dict) else None
    return (
        [entry for entry in listed if isinstance(entry, dict)] if isinstance(listed, list) else []
    )


def _first_id(answer: Answer, key: str) -> Any:
    return next((entry.get("id") for entry in _entries(answer.body, key)), None)


class _Writes:
    """One run of the write checks, sharing the session, the cleanup and the base contact."""

    def __init__(
        self,
        session: Session,
        cleanup: Cleanup,
        owners: Answer,
        sleep: Callable[[float], None],
        bulk_timeout: float,
    ) -> None:
        self.session = session
        self.cleanup = cleanup
        self.owner = _first_id(owners, "users")
        self.sleep = sleep
        self.bulk_timeout = bulk_timeout

    def run(self) -> list[Observation]:
        found = [self.upsert_create_status(), self.deal_upsert_by_name()]
        with self.cleanup.scope() as made:
            email = probe_email()
            base = self.session.api(
                "POST", "/contacts", body={"contact": _contact(email, "base contact")}
            )
            made.keep("contacts", base, email)
            record = base.record("contact")
            if base.ok and record is not None:
                found += [self.envelope_required(), self.custom_fields()]
                found += self.activity_checks(record["id"])
            else:
                reason = f"n/a: {surprise(base, 'a test contact')}"
                found += [missed(fact, reason) for fact in _ON_BASE_CONTACT]
        found.append(self.bulk_results())
        return found

    def upsert_create_status(self) -> Observation:
        fact = "upsert_create_status"
        email = probe_email()
        body = {"unique_identifier": {"emails": email}, "contact": _contact(email, fact)}
        with self.cleanup.scope() as made:
            answer = self.session.api("POST", "/contacts/upsert", body=body)
            made.keep("contacts", answer, email)
            if answer.status in (200, 201):
                return seen(fact, answer.status)
            return unexpected(fact, answer)

    def envelope_required(self) -> Observation:
        """The base contact's attributes without `{"contact": ...}`: refused, or created. A
        create that ignored them (no email of ours) still means the envelope is needed."""
        fact = "envelope_required"
        email = probe_email()
        with self.cleanup.scope() as made:
            answer = self.session.api("POST", "/contacts", body=_contact(email, fact))
            made.keep("contacts", answer, email)
            if answer.status == 400:
                return seen(fact, True)
            record = answer.record("contact")
            if answer.ok and record is not None:
                return seen(fact, email.casefold() not in _emails(record))
            return unexpected(fact, answer)

    def custom_fields(self) -> Observation:
        fact = "custom_fields"
        email = probe_email()
        attributes = {**_contact(email, fact), "custom_field": {UNKNOWN_CUSTOM_FIELD: "probe"}}
        with self.cleanup.scope() as made:
            answer = self.session.api("POST", "/contacts", body={"contact": attributes})
            made.keep("contacts", answer, email)
            if answer.ok:
                return seen(fact, "lenient")
            if answer.status == 400:
                return seen(fact, "strict")
            return unexpected(fact, answer)

    def activity_checks(self, contact_id: int) -> list[Observation]:
        """owner_required and outcome_required, each with activities on the base contact."""
        types = self.session.api("GET", "/selector/sales_activity_types")
        outcomes = self.session.api("GET", "/selector/sales_activity_outcomes")
        if not types.ok or not outcomes.ok:
            failed = types if not types.ok else outcomes
            return [unexpected(fact, failed) for fact in ("owner_required", "outcome_required")]
        listed = _entries(types.body, "sales_activity_types")
        # A type that does not say is_outcome_mandatory is taken as not requiring one.
        plain = [entry["id"] for entry in listed if entry.get("is_outcome_mandatory") is not True]
        strict = [entry["id"] for entry in listed if entry.get("is_outcome_mandatory") is True]
        outcome = _first_id(outcomes, "sales_activity_outcomes")
        base = {
            "title": f"{PROBE_NAME} activity",
            "targetable_type": "Contact",
            "targetable_id": contact_id,
            **_activity_times(),
        }
        if plain:
            logged = {**base, "sales_activity_type_id": plain[0]}
        elif outcome is not None:
            logged = {**base, "sales_activity_type_id": strict[0], _OUTCOME: outcome}
        else:
            logged = {}
        owned = {} if self.owner is None else {"owner_id": self.owner}
        return [
            self._required("owner_required", logged, "owner_id", self.owner, _NO_TYPE),
            self._required(
                "outcome_required",
                {**base, "sales_activity_type_id": strict[0], **owned} if strict else {},
                _OUTCOME,
                outcome,
                "no activity type has is_outcome_mandatory: true",
            ),
        ]

    def _required(
        self, fact: str, activity: dict[str, Any], key: str, value: Any, absent: str
    ) -> Observation:
        """Log `activity` without `key`: accepted (False), or refused (True) once the same
        activity with `key` is accepted."""
        if not activity:
            return missed(fact, f"n/a: {absent}")
        if value is None:
            return missed(fact, f"n/a: the account lists no {key.removesuffix('_id')} to try with")
        with self.cleanup.scope() as made:
            without = self.session.api(
                "POST", "/sales_activities", body={"sales_activity": activity}
            )
            made.keep("sales_activities", without, activity["title"])
            if without.ok:
                return seen(fact, False)
            if without.status != 400:
                return unexpected(fact, without)
            with_it = self.session.api(
                "POST", "/sales_activities", body={"sales_activity": {**activity, key: value}}
            )
            made.keep("sales_activities", with_it, activity["title"])
            if with_it.ok:
                return seen(fact, True)
            return unexpected(fact, with_it, f"an activity with {key} too")

    def deal_upsert_by_name(self) -> Observation:
        """Upsert, keyed by name, a test deal that exists: accepted (an update) or refused.

        A read-only test would need a refusal message that tells "name is no upsert key" from
        "that deal is invalid", and the real account's wording for either is unknown.
        """
        fact = "deal_upsert_by_name"
        name = f"{PROBE_NAME} deal {secrets.token_hex(6)}"
        with self.cleanup.scope() as made:
            created = self.session.api("POST", "/deals", body={"deal": {"name": name, "amount": 1}})
            made.keep("deals", created, name)
            if not created.ok:
                return unexpected(fact, created, "a test deal's create")
            body = {"unique_identifier": {"name": name}, "deal": {"amount": 2}}
            answer = self.session.api("POST", "/deals/upsert", body=body)
            made.keep("deals", answer, name)
            if answer.ok:
                return seen(fact, True)
            if answer.status == 400:
                return seen(fact, False)
            return unexpected(fact, answer)

    def bulk_results(self) -> Observation:
        """A bulk upsert of one test contact; whether its finished job lists each record."""
        fact = "bulk_results"
        email = probe_email()
        item = {"unique_identifier": {"emails": email}, "data": _contact(email, fact)}
        with self.cleanup.scope() as made:
            queued = self.session.api("POST", "/contacts/bulk_upsert", body={"contacts": [item]})
            url = queued.body.get("job_status_url") if isinstance(queued.body, dict) else None
            if not queued.ok or not isinstance(url, str):
                return unexpected(fact, queued)
            try:
                job = self._finished(url)
            finally:
                self._find_contacts(made, email, url)
            if not job.ok:
                return unexpected(fact, job, "the job status")
            status = job.body.get("status") if isinstance(job.body, dict) else None
            if status in _JOB_WAITING:
                self.cleanup.note(
                    f"contact {email}: bulk job {url} was still {status}; it may create "
                    "this contact later"
                )
                return missed(fact, f"n/a: the job was still {status} after {self.bulk_timeout:g}s")
            data = job.body.get("data")
            return seen(
                fact, "records" if isinstance(data, dict) and "records" in data else "status"
            )

    def _finished(self, url: str) -> Answer:
        """Poll the job with a growing pause until it is no longer waiting or time runs out."""
        waited, pause = 0.0, _FIRST_POLL
        while True:
            self.sleep(pause)
            waited += pause
            job = self.session.follow(url)
            status = job.body.get("status") if isinstance(job.body, dict) else None
            if not job.ok or status not in _JOB_WAITING or waited >= self.bulk_timeout:
                return job
            pause = min(pause * 2, _LONGEST_POLL)

    def _find_contacts(self, made: Made, email: str, job_url: str) -> None:
        """Add the contacts the job made (found by their email) to what gets deleted."""
        query = {"q": email, "f": "email", "entities": "contact"}
        try:
            found = self.session.api("GET", "/lookup", query=query)
        except ProbeError as error:
            self.cleanup.note(f"contact {email} (bulk job {job_url}): {error}")
            return
        nested = found.body.get("contacts") if isinstance(found.body, dict) else None
        if not found.ok or not isinstance(nested, dict):
            self.cleanup.note(
                f"contact {email} (bulk job {job_url}): {surprise(found, 'a lookup')}"
            )
            return
        for contact in _entries(nested, "contacts"):
            if isinstance(contact.get("id"), int):
                made.add("contacts", contact["id"], email)


def _activity_times() -> dict[str, str]:
    start = datetime.now(UTC).replace(microsecond=0)
    end = start + timedelta(minutes=15)
    return {
        "start_date": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end_date": end.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def write_checks(
    session: Session,
    owners: Answer,
    leftovers: list[str],
    *,
    sleep: Callable[[float], None],
    bulk_timeout: float,
) -> list[Observation]:
    """Every write check; the records they make are deleted, and any that could not be are
    added to `leftovers` (also when a ProbeError breaks the run off)."""
    return _Writes(session, Cleanup(session, leftovers), owners, sleep, bulk_timeout).run()
