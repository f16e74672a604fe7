"""Where a Freshsales account lives and how to authenticate to it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final, Literal, TypeAlias, get_args
from urllib.parse import urlsplit

from translator.errors import SettingsError, describe
from translator.event_map import EventRule, parse_event_map
from translator.message import is_email
from translator.shared import SharedParts

__all__ = ["DEFAULT_ACTIVITY_TYPES", "Owner", "Settings", "TrackAs", "WriteMode"]

CLASSIC_SUFFIX: Final = ".freshsales.io"
SUITE_SUFFIX: Final = ".myfreshworks.com"
CLASSIC_ROOT: Final = "/api"
SUITE_ROOT: Final = "/crm/sales/api"

# The domain is spliced into a URL that carries the API key, so nothing but a DNS label and one
# of the two known suffixes gets through: no ports, paths, userinfo, other hosts or look-alikes.
_DOMAIN = re.compile(
    r"(?P<label>[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)"
    r"(?P<suffix>\.freshsales\.io|\.myfreshworks\.com)?",
    re.ASCII,
)
_API_KEY = re.compile(r"[\x21-\x7e]+", re.ASCII)
# The sales activity types track, page and screen calls are recorded as, unless told otherwise.
DEFAULT_ACTIVITY_TYPES: Final = {
    "track": "Segment Event",
    "page": "Page View",
    "screen": "Page View",
}
_TYPE_NAME_LIMIT: Final = 255

WriteMode: TypeAlias = Literal["find", "upsert"]
"""How leads and deals are written: found first then updated or created, or upserted."""
Owner: TypeAlias = int | str
"""A Freshsales user: their id, or their email."""
_WRITE_MODES: Final[dict[str, WriteMode]] = {mode: mode for mode in get_args(WriteMode)}
TrackAs: TypeAlias = Literal["events", "activities"]
"""What tracks and page views become when there is an app token: tracking API events and page
views, or sales activities."""
_TRACK_AS: Final[dict[str, TrackAs]] = {choice: choice for choice in get_args(TrackAs)}


class Settings:
    """The Freshsales account a translator and a client talk to.

    ```python
    settings = Settings(domain="acme", api_key="...")
    settings.base_url            # "https://acme.freshsales.io/api"
    Settings(domain="acme.myfreshworks.com", api_key="...").base_url
                                 # "https://acme.myfreshworks.com/crm/sales/api"
    ```

    **Parameters:**

    * **domain** - the subdomain (`acme`), or the full host on the classic `*.freshsales.io` or
      the Suite `*.myfreshworks.com` domain; case-insensitive.
    * **api_key** - the Freshsales API key; never shown by `repr`, `str` or errors.
    * **base_url** - point at another server (e.g. the fake). With no path, the API root of the
      domain's host kind (`/api` or `/crm/sales/api`) is appended.
    * **track_activity_type**, **page_activity_type**, **screen_activity_type** - names of the
      Freshsales sales activity types that track, page and screen calls are recorded as.
    * **owner** - who owns the sales activities whose message names no owner and whose person
      has none: a Freshsales user id, or a user's email (looked up once in
      `GET /selector/owners`). Without one, such messages are rejected: a real account
      refuses an activity without an owner.
    * **lead_write** - `"find"` (default): a lead is looked up by email, then updated
      (`PUT /leads/{id}`) or created (`POST /leads`); `"upsert"`: one `POST /leads/upsert`,
      for accounts known to have it.
    * **deal_write** - `"find"` (default): a deal is looked up by name among the deals of the
      person's account (or of the contact), then updated or created; `"upsert"`: one
      `POST /deals/upsert` keyed by name, for accounts known to accept it.
    * **event_map** - track event names → what they become: `"sales_activity"`,
      `"lifecycle_stage"`, `{"sales_activity_type": "Meeting"}`, `{"lifecycle_stage": "Trial"}`
      (or the `_id` forms), or null to ignore the event (see `translator.event_map`).
    * **strict** - reject a message when one of its optional values cannot be sent (a trait
      `lifecycleStageId: "abc"`); by default that value is dropped, listed in `Plan.dropped`,
      and the rest delivered.
    * **app_token** - the application token of the account's tracking API (`/track/...`, at
      `tracking_url`); a secret like the API key, never shown by `repr`, `str` or errors, and
      never put in a plan (plans hold `{"$secret": "app_token"}`). With it, tracks and page
      views go to the tracking API (see `translator.tracking`) unless `track_as` says
      otherwise.
    * **track_as** - with an app token, `"events"` (default): a track becomes a tracking API
      event and a page or screen a page view; `"activities"`: sales activities, as without one.

    `tracking_url` is the account URL the tracking API hangs off: `https://acme.freshsales.io`,
    `https://acme.myfreshworks.com/crm/sales`, or with a `base_url` that URL without its final
    `/api` (`http://127.0.0.1:8080/crm/sales/api` → `http://127.0.0.1:8080/crm/sales`).
    """

    __slots__ = (
        "_api_key",
        "_app_token",
        "base_url",
        "deal_write",
        "domain",
        "event_map",
        "lead_write",
        "owner",
        "page_activity_type",
        "screen_activity_type",
        "shared",
        "strict",
        "suite",
        "track_activity_type",
        "track_as",
        "tracking_url",
        "tracks_to_api",
    )

    domain: str
    suite: bool
    base_url: str
    track_activity_type: str
    page_activity_type: str
    screen_activity_type: str
    owner: Owner | None
    lead_write: WriteMode
    deal_write: WriteMode
    event_map: Mapping[str, EventRule]
    strict: bool
    track_as: TrackAs
    tracking_url: str
    tracks_to_api: bool
    """Whether tracks and page views go to the tracking API: an app token, and `track_as`
    "events" (worked out once: every track and page asks)."""
    shared: SharedParts
    """What every plan of these settings may share, built once (see `translator.shared`);
    not a setting: left out of equality, hash and `replace`."""
    _api_key: str
    _app_token: str | None

    def __init__(
        self,
        domain: str,
        api_key: str,
        *,
        base_url: str | None = None,
        track_activity_type: str = DEFAULT_ACTIVITY_TYPES["track"],
        page_activity_type: str = DEFAULT_ACTIVITY_TYPES["page"],
        screen_activity_type: str = DEFAULT_ACTIVITY_TYPES["screen"],
        owner: Owner | None = None,
        lead_write: WriteMode = "find",
        deal_write: WriteMode = "find",
        event_map: Mapping[str, object] | None = None,
        strict: bool = False,
        app_token: str | None = None,
        track_as: TrackAs = "events",
    ) -> None:
        host, suite = _parse_domain(domain)
        set_ = object.__setattr__
        set_(self, "domain", host)
        set_(self, "suite", suite)
        set_(self, "_api_key", _check_api_key(api_key))
        root = SUITE_ROOT if suite else CLASSIC_ROOT
        url = f"https://{host}{root}" if base_url is None else _check_base_url(base_url, root)
        set_(self, "base_url", url)
        set_(self, "tracking_url", _without_api_root(url))
        for name, value in (
            ("track_activity_type", track_activity_type),
            ("page_activity_type", page_activity_type),
            ("screen_activity_type", screen_activity_type),
        ):
            set_(self, name, _check_type_name(name, value))
        set_(self, "owner", _check_owner(owner))
        set_(self, "lead_write", _check_write_mode("lead_write", lead_write))
        set_(self, "deal_write", _check_write_mode("deal_write", deal_write))
        set_(self, "event_map", MappingProxyType(parse_event_map(event_map)))
        if not isinstance(strict, bool):
            raise SettingsError("strict", f"expected true or false, got {describe(strict)}")
        set_(self, "strict", strict)
        set_(self, "_app_token", _check_app_token(app_token))
        track = _TRACK_AS.get(track_as) if isinstance(track_as, str) else None
        if track is None:
            raise SettingsError(
                "track_as", f'expected "events" or "activities", got {describe(track_as)}'
            )
        set_(self, "track_as", track)
        set_(self, "tracks_to_api", app_token is not None and track == "events")
        set_(self, "shared", SharedParts(self))  # last: it reads the settings above

    @property
    def api_key(self) -> str:
        """The API key, for the one place that builds the Authorization header."""
        return self._api_key

    def replace(self, **changes: object) -> Settings:
        """These settings with some changed, checked as new ones are:
        `settings.replace(track_as="activities")`. A TypeError names an unknown setting."""
        given: dict[str, object] = {
            "domain": self.domain,
            "api_key": self._api_key,
            "base_url": self.base_url,
            **self.activity_type_settings,
            "owner": self.owner,
            "lead_write": self.lead_write,
            "deal_write": self.deal_write,
            "event_map": {event: rule.to_json() for event, rule in self.event_map.items()},
            "strict": self.strict,
            "app_token": self._app_token,
            "track_as": self.track_as,
        }
        unknown = changes.keys() - given.keys()
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        merged: dict[str, Any] = {**given, **changes}  # checked by the constructor
        return Settings(**merged)

    @property
    def app_token(self) -> str | None:
        """The tracking API's application token, for the one place that puts it in a body."""
        return self._app_token

    @property
    def activity_type_settings(self) -> dict[str, str]:
        """Activity type names by the setting that holds them."""
        return {
            "track_activity_type": self.track_activity_type,
            "page_activity_type": self.page_activity_type,
            "screen_activity_type": self.screen_activity_type,
        }

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Settings are immutable")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Settings):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in _COMPARED)

    def __hash__(self) -> int:
        return hash(
            tuple(
                frozenset(self.event_map.items()) if n == "event_map" else getattr(self, n)
                for n in _COMPARED
            )
        )

    def __repr__(self) -> str:
        return (
            f"Settings(domain={self.domain!r}, base_url={self.base_url!r}, api_key='***', "
            f"track_activity_type={self.track_activity_type!r}, "
            f"page_activity_type={self.page_activity_type!r}, "
            f"screen_activity_type={self.screen_activity_type!r}, owner={self.owner!r}, "
            f"lead_write={self.lead_write!r}, deal_write={self.deal_write!r}, "
            f"event_map={ {e: r.to_json() for e, r in self.event_map.items()}!r}, "
            f"strict={self.strict!r}, "
            f"app_token={None if self._app_token is None else '***'!r}, "
            f"track_as={self.track_as!r})"
        )

    __str__ = __repr__


