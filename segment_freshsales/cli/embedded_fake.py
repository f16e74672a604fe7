"""The embedded fake Freshsales: `fake_freshsales` served in this process, on loopback.

`demo`, and `send` or `replay` without a Freshsales domain, deliver to it. It runs on a thread
of the command's own process, so it cannot outlive the command, and it is set up and read back
through its admin API like any other user of the fake. (The command line is an application:
unlike `translator` and `segment_freshsales.delivery`, it may use the fake directly.)
"""

from __future__ import annotations

import secrets
from types import TracebackType
from typing import Any, Final

import httpx

from fake_freshsales import AccountConfig, AdminClient, FakeConfig, FakeFreshsales
from fake_freshsales import Limits as FakeLimits
from segment_freshsales.delivery.pacing import RateLimits
from translator.settings import DEFAULT_ACTIVITY_TYPES, Settings

__all__ = ["DOMAIN", "EmbeddedFake", "EmbeddedFakeError"]

DOMAIN: Final = "acme"
# The activity types the translator's default Settings record track, page and screen calls as,
# and custom fields the example events fill.
ACTIVITY_TYPES: Final = tuple(dict.fromkeys(DEFAULT_ACTIVITY_TYPES.values()))
CUSTOM_FIELDS: Final = tuple(
    (entity, name, kind, choices)
    for entity in ("leads", "contacts")
    for name, kind, choices in (
        ("cf_alternate_number", "text", None),
        ("cf_plan", "dropdown", ["Free", "Pro", "Enterprise"]),
        ("cf_seats", "number", None),
    )
)


class EmbeddedFakeError(RuntimeError):
    """The fake could not be started or set up."""


class EmbeddedFake:
    """A fake Freshsales account served on a thread, with the example account's set-up.

    ```python
    with EmbeddedFake(RateLimits()) as fake:
        settings = fake.settings        # a generated key, the fake's URL
        fake.admin.state()["leads"]
    ```
    """

    def __init__(self, limits: RateLimits, options: dict[str, Any] | None = None) -> None:
        # Settings keyword arguments the user gave; the fake gets the activity types they name.
        self._options = dict(options or {})
        self._types = [v for k, v in self._options.items() if k.endswith("_activity_type")]
        self._key = secrets.token_urlsafe(24)
        hourly, per_minute = _budgets(limits)
        account = AccountConfig(
            domain=DOMAIN,
            api_key=self._key,
            limits=FakeLimits(hourly=hourly, per_minute=per_minute),
            # The user's app token ($FRESHSALES_APP_TOKEN), so the tracking API takes it.
            app_token=self._options.get("app_token"),
        )
        # A ticking clock: the command paces in real time, and the fake's windows must refill.
        self._fake = FakeFreshsales(config=FakeConfig(accounts=(account,), clock_ticks=True))
        self.activity_types: dict[int, str] = {}
        self._owner: str | None = None

    @property
    def url(self) -> str:
        """Where the fake listens."""
        return self._fake.url

    @property
    def admin(self) -> AdminClient:
        """The fake's admin API."""
        return self._fake.admin

    @property
    def settings(self) -> Settings:
        """Settings that reach the fake's account; activities belong to its one user unless
        the user named another owner."""
        options = {"owner": self._owner, **self._options}
        return Settings(domain=DOMAIN, api_key=self._key, base_url=self.url, **options)

    def start(self) -> None:
        """Serve the fake and set up the account."""
        try:
            self._fake.start()
            for name in dict.fromkeys([*ACTIVITY_TYPES, *self._types]):
                entry = self.admin.add_activity_type(name)
                self.activity_types[int(entry["id"])] = str(entry["name"])
            for entity, name, kind, choices in CUSTOM_FIELDS:
                self.admin.add_custom_field(entity, name, kind, choices)
            self._owner = self._user_email()
        except (OSError, RuntimeError, httpx.HTTPError) as error:  # AdminError: RuntimeError
            self.stop()
            raise EmbeddedFakeError(
                f"the embedded fake Freshsales did not start: {error}"
            ) from None

    def _user_email(self) -> str:
        """The email of the account's user, as GET /selector/owners gives it."""
        response = httpx.get(
            f"{self.url}/api/selector/owners", headers=self._fake.auth_headers, timeout=10.0
        )
        response.raise_for_status()
        return str(response.json()["users"][0]["email"])

    def stop(self) -> None:
        """Stop serving; safe to call twice."""
        self._fake.stop()

    def __enter__(self) -> EmbeddedFake:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _budgets(limits: RateLimits) -> tuple[int, int]:
    """(hourly, per-minute) of limits given as HOURLY/PER_MINUTE, the fake's own options."""
    windows = {seconds: requests for requests, seconds in limits.windows}
    return windows.get(3600.0, 1000), windows.get(60.0, 400)
