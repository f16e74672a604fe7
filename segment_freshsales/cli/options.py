"""Options shared by the commands, and the one kind of error that ends in exit status 2."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final, NoReturn

from segment_freshsales.delivery.bulk import DEFAULT_BULK_SIZE
from segment_freshsales.delivery.dedupe import DEFAULT_DEDUPE_WINDOW
from segment_freshsales.delivery.pacing import RateLimits
from segment_freshsales.delivery.people import DEFAULT_CACHE_SIZE
from translator.errors import SettingsError
from translator.event_map import parse_event_map
from translator.settings import DEFAULT_ACTIVITY_TYPES

__all__ = [
    "ENV_API_KEY",
    "ENV_APP_TOKEN",
    "ENV_DOMAIN",
    "ENV_OWNER",
    "Parser",
    "UsageError",
    "activity_types",
    "add_account_options",
    "add_bulk_options",
    "add_memory_options",
    "env",
    "positive",
    "settings_options",
]

ENV_DOMAIN = "FRESHSALES_DOMAIN"
ENV_API_KEY = "FRESHSALES_API_KEY"
ENV_OWNER = "FRESHSALES_OWNER"
# A secret like the API key: read from the environment only, never from an argument.
ENV_APP_TOKEN = "FRESHSALES_APP_TOKEN"
_WRITE_MODES = ("find", "upsert")
# Options whose value may start with "-": a negative number in `--limits -1/5` is a mistake in
# the value, to be named as one.
_VALUE_MAY_START_WITH_DASH: Final = ("--limits",)


class UsageError(Exception):
    """Bad usage or settings: one line on stderr, exit status 2."""


class Parser(argparse.ArgumentParser):
    """argparse, but an error is one line (no usage block), raised as a UsageError."""

    def parse_known_args(  # type: ignore[override]  # one signature for typeshed's overloads
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        given = sys.argv[1:] if args is None else list(args)
        return super().parse_known_args(_dashed_values(given), namespace)

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: error: {message}")


def _dashed_values(args: list[str]) -> list[str]:
    """`--limits -1/5` as `--limits=-1/5`: argparse takes a value that starts with `-` (and is
    not a plain negative number) for an option, and would answer "expected one argument"
    instead of saying what is wrong with the value."""
    joined: list[str] = []
    for arg in args:
        if joined and joined[-1] in _VALUE_MAY_START_WITH_DASH and arg.startswith("-"):
            joined[-1] = f"{joined[-1]}={arg}"
        else:
            joined.append(arg)
    return joined


def positive(text: str) -> int:
    """An integer of at least 1, for argparse."""
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return int(text)


def _bulk_size(text: str) -> int:
    size = positive(text)
    if size > DEFAULT_BULK_SIZE:
        raise argparse.ArgumentTypeError(f"expected at most {DEFAULT_BULK_SIZE}, got {size}")
    return size


def add_bulk_options(parser: argparse.ArgumentParser) -> None:
    """`--bulk` and `--bulk-size`: identifies of contacts in bulk upsert jobs."""
    parser.add_argument(
        "--bulk",
        action="store_true",
        help="send identifies of contacts (and their accounts) in bulk upsert jobs, which "
        "takes a few requests per hundred of them instead of one or three each; the rest "
        "goes one by one, each person's messages in order (see docs/bulk.md)",
    )
    parser.add_argument(
        "--bulk-size",
        type=_bulk_size,
        default=DEFAULT_BULK_SIZE,
        metavar="N",
        help=f"records per bulk upsert job, at most (and by default) {DEFAULT_BULK_SIZE}",
    )


def _limits(text: str) -> RateLimits:
    try:
        return RateLimits.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _event_map(text: str) -> Any:
    """The JSON object in the file `text` names, checked as Settings will check it."""
    try:
        value = json.loads(Path(text).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise argparse.ArgumentTypeError(f"cannot read {text}: {error}") from None
    except json.JSONDecodeError as error:
        raise argparse.ArgumentTypeError(f"{text} is not JSON: {error}") from None
    try:
        parse_event_map(value)
    except SettingsError as error:
        raise argparse.ArgumentTypeError(f"{text}: {error.problem}") from None
    return value or {}  # a file holding null maps nothing


def add_account_options(parser: argparse.ArgumentParser) -> None:
    """Where to send: a Freshsales account, another server, or the embedded fake."""
    parser.add_argument(
        "--domain",
        help=f"Freshsales domain, e.g. acme or acme.myfreshworks.com (or ${ENV_DOMAIN}); "
        f"the API key comes from ${ENV_API_KEY}",
    )
    parser.add_argument(
        "--base-url",
        help="send to this server instead of the domain's, e.g. a fake-freshsales serve",
    )
    parser.add_argument(
        "--limits",
        type=_limits,
        default=RateLimits(),
        metavar="HOURLY/PER_MINUTE",
        help="the account's request budgets to pace under (default 1000/400)",
    )
    parser.add_argument(
        "--tracking-limits",
        type=_limits,
        default=RateLimits(),
        metavar="HOURLY/PER_MINUTE",
        help=f"the tracking API's budgets (with ${ENV_APP_TOKEN}), paced apart from the REST "
        "API's; its real limits are not published (default 1000/400)",
    )
    parser.add_argument(
        "--track-as",
        choices=("events", "activities"),
        help=f"with ${ENV_APP_TOKEN}: send tracks and pages as tracking API events and page "
        "views (default), or as sales activities as without a token",
    )
    for call, default in DEFAULT_ACTIVITY_TYPES.items():
        parser.add_argument(
            f"--{call}-activity-type",
            metavar="NAME",
            help=f"the Freshsales sales activity type {call} calls are recorded as "
            f"(default: {default}); it must exist in the account",
        )
    parser.add_argument(
        "--owner",
        metavar="ID|EMAIL",
        help=f"the Freshsales user (id or email) who owns sales activities whose message and "
        f"person name no owner (or ${ENV_OWNER}); without one such events are rejected",
    )
    parser.add_argument(
        "--event-map",
        type=_event_map,
        metavar="FILE",
        help='a JSON object mapping track event names to what they become: "sales_activity", '
        '"lifecycle_stage", {"lifecycle_stage": NAME}, {"sales_activity_type": NAME}, or null '
        "to skip the event",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="reject a message when one of its optional values cannot be sent (default: "
        "drop that value, deliver the rest and count it under fields dropped)",
    )
    parser.add_argument(
        "--lead-write",
        choices=_WRITE_MODES,
        help="find: look a lead up by email, then update or create it (default); upsert: "
        "POST /leads/upsert, for accounts that have it",
    )
    parser.add_argument(
        "--deal-write",
        choices=_WRITE_MODES,
        help="find: look a deal up by name among its account's deals, then update or create "
        "it (default); upsert: POST /deals/upsert by name, for accounts that accept it",
    )


def add_memory_options(parser: argparse.ArgumentParser) -> None:
    """What a long run remembers: the people it found, and the messageIds it delivered."""
    parser.add_argument(
        "--cache-size",
        type=positive,
        default=DEFAULT_CACHE_SIZE,
        metavar="PEOPLE",
        help="people remembered at most, so a person is looked up once; the least recently "
        f"used are forgotten first (default {DEFAULT_CACHE_SIZE})",
    )
    parser.add_argument(
        "--dedupe-window",
        type=positive,
        default=int(DEFAULT_DEDUPE_WINDOW),
        metavar="SECONDS",
        help="how long a delivered messageId is remembered; a message sent again after "
        f"longer is delivered again (default {int(DEFAULT_DEDUPE_WINDOW)}: a week)",
    )


def activity_types(args: argparse.Namespace) -> dict[str, str]:
    """The activity type names the user gave, as Settings keyword arguments."""
    names = (f"{call}_activity_type" for call in DEFAULT_ACTIVITY_TYPES)
    return {name: getattr(args, name) for name in names if getattr(args, name, None) is not None}


def settings_options(args: argparse.Namespace) -> dict[str, Any]:
    """The Settings keyword arguments the user gave: activity types, owner, write modes, the
    event map, strictness, and the app token with what it is used for."""
    options: dict[str, Any] = activity_types(args)
    owner = getattr(args, "owner", None) or env(ENV_OWNER)
    if owner is not None:
        owner = owner.strip()
        options["owner"] = int(owner) if owner.isascii() and owner.isdigit() else owner
    app_token = env(ENV_APP_TOKEN)
    if app_token is not None:
        options["app_token"] = app_token
    for name in ("lead_write", "deal_write", "event_map", "track_as"):
        if getattr(args, name, None) is not None:
            options[name] = getattr(args, name)
    if getattr(args, "strict", False):
        options["strict"] = True
    return options


def env(name: str) -> str | None:
    """An environment variable, None when unset or empty."""
    return os.environ.get(name) or None
