"""The Freshsales account a command sends to: the user's, or the embedded fake."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final, TextIO

from segment_freshsales.cli.embedded_fake import DOMAIN, EmbeddedFake
from segment_freshsales.cli.options import (
    ENV_API_KEY,
    ENV_DOMAIN,
    UsageError,
    settings_options,
)
from translator.errors import SettingsError
from translator.settings import Settings

__all__ = [
    "MIN_API_KEY_LENGTH",
    "open_account",
    "plan_settings",
    "real_settings",
    "uses_embedded_fake",
]

# Freshsales' API keys are about 22 characters [I], the fakes' generated ones 32. A shorter one
# is a placeholder or a slip, and too short to be told apart from other text when redacted.
MIN_API_KEY_LENGTH: Final = 16


def uses_embedded_fake(args: argparse.Namespace) -> bool:
    """Whether the command sends to the embedded fake: only when no account is named at all,
    neither a domain (--domain, $FRESHSALES_DOMAIN) nor a key ($FRESHSALES_API_KEY), not even
    an empty one."""
    given = (ENV_DOMAIN, ENV_API_KEY)
    return args.domain is None and not any(name in os.environ for name in given)


def real_settings(args: argparse.Namespace) -> Settings | None:
    """Settings of the account named by --domain / $FRESHSALES_DOMAIN and $FRESHSALES_API_KEY,
    or None when the command uses the embedded fake."""
    if uses_embedded_fake(args):
        if args.base_url:
            raise UsageError(
                f"--base-url needs --domain or ${ENV_DOMAIN}: the domain decides the API root"
            )
        return None
    domain = _domain(args)
    if domain is None:
        raise UsageError(
            f"${ENV_API_KEY} is set, but no --domain or ${ENV_DOMAIN} names the account it is for"
        )
    return _settings(domain, _api_key(), args.base_url, settings_options(args))


def _domain(args: argparse.Namespace) -> str | None:
    """The domain given, None when none is; an empty one is a mistake, not a request for the
    embedded fake."""
    if args.domain is not None:
        given, source = args.domain, "--domain"
    elif ENV_DOMAIN in os.environ:
        given, source = os.environ[ENV_DOMAIN], f"${ENV_DOMAIN}"
    else:
        return None
    if not given.strip():
        raise UsageError(
            f"{source} is empty: expected the Freshsales domain, e.g. acme or acme.myfreshworks.com"
        )
    return str(given)


def _api_key() -> str:
    key = os.environ.get(ENV_API_KEY)
    if key is None:
        raise UsageError(f"${ENV_API_KEY} is not set: it holds the Freshsales API key")
    if not key.strip():
        raise UsageError(f"${ENV_API_KEY} is empty: it must hold the Freshsales API key")
    if len(key) < MIN_API_KEY_LENGTH:
        raise UsageError(
            f"${ENV_API_KEY} is too short to be a Freshsales API key: a key has about 22 "
            f"characters, and at least {MIN_API_KEY_LENGTH} are required"
        )
    return key


def plan_settings(args: argparse.Namespace) -> Settings:
    """Settings to translate with and send nothing: the named domain, or the embedded fake's
    (a classic host); no key is needed."""
    domain = _domain(args) or DOMAIN
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
            f"No --domain, ${ENV_DOMAIN} or ${ENV_API_KEY}: sending to the embedded fake "
            f"Freshsales at {fake.url} (served by this command on loopback, gone when it ends).",
            file=stderr,
            flush=True,
        )
        yield fake.settings
