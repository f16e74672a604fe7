"""Progress while delivering: a bar on a terminal, a few plain lines otherwise; and the
client's long waits, so a run never goes quiet while it waits."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Final, Protocol, TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from segment_freshsales.delivery.outcome import Report

__all__ = ["Bar", "Milestones", "ProgressDisplay", "progress_for", "waits_shown"]

# The delivery clients log each wait here: at INFO those long enough to be noticed, in words
# ("waiting 42 s for the rate limit"), at DEBUG the rest.
DELIVERY_LOGGER: Final = "segment_freshsales.delivery"
_WAITING: Final = "waiting "


class ProgressDisplay(Protocol):
    """Told after each message, and of anything worth a line meanwhile; closed at the end."""

    def update(self, done: int, report: Report) -> None: ...

    def note(self, text: str) -> None: ...

    def close(self) -> None: ...


def _counts(report: Report) -> str:
    return f"{report.delivered} delivered, {report.rejected} rejected, {report.failed} failed"


class Bar:
    """rich's progress bar, redrawn in place on the terminal."""

    def __init__(self, stream: TextIO, total: int, label: str) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[counts]}"),
            TimeElapsedColumn(),
            console=Console(file=stream),
        )
        self._task = self._progress.add_task(label, total=total, counts="")
        self._progress.start()

    def update(self, done: int, report: Report) -> None:
        self._progress.update(self._task, completed=done, counts=_counts(report))

    def note(self, text: str) -> None:
        """A line above the bar."""
        self._progress.console.print(text, markup=False, highlight=False)

    def close(self) -> None:
        self._progress.stop()


class Milestones:
    """One line at each tenth of the way, for logs and pipes, where a bar would be noise."""

    def __init__(self, stream: TextIO, total: int, label: str) -> None:
        self._stream = stream
        self._total = total
        self._label = label
        self._tenths = 0

    def update(self, done: int, report: Report) -> None:
        tenths = done * 10 // self._total if self._total else 10
        if tenths > self._tenths:
            self._tenths = tenths
            print(f"{self._label} {done}/{self._total}: {_counts(report)}", file=self._stream)

    def note(self, text: str) -> None:
        print(text, file=self._stream, flush=True)

    def close(self) -> None:
        """Nothing to clear: every line is final."""


def progress_for(stream: TextIO, total: int, label: str) -> ProgressDisplay:
    """A bar when `stream` is a terminal, milestone lines otherwise."""
    return Bar(stream, total, label) if stream.isatty() else Milestones(stream, total, label)


class _Waits(logging.Handler):
    """Passes on the delivery clients' lines about waiting."""

    def __init__(self, note: Callable[[str], None]) -> None:
        super().__init__(logging.INFO)
        self._note = note

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if text.startswith(_WAITING):
            self._note(text)


@contextmanager
def waits_shown(note: Callable[[str], None]) -> Iterator[None]:
    """While inside, each wait the delivery clients log at INFO is passed to `note`."""
    logger = logging.getLogger(DELIVERY_LOGGER)
    handler = _Waits(note)
    level = logger.level
    if not logger.isEnabledFor(logging.INFO):
        logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
