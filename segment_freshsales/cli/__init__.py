"""The `segment-freshsales` command: demo, send, replay and serve (the relay).

Exit status: 0 when everything was delivered, 1 when something was not (or the run could not
start), 2 on bad usage or settings (one line on stderr, never a traceback), 130 on Ctrl-C, 143
on SIGTERM, 141 when the reader of stdout went away (`... | head -1`).
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Sequence

from fake_freshsales import AdminError
from segment_freshsales.cli import demo, replay, send, serve
from segment_freshsales.cli.embedded_fake import EmbeddedFakeError
from segment_freshsales.cli.options import Parser, UsageError
from segment_freshsales.cli.stopping import (
    EXIT_BROKEN_PIPE,
    exit_status,
    sigterm_as_interrupt,
    stop_reason,
)

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
        with sigterm_as_interrupt():
            status: int = args.run(args, sys.stdout, sys.stderr)
            sys.stdout.flush()  # here, where a reader gone away is caught, not at exit
    except UsageError as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (EmbeddedFakeError, AdminError) as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as interrupt:
        print(f"{prog}: {stop_reason(interrupt)}", file=sys.stderr)
        return exit_status(interrupt)
    except BrokenPipeError:
        _drop_stdout()
        return EXIT_BROKEN_PIPE
    return status


def _drop_stdout() -> None:
    """Send what is left of stdout nowhere: the reader is gone, and Python's own flush at exit
    would otherwise report the broken pipe again."""
    # A stdout without a file descriptor (a test's capture) has nothing to redirect.
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
