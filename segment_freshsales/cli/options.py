"""Options shared by the commands, and the one kind of error that ends in exit status 2."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any, NoReturn

from segment_freshsales.delivery.pacing import RateLimits
from translator.settings import DEFAULT_ACTIVITY_TYPES

__all__ = [
    "ENV_API_KEY",
    "ENV_DOMAIN",
    "ENV_OWNER",
    "Parser",
    "UsageError",
    "activity_types",
    "add_account_options",
    "env",
    "positive",
    "settings_options",
    "writable_file",
]

ENV_DOMAIN = "FRESHSALES_DOMAIN"
ENV_API_KEY = "FRESHSALES_API_KEY"
ENV_OWNER = "FRESHSALES_OWNER"
_WRITE_MODES = ("find", "upsert")


class UsageError(Exception):
    """Bad usage or settings: one line on stderr, exit status 2."""


class Parser(argparse.ArgumentParser):
    """argparse, but an error is one line (no usage block), raised as a UsageError."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: error: {message}")


def positive(text: str) -> int:
    """An integer of at least 1, for argparse."""
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return int(text)


def _limits(text: str) -> RateLimits:
    try:
        return RateLimits.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


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


def activity_types(args: argparse.Namespace) -> dict[str, str]:
    """The activity type names the user gave, as Settings keyword arguments."""
    names = (f"{call}_activity_type" for call in DEFAULT_ACTIVITY_TYPES)
    return {name: getattr(args, name) for name in names if getattr(args, name, None) is not None}


def settings_options(args: argparse.Namespace) -> dict[str, Any]:
    """The Settings keyword arguments the user gave: activity types, owner, write modes."""
    options: dict[str, Any] = activity_types(args)
    owner = getattr(args, "owner", None) or env(ENV_OWNER)
    if owner is not None:
        owner = owner.strip()
        options["owner"] = int(owner) if owner.isascii() and owner.isdigit() else owner
    for name in ("lead_write", "deal_write"):
        if getattr(args, name, None) is not None:
            options[name] = getattr(args, name)
    return options


def env(name: str) -> str | None:
    """An environment variable, None when unset or empty."""
    return os.environ.get(name) or None


def writable_file(path: Path, what: str) -> None:
    """Check up front that `path` can be written, so a run does not fail half-way."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UsageError(f"{what} {path} is a directory")
    if not folder.is_dir():
        raise UsageError(f"{what} {path}: no directory {folder}")
    if not os.access(path if path.exists() else folder, os.W_OK):
        raise UsageError(f"{what} {path} cannot be written")
