"""Creates made once: finding the record an earlier attempt of a create may have made.

A create (`POST /sales_activities`, `POST /leads`, `POST /deals`; an upsert is not one) that got
no answer, or a 5xx, may still have been carried out. Before sending it again the engine makes
the create's `Recheck`, a GET whose answer shows the record if it was made:

* a sales activity: its notes end with the message's messageId line (`translator.activity`),
  and the record it targets lists its activities (`GET /contacts/{id}/activities`, and the same
  under `/leads`, `/sales_accounts`, `/deals`: `{"activities": [...]}`, newest first). This one
  is also read before the first attempt when the message may have been sent by an earlier
  delivery (a relay killed mid-delivery): nothing else tells that activity from a new one.
* a record a find call creates when it finds none (a lead by email, a deal by name): the find
  call's own GET, made again.

Only the first page of an activity listing is read: the activity looked for is the newest one
the message's person got from this client, unless others were added since ([I] no source says
how the listing pages, nor how long it is).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from urllib.parse import quote

from segment_freshsales.delivery.resolve import TARGETABLE_TYPES, match_record, person_from_lookup
from translator.activity import message_id_line
from translator.plan import JSON

__all__ = ["Recheck", "activity_recheck", "find_recheck", "is_create"]

# The targetable_type of an activity → the collection path of the record it is on.
_COLLECTIONS = {kind: f"/{entity}s" for entity, kind in TARGETABLE_TYPES.items()}


@dataclass(frozen=True, slots=True)
class Recheck:
    """How to tell whether a create was carried out: the GET to make (`path`, `query`), and
    `made(answer)`, the create's answer (`{"<envelope>": record}`) when the GET's answer holds
    the record it made, else None. `before_first`: look before the first attempt too when the
    message may have been sent before."""

    path: str
    query: dict[str, str] | None
    made: Callable[[JSON], JSON]
    before_first: bool = False


def is_create(method: str, path: str) -> bool:
    """Whether a request makes a new record each time it is carried out."""
    return method == "POST" and not path.endswith("/upsert")


def activity_recheck(method: str, path: str, body: JSON, message_id: str | None) -> Recheck | None:
    """The Recheck of a sales activity create carrying the messageId line; None for any other
    request, and for an activity of a message without a messageId (made at least once)."""
    activity = body.get("sales_activity") if isinstance(body, dict) else None
    if not is_create(method, path) or message_id is None or not isinstance(activity, dict):
        return None
    line = message_id_line(message_id)
    collection = _COLLECTIONS.get(str(activity.get("targetable_type")))
    target = activity.get("targetable_id")
    if not _ends_with(activity.get("notes"), line) or collection is None:
        return None
    if isinstance(target, bool) or not isinstance(target, int | str):
        return None
    listing = f"{collection}/{quote(str(target), safe='')}/activities"
    return Recheck(listing, None, partial(_listed, line), before_first=True)


def find_recheck(
    path: str, query: dict[str, str] | None, match: Mapping[str, JSON] | None, create: JSON
) -> Recheck | None:
    """The Recheck of the create a find call makes when it finds nothing: the find's GET
    (`path`, `query`, `match` as in the plan) made again; None when `create` (its body) has no
    envelope to answer in."""
    if not isinstance(create, dict) or len(create) != 1:
        return None
    [envelope] = create
    if path == "/lookup":
        return Recheck(path, query, partial(_looked_up, envelope))
    return Recheck(path, query, partial(_matched, envelope, match or {}))


def _listed(line: str, listing: JSON) -> JSON:
    """The activity of a listing whose notes end with `line`, as its create answers it."""
    activities = listing.get("activities") if isinstance(listing, dict) else None
    for activity in activities if isinstance(activities, list) else []:
        if isinstance(activity, dict) and _ends_with(activity.get("notes"), line):
            return {"sales_activity": activity}
    return None


def _looked_up(envelope: str, answer: JSON) -> JSON:
    """The first `envelope` person (a lead, a contact) of a `GET /lookup` answer, as its create
    answers it (the id and owner: what the engine reads of a person)."""
    person = person_from_lookup(envelope, answer)
    if person is None:
        return None
    return {envelope: {"id": person["targetable_id"], "owner_id": person["owner_id"]}}


def _matched(envelope: str, match: Mapping[str, JSON], answer: JSON) -> JSON:
    """The record a find's `match` picks from its answer, as its create answers it."""
    record = match_record(match, answer)
    return None if record is None else {envelope: record}


def _ends_with(notes: JSON, line: str) -> bool:
    """Whether `line` is the last line of `notes` (trailing whitespace aside: [I] an account
    may trim what it stores)."""
    if not isinstance(notes, str):
        return False
    kept = notes.rstrip()
    return kept == line or kept.endswith("\n" + line)
