"""`segment-freshsales serve`: the relay, a self-hosted Segment destination."""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path
from typing import Any, TextIO

from segment_freshsales.cli.account import real_settings
from segment_freshsales.cli.options import (
    ENV_API_KEY,
    ENV_DOMAIN,
    UsageError,
    add_account_options,
    add_memory_options,
    env,
    positive,
)
from segment_freshsales.cli.paths import check_state_dir
from segment_freshsales.relay.worker import RETRY_WINDOW_SECONDS, UNHEALTHY_AFTER_SECONDS

__all__ = ["ENV_WEBHOOK_SECRET", "ENV_WRITE_KEY", "add_parser", "run"]

ENV_WRITE_KEY = "SEGMENT_WRITE_KEY"
ENV_WEBHOOK_SECRET = "SEGMENT_WEBHOOK_SECRET"


def _port(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port number (0-65535), got {text!r}")
    return int(text)


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "serve",
        help="run the relay: Segment's Tracking API and webhooks in, Freshsales out",
        description="Accept Segment's HTTP Tracking API (/v1/batch, /v1/identify, ...) and "
        "Webhooks deliveries (/webhook), queue each message durably, and deliver it to "
        f"Freshsales in the background. Needs --domain or ${ENV_DOMAIN}, and ${ENV_API_KEY}.",
    )
    parser.add_argument("--write-key", help=f"the write key clients send (or ${ENV_WRITE_KEY})")
    parser.add_argument(
        "--webhook-secret",
        help=f"the Webhooks destination's shared secret (or ${ENV_WEBHOOK_SECRET}); "
        "without one, /webhook takes the write key as /v1 does",
    )
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=Path("relay-state"),
        help="queue, delivered messageIds and dead letters (default ./relay-state)",
    )
    add_account_options(parser)
    add_memory_options(parser)
    parser.add_argument("--host", default="127.0.0.1", help="default 127.0.0.1 (loopback only)")
    parser.add_argument("--port", type=_port, default=8080, help="default 8080; 0 picks one")
    parser.add_argument(
        "--retry-window",
        type=positive,
        default=int(RETRY_WINDOW_SECONDS),
        metavar="SECONDS",
        help="how long a message Freshsales keeps failing on is retried, from its receipt, "
        "before it goes to the dead-letter file (default 14400: four hours, as Segment)",
    )
    parser.add_argument(
        "--unhealthy-after",
        type=positive,
        default=int(UNHEALTHY_AFTER_SECONDS),
        metavar="SECONDS",
        help="/health answers 503 once deliveries have failed for longer than this "
        f"(default {int(UNHEALTHY_AFTER_SECONDS)})",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    settings = real_settings(args)
    if settings is None:
        raise UsageError(
            f"serve needs a Freshsales account: --domain or ${ENV_DOMAIN}, and ${ENV_API_KEY}"
        )
    write_key = args.write_key or env(ENV_WRITE_KEY)
    if write_key is None:
        raise UsageError(f"serve needs --write-key or ${ENV_WRITE_KEY}")
    # Imported here: Flask and waitress are for this command only.
    from segment_freshsales.relay.auth import Auth
    from segment_freshsales.relay.server import RelayConfig, serve

    config = RelayConfig(
        settings=settings,
        auth=Auth(write_key, args.webhook_secret or env(ENV_WEBHOOK_SECRET)),
        state_dir=args.state_dir,
        limits=args.limits,
        host=args.host,
        port=args.port,
        retry_window=float(args.retry_window),
        unhealthy_after=float(args.unhealthy_after),
        cache_size=args.cache_size,
        dedupe_window=float(args.dedupe_window),
        tracking_limits=args.tracking_limits,
    )
    check_state_dir(config.state_dir, config.dead_letter)
    try:
        serve(config, out)
    except (OSError, sqlite3.Error) as error:
        print(f"segment-freshsales serve: error: {error}", file=err)
        return 1
    return 0
