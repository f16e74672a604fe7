"""The tracking API check: whether the account answers `POST {account}/track/events`.

It records one event for a test identifier, and the tracking API offers no way to delete it
(so it is not among the records the probe cleans up): it runs only with `--allow-writes` and
an application token (`--app-token-env`). The account URL is the API
root without its `/api`: the origin on classic hosts, `/crm/sales` on Suite hosts (a claim).
"""

from __future__ import annotations

from typing import Final

from contracts.probe.observation import Observation, missed, seen, unexpected
from contracts.probe.session import Session
from contracts.probe.writes import PROBE_NAME, probe_email

__all__ = ["tracking_api"]

FACT: Final = "tracking_api"


def tracking_api(session: Session, app_token: str | None, *, allow_writes: bool) -> Observation:
    """200: the API is there; 404: it is not."""
    if not allow_writes:
        return missed(FACT, "needs --allow-writes")
    if app_token is None:
        return missed(FACT, "needs --app-token-env")
    identifier = probe_email()
    name = f"{PROBE_NAME} event"
    body = {
        "application_token": app_token,
        "sdk": "segment-freshsales-probe",
        "identifier": identifier,
        "event": {"name": name},
    }
    answer = session.track(session.root.removesuffix("/api") + "/track/events", body)
    if answer.status == 200:
        return seen(FACT, True)
    if answer.status == 404:
        return seen(FACT, False)
    return unexpected(FACT, answer, "the application token" if answer.status == 401 else "")
