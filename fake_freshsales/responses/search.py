"""POST /filtered_search/contact and /filtered_search/sales_account (see models.search).

Rows are rendered as GET /<plural>/{id} renders a record, a contact's `sales_accounts` included.
"""

from __future__ import annotations

from flask import Blueprint, Response

from ..models.entities import Entity
from ..models.search import SEARCHABLE, filtered_search
from .common import api_call, json_body, respond

bp = Blueprint("search", __name__)


def search(entity: Entity) -> Response:
    call = api_call()
    records, meta = filtered_search(call.account, entity, json_body())
    return respond({entity.plural: call.render_many(records), "meta": meta})


for _entity in SEARCHABLE:
    bp.add_url_rule(
        f"/filtered_search/{_entity.singular}",
        f"search_{_entity.plural}",
        search,
        methods=["POST"],
        defaults={"entity": _entity},
    )
