"""The fake behind one httpx transport, with clients wired to it in virtual time: the harness
of the end-to-end tests."""

from pathlib import Path
from typing import Any

import httpx

from contracts import ConformanceTransport, load_interactions
from fake_freshsales import AdminClient
from segment_freshsales import Client
from translator import Settings

INTERACTIONS = load_interactions()
# Options of client() that are the account's Settings rather than the Client's.
SETTINGS_OPTIONS = (
    "owner",
    "lead_write",
    "deal_write",
    "event_map",
    "strict",
    "app_token",
    "track_as",
)


class Harness:
    """The fake behind one httpx transport, its admin API, and clients wired to it."""

    def __init__(self, transport: httpx.BaseTransport, origin: str, api_key: str) -> None:
        self.transport = transport
        # Every request a client sends must have the shape of a recorded interaction.
        self.conformance = ConformanceTransport(transport, INTERACTIONS)
        self.origin = origin
        self.api_key = api_key
        self.admin = AdminClient(origin, transport=transport)
        self.clients: list[Client] = []
        self.now = 0.0

    def close(self) -> None:
        for client in self.clients:
            client.close()
        self.admin.close()

    def sleep(self, seconds: float) -> None:
        """Time passes for the client and for the fake's clock alike, instantly."""
        self.now += seconds
        self.admin.advance_clock(seconds)

    def client(self, tmp_path: Path, domain: str = "acme", **options: Any) -> Client:
        settings = Settings(
            domain=domain,
            api_key=options.pop("api_key", self.api_key),
            base_url=self.origin,
            **{name: options.pop(name) for name in SETTINGS_OPTIONS if name in options},
        )
        client = Client(
            settings,
            transport=self.conformance,
            dead_letter=tmp_path / "dead-letter.jsonl",
            sleep=self.sleep,
            clock=lambda: self.now,
            seed=11,
            **options,
        )
        self.clients.append(client)
        return client

    def state(self) -> dict[str, list[dict[str, Any]]]:
        return self.admin.state()

    def journal(self, **filters: Any) -> list[dict[str, Any]]:
        return self.admin.journal(**filters)

    def api_get(self, path: str) -> Any:
        """A GET of the Freshsales API itself, with the account's key."""
        headers = {"Authorization": f"Token token={self.api_key}"}
        with httpx.Client(transport=self.transport, base_url=f"{self.origin}/api") as api:
            return api.get(path, headers=headers).json()
