"""Reading a dead-letter file in a test, through the product's own reader."""

from pathlib import Path
from typing import Any

from segment_freshsales.delivery.deadletter import read_dead_letters


def dead_letters(path: Path, *, with_time: bool = True) -> list[dict[str, Any]]:
    """The records of the dead-letter file at `path` (none when it does not exist); without
    their `time` on request, so a test can compare them whole."""
    if not path.exists():
        return []
    records = []
    for _, record, raw in read_dead_letters(path):
        assert record is not None, f"not a dead-letter record: {raw}"
        if not with_time:
            del record["time"]
        records.append(record)
    return records
