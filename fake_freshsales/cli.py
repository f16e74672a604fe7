"""`fake-freshsales serve`: the fake as a local server, under waitress, until Ctrl-C."""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

from waitress.server import create_server

from .app import create_app
from .config import AccountConfig, FakeConfig, Limits, check_job_seconds
from .models.variants import VariantError, Variants
from .server import quiet_injected_drops

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, no usage block: the message is what the user needs.
        self.exit(2, f"{self.prog}: error: {message}\n")


def _positive(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return int(text)


def _port(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port number (0-65535), got {text!r}")
    return int(text)


def _job_seconds(text: str) -> float:
    try:
        return check_job_seconds(float(text), "--bulk-job-seconds")
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number of seconds, 0 or more, got {text!r}"
        ) from None


def _variant(text: str) -> tuple[str, Any]:
    name, equals, raw = text.partition("=")
    if not equals or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    try:
        value: Any = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return name, value


def _profile(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"cannot read profile {path}: {error}") from error
    if not isinstance(values, dict):
        raise ValueError(f"profile {path} must hold a JSON object of variants")
    try:
        Variants.from_mapping(values)
    except VariantError as error:
        raise ValueError(f"profile {path}: {error}") from error
    return values


def _variants(args: argparse.Namespace) -> Variants:
    """The profile's switches, then each --variant over them."""
    values = _profile(args.profile)
    values.update(args.variant)
    return Variants.from_mapping(values)


def _spelled(variants: Variants) -> str:
    changed = variants.differences()
    if not changed:
        return "defaults"
    return ", ".join(
        f"{name}={value if isinstance(value, str) else json.dumps(value)}"
        for name, value in changed.items()
    )


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="fake-freshsales", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    serve = commands.add_parser("serve", help="serve the fake Freshsales API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_port, default=8080, help="0 picks a free port")
    serve.add_argument("--api-key", help="the account's key (generated when omitted)")
    serve.add_argument("--domain", default="acme")
    serve.add_argument("--hourly", type=_positive, default=Limits.hourly)
    serve.add_argument("--per-minute", type=_positive, default=Limits.per_minute)
    serve.add_argument(
        "--app-token",
        help="the application token the account's tracking API (/track/...) takes "
        "(generated when omitted)",
    )
    serve.add_argument("--tracking-hourly", type=_positive, default=Limits.hourly)
    serve.add_argument("--tracking-per-minute", type=_positive, default=Limits.per_minute)
    serve.add_argument(
        "--bulk-job-seconds",
        type=_job_seconds,
        default=FakeConfig.bulk_job_seconds,
        metavar="SECONDS",
        help="how long a bulk upsert job waits before it runs (also POST /_fake/bulk)",
    )
    serve.add_argument(
        "--variant",
        action="append",
        type=_variant,
        default=[],
        metavar="NAME=VALUE",
        help="set one switch of the uncertain facts (repeatable); VALUE is read as JSON when "
        "it parses, else as a string: reset_unit=epoch, owner_required=false",
    )
    serve.add_argument(
        "--profile",
        type=Path,
        metavar="FILE",
        help='a JSON object of switches, {"<name>": value, ...}; --variant wins over it',
    )
    serve.add_argument("--seed-file", type=Path, help="JSON records to start with")
    serve.add_argument("--threads", type=_positive, default=8)
    serve.add_argument(
        "--frozen-clock", action="store_true", help="the clock moves only via /_fake/clock"
    )
    serve.add_argument(
        "--exit-on-stdin-close",
        action="store_true",
        help="stop when standard input closes: a parent that runs the fake as its child "
        "keeps the pipe open, so the fake ends with it, even after a kill -9",
    )
    return parser


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _stop_at_end_of_input() -> None:
    """Read standard input to its end, then stop the server as Ctrl-C would."""
    while sys.stdin.buffer.read(65536):
        pass
    os.kill(os.getpid(), signal.SIGINT)


def _urls(server: Any) -> list[str]:
    # A host name such as "localhost" may bind several sockets (a MultiSocketServer).
    listening = getattr(server, "effective_listen", None) or [
        (server.effective_host, server.effective_port)
    ]
    return [
        f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
        for host, port in listening
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        variants = _variants(args)
        account = AccountConfig(
            domain=args.domain,
            api_key=args.api_key or secrets.token_urlsafe(24),
            limits=Limits(hourly=args.hourly, per_minute=args.per_minute),
            variants=variants.differences(),
            app_token=args.app_token or secrets.token_urlsafe(24),
            tracking_limits=Limits(
                hourly=args.tracking_hourly, per_minute=args.tracking_per_minute
            ),
        )
        config = FakeConfig(
            accounts=(account,),
            seed_file=args.seed_file,
            clock_ticks=not args.frozen_clock,
            bulk_job_seconds=args.bulk_job_seconds,
        )
        app = create_app(config)
    except ValueError as error:  # VariantError included: its message names the switch
        parser.error(str(error))
    try:
        server = create_server(app, host=args.host, port=args.port, threads=args.threads)
    except OSError as error:
        message = f"fake-freshsales: error: cannot listen on {args.host}:{args.port}: {error}"
        print(message, file=sys.stderr)
        return 1
    quiet_injected_drops()
    try:
        # A process started in the background may inherit SIGINT as ignored; Ctrl-C and
        # SIGTERM must still stop the server, even one that comes before it serves.
        signal.signal(signal.SIGINT, _interrupt)
        signal.signal(signal.SIGTERM, _interrupt)
        for url in _urls(server):
            print(f"fake-freshsales serving {url}", flush=True)
        print(f"domain: {account.domain}  api key: {account.api_key}", flush=True)
        print(f"variants: {_spelled(variants)}", flush=True)
        # After the lines that came first before it had a token: readers expect them in order.
        print(f"app token: {account.app_token}", flush=True)
        if args.exit_on_stdin_close:  # after the URL: a parent reads it before anything else
            threading.Thread(target=_stop_at_end_of_input, name="stdin-watch", daemon=True).start()
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    print("fake-freshsales stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
