"""The relay's HTTP API (Flask): Segment's Tracking API and webhook deliveries in, the queue out.

Every check runs before the queue is touched, so a request is either queued whole and
answered 200 `{"success": true}`, or refused whole with a JSON error saying why. `/health`
answers 503 while the relay cannot take or deliver messages: the queue cannot be written, the
worker stopped, or deliveries have failed for longer than `unhealthy_after` seconds.
"""

from __future__ import annotations

import logging
import sqlite3
import time
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Final

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from segment_freshsales.delivery.sqlite_space import file_bytes
from segment_freshsales.relay.auth import Auth
from segment_freshsales.relay.queue import Queue
from segment_freshsales.relay.worker import UNHEALTHY_AFTER_SECONDS, Worker
from segment_freshsales.segment.tracking_api import (
    MAX_BATCH_BYTES,
    MAX_MESSAGE_BYTES,
    BodyError,
    loads,
    message_size,
    stamped,
    unpack_batch,
)

__all__ = ["KINDS", "create_app"]

logger = logging.getLogger("segment_freshsales.relay")
KINDS: Final = ("identify", "track", "page", "screen", "group", "alias")


class _Refused(Exception):
    """A request refused whole: its HTTP status and the reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def create_app(
    queue: Queue,
    worker: Worker,
    auth: Auth,
    *,
    unhealthy_after: float = UNHEALTHY_AFTER_SECONDS,
) -> Flask:
    """The relay's Flask app over a queue (written) and a worker (reported on); `/health`
    says degraded once deliveries have failed for longer than `unhealthy_after` seconds."""
    app = Flask("segment_freshsales.relay")

    def accept(messages: list[dict[str, Any]]) -> Response:
        now = datetime.now(UTC)
        try:
            count = queue.put([stamped(message, now) for message in messages])
        except sqlite3.Error as error:  # a 5xx tells Segment's libraries to retry
            raise _Refused(503, f"the queue cannot be written: {error}") from None
        logger.info("queued %d message(s) from %s", count, request.path)
        return jsonify(success=True)

    @app.post("/v1/batch")
    def batch() -> Response:
        _require_write_key(auth)
        return accept(_batch_items(_json_object(_body(MAX_BATCH_BYTES, "batch request"))))

    def single(kind: str) -> Callable[[], Response]:
        def view() -> Response:
            _require_write_key(auth)
            message = _json_object(_body(MAX_MESSAGE_BYTES, "message"))
            return accept([{**message, "type": kind}])  # the path says what the call is

        return view

    for kind in KINDS:
        app.add_url_rule(f"/v1/{kind}", f"v1_{kind}", single(kind), methods=["POST"])

    @app.post("/webhook")
    def webhook() -> Response:
        # A batch body may come here too: read up to a batch's limit, then hold a single
        # message to its own.
        data = _body(MAX_BATCH_BYTES, "webhook request")
        if auth.webhook_secret is None:
            _require_write_key(auth)
        elif not auth.webhook_signed(data, request.headers.get("X-Signature")):
            raise _Refused(401, "X-Signature: not the HMAC-SHA1 of the body with the shared secret")
        body = _json_object(data)
        if "batch" in body:
            return accept(_batch_items(body))
        if len(data) > MAX_MESSAGE_BYTES:
            raise _too_large("message", len(data), MAX_MESSAGE_BYTES)
        return accept([body])

    @app.get("/health")
    def health() -> tuple[Response, int]:
        problems = [] if queue.writable() else ["the queue cannot be written"]
        if not worker.alive:
            problems.append(worker.problem or "the delivery worker is not running")
        status = "unhealthy" if problems else "degraded"
        since = worker.failing_since
        failing = 0.0 if since is None else time.monotonic() - since
        if since is not None and failing > unhealthy_after:
            problems.append(f"deliveries have failed for {failing:.0f} s: {worker.last_error}")
        if not problems:
            return jsonify(status="ok"), 200
        age = queue.oldest_age()
        oldest = None if age is None else round(age)
        return jsonify(status=status, problems=problems, oldest_queued_seconds=oldest), 503

    @app.get("/metrics")
    def metrics() -> Response:
        hit_rate = worker.cache_hit_rate
        return jsonify(
            queue_depth=queue.depth(),
            worker="running" if worker.alive else "stopped",
            last_error=worker.last_error,
            **queue.counters(),
            queue_bytes=queue.file_bytes(),
            dedupe_bytes=file_bytes(worker.dedupe_path),
            cache_hit_rate=None if hit_rate is None else round(hit_rate, 4),
        )

    @app.errorhandler(_Refused)
    def refused(error: _Refused) -> tuple[Response, int]:
        return jsonify(success=False, error=str(error)), error.status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response, int]:
        status = error.code or 500
        return jsonify(success=False, error=error.description or error.name), status

    return app


def _require_write_key(auth: Auth) -> None:
    if not auth.write_key_matches(request.headers.get("Authorization")):
        raise _Refused(401, "expected HTTP Basic auth with the relay's write key as username")


def _body(limit: int, what: str) -> bytes:
    """The request's JSON body, decompressed, within `limit` bytes."""
    if request.mimetype != "application/json":
        shown = request.mimetype or "none"
        raise _Refused(415, f"Content-Type must be application/json, got {shown}")
    if request.content_length is not None and request.content_length > limit:
        raise _too_large(what, request.content_length, limit)
    data = _decoded(request.get_data(cache=False), limit, what)
    if len(data) > limit:
        raise _too_large(what, len(data), limit)
    return data


def _decoded(data: bytes, limit: int, what: str) -> bytes:
    """The body without its Content-Encoding (gzip, as Segment's libraries may send)."""
    encoding = request.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding == "identity":
        return data
    if encoding != "gzip":
        raise _Refused(415, f"Content-Encoding must be gzip or none, got {encoding}")
    inflater = zlib.decompressobj(wbits=31)  # 31: a gzip header and trailer
    try:
        inflated = inflater.decompress(data, limit + 1)  # no further: a small bomb stays small
    except zlib.error:
        raise _Refused(400, "body: not valid gzip") from None
    if len(inflated) > limit:
        raise _too_large(what, limit, limit, "more than ")
    return inflated


def _too_large(what: str, size: int, limit: int, more: str = "") -> _Refused:
    return _Refused(
        400, f"{what} is {more}{size} bytes: Segment's limit is {limit} bytes ({limit // 1024} KB)"
    )


def _json_object(data: bytes) -> dict[str, Any]:
    try:
        value = loads(data)
    except BodyError as error:  # valid JSON, but nested too deep to be read safely
        raise _Refused(400, f"body: {error}") from None
    except ValueError as error:  # JSONDecodeError, bad UTF-8, NaN
        raise _Refused(400, f"body: not valid JSON: {error}") from None
    if not isinstance(value, dict):
        raise _Refused(400, "body: expected a JSON object")
    return value


def _batch_items(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The messages of a batch body, as Segment unpacks it, each checked."""
    try:
        items = unpack_batch(body)
    except BodyError as error:
        raise _Refused(400, str(error)) from None
    for index, item in enumerate(items):
        _check_message(item, f"batch[{index}]")
    return items


def _check_message(message: object, where: str) -> None:
    if not isinstance(message, dict):
        raise _Refused(400, f"{where}: expected a JSON object (a Segment message)")
    size = message_size(message)
    if size > MAX_MESSAGE_BYTES:
        raise _too_large(where, size, MAX_MESSAGE_BYTES)
