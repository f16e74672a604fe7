"""What the delivery engine asks for (actions) and what it is told back (events).

The engine does no I/O and reads no clock: it yields an action, the driver (Client,
AsyncClient, or a test) carries it out and sends back the event that answers it, stamped
with the time the driver read after doing so.

| action   | the driver                                              | answers with       |
|----------|---------------------------------------------------------|--------------------|
| `Check`  | looks the messageId up among those delivered before      | `Checked`          |
| `Send`   | sends the request                                       | `Reply`, `NoReply` |
| `Sleep`  | waits                                                   | `Done`             |
| `Settle` | keeps the outcome: dead letter, delivered id, log line  | `Done`             |
| `Notice` | tells its user something about the account (a warning)  | `Done`             |
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeAlias

from segment_freshsales.delivery.outcome import Outcome
from translator.plan import JSON

__all__ = [
    "Action",
    "Check",
    "Checked",
    "Done",
    "Event",
    "Instant",
    "NoReply",
    "Notice",
    "Reply",
    "Send",
    "Settle",
    "Sleep",
]


@dataclass(frozen=True, slots=True)
class Instant:
    """A moment as the driver read it: `monotonic` seconds for pacing and waits, `epoch`
    (Unix seconds) for receipt stamps and epoch-valued headers."""

    monotonic: float
    epoch: float


@dataclass(frozen=True, slots=True)
class Check:
    """Was a message with this messageId delivered before? Answer with `Checked`."""

    message_id: str


@dataclass(frozen=True, slots=True)
class Send:
    """Send this request (path relative to the base URL, or to the account URL for a tracking
    call: see `tracking`). Answer with `Reply` or `NoReply`."""

    method: str
    path: str
    query: dict[str, str] | None
    body: JSON


@dataclass(frozen=True, slots=True)
class Sleep:
    """Wait this many seconds (`why` says what for, for the log). Answer with `Done`."""

    seconds: float
    why: str


@dataclass(frozen=True, slots=True)
class Settle:
    """The message has its outcome: keep it (a dead letter when it was not delivered, its
    `message_ids` as delivered when it was) and log it. Answer with `Done`."""

    message: object
    outcome: Outcome
    message_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Notice:
    """Tell the user something learnt about the account that changes how messages are sent
    (logged as a warning). Answer with `Done`."""

    text: str


Action: TypeAlias = Check | Send | Sleep | Settle | Notice


@dataclass(frozen=True, slots=True)
class Checked:
    """Whether the messageId of a `Check` was delivered before."""

    delivered: bool
    at: Instant


@dataclass(frozen=True, slots=True)
class Reply:
    """A response: status, headers with lower-case names, and the JSON body (None if not
    JSON)."""

    status: int
    headers: Mapping[str, str]
    body: JSON
    at: Instant


@dataclass(frozen=True, slots=True)
class NoReply:
    """No response came: a timeout, a refused or dropped connection (`problem` says which)."""

    problem: str
    at: Instant


@dataclass(frozen=True, slots=True)
class Done:
    """A `Sleep`, `Settle` or `Notice` is done."""

    at: Instant


Event: TypeAlias = Checked | Reply | NoReply | Done
