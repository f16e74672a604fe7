"""`segment-freshsales replay DEAD_LETTER`: send a dead-letter file's messages again."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from segment_freshsales.cli.account import open_account
from segment_freshsales.cli.options import UsageError, add_account_options, writable_file
from segment_freshsales.cli.summary import calls_line
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
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    path: Path = args.dead_letter
    if not path.is_file():
        raise UsageError(f"cannot read {path}: no such file")
    writable_file(path, "dead-letter file")
    if args.dedupe_path is not None:
        writable_file(args.dedupe_path, "--dedupe-path")
    stopped = None
    with (
        open_account(args, err) as settings,
        Client(settings, limits=args.limits, dedupe_path=args.dedupe_path) as client,
    ):
        try:
            report = replay(path, client)
        except AuthError as error:  # replay kept every message not delivered in the file
            report, stopped = None, str(error)
    remaining = sum(record is not None for _, record, _ in read_dead_letters(path))
    if report is not None:
        for line in _report_lines(report):
            print(line, file=out)
    if stopped is not None:
        print(f"segment-freshsales: stopped: {stopped}", file=err)
    print(f"Still undelivered in {path}: {remaining} message(s)", file=out)
    return 0 if remaining == 0 and stopped is None else 1


def _report_lines(report: Report) -> list[str]:
    lines = [
        f"Replayed {report.total}: {report.delivered} delivered, {report.rejected} rejected, "
        f"{report.failed} failed, {report.skipped} skipped (delivered before)",
        calls_line(report),
    ]
    if report.by_reason:
        lines.append("Not delivered, by reason:")
        lines += [f"  {count} x {reason}" for reason, count in report.by_reason.most_common()]
    return lines
