"""The `segment-freshsales` command."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from importlib import resources

from translator.errors import InvalidEvent
from translator.settings import Settings
from translator.translate import translate

__all__ = ["main"]


def _demo(args: argparse.Namespace) -> int:
    """Translate the shipped example events and print each plan."""
    settings = Settings(domain=args.domain, api_key="demo-key")
    lines = resources.files("translator").joinpath("examples/events.jsonl").read_text("utf-8")
    for number, line in enumerate(lines.splitlines(), start=1):
        message = json.loads(line)
        print(f"# event {number}: {message.get('type')} {message.get('messageId', '')}")
        try:
            print(json.dumps(translate(message, settings).to_json(), indent=2))
        except InvalidEvent as error:
            print(f"rejected: {error}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="segment-freshsales", description="Segment messages into Freshsales."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="translate the example events and print the plans")
    demo.add_argument("--domain", default="acme", help="Freshsales domain (default: acme)")
    demo.set_defaults(run=_demo)
    args = parser.parse_args(argv)
    status: int = args.run(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
