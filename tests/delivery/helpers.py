"""Shared pieces of the client tests: settings, virtual time, Freshsales-shaped answers."""

import httpx

from translator import Settings

API_KEY = "test-key-5f0c9a7e"
BASE = "https://acme.freshsales.io/api"
SETTINGS = Settings(domain="acme", api_key=API_KEY)


class VirtualTime:
    """A clock that only moves when the client sleeps: retries and pacing run instantly."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def wall_clock(self) -> float:
        return 1_790_000_000.0 + self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def errors(status: int, *messages: str) -> httpx.Response:
    """Freshsales' error shape."""
    return httpx.Response(status, json={"errors": {"code": status, "message": list(messages)}})


def nobody() -> httpx.Response:
    return httpx.Response(200, json={"contacts": {"contacts": []}, "leads": {"leads": []}})


def activity_types(*names: str) -> httpx.Response:
    entries = [{"id": 70000 + i, "name": name} for i, name in enumerate(names)]
    return httpx.Response(200, json={"sales_activity_types": entries})