# What makes two Settings the same: every attribute but what is built from them.
_COMPARED: Final = tuple(name for name in Settings.__slots__ if name != "shared")


def _parse_domain(domain: object) -> tuple[str, bool]:
    """The full host and whether it is a Suite host, or a SettingsError."""
    if not isinstance(domain, str) or not domain:
        raise SettingsError("domain", "expected a Freshsales subdomain such as 'acme'")
    match = _DOMAIN.fullmatch(domain.lower()) if domain.isascii() else None
    if match is None:
        raise SettingsError(
            "domain",
            f"{domain!r} is not a Freshsales domain: expected a subdomain such as 'acme', "
            f"'acme{CLASSIC_SUFFIX}' or 'acme{SUITE_SUFFIX}' (letters, digits and hyphens only)",
        )
    label, suffix = match["label"], match["suffix"] or CLASSIC_SUFFIX
    return label + suffix, suffix == SUITE_SUFFIX


def _check_api_key(api_key: object) -> str:
    if not isinstance(api_key, str) or not _API_KEY.fullmatch(api_key):
        raise SettingsError(
            "api_key", "expected a non-empty key of printable ASCII characters without spaces"
        )
    return api_key


def _check_base_url(base_url: object, root: str) -> str:
    if not isinstance(base_url, str):
        raise SettingsError("base_url", "expected an http(s) URL such as 'http://127.0.0.1:8080'")
    parts = urlsplit(base_url)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.username is not None
        or parts.query
        or parts.fragment
        or not base_url.isascii()
        or any(c.isspace() for c in base_url)
    ):
        raise SettingsError(
            "base_url",
            f"{base_url!r} is not a plain http(s) URL (no credentials, query or fragment)",
        )
    path = parts.path.rstrip("/")
    return f"{parts.scheme}://{parts.netloc}{path or root}"


