"""The clients' edge: carrying out the engine's storage actions (`Check`, `Settle`).

What outlives a client lives here: the messageIds delivered (`dedupe`) and the messages that
were not (`deadletter`). Each outcome is also logged here, once.
"""

from __future__ import annotations

import logging

from segment_freshsales.delivery.deadletter import DeadLetters
from segment_freshsales.delivery.dedupe import DeliveredIds
from segment_freshsales.delivery.events import Settle

__all__ = ["Ledger"]

logger = logging.getLogger("segment_freshsales.delivery")


class Ledger:
    """Delivered messageIds and dead letters; blocking calls (AsyncClient runs them in a
    worker thread)."""

    def __init__(self, delivered: DeliveredIds, dead_letters: DeadLetters) -> None:
        self.delivered = delivered
        self.dead_letters = dead_letters

    def was_delivered(self, message_id: str) -> bool:
        """Whether a message with this messageId was delivered before."""
        return message_id in self.delivered

    def settle(self, action: Settle, dead_letters: DeadLetters | None = None) -> None:
        """Keep an outcome: the message in `dead_letters` (else the client's own) when it was
        not delivered, its messageIds when it was; one log line, and a warning line for each
        value its message dropped."""
        outcome, message = action.outcome, action.message
        kind = message.get("type") if isinstance(message, dict) else None
        for warning in outcome.warnings:
            logger.warning("%s %s: %s", kind, outcome.message_id, warning)
        if outcome.status in ("rejected", "failed"):
            (dead_letters or self.dead_letters).write(
                message, outcome.status, outcome.reason, outcome.attempts
            )
        elif outcome.status == "delivered":
            for message_id in action.message_ids:
                self.delivered.add(message_id)
        if outcome.reason is not None:  # why it was not delivered, or skipped
            logger.info("%s %s %s: %s", outcome.status, kind, outcome.message_id, outcome.reason)
        else:
            logger.info(
                "%s %s %s (%d calls)", outcome.status, kind, outcome.message_id, len(outcome.calls)
            )

    def close(self) -> None:
        """Release the delivered-ids store."""
        self.delivered.close()
