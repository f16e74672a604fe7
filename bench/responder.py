"""Freshsales-shaped answers at once, for benchmarks about the client and not the server.

Stateless: a lookup finds a person whose id comes from the value looked up, a create or an
upsert answers a record with a new id, an update the record it names, a sales account has no
deals yet. Enough for every call the
benchmark streams make (`bench.stream`), with the bodies the client reads.
"""

from __future__ import annotations

import itertools
import zlib
from typing import Any
from urllib.parse import parse_qsl

import httpx
import orjson

__all__ = ["respond"]

_ids = itertools.count(1_000_000)
_ACTIVITY_TYPES = {
    "sales_activity_types": [
        {"id": 1, "name": "Segment Event"},
        {"id": 2, "name": "Page View"},
    ]
}


def respond(request: httpx.Request) -> httpx.Response:
    """The answer to one request of the client."""
    # The raw target, split by hand: httpx's parsed `url.path` and `url.params` cost more
    # than the rest of the answer, and this is the client's benchmark, not the responder's.
    target, _, query = request.url.raw_path.decode().partition("?")
    parts = target.split("/api/", 1)[-1].strip("/").split("/")
    if request.method == "GET":
        return _answer(200, _read(parts, dict(parse_qsl(query))))
    entity = parts[0].removesuffix("s")
    # An update answers the record it changed; a create or an upsert, a new one.
    record: dict[str, Any] = {
        "id": int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else next(_ids),
        "owner_id": 1,
    }
    if entity == "contact":
        record["sales_accounts"] = []
    return _answer(200 if request.method == "PUT" else 201, {entity: record})


def _answer(status: int, body: dict[str, Any]) -> httpx.Response:
    # A bare stream, no headers: the client reads the body as JSON whatever its type, and
    # `content=` would add a Content-Length header that costs httpx more than the answer.
    return httpx.Response(status, stream=httpx.ByteStream(orjson.dumps(body)))


def _read(parts: list[str], params: dict[str, str]) -> dict[str, Any]:
    if parts[0] == "lookup":
        entity = params.get("entities", "contact").split(",")[0].strip()
        # The same value finds the same person every time.
        person = {"id": zlib.crc32(params.get("q", "").encode()), "owner_id": 1}
        return {f"{entity}s": {f"{entity}s": [person]}}
    if parts[0] == "selector":
        return _ACTIVITY_TYPES
    if parts[0] == "sales_accounts":
        return {"sales_account": {"id": int(parts[1])}, "deals": []}
    raise ValueError(f"no answer for GET /{'/'.join(parts)}")
