"""Replaying a dead-letter file: its messages sent again, the file rewritten with the rest."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from segment_freshsales.delivery.client import Client
from segment_freshsales.delivery.deadletter import DeadLetters, read_dead_letters
from segment_freshsales.delivery.errors import AuthError
from segment_freshsales.delivery.outcome import Report

__all__ = ["replay"]


def replay(path: str | Path, client: Client) -> Report:
    """Re-send the messages of a dead-letter file; rewrite it with what is still undelivered.

    Messages whose messageId the client already delivered are skipped (and dropped from the
    file); lines that are not dead-letter records stay as they are. A `failed` message may have
    been carried out by a request that got no answer or a 5xx, so its activity is looked for
    before it is sent (`maybe_sent`); a `rejected` one was refused for certain (a 4xx) and an
    `unsent` one never went out.
    """
    source = Path(path)
    report = Report()
    handle, temporary = tempfile.mkstemp(dir=source.parent, prefix=f".{source.name}.")
    os.close(handle)
    remaining = DeadLetters(temporary, client.settings.api_key)
    lines = list(read_dead_letters(source))
    try:
        for index, (_, record, raw) in enumerate(lines):
            if record is None:
                _append_raw(temporary, raw)
                continue
            try:
                outcome = client.deliver(
                    record["message"],
                    dead_letters=remaining,
                    maybe_sent=record.get("status") == "failed",
                )
            except AuthError:
                for _, _, rest in lines[index + 1 :]:
                    _append_raw(temporary, rest)
                raise
            report.add(outcome)
    finally:
        os.replace(temporary, source)
    return report


def _append_raw(path: str, line: str) -> None:
    with open(path, "a", encoding="utf-8") as file:
        file.write(line + "\n")
