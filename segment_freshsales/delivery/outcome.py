"""What became of each message (Outcome) and of a stream of them (Report)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

__all__ = ["CallRecord", "Outcome", "Report", "Status"]

Status: TypeAlias = Literal["delivered", "rejected", "failed", "skipped"]
CallRecord: TypeAlias = tuple[str, str, int]
"""(method, path, HTTP status) of one request; status 0 when no response came back."""


@dataclass(slots=True)
class Outcome:
    """The end of one message.

    * `delivered` - every call of its plan succeeded;
    * `rejected` - invalid, or refused by Freshsales for good (400/404/422): `reason` says why;
    * `failed` - still failing after the retry budget: kept for replay;
    * `skipped` - its messageId was delivered before.
    """

    status: Status
    message_id: str | None
    calls: list[CallRecord] = field(default_factory=list)
    reason: str | None = None
    attempts: int = 0
    retries: int = 0


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
    api_calls: int = 0
    retries: int = 0
    calls_saved: int = 0  # by coalescing consecutive identifies of one person
    by_reason: Counter[str] = field(default_factory=Counter)
    by_status: Counter[int] = field(default_factory=Counter)  # HTTP statuses seen

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
        self.api_calls += len(outcome.calls)
        self.retries += outcome.retries
        self.by_status.update(status for _, _, status in outcome.calls)
