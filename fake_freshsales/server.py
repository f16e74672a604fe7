"""FakeFreshsales: the app on a real loopback socket, served by waitress in a thread."""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Mapping
from types import TracebackType
from typing import Any

from waitress import wasyncore
from waitress.server import create_server

from .admin_client import AdminClient, AdminError
from .app import create_app
from .config import AccountConfig, FakeConfig, Limits
from .harness.faults import InjectedDrop

__all__ = ["FakeFreshsales", "quiet_injected_drops"]

_POLL_SECONDS = 0.5
_NOT_RUNNING = "the fake is not running; call start() or use it as a context"


class _HideInjectedDrops(logging.Filter):
    """Waitress logs a traceback for every dropped connection; an injected drop is no error."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, InjectedDrop)


_HIDE_INJECTED_DROPS = _HideInjectedDrops()


def quiet_injected_drops() -> None:
    """Keep injected drops out of waitress' log (idempotent)."""
    logging.getLogger("waitress").addFilter(_HIDE_INJECTED_DROPS)


class FakeFreshsales:
    """A running fake Freshsales for tests, on 127.0.0.1 and a free port.

    ```python
    with FakeFreshsales() as fake:
        httpx.post(f"{fake.url}/api/contacts/upsert", json=..., headers=fake.auth_headers)
        assert fake.admin.state()["contacts"][0]["email"] == "jane@example.com"
    ```

    **Parameters:** `api_key` and `app_token` (the tracking API's; each generated when None),
    `domain`, `limits` (hourly and per-minute budgets), `variants` (switches of the uncertain
    facts, by name, such as `{"custom_fields": "strict", "retry_after": True}`: see
    `fake_freshsales.models.variants`), or a whole `config` instead of those. While it runs,
    `admin` is an `AdminClient` of it.
    """

    def __init__(
        self,
        api_key: str | None = None,
        domain: str = "acme",
        limits: Limits | None = None,
        variants: Mapping[str, Any] | None = None,
        config: FakeConfig | None = None,
        *,
        app_token: str | None = None,
        threads: int = 8,
        ready_timeout: float = 10.0,
    ) -> None:
        if config is None:
            account = AccountConfig(
                domain=domain,
                api_key=api_key or secrets.token_urlsafe(24),
                limits=limits or Limits(),
                variants=dict(variants or {}),
                app_token=app_token or secrets.token_urlsafe(24),
            )
            config = FakeConfig(accounts=(account,))
        elif any(value is not None for value in (api_key, limits, variants, app_token)):
            raise ValueError("pass either a config or the account settings, not both")
        self.config = config
        self.app = create_app(config)
        self._threads = threads
        self._ready_timeout = ready_timeout
        self._map: dict[int, Any] = {}
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._admin: AdminClient | None = None

    @property
    def api_key(self) -> str:
        return self.config.accounts[0].api_key

    @property
    def app_token(self) -> str | None:
        """The application token the first account's tracking API takes."""
        return self.config.accounts[0].app_token

    @property
    def domain(self) -> str:
        return self.config.accounts[0].domain

    @property
    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Token token={self.api_key}"}

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError(_NOT_RUNNING)
        return f"http://127.0.0.1:{self._server.effective_port}"

    @property
    def admin(self) -> AdminClient:
        """The client of this fake's admin API (reset, state, journal, clock, faults, ...)."""
        if self._admin is None:
            raise RuntimeError(_NOT_RUNNING)
        return self._admin

    def __repr__(self) -> str:
        state = "running" if self._server is not None else "stopped"
        return f"<FakeFreshsales domain={self.domain!r} {state}>"

    def start(self) -> FakeFreshsales:
        if self._server is not None:
            return self
        quiet_injected_drops()
        # Binding happens here, in the caller's thread, so a bind error surfaces at once.
        self._server = create_server(
            self.app, host="127.0.0.1", port=0, threads=self._threads, map=self._map
        )
        self._stopping.clear()
        self._thread = threading.Thread(target=self._serve, name="fake-freshsales", daemon=True)
        self._thread.start()
        self._admin = AdminClient(self.url, timeout=self._ready_timeout)
        try:
            self._admin.clock()
        except AdminError as error:
            self.stop()
            raise RuntimeError(f"the fake did not become ready: {error}") from error
        return self

    def _serve(self) -> None:
        # One poll at a time instead of waitress' endless loop, so stop() can end it cleanly
        # and close every socket from the caller's thread afterwards.
        while not self._stopping.is_set():
            wasyncore.loop(timeout=_POLL_SECONDS, map=self._map, use_poll=True, count=1)

    def stop(self) -> None:
        """Stop serving and close every socket; safe to call twice."""
        server, self._server = self._server, None
        if server is None:
            return
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        self._stopping.set()
        server.pull_trigger()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        server.task_dispatcher.shutdown()
        wasyncore.close_all(self._map)

    def __enter__(self) -> FakeFreshsales:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
