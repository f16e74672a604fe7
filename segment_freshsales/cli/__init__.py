"""The `segment-freshsales` command: demo, send, replay and serve (the relay).

Exit status: 0 when everything was delivered, 1 when something was not (or the run could not
start), 2 on bad usage or settings (one line on stderr, never a traceback), 130 on Ctrl-C.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence

from fake_freshsales import AdminError
from segment_freshsales.cli import demo, replay, send, serve
from segment_freshsales.cli.embedded_fake import EmbeddedFakeError
from segment_freshsales.cli.options import Parser, UsageError

__all__ = ["main"]

PROG = "segment-freshsales"
EXIT_USAGE = 2


def _parser() -> Parser:
    parser = Parser(prog=PROG, description="Segment messages into Freshsales.")
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=Parser
    )
    for command in (demo, send, replay, serve):
        command.add_parser(commands)
    return parser


def _safe_output() -> None:
    """Text that cannot be encoded (a lone surrogate, a non-UTF-8 terminal) is escaped rather
    than ending the run."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    _safe_output()
    try:
        args = _parser().parse_args(argv)
    except UsageError as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    prog = f"{PROG} {args.command}"
    try:
        status: int = args.run(args, sys.stdout, sys.stderr)
    except UsageError as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (EmbeddedFakeError, AdminError) as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return send.EXIT_INTERRUPTED
    return status