def _without_api_root(base_url: str) -> str:
    """The account URL of an API root URL: `base_url` without its final `/api`. Both roots end
    so: `/api` hangs off the classic account URL (the host), `/crm/sales/api` off the Suite
    one (`<host>/crm/sales`, where its tracking API is, and where the fake serves it)."""
    return base_url.removesuffix(CLASSIC_ROOT)


def _check_app_token(app_token: object) -> str | None:
    if app_token is None:
        return None
    if not isinstance(app_token, str) or not _API_KEY.fullmatch(app_token):
        raise SettingsError(
            "app_token", "expected a non-empty token of printable ASCII characters without spaces"
        )
    return app_token


def _check_type_name(setting: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > _TYPE_NAME_LIMIT:
        raise SettingsError(
            setting, f"expected the name of a Freshsales sales activity type, got {value!r}"
        )
    return value


def _check_owner(owner: object) -> Owner | None:
    if owner is None:
        return None
    if isinstance(owner, int) and not isinstance(owner, bool) and owner > 0:
        return owner
    if isinstance(owner, str) and is_email(owner.strip()):
        return owner.strip()
    raise SettingsError(
        "owner",
        f"expected a Freshsales user id (a positive integer) or a user's email, got "
        f"{describe(owner)}",
    )


def _check_write_mode(setting: str, value: object) -> WriteMode:
    mode = _WRITE_MODES.get(value) if isinstance(value, str) else None
    if mode is not None:
        return mode
    raise SettingsError(setting, f'expected "find" or "upsert", got {describe(value)}')
