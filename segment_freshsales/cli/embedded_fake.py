"""The embedded fake Freshsales: `fake_freshsales` served in this process, on loopback.

`demo`, and `send` or `replay` without a Freshsales domain, deliver to it. It runs on a thread
of the command's own process, so it cannot outlive the command, and it is set up and read back
through its admin API like any other user of the fake. (The command line is an application:
unlike `translator` and `segment_freshsales.delivery`, it may use the fake directly.)
"""

from __future__ import annotations

import secrets
from types import TracebackType
from typing import Final

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

    def __init__(self, limits: RateLimits, activity_types: dict[str, str] | None = None) -> None:
        # Settings keyword arguments naming other activity types; the fake gets them too.
        self._types = dict(activity_types or {})
        self._key = secrets.token_urlsafe(24)
        hourly, per_minute = _budgets(limits)
        account = AccountConfig(
            domain=DOMAIN,
            api_key=self._key,
            limits=FakeLimits(hourly=hourly, per_minute=per_minute),
        )
        # A ticking clock: the command paces in real time, and the fake's windows must refill.
        self._fake = FakeFreshsales(config=FakeConfig(accounts=(account,), clock_ticks=True))
        self.activity_types: dict[int, str] = {}

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
        """Settings that reach the fake's account."""
        return Settings(domain=DOMAIN, api_key=self._key, base_url=self.url, **self._types)

    def start(self) -> None:
        """Serve the fake and set up the account."""
        try:
            self._fake.start()
            for name in dict.fromkeys([*ACTIVITY_TYPES, *self._types.values()]):
                entry = self.admin.add_activity_type(name)
                self.activity_types[int(entry["id"])] = str(entry["name"])
            for entity, name, kind, choices in CUSTOM_FIELDS:
                self.admin.add_custom_field(entity, name, kind, choices)
        except (OSError, RuntimeError) as error:  # AdminError is a RuntimeError
            self.stop()
            raise EmbeddedFakeError(
                f"the embedded fake Freshsales did not start: {error}"
            ) from None

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
