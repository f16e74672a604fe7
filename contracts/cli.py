"""`freshsales-contracts` (also `python -m contracts`): verify the contracts, or record new ones.

    freshsales-contracts verify [--contracts DIR]
    freshsales-contracts verify --base-url URL --api-key-env VAR [--allow-writes] [--against-live]
    freshsales-contracts record --base-url URL --api-key-env VAR --scenario NAME
                                [--redact-pii] [--out DIR]
    freshsales-contracts probe --base-url URL --api-key-env VAR [--api-root PATH]
                               [--allow-writes] [--allow-burst] [--app-token-env VAR]
                               [--out FILE]

Exit status: 0 when every check holds, 1 when one fails (or a recording breaks off), 2 for a
usage error or a malformed contract file, reported on one line.
`probe` exits 0 when it ran (switches that differ from the fake are findings), 1 when the
account could not be reached or refused the key.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from contracts.consumer import verify_consumer
from contracts.errors import ContractError
from contracts.model import CONTRACTS_DIR, load_interactions, load_translations
from contracts.probe.command import add_probe_parser, run_probe
from contracts.provider import verify_live, verify_provider
from contracts.record import RecordingError, record, scenario_named
from contracts.report import exit_code, render
from contracts.scenarios import SCENARIOS

__all__ = ["main"]

PROG = "freshsales-contracts"


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line (argparse prints the usage first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{PROG}: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Verify or record the Freshsales API contracts.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    verify = commands.add_parser("verify", help="check the contracts from both sides")
    verify.add_argument(
        "--contracts",
        type=Path,
        default=CONTRACTS_DIR,
        metavar="DIR",
        help="folder holding interactions/ and translations/ (default: the package's)",
    )
    verify.add_argument("--base-url", metavar="URL", help="verify against this server's origin")
    verify.add_argument("--api-key-env", metavar="VAR", help="environment variable with its key")
    verify.add_argument(
        "--allow-writes", action="store_true", help="also replay interactions that write"
    )
    verify.add_argument(
        "--against-live", action="store_true", help="also report each field that drifted"
    )
    rec = commands.add_parser("record", help="record a scenario's interactions from a server")
    rec.add_argument("--base-url", metavar="URL", required=True)
    rec.add_argument("--api-key-env", metavar="VAR", required=True)
    rec.add_argument(
        "--scenario", required=True, metavar="NAME", help=f"one of: {', '.join(SCENARIOS)}"
    )
    rec.add_argument("--redact-pii", action="store_true", help="replace emails and names")
    rec.add_argument(
        "--out",
        type=Path,
        default=CONTRACTS_DIR / "interactions",
        metavar="DIR",
        help="where to write the interaction files (default: the package's interactions/)",
    )
    add_probe_parser(commands)
    return parser


def _api_key(variable: str, flag: str = "--api-key-env") -> str:
    key = os.environ.get(variable, "")
    if not key:
        raise ContractError(flag, f"environment variable {variable} is not set")
    return key


def _verify(args: argparse.Namespace) -> int:
    if args.base_url is None:
        for flag, given in (
            ("--api-key-env", args.api_key_env),
            ("--allow-writes", args.allow_writes),
            ("--against-live", args.against_live),
        ):
            if given:
                raise ContractError(flag, "only goes with --base-url")
    elif args.api_key_env is None:
        raise ContractError("--base-url", "needs --api-key-env naming the key's variable")
    interactions = load_interactions(args.contracts / "interactions")
    cases = load_translations(args.contracts / "translations")
    if args.base_url is None:
        provider = verify_provider(interactions=interactions)
    else:
        provider = verify_live(
            args.base_url,
            _api_key(args.api_key_env),
            allow_writes=args.allow_writes,
            interactions=interactions,
        )
    results = provider + verify_consumer(cases, interactions=interactions)
    sys.stdout.write(render(results, drift=args.against_live, interactions=interactions))
    return exit_code(results)


def _record(args: argparse.Namespace) -> int:
    written = record(
        args.base_url,
        _api_key(args.api_key_env),
        scenario_named(args.scenario),
        args.out,
        redact_pii=args.redact_pii,
    )
    sys.stdout.write("".join(f"wrote {path}\n" for path in written))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "probe":
            token_env = args.app_token_env
            token = None if token_env is None else _api_key(token_env, "--app-token-env")
            return run_probe(args, _api_key(args.api_key_env), PROG, token)
        return _verify(args) if args.command == "verify" else _record(args)
    except ContractError as error:
        sys.stderr.write(f"{PROG}: {error}\n")
        return 2
    except RecordingError as error:
        sys.stderr.write(f"{PROG}: {error}\n")
        return 1
