"""Progress while delivering: a bar on a terminal, a few plain lines otherwise."""

from __future__ import annotations

from typing import Protocol, TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from segment_freshsales.delivery.outcome import Report

__all__ = ["Bar", "Milestones", "ProgressDisplay", "progress_for"]


class ProgressDisplay(Protocol):
    """Told after each message; closed at the end."""

    def update(self, done: int, report: Report) -> None: ...

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

    def close(self) -> None:
        """Nothing to clear: every line is final."""


def progress_for(stream: TextIO, total: int, label: str) -> ProgressDisplay:
    """A bar when `stream` is a terminal, milestone lines otherwise."""
    return Bar(stream, total, label) if stream.isatty() else Milestones(stream, total, label)
