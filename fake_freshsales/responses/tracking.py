"""POST /track/visitors, /track/events and /track/page_views: the web-tracking API.

Mounted at the account URL on both hosts (`/track/...` classic, `/crm/sales/track/...` Suite),
not under the API root. The pipeline has already picked the account by the application token.
"""

from __future__ import annotations

from flask import Blueprint, Response, g

from ..models.tracking import TRACKING_KINDS
from .common import backend, json_body, respond

bp = Blueprint("tracking", __name__)


def track(kind: str) -> Response:
    fake = backend()
    g.account.tracking.record(kind, json_body(), now=fake.clock.now())
    # Success is exactly 200 (freshsales-ruby-sdk); [I] its body is not known: an empty object.
    return respond({})


for _kind in TRACKING_KINDS:
    bp.add_url_rule(
        f"/{_kind}", f"track_{_kind}", track, methods=["POST"], defaults={"kind": _kind}
    )
