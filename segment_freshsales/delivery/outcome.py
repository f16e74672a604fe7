"""What became of each message (Outcome) and of a stream of them (Report)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Final, Literal, TypeAlias

from segment_freshsales.delivery.tracking import TRACKING_PREFIX
from translator.plan import Dropped

__all__ = ["WARNINGS_KEPT", "CallRecord", "Outcome", "Report", "Status", "warning"]

Status: TypeAlias = Literal["delivered", "rejected", "failed", "skipped"]
CallRecord: TypeAlias = tuple[str, str, int]
"""(method, path, HTTP status) of one request; status 0 when no response came back."""


@dataclass(slots=True)
class Outcome:
    """The end of one message.

    * `delivered` - every call of its plan succeeded;
    * `rejected` - invalid, or refused by Freshsales for good (400/404/422): `reason` says why;
    * `failed` - still failing after the retry budget: kept for replay;
    * `skipped` - its messageId was delivered before (no `reason`), or it is not for
      Freshsales: `reason` is `integrations` (the message's integrations turn Freshsales
      off) or `event_map` (the event map ignores its event).

    `warnings` name what was left out of a message that was otherwise sent: each optional value
    that could not be (`"traits.campaignId dropped: expected an integer ..."`).
    """

    status: Status
    message_id: str | None
    calls: list[CallRecord] = field(default_factory=list)
    reason: str | None = None
    attempts: int = 0
    retries: int = 0
    warnings: list[str] = field(default_factory=list)


def warning(dropped: Dropped) -> str:
    """The warning of an optional value a plan dropped."""
    return f"{dropped.path} dropped: {dropped.reason}"


# How many warnings a Report keeps the text of: enough for a summary's first few.
WARNINGS_KEPT: Final = 10


@dataclass(slots=True)
class Report:
    """Counts over a stream of messages.

    ```python
    report = client.deliver_all(messages)
    report.delivered, report.rejected, report.failed, report.by_reason
    ```
    """

    delivered: int = 0
    rejected: int = 0
    failed: int = 0
    skipped: int = 0
    api_calls: int = 0  # REST API requests, each attempt counted
    tracking_calls: int = 0  # tracking API requests (events and page views with an app token)
    retries: int = 0
    calls_saved: int = 0  # by coalescing consecutive identifies of one person
    bulk: int = 0  # messages delivered by a bulk upsert job (`deliver_all(bulk=True)`)
    bulk_jobs: int = 0  # bulk upsert jobs queued
    by_reason: Counter[str] = field(default_factory=Counter)
    by_status: Counter[int] = field(default_factory=Counter)  # HTTP statuses seen
    fields_dropped: int = 0  # optional values left out of messages (Outcome.warnings)
    first_warnings: list[str] = field(default_factory=list)  # the first WARNINGS_KEPT of them

    @property
    def total(self) -> int:
        """Messages accounted for."""
        return self.delivered + self.rejected + self.failed + self.skipped

    def add(self, outcome: Outcome, messages: int = 1) -> None:
        """Count `outcome`, which stands for `messages` messages (more when coalesced)."""
        if outcome.status == "delivered":
            self.delivered += messages
        elif outcome.status == "rejected":
            self.rejected += messages
        elif outcome.status == "failed":
            self.failed += messages
        else:
            self.skipped += messages
        if outcome.reason is not None:
            self.by_reason[outcome.reason] += messages
        tracking = sum(path.startswith(TRACKING_PREFIX) for _, path, _ in outcome.calls)
        self.tracking_calls += tracking
        self.api_calls += len(outcome.calls) - tracking
        self.retries += outcome.retries
        self.by_status.update(status for _, _, status in outcome.calls)
        if outcome.warnings:
            self.fields_dropped += len(outcome.warnings)
            room = WARNINGS_KEPT - len(self.first_warnings)
            self.first_warnings.extend(outcome.warnings[: max(room, 0)])
