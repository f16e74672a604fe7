"""The web-tracking API (`/track/visitors|events|page_views`): what one account has recorded.

Freshworks' analytics SDKs post here with the account's application token in the body instead
of the REST key (freshsales-ruby-sdk, OFFICIAL; Python, PHP and Go SDKs, CODE). Each post names
a person by `identifier`; the fake keeps, per identifier, the visitor's properties (merged, as a
later identify or set adds to the earlier ones), and its events and page views in order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from .errors import BODY_NOT_OBJECT, bad_request, missing, type_invalid

__all__ = ["TRACKING_KINDS", "Tracking"]

VISITORS: Final = "visitors"
EVENTS: Final = "events"
PAGE_VIEWS: Final = "page_views"
# Each route's name, the body key holding what it records, and the key inside it that must be
# given (None: the visitor's properties may be empty).
TRACKING_KINDS: Final = {
    VISITORS: ("visitor", None),
    EVENTS: ("event", "name"),
    PAGE_VIEWS: ("page_view", "url"),
}


@dataclass(frozen=True)
class _Post:
    """One event or page view as it arrived, and when."""

    values: Mapping[str, Any]
    at: float


def _filled(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _checked(kind: str, body: object) -> tuple[str, dict[str, Any]]:
    """The identifier and the recorded object of a tracking post; 400 naming a missing field.

    [I] The real API's refusals are not known; the wording is the REST API's for a missing
    param, with the nested field written `object.key`.
    """
    if not isinstance(body, Mapping):
        raise bad_request(BODY_NOT_OBJECT)
    identifier = body.get("identifier")
    if not isinstance(identifier, str) or not identifier.strip():
        raise bad_request(missing("identifier"))
    key, required = TRACKING_KINDS[kind]
    values = body.get(key, {} if required is None else None)
    if values is None:
        raise bad_request(missing(key))
    if not isinstance(values, dict):
        raise bad_request(type_invalid(key))
    if required is not None and not _filled(values.get(required)):
        raise bad_request(missing(f"{key}.{required}"))
    return identifier, values


class Tracking:
    """What the tracking API recorded for one account."""

    def __init__(self) -> None:
        self._visitors: dict[str, dict[str, Any]] = {}
        self._posts: dict[str, defaultdict[str, list[_Post]]] = {
            EVENTS: defaultdict(list),
            PAGE_VIEWS: defaultdict(list),
        }

    def record(self, kind: str, body: object, *, now: float) -> None:
        """Keep one post of `kind` (a TRACKING_KINDS key); 400 for a body it cannot take."""
        identifier, values = _checked(kind, body)
        if kind == VISITORS:
            self._visitors.setdefault(identifier, {}).update(values)
        else:
            self._posts[kind][identifier].append(_Post(dict(values), now))

    def describe(self, stamp: Callable[[float], str]) -> dict[str, dict[str, Any]]:
        """Everything recorded, per identifier: `visitors` (merged properties), `events` and
        `page_views` (lists, oldest first, each with the time it was tracked, as `stamp`
        writes a moment)."""
        described: dict[str, dict[str, Any]] = {
            VISITORS: {identifier: dict(values) for identifier, values in self._visitors.items()}
        }
        for kind, posts in self._posts.items():
            described[kind] = {
                identifier: [{**post.values, "tracked_at": stamp(post.at)} for post in listed]
                for identifier, listed in posts.items()
            }
        return described
