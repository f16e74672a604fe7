"""The tracking API beside the REST API: which calls go to it, and the token they carry.

A plan names a tracking call by its path (`/track/events`, `/track/page_views`), relative to
the account URL (`Settings.tracking_url`) rather than the API root, and holds the application
token only as the placeholder `{"$secret": "app_token"}`. The token is put in at the edge, in
the bytes sent, so it is in no plan, action, outcome, log or dead letter.
"""

from __future__ import annotations

from typing import Final

from translator.plan import JSON
from translator.settings import Settings

__all__ = ["TRACKING_PREFIX", "is_tracking", "tracking_body", "tracking_url"]

TRACKING_PREFIX: Final = "/track/"
_SECRET: Final = "$secret"


def is_tracking(path: str) -> bool:
    """Whether a call goes to the tracking API (and its own budget), not the REST API."""
    return path.startswith(TRACKING_PREFIX)


def tracking_url(settings: Settings, path: str) -> str:
    """The absolute URL of a tracking call."""
    return settings.tracking_url.rstrip("/") + path


def tracking_body(body: JSON, settings: Settings) -> JSON:
    """The body with its `$secret` placeholders replaced by the secrets they name."""
    if not isinstance(body, dict):
        return body
    return {key: _secret(value, settings) for key, value in body.items()}


def _secret(value: JSON, settings: Settings) -> JSON:
    if isinstance(value, dict) and set(value) == {_SECRET}:
        if value[_SECRET] != "app_token" or settings.app_token is None:
            # A plan made with a token is only carried out by a client that has it; this is
            # a programming error, said without the value.
            raise ValueError(f"no secret named {value[_SECRET]!r} in these Settings")
        return settings.app_token
    return value
