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
    file); lines that are not dead-letter records stay as they are, and so do the records not
    reached when it stops early (AuthError, KeyboardInterrupt). A `failed` message may have
    been carried out by a request that got no answer or a 5xx, so its activity is looked for
    before it is sent (`maybe_sent`), and so is an `unsent` one marked `maybe_sent` (it was being
    sent when sending stopped); a `rejected` one was refused for certain (a 4xx) and any other
    `unsent` one never went out.
    """
    source = Path(path)
    report = Report()
    handle, temporary = tempfile.mkstemp(dir=source.parent, prefix=f".{source.name}.")
    os.close(handle)
    remaining = DeadLetters(temporary, client.settings.api_key)
    lines = list(read_dead_letters(source))
    done = 0  # lines dealt with: copied, or their message's outcome kept
    try:
        for _, record, raw in lines:
            if record is None:
                _append_raw(temporary, raw)
            else:
                try:
                    outcome = client.deliver(
                        record["message"],
                        dead_letters=remaining,
                        maybe_sent=record.get("status") == "failed"
                        or record.get("maybe_sent") is True,
                    )
                except AuthError:
                    done += 1  # the client kept the message it refused
                    raise
                report.add(outcome)
            done += 1
    finally:
        # Stopped early (a 401/403, Ctrl-C, SIGTERM, a disk error): the lines not replayed
        # stay as they were.
        for _, _, rest in lines[done:]:
            _append_raw(temporary, rest)
        os.replace(temporary, source)
    return report


def _append_raw(path: str, line: str) -> None:
    with open(path, "a", encoding="utf-8") as file:
        file.write(line + "\n")
