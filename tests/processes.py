"""The project's commands as child processes in a test: started, read, stopped, never left
behind."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import httpx

BIN = Path(sys.executable).parent
READ_TIMEOUT = 30.0


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without the user's Freshsales and Segment settings, plus
    `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FRESHSALES_", "SEGMENT_"))}
    return {**env, **extra}


class Process:
    """A command (`segment-freshsales`, `fake-freshsales`, ...) run from this venv.

    ```python
    with Process("fake-freshsales", "serve", "--port", "0") as fake:
        url = fake.expect(r"serving (\\S+)")[1]
        out, err = fake.interrupt()
    ```
    """

    def __init__(
        self,
        command: str,
        *args: str,
        env: dict[str, str] | None = None,
        stdout: IO[str] | int = subprocess.PIPE,
        stderr: IO[str] | int = subprocess.PIPE,
        bin: Path = BIN,
        cwd: Path | None = None,
    ) -> None:
        # Unbuffered bytes: a line is read with select and os.read alone, so no line can wait
        # in a buffer that select does not see.
        self.process = subprocess.Popen(
            [str(bin / command), *args],
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
            bufsize=0,
            env=clean_env() if env is None else env,
            cwd=cwd,
        )

    def expect(self, pattern: str, stream: str = "stdout") -> re.Match[str]:
        """The next line of `stream` matches `pattern`; the match. A line that does not come
        within READ_TIMEOUT seconds fails the test instead of hanging it."""
        pipe = getattr(self.process, stream)
        assert pipe is not None, f"{stream} is not a pipe"
        line = _read_line(pipe.fileno(), time.monotonic() + READ_TIMEOUT)
        found = re.search(pattern, line)
        assert found is not None, f"{stream}: expected {pattern!r}, got {line!r}"
        return found

    def interrupt(self, timeout: float = READ_TIMEOUT) -> tuple[str, str]:
        """Ctrl-C, then wait for the end: (rest of stdout, rest of stderr)."""
        self.process.send_signal(signal.SIGINT)
        return self.wait(timeout)

    def wait(self, timeout: float = READ_TIMEOUT) -> tuple[str, str]:
        """Wait for the end: (rest of stdout, rest of stderr)."""
        out, err = self.process.communicate(timeout=timeout)
        return _text(out), _text(err)

    def kill(self) -> None:
        """kill -9, and wait for it."""
        self.process.kill()
        self.process.wait(timeout=READ_TIMEOUT)

    @property
    def returncode(self) -> int | None:
        return self.process.returncode

    def __enter__(self) -> Process:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate(timeout=READ_TIMEOUT)


def _read_line(fd: int, deadline: float) -> str:
    """One line from a pipe, without its end; what came before the deadline or the end."""
    data = b""
    while not data.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(fd, 1) if ready else b""
        if not chunk:
            break
        data += chunk
    return data.decode("utf-8", "replace").rstrip("\n")


def _text(output: bytes | None) -> str:
    return (output or b"").decode("utf-8", "replace")


class Relay(Process):
    """`segment-freshsales serve` in front of a (fake) Freshsales, with an HTTP client."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        write_key: str,
        state_dir: Path,
        log: IO[str],
        *options: str,
    ) -> None:
        super().__init__(
            "segment-freshsales", "serve", "--domain", "acme", "--base-url", base_url,
            "--port", "0", "--write-key", write_key, "--state-dir", str(state_dir), *options,
            env=clean_env(FRESHSALES_API_KEY=api_key), stderr=log,
        )  # fmt: skip
        self.url = self.expect(r"^segment-freshsales relay serving (http://127\.0\.0\.1:\d+)$")[1]
        self.http = httpx.Client(base_url=self.url, auth=(write_key, ""), timeout=10)

    def post(self, path: str, body: dict[str, Any]) -> None:
        """Post a body the relay must accept."""
        response = self.http.post(path, json=body)
        assert (response.status_code, response.json()) == (200, {"success": True})

    def metrics(self) -> dict[str, Any]:
        metrics: dict[str, Any] = self.http.get("/metrics").json()
        return metrics

    def wait_until(self, condition: Callable[[dict[str, Any]], bool], timeout: float = 30) -> None:
        """Poll /metrics until `condition` holds of them."""
        deadline = time.monotonic() + timeout
        while not condition(self.metrics()):
            assert time.monotonic() < deadline, self.metrics()
            time.sleep(0.02)

    def __exit__(self, *exc_info: Any) -> None:
        self.http.close()
        super().__exit__(*exc_info)
