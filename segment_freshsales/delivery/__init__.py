"""Delivering plans to Freshsales: a sans-I/O engine, and the clients that drive it.

`engine` holds every rule (placeholders, caches, retries, pacing, outcomes) and does no I/O;
`Client` (httpx, blocking) and `AsyncClient` (httpx, asyncio) drive it and keep what was not
delivered (`deadletter`) and what was (`dedupe`) at the edge.
"""

from segment_freshsales.delivery.async_client import AsyncClient
from segment_freshsales.delivery.client import Client
from segment_freshsales.delivery.errors import AuthError
from segment_freshsales.delivery.outcome import Outcome, Report
from segment_freshsales.delivery.pacing import RateLimits
from segment_freshsales.delivery.replay import replay

__all__ = ["AsyncClient", "AuthError", "Client", "Outcome", "RateLimits", "Report", "replay"]
