"""Replaying a dead-letter file: its messages sent again, the file rewritten with the rest."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from segment_freshsales.delivery.client import Client
from segment_freshsales.delivery.deadletter import DeadLetters, read_dead_letters
from segment_freshsales.delivery.errors import AuthError
from segment_freshsales.delivery.outcome import Report

__all__ = ["replay"]


def replay(path: str | Path, client: Client, *, bulk_size: int | None = None) -> Report:
    """Re-send the messages of a dead-letter file; rewrite it with what is still undelivered.

    Messages whose messageId the client already delivered are skipped (and dropped from the
    file); lines that are not dead-letter records stay as they are, and so do the records not
    reached when it stops early (AuthError, KeyboardInterrupt). A `failed` message may have
    been carried out by a request that got no answer or a 5xx, so its activity is looked for
    before it is sent (`maybe_sent`), and so is an `unsent` one marked `maybe_sent` (it was being
    sent when sending stopped); a `rejected` one was refused for certain (a 4xx) and any other
    `unsent` one never went out.

    With `bulk_size`, identifies of contacts go in bulk upsert jobs of that many (see
    `Client.deliver_all`); on a 401/403 every record without an outcome is kept as `unsent`.
    """
    source = Path(path)
    report = Report()
    handle, temporary = tempfile.mkstemp(dir=source.parent, prefix=f".{source.name}.")
    os.close(handle)
    remaining = DeadLetters(temporary, client.settings.api_key)
    lines = list(read_dead_letters(source))
    done: set[int] = set()  # lines dealt with: copied, or their message's outcome kept
    try:
        if bulk_size is not None:
            return _replay_bulk(lines, client, remaining, bulk_size, done)
        for index, (_, record, raw) in enumerate(lines):
            if record is None:
                _append_raw(temporary, raw)
            else:
                try:
                    outcome = client.deliver(
                        record["message"], dead_letters=remaining, maybe_sent=_maybe_sent(record)
                    )
                except AuthError:
                    done.add(index)  # the client kept the message it refused
                    raise
                report.add(outcome)
            done.add(index)
    finally:
        # Stopped early (a 401/403, Ctrl-C, SIGTERM, a disk error): the lines not replayed
        # stay as they were.
        for index, (_, _, rest) in enumerate(lines):
            if index not in done:
                _append_raw(temporary, rest)
        os.replace(temporary, source)
    return report


def _replay_bulk(
    lines: list[tuple[int, dict[str, Any] | None, str]],
    client: Client,
    remaining: DeadLetters,
    bulk_size: int,
    done: set[int],
) -> Report:
    """`replay` with bulk upserts: the lines that are not records first, then the records."""
    records: list[tuple[int, dict[str, Any]]] = []
    for index, (_, record, raw) in enumerate(lines):
        if record is None:
            _append_raw(str(remaining.path), raw)
            done.add(index)
        else:
            records.append((index, record))

    def settled(position: int, _message: object, _outcome: object) -> None:
        done.add(records[position][0])

    pairs = ((record["message"], _maybe_sent(record)) for _, record in records)
    try:
        return client.deliver_bulk(
            pairs, bulk_size=bulk_size, on_outcome=settled, dead_letters=remaining
        )
    except AuthError:
        done.update(index for index, _ in records)  # the client kept them all, as unsent
        raise


def _maybe_sent(record: dict[str, Any]) -> bool:
    """Whether a record's message may have been carried out before (see `replay`)."""
    return record.get("status") == "failed" or record.get("maybe_sent") is True


def _append_raw(path: str, line: str) -> None:
    with open(path, "a", encoding="utf-8") as file:
        file.write(line + "\n")
