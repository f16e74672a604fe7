"""Running the relay: the queue, the worker and the app under waitress, until SIGINT/SIGTERM."""

from __future__ import annotations

import logging
import signal
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from waitress.server import create_server

from segment_freshsales.delivery.pacing import RateLimits
from segment_freshsales.relay.app import create_app
from segment_freshsales.relay.auth import Auth
from segment_freshsales.relay.queue import Queue
from segment_freshsales.relay.worker import RETRY_WINDOW_SECONDS, Worker
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

    @property
    def dead_letter(self) -> Path:
        return self.state_dir / "dead-letter.jsonl"


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _url(server: Any) -> str:
    host, port = server.effective_host, server.effective_port
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def serve(config: RelayConfig, out: TextIO) -> None:
    """Serve until interrupted. Raises OSError when the state or the port cannot be had."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # One line per outcome comes from segment_freshsales.delivery; httpx's per request is noise.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    config.state_dir.mkdir(parents=True, exist_ok=True)
    queue = Queue(config.state_dir / "queue.sqlite")
    worker = Worker(
        queue,
        config.settings,
        limits=config.limits,
        dead_letter=config.dead_letter,
        dedupe_path=config.state_dir / "delivered.sqlite",
        retry_window=config.retry_window,
    )
    server = create_server(
        create_app(queue, worker, config.auth),
        host=config.host,
        port=config.port,
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
