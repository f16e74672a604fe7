"""`segment-freshsales send FILE|-`: deliver Segment messages from a file or stdin."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from segment_freshsales.cli.account import open_account, plan_settings
from segment_freshsales.cli.delivery import DeliveryOptions, Run, deliver
from segment_freshsales.cli.input import Item, Malformed, parse, read_text
from segment_freshsales.cli.options import (
    add_account_options,
    add_bulk_options,
    add_memory_options,
    positive,
)
from segment_freshsales.cli.paths import check_send_paths
from segment_freshsales.cli.progress import progress_for
from segment_freshsales.cli.summary import delivery_lines, run_kept_lines
from translator.errors import InvalidEvent
from translator.plan import Plan
from translator.settings import Settings
from translator.translate import translate

__all__ = ["add_parser", "owner_source", "print_outcome", "run"]


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "send",
        help="deliver Segment messages from a file or stdin",
        description="Deliver Segment messages (JSON lines, a JSON array, or a Segment batch "
        "body) to Freshsales. Without --domain, $FRESHSALES_DOMAIN and $FRESHSALES_API_KEY "
        "they go to the embedded fake Freshsales. Exit 0 when all were delivered, 1 when any "
        "was not, 2 on bad usage.",
    )
    parser.add_argument("source", metavar="FILE", help="the messages; - reads stdin")
    add_account_options(parser)
    parser.add_argument(
        "--dead-letter",
        type=Path,
        default=Path("dead-letter.jsonl"),
        help="where undelivered messages are kept (default dead-letter.jsonl)",
    )
    parser.add_argument(
        "--dedupe-path",
        type=Path,
        help="a SQLite file of delivered messageIds: a message delivered before is skipped",
    )
    add_memory_options(parser)
    add_bulk_options(parser)
    parser.add_argument(
        "--concurrency", type=positive, default=1, help="messages in flight (default 1)"
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print each message's plan as JSON, and where its activity's owner comes from; "
        "send nothing",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    items = parse(read_text(args.source))
    if not items:
        return _no_messages(args.source, err)
    if args.dry_run:
        return _dry_run(items, plan_settings(args), out)
    check_send_paths(args.source, args.dead_letter, args.dedupe_path)
    options = DeliveryOptions(
        args.dead_letter,
        args.limits,
        args.concurrency,
        args.dedupe_path,
        args.cache_size,
        float(args.dedupe_window),
        args.bulk_size if args.bulk else None,
        args.tracking_limits,
    )
    with open_account(args, err) as settings:
        result = deliver(items, settings, options, progress_for(err, len(items), "sending"))
    print_outcome(result, out, err, with_cache=True)
    for line in run_kept_lines(result.tally, str(args.dead_letter)):
        print(line, file=out)
    return result.exit_status


def _no_messages(source: str, err: TextIO) -> int:
    """An input without a single message: said, and not an error (nothing went undelivered)."""
    where = "stdin" if source == "-" else source
    print(f"segment-freshsales: no messages found in {where}", file=err)
    return 0


def print_outcome(result: Run, out: TextIO, err: TextIO, with_cache: bool = False) -> None:
    """Print the summary of a run (`with_cache`: with the person cache's hit rate), and why
    it stopped early (on stderr)."""
    for line in delivery_lines(result.tally, result.people if with_cache else None):
        print(line, file=out)
    if result.stopped is not None:
        print(f"segment-freshsales: stopped: {result.stopped}", file=err)


def owner_source(plan: Plan) -> str | None:
    """Where the plan's sales activity takes its owner from, in words; None without one."""
    for call in plan.calls:
        activity = call.body.get("sales_activity") if isinstance(call.body, dict) else None
        owner = activity.get("owner_id") if isinstance(activity, dict) else None
        if isinstance(owner, dict) and isinstance(owner.get("$owner"), list):
            return ", else ".join(_source(s) for s in owner["$owner"]) + _unless(owner["$owner"])
    return None


def _source(source: dict[str, Any]) -> str:
    where, value = source.get("from"), source.get("value")
    if where == "person":
        return "the person's own owner"
    if isinstance(value, dict) and "email" in value:
        return f"{where} {value['email']} (looked up in GET /selector/owners)"
    return f"{where} {value}"


def _unless(sources: list[dict[str, Any]]) -> str:
    if sources[-1].get("from") != "person":
        return ""
    return (
        "; no Settings.owner (--owner ID|EMAIL or $FRESHSALES_OWNER), so the event is "
        "rejected when the person has no owner"
    )


def _dry_run(items: list[Item | Malformed], settings: Settings, out: TextIO) -> int:
    """Translate only: one JSON line per message with its plan, or why it has none."""
    failures = 0
    for item in items:
        line: dict[str, Any] = {"where": item.where}
        if isinstance(item, Malformed):
            line["error"] = item.reason
        else:
            message = item.message
            if isinstance(message, dict) and isinstance(message.get("messageId"), str):
                line["messageId"] = message["messageId"]
            try:
                plan = translate(message, settings)
            except InvalidEvent as error:
                line["error"] = f"invalid event: {error}"
            else:
                line["plan"] = plan.to_json()
                owner = owner_source(plan)
                if owner is not None:
                    line["owner"] = owner
        failures += "error" in line
        print(json.dumps(line, ensure_ascii=False), file=out)
    return 0 if failures == 0 else 1
