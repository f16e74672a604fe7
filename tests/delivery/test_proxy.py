"""The client honours a proxy named by the environment, as httpx does: its sending path skips
httpx.Client.send's machinery but not the transport httpx picks for the URL."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from segment_freshsales import Client
from translator import Settings

pytestmark = pytest.mark.slow

ANSWERS = {
    "GET": {"contacts": {"contacts": []}, "leads": {"leads": []}},
    "POST": {"lead": {"id": 7, "owner_id": 1}},
}


class _Proxy(BaseHTTPRequestHandler):
    """A forward proxy that answers itself: it notes each request line it is asked to pass on."""

    seen: ClassVar[list[str]] = []

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        type(self).seen.append(f"{self.command} {self.path}")
        body = json.dumps(ANSWERS[self.command]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    _Proxy.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Proxy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{server.server_address[1]}")
    try:
        yield _Proxy.seen
    finally:
        server.shutdown()
        server.server_close()


def test_requests_go_through_the_proxy_the_environment_names(
    proxy: list[str], tmp_path: Path
) -> None:
    settings = Settings(domain="acme", api_key="proxy-key", base_url="http://crm.example.test")
    with Client(settings, dead_letter=tmp_path / "dead.jsonl") as client:
        outcome = client.deliver({"type": "identify", "userId": "ann@example.com"})
    assert outcome.status == "delivered"
    root = "http://crm.example.test/api"
    assert proxy == [
        f"GET {root}/lookup?q=ann%40example.com&f=email&entities=lead",
        f"POST {root}/leads",
    ]
