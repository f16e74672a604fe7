"""GET /selector/<name>: the account's picklists (owners answer as `users`)."""

from __future__ import annotations

from flask import Blueprint, Response

from .common import api_call, respond

bp = Blueprint("selectors", __name__)


@bp.get("/selector/<name>")
def selector(name: str) -> Response:
    return respond(api_call().account.selectors.render(name))
