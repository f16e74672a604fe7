"""GET /lookup: exact-match search, one nested list per requested record type (§3.1).

Rows leave out the record's links to accounts (E2, E3); GET /<entity>/{id} has them.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from ..models import operations
from .common import api_call, respond

bp = Blueprint("lookup", __name__)


@bp.get("/lookup")
def lookup() -> Response:
    call = api_call()
    found = operations.lookup(call.account, request.args.to_dict(), classic=call.classic)
    return respond(
        {
            entity.plural: {entity.plural: call.renderer.lookup_rows(records)}
            for entity, records in found.items()
        }
    )
