"""What became of each message of a run (Tally), and the summary printed at the end."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Final

from segment_freshsales.delivery.outcome import Outcome, Report
from segment_freshsales.delivery.people import People

__all__ = [
    "NOT_JSON",
    "Problem",
    "Tally",
    "bulk_lines",
    "cache_lines",
    "calls_line",
    "delivery_lines",
    "dropped_lines",
    "events_table",
    "kept_lines",
    "kind_of",
    "problem_lines",
    "run_kept_lines",
]

_KINDS: Final = ("identify", "track", "page", "screen", "group", "alias")
# `unsent`: no outcome of its own, since sending stopped first (Ctrl-C, SIGTERM, a 401/403).
_STATUSES: Final = ("delivered", "rejected", "failed", "skipped", "unsent")
NOT_JSON: Final = "(not JSON)"
_PROBLEMS_SHOWN: Final = 20


@dataclass(frozen=True, slots=True)
class Problem:
    """A message that was not delivered, and why."""

    where: str
    kind: str
    message_id: str | None
    status: str
    reason: str


@dataclass
class Tally:
    """Outcomes by message type, the problems, and Report's counts; and the messages left
    unsent, which Report does not count, so that every input message is in the table."""

    report: Report = field(default_factory=Report)
    by_kind: Counter[tuple[str, str]] = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    unsent: int = 0

    @property
    def done(self) -> int:
        """Messages with an outcome."""
        return self.report.total

    @property
    def undelivered(self) -> int:
        """Messages rejected, failed or left unsent."""
        return self.report.rejected + self.report.failed + self.unsent

    def add(self, where: str, kind: str, outcome: Outcome) -> None:
        """Count one message's outcome."""
        self.report.add(outcome)
        self.by_kind[kind, outcome.status] += 1
        if outcome.status in ("rejected", "failed"):
            reason = outcome.reason or "(no reason given)"
            self.problems.append(Problem(where, kind, outcome.message_id, outcome.status, reason))

    def add_unsent(self, kind: str) -> None:
        """Count a message left unsent."""
        self.unsent += 1
        self.by_kind[kind, "unsent"] += 1


def kind_of(message: object) -> str:
    """The message's type as the summary shows it."""
    if not isinstance(message, dict):
        return "(not an object)"
    kind = message.get("type")
    return kind if isinstance(kind, str) and kind else "(no type)"


def events_table(tally: Tally) -> list[str]:
    """Events by type (rows) and outcome (columns), with totals."""
    seen = {kind for kind, _ in tally.by_kind}
    kinds = [k for k in _KINDS if k in seen] + sorted(seen - set(_KINDS))
    rows = [["events", *_STATUSES, "total"]]
    for kind in kinds:
        counts = [tally.by_kind[kind, status] for status in _STATUSES]
        rows.append([kind, *map(str, counts), str(sum(counts))])
    totals = [sum(tally.by_kind[k, status] for k in kinds) for status in _STATUSES]
    rows.append(["total", *map(str, totals), str(sum(totals))])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]


def calls_line(report: Report) -> str:
    """REST API calls, retries, tracking API calls (when any) and the HTTP statuses seen."""
    statuses = ", ".join(
        f"{status or 'no answer'} x{count}" for status, count in sorted(report.by_status.items())
    )
    line = f"API calls: {report.api_calls} ({report.retries} retries)"
    if report.tracking_calls:
        line += f", tracking API calls: {report.tracking_calls}"
    return f"{line}; HTTP statuses: {statuses}" if statuses else line


def bulk_lines(report: Report) -> list[str]:
    """How many messages went in bulk upsert jobs, when any did."""
    if not report.bulk_jobs:
        return []
    return [f"{report.bulk} messages went in bulk ({report.bulk_jobs} jobs)"]


def problem_lines(tally: Tally) -> list[str]:
    """Each rejected or failed message with its reason (the first few when there are many)."""
    if not tally.problems:
        return []
    lines = [f"Not delivered ({len(tally.problems)}):"]
    shown = tally.problems[:_PROBLEMS_SHOWN]
    where = max(len(problem.where) for problem in shown)
    kind = max(len(problem.kind) for problem in shown)
    for problem in shown:
        ident = f"{problem.message_id}  " if problem.message_id else ""
        lines.append(
            f"  {problem.where:<{where}}  {problem.kind:<{kind}}  {ident}"
            f"{problem.status}: {problem.reason}"
        )
    hidden = len(tally.problems) - _PROBLEMS_SHOWN
    if hidden > 0:
        lines.append(f"  ... and {hidden} more, all in the dead-letter file")
    return lines


def dropped_lines(report: Report) -> list[str]:
    """How many optional values were left out of delivered messages, and the first few."""
    if not report.fields_dropped:
        return []
    lines = [f"Fields dropped ({report.fields_dropped}; --strict rejects such messages instead):"]
    lines.extend(f"  {warning}" for warning in report.first_warnings)
    hidden = report.fields_dropped - len(report.first_warnings)
    if hidden > 0:
        lines.append(f"  ... and {hidden} more")
    return lines


def cache_lines(people: People | None) -> list[str]:
    """How often a person was found in the client's cache rather than looked up; nothing
    when no person was looked for."""
    if people is None or people.hit_rate is None:
        return []
    asked = people.hits + people.misses
    return [f"Person cache: {people.hit_rate:.1%} hits ({people.hits} of {asked} lookups)"]


def delivery_lines(tally: Tally, people: People | None = None) -> list[str]:
    """The summary of a delivery run: the table, the calls, the person cache's hit rate (with
    `people`), the fields dropped, what was not delivered."""
    return [
        *events_table(tally),
        "",
        calls_line(tally.report),
        *bulk_lines(tally.report),
        *cache_lines(people),
        *dropped_lines(tally.report),
        *problem_lines(tally),
    ]


def kept_lines(heading: str, path: str, again: int, rejected: int) -> list[str]:
    """`heading`, then what a replay of the dead-letter file `path` can do with what it holds:
    send the `again` failed or unsent messages again; the `rejected` only fail again as they
    are."""
    lines = [heading]
    if again:
        lines.append(
            f"  {again} failed or unsent: `segment-freshsales replay {path}` sends them again"
        )
    if rejected:
        lines.append(
            f"  {rejected} rejected: a replay rejects them again unless the cause their reason "
            "names is fixed first"
        )
    return lines


def run_kept_lines(tally: Tally, path: str) -> list[str]:
    """What a run kept in the dead-letter file `path`; nothing when it kept nothing."""
    if not tally.undelivered:
        return []
    again = tally.report.failed + tally.unsent
    heading = f"Kept in {path}: {tally.undelivered} message(s)"
    return kept_lines(heading, path, again, tally.report.rejected)
