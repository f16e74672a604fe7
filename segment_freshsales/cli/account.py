"""The Freshsales account a command sends to: the user's, or the embedded fake."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from segment_freshsales.cli.embedded_fake import DOMAIN, EmbeddedFake
from segment_freshsales.cli.options import (
    ENV_API_KEY,
    ENV_DOMAIN,
    UsageError,
    env,
    settings_options,
)
from translator.errors import SettingsError
from translator.settings import Settings

__all__ = ["open_account", "plan_settings", "real_settings"]


def real_settings(args: argparse.Namespace) -> Settings | None:
    """Settings of the account named by --domain / $FRESHSALES_DOMAIN, or None without one."""
    domain = args.domain or env(ENV_DOMAIN)
    if domain is None:
        if args.base_url:
            raise UsageError(
                f"--base-url needs --domain or ${ENV_DOMAIN}: the domain decides the API root"
            )
        return None
    api_key = env(ENV_API_KEY)
    if api_key is None:
        raise UsageError(f"${ENV_API_KEY} is not set: it holds the Freshsales API key")
    return _settings(domain, api_key, args.base_url, settings_options(args))


def plan_settings(args: argparse.Namespace) -> Settings:
    """Settings to translate with and send nothing: the named domain, or the embedded fake's
    (a classic host); no key is needed."""
    domain = args.domain or env(ENV_DOMAIN) or DOMAIN
    return _settings(domain, "dry-run", args.base_url, settings_options(args))


def _settings(domain: str, api_key: str, base_url: str | None, options: dict[str, Any]) -> Settings:
    try:
        return Settings(domain=domain, api_key=api_key, base_url=base_url, **options)
    except SettingsError as error:  # its text never holds the key
        raise UsageError(str(error)) from None


@contextmanager
def open_account(args: argparse.Namespace, stderr: TextIO) -> Iterator[Settings]:
    """The user's account, or else the embedded fake, started for the command and stopped
    after it (saying so on stderr)."""
    settings = real_settings(args)
    if settings is not None:
        yield settings
        return
    options = settings_options(args)
    _settings(DOMAIN, "check", None, options)  # a bad --owner is a usage error, before the start
    with EmbeddedFake(args.limits, options) as fake:
        print(
            f"No --domain or ${ENV_DOMAIN}: sending to the embedded fake Freshsales at "
            f"{fake.url} (served by this command on loopback, gone when it ends).",
            file=stderr,
            flush=True,
        )
        yield fake.settings
