"""The embedded fake Freshsales: `fake-freshsales serve` as a child process on loopback.

`translator` never imports `fake_freshsales`: the tests can trust the fake only while the two
stay independent. So the fake runs as its own process (`python -m fake_freshsales.cli serve`),
is found by the URL it prints first, is set up and read back through its HTTP admin API, and
is stopped when the command ends, also on errors and Ctrl-C.
"""

from __future__ import annotations

import queue
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
from types import TracebackType
from typing import IO, Any, Final

import httpx

from segment_freshsales.delivery.pacing import RateLimits
from translator.settings import DEFAULT_ACTIVITY_TYPES, Settings

__all__ = ["DOMAIN", "EmbeddedFake", "EmbeddedFakeError"]

DOMAIN: Final = "acme"
_SERVING = "fake-freshsales serving "
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
    """A fake Freshsales account in a child process, with the example account's set-up.

    ```python
    with EmbeddedFake(RateLimits()) as fake:
        settings = fake.settings        # a generated key, the fake's URL
        fake.state()["leads"]
    ```
    """

    def __init__(
        self,
        limits: RateLimits,
        activity_types: dict[str, str] | None = None,
        *,
        start_timeout: float = 30.0,
    ) -> None:
        self._limits = limits
        # Settings keyword arguments naming other activity types; the fake gets them too.
        self._types = dict(activity_types or {})
        self._start_timeout = start_timeout
        self._key = secrets.token_urlsafe(24)
        self._process: subprocess.Popen[str] | None = None
        self._stderr: IO[str] | None = None
        self._admin: httpx.Client | None = None
        self._reader: threading.Thread | None = None
        self.activity_types: dict[int, str] = {}
        self.url = ""

    @property
    def settings(self) -> Settings:
        """Settings that reach the fake's account."""
        return Settings(domain=DOMAIN, api_key=self._key, base_url=self.url, **self._types)

    def start(self) -> None:
        """Start the child, wait for its URL, and set up the account."""
        hourly, per_minute = _budgets(self._limits)
        # The key is generated for this fake alone; it is never printed (stdout is read here).
        # `--api-key=KEY`: a generated key may start with "-", which argparse reads as an option.
        command = [
            sys.executable, "-m", "fake_freshsales.cli", "serve", "--host", "127.0.0.1",
            "--port", "0", f"--api-key={self._key}", "--domain", DOMAIN,
            "--hourly", str(hourly), "--per-minute", str(per_minute),
        ]  # fmt: skip
        # Kept for an error message should the child fail; closed by stop().
        self._stderr = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        # The child's stdin is a pipe this process holds open and never writes: when this
        # process ends, even by kill -9, the pipe closes and the fake stops with it.
        self._process = subprocess.Popen(
            [*command, "--exit-on-stdin-close"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            encoding="utf-8",
        )
        self.url = self._wait_for_url(self._process)
        self._admin = httpx.Client(base_url=f"{self.url}/_fake", timeout=10.0, trust_env=False)
        self._set_up()

    def _wait_for_url(self, process: subprocess.Popen[str]) -> str:
        lines: queue.Queue[str | None] = queue.Queue()
        assert process.stdout is not None
        self._reader = threading.Thread(
            target=_drain, args=(process.stdout, lines), name="embedded-fake-stdout", daemon=True
        )
        self._reader.start()
        try:
            first = lines.get(timeout=self._start_timeout)
        except queue.Empty:
            first = None
        if first is None or not first.startswith(_SERVING):
            raise EmbeddedFakeError(f"the embedded fake Freshsales did not start: {self._why()}")
        return first.removeprefix(_SERVING).strip()

    def _why(self) -> str:
        """The child's last line on stderr, or that it said nothing."""
        if self._stderr is None:
            return "no output"
        self._stderr.seek(0)
        said = [line.strip() for line in self._stderr if line.strip()]
        return said[-1] if said else "no output"

    def _set_up(self) -> None:
        for name in dict.fromkeys([*ACTIVITY_TYPES, *self._types.values()]):
            entry = self._post("/activity-types", {"name": name})["sales_activity_type"]
            self.activity_types[int(entry["id"])] = str(entry["name"])
        for entity, name, kind, choices in CUSTOM_FIELDS:
            self._post(
                "/fields", {"entity": entity, "name": name, "type": kind, "choices": choices}
            )

    def set_faults(self, **config: Any) -> None:
        """Configure the fake's injected faults (`POST /_fake/faults`)."""
        self._post("/faults", config)

    def state(self) -> dict[str, list[dict[str, Any]]]:
        """The records in the account, as the admin API renders them."""
        state: dict[str, list[dict[str, Any]]] = self._call("GET", "/state")
        return state

    def _post(self, path: str, body: dict[str, Any]) -> Any:
        return self._call("POST", path, json=body)

    def _call(self, method: str, path: str, **options: Any) -> Any:
        if self._admin is None:
            raise EmbeddedFakeError("the embedded fake Freshsales is not running")
        try:
            response = self._admin.request(method, path, **options)
        except httpx.HTTPError as error:
            raise EmbeddedFakeError(f"the embedded fake Freshsales: {error}") from None
        if response.is_error:
            raise EmbeddedFakeError(
                f"the embedded fake Freshsales: {method} {path}: {response.text}"
            )
        return response.json()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the child: SIGINT, then kill if it has not ended in `timeout` seconds."""
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        process, self._process = self._process, None
        if process is not None:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            for pipe in (process.stdin, process.stdout):
                if pipe is not None:
                    pipe.close()
        if self._reader is not None:
            self._reader.join(timeout)
            self._reader = None
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def __enter__(self) -> EmbeddedFake:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
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


def _drain(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    """Hand over the child's output lines, then None at its end; reading them all keeps the
    pipe from filling up."""
    try:
        for line in stream:
            lines.put(line)
    except (OSError, ValueError):  # the pipe was closed by stop()
        pass
    lines.put(None)
