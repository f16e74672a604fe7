"""Running the relay: the queue, the worker and the app under waitress, until SIGINT/SIGTERM."""

from __future__ import annotations

import logging
import os
import signal
import socket
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from waitress.server import create_server

from segment_freshsales.delivery.dedupe import DEFAULT_DEDUPE_WINDOW
from segment_freshsales.delivery.pacing import RateLimits
from segment_freshsales.delivery.people import DEFAULT_CACHE_SIZE
from segment_freshsales.relay.app import create_app
from segment_freshsales.relay.auth import Auth
from segment_freshsales.relay.queue import Queue
from segment_freshsales.relay.worker import (
    RETRY_WINDOW_SECONDS,
    UNHEALTHY_AFTER_SECONDS,
    Worker,
)
from segment_freshsales.segment.tracking_api import MAX_BATCH_BYTES
from translator.settings import Settings

__all__ = ["RelayConfig", "serve"]

_WORKER_STOP_SECONDS = 15.0


@dataclass(frozen=True)
class RelayConfig:
    """What the relay needs: the account, its credentials, where to keep state, and where to
    listen."""

    settings: Settings
    auth: Auth
    state_dir: Path
    limits: RateLimits
    host: str = "127.0.0.1"
    port: int = 8080
    threads: int = 8
    retry_window: float = RETRY_WINDOW_SECONDS
    unhealthy_after: float = UNHEALTHY_AFTER_SECONDS
    cache_size: int = DEFAULT_CACHE_SIZE
    dedupe_window: float = DEFAULT_DEDUPE_WINDOW
    tracking_limits: RateLimits | None = None  # the tracking API's, with an app token

    @property
    def dead_letter(self) -> Path:
        return self.state_dir / "dead-letter.jsonl"


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _url(server: Any) -> str:
    return f"http://{_address(server.effective_host, server.effective_port)}"


def _listen(host: str, port: int) -> socket.socket:
    """A socket listening on host:port. Raises OSError naming the address when it cannot be
    had (in use, not this machine's, not allowed)."""
    try:
        family, _, _, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        return socket.create_server(address, family=family)
    except socket.gaierror as error:  # a host name that does not resolve
        reason = error.strerror or str(error)
    except OSError as error:
        # The errno's own words: create_server's message repeats the address, as a tuple.
        reason = os.strerror(error.errno) if error.errno else str(error)
    raise OSError(f"cannot listen on {_address(host, port)}: {reason}")


def serve(config: RelayConfig, out: TextIO) -> None:
    """Serve until interrupted. Raises OSError when the port or the state cannot be had; the
    port is taken first, so a relay that cannot listen leaves no state behind."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # One line per outcome comes from segment_freshsales.delivery; httpx's per request is noise.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    listening = _listen(config.host, config.port)
    try:
        _serve(config, listening, out)
    finally:
        listening.close()


def _serve(config: RelayConfig, listening: socket.socket, out: TextIO) -> None:
    config.state_dir.mkdir(parents=True, exist_ok=True)
    queue = Queue(config.state_dir / "queue.sqlite")
    worker = Worker(
        queue,
        config.settings,
        limits=config.limits,
        dead_letter=config.dead_letter,
        dedupe_path=config.state_dir / "delivered.sqlite",
        retry_window=config.retry_window,
        cache_size=config.cache_size,
        dedupe_window=config.dedupe_window,
        tracking_limits=config.tracking_limits,
    )
    server = create_server(
        create_app(queue, worker, config.auth, unhealthy_after=config.unhealthy_after),
        sockets=[listening],
        threads=config.threads,
        # Twice a batch's limit: room for headers and encodings, while the app gives the
        # clear 400 for anything between.
        max_request_body_size=2 * MAX_BATCH_BYTES,
    )
    # Started in the background, a process may inherit SIGINT ignored; both must stop it.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    worker.start()
    print(f"segment-freshsales relay serving {_url(server)}", file=out, flush=True)
    print(
        f"state in {config.state_dir}: {queue.depth()} message(s) queued; "
        f"sending to {config.settings.base_url}",
        file=out,
        flush=True,
    )
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        # A worker still in a request keeps the queue: SQLite is safe without a close, and
        # its message is delivered again on the next start, as one that may have been sent.
        if worker.stop(_WORKER_STOP_SECONDS):
            queue.close()
    print("segment-freshsales relay stopped", file=out, flush=True)
