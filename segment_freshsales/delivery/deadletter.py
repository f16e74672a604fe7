"""Dead letters: one JSON line per message not delivered, for a person to read and for replay.

Each line holds the message (with the timestamp it was stamped with on receipt), its status
(`rejected`, `failed`, or `unsent` when sending stopped), the reason, the attempts and the
time. The API key is scrubbed at the one place lines are written.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from segment_freshsales.delivery.redact import scrub

__all__ = ["DeadLetters", "read_dead_letters"]


class DeadLetters:
    """Where undelivered messages go: a JSONL file, or a list in memory without a path."""

    def __init__(self, path: str | Path | None, secret: str) -> None:
        self.path = None if path is None else Path(path)
        self.kept: list[dict[str, Any]] = []  # when there is no file
        self._secret = secret
        self._lock = threading.Lock()

    def write(
        self,
        message: object,
        status: str,
        reason: str | None,
        attempts: int,
        *,
        maybe_sent: bool = False,
    ) -> dict[str, Any]:
        """Keep one undelivered message; returns the record written.

        `maybe_sent` marks a message that was being sent when sending stopped: a request of it
        may have been carried out, so a replay looks for what it made before sending again.
        """
        fields: dict[str, Any] = {
            "message": message,
            "status": status,
            "reason": reason,
            "attempts": attempts,
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        if maybe_sent:
            fields["maybe_sent"] = True
        record: dict[str, Any] = scrub(fields, self._secret)
        line = json.dumps(record, ensure_ascii=False, default=repr)
        if not line.isascii():
            try:
                line.encode("utf-8")
            except UnicodeEncodeError:  # lone surrogates: escaped, so the file stays UTF-8
                line = json.dumps(record, default=repr)
        with self._lock:
            if self.path is None:
                self.kept.append(record)
            else:
                with self.path.open("a", encoding="utf-8") as file:
                    file.write(line + "\n")
                    file.flush()
                    os.fsync(file.fileno())
        return record

    def keep_unsent(
        self, messages: Iterable[object], reason: str, *, maybe_sent: bool = False
    ) -> int:
        """Keep messages left without an outcome when sending stopped; how many."""
        count = 0
        for message in messages:
            self.write(message, "unsent", reason, 0, maybe_sent=maybe_sent)
            count += 1
        return count


def read_dead_letters(path: str | Path) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    """(line number, record or None when the line is not a record, raw line) for each line."""
    with Path(path).open(encoding="utf-8", errors="replace") as file:
        for number, raw in enumerate(file, start=1):
            line = raw.rstrip("\n")
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except (ValueError, RecursionError):  # not JSON, or too deep to be a record written
                record = None
            if not isinstance(record, dict) or "message" not in record:
                record = None
            yield number, record, line
