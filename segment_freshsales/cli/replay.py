"""`segment-freshsales replay DEAD_LETTER`: send a dead-letter file's messages again."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import Any, TextIO

from segment_freshsales.cli.account import open_account
from segment_freshsales.cli.options import (
    UsageError,
    add_account_options,
    add_bulk_options,
    add_memory_options,
)
from segment_freshsales.cli.paths import check_replay_paths
from segment_freshsales.cli.progress import waits_shown
from segment_freshsales.cli.stopping import exit_status, stop_reason
from segment_freshsales.cli.summary import bulk_lines, calls_line, kept_lines
from segment_freshsales.delivery.client import Client
from segment_freshsales.delivery.deadletter import read_dead_letters
from segment_freshsales.delivery.errors import AuthError
from segment_freshsales.delivery.outcome import Report
from segment_freshsales.delivery.replay import replay

__all__ = ["add_parser", "run"]


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "replay",
        help="send a dead-letter file's messages again",
        description="Send the messages of a dead-letter file again, skipping those delivered "
        "since, and rewrite the file with what is still undelivered. Exit 0 when the file "
        "ends empty of records, 1 when some stay, 2 on bad usage.",
    )
    parser.add_argument("dead_letter", metavar="DEAD_LETTER", type=Path)
    add_account_options(parser)
    parser.add_argument(
        "--dedupe-path",
        type=Path,
        help="the SQLite file of delivered messageIds that `send --dedupe-path` wrote",
    )
    add_memory_options(parser)
    add_bulk_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    path: Path = args.dead_letter
    check_replay_paths(path, args.dedupe_path)
    if not _statuses(path):
        print(f"segment-freshsales: no messages found in {path}: nothing to replay", file=err)
        return 0
    report, stopped, interrupt = None, None, None
    with (
        open_account(args, err) as settings,
        Client(
            settings,
            limits=args.limits,
            tracking_limits=args.tracking_limits,
            dedupe_path=args.dedupe_path,
            cache_size=args.cache_size,
            dedupe_window=float(args.dedupe_window),
        ) as client,
        waits_shown(lambda text: print(text, file=err, flush=True)),
    ):
        # On a stop, replay kept in the file every message it did not deliver.
        try:
            report = replay(path, client, bulk_size=args.bulk_size if args.bulk else None)
        except AuthError as error:
            stopped = str(error)
        except KeyboardInterrupt as caught:  # Ctrl-C or SIGTERM
            stopped, interrupt = stop_reason(caught), caught
    if report is not None:
        for line in _report_lines(report):
            print(line, file=out)
    if stopped is not None:
        print(f"segment-freshsales: stopped: {stopped}", file=err)
    statuses = _statuses(path)
    remaining, rejected = statuses.total(), statuses["rejected"]
    heading = f"Still undelivered in {path}: {remaining} message(s)"
    for line in kept_lines(heading, str(path), remaining - rejected, rejected):
        print(line, file=out)
    if interrupt is not None:
        return exit_status(interrupt)
    return 0 if remaining == 0 and stopped is None else 1


def _statuses(path: Path) -> Counter[str]:
    """The dead-letter file's records by status. A file with lines but no record is not a
    dead-letter file (plain events, a batch body): a usage error, since a replay of it would
    send nothing and say all was well."""
    lines = list(read_dead_letters(path))
    statuses = Counter(str(record.get("status")) for _, record, _ in lines if record is not None)
    if lines and not statuses:
        raise UsageError(
            f"{path} is not a dead-letter file: none of its lines is a record of an "
            'undelivered message ({"message": ..., "status": ...}); to deliver Segment '
            "messages, use `segment-freshsales send`"
        )
    return statuses


def _report_lines(report: Report) -> list[str]:
    lines = [
        f"Replayed {report.total}: {report.delivered} delivered, {report.rejected} rejected, "
        f"{report.failed} failed, {report.skipped} skipped (delivered before)",
        calls_line(report),
        *bulk_lines(report),
    ]
    if report.by_reason:
        lines.append("Not delivered, by reason:")
        lines += [f"  {count} x {reason}" for reason, count in report.by_reason.most_common()]
    return lines
