"""`freshsales-contracts probe`: its flags, and the run that prints the table and the profile.

    freshsales-contracts probe --base-url URL --api-key-env VAR [--api-root PATH]
                               [--allow-writes] [--allow-burst] [--app-token-env VAR]
                               [--out profile.json]

Exit status: 0 when the probe ran (a switch that differs from the fake's default is a finding,
not a failure), 1 when the account could not be reached or refused the key, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from contracts.errors import ContractError
from contracts.probe.report import render, write_profile
from contracts.probe.run import probe
from contracts.probe.session import ProbeError
from contracts.redact import KEY_PLACEHOLDER

__all__ = ["add_probe_parser", "run_probe"]

_MASKABLE = 8


def add_probe_parser(commands: argparse._SubParsersAction[Any]) -> None:
    command = commands.add_parser(
        "probe", help="observe which way the account goes on each uncertain fact of the fake"
    )
    command.add_argument("--base-url", metavar="URL", required=True, help="the account's origin")
    command.add_argument("--api-key-env", metavar="VAR", required=True)
    command.add_argument(
        "--api-root",
        metavar="PATH",
        help="API root path (default: /crm/sales/api on *.myfreshworks.com, else /api)",
    )
    command.add_argument(
        "--allow-writes",
        action="store_true",
        help="also run the checks that create (and delete) clearly named test records",
    )
    command.add_argument(
        "--allow-burst",
        action="store_true",
        help="spend the rest of the rate budget (at most 500 requests) to see one 429",
    )
    command.add_argument(
        "--app-token-env",
        metavar="VAR",
        help="environment variable with the application token: with --allow-writes, one test "
        "event is posted to the tracking API to see whether the account has it",
    )
    command.add_argument(
        "--out", type=Path, metavar="FILE", help="write the observed switches as a --profile"
    )


def run_probe(
    args: argparse.Namespace, api_key: str, prog: str, app_token: str | None = None
) -> int:
    """Probe, print the table, write the profile; the exit status. Nothing printed carries
    the key or the token: server texts are shown as they came, so they are masked should one
    echo them."""
    secrets = (api_key, app_token)
    try:
        report = probe(
            args.base_url,
            api_key,
            api_root=args.api_root,
            allow_writes=args.allow_writes,
            allow_burst=args.allow_burst,
            app_token=app_token,
        )
    except ProbeError as error:
        lines = [f"{prog}: {error}", *(f"test record not deleted: {x}" for x in error.leftovers)]
        sys.stderr.write(_masked("\n".join(lines) + "\n", *secrets))
        return 1
    sys.stdout.write(_masked(render(report), *secrets))
    if args.out is not None:
        try:
            write_profile(report, args.out)
        except OSError as error:
            raise ContractError("--out", f"cannot write {args.out}: {error.strerror}") from None
        sys.stdout.write(f"wrote {args.out}\n")
    return 0


def _masked(text: str, *secrets: str | None) -> str:
    # A last guard only (nothing the probe composes holds a secret); a toy key such as "k"
    # would mask ordinary letters.
    for secret in secrets:
        if secret is not None and len(secret) >= _MASKABLE:
            text = text.replace(secret, KEY_PLACEHOLDER)
    return text
