"""The OpenAPI document and the app's URL map name the same API routes, both ways."""

from __future__ import annotations

import re

import httpx
import pytest
from flask import Flask

from fake_freshsales import AccountConfig, AdminClient, FakeConfig, create_app
from fake_freshsales.models.entities import CRM_ENTITIES

KEY = "openapi-paths-key"
CLASSIC = "/api"
SUITE = "/crm/sales/api"
# The tracking API hangs off each host's account URL, not its API root.
TRACKING = ("/track/", "/crm/sales/track/")
ENTITY = "<entity:entity>"
# HEAD and OPTIONS come with every Flask rule; the document describes neither.
IMPLICIT = {"HEAD", "OPTIONS"}
PATH_ITEM_FIELDS = {"parameters", "summary", "description", "servers"}

Route = tuple[str, str]


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app(FakeConfig(accounts=(AccountConfig(domain="acme", api_key=KEY),)))


def shape(path: str) -> str:
    """The path with every parameter blank: `{id}` and `<int:record_id>` both become `{}`."""
    return re.sub(r"\{[^}]*\}|<[^>]*>", "{}", path)


def plurals_under(root: str) -> list[str]:
    """The record types a root serves: the Suite has no leads."""
    return [e.plural for e in CRM_ENTITIES if root == CLASSIC or not e.classic_only]


def routed(app: Flask) -> set[Route]:
    """Every API route of the URL map, one per record type where the rule takes any."""
    found: set[Route] = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.rule.startswith("/_fake/"):
            continue
        root = SUITE if rule.rule.startswith(SUITE + "/") else CLASSIC
        assert rule.rule.startswith((root + "/", *TRACKING)), f"{rule.rule} is under no root"
        paths = (
            [rule.rule.replace(ENTITY, plural) for plural in plurals_under(root)]
            if ENTITY in rule.rule
            else [rule.rule]
        )
        methods = (rule.methods or set()) - IMPLICIT
        found.update((method, shape(path)) for path in paths for method in methods)
    return found


def documented(app: Flask) -> set[Route]:
    """Every operation of the document served at GET /_fake/openapi.json."""
    with AdminClient("http://fake.test", transport=httpx.WSGITransport(app=app)) as admin:
        paths = admin.openapi()["paths"]
    return {
        (method.upper(), shape(path))
        for path, item in paths.items()
        for method in set(item) - PATH_ITEM_FIELDS
    }


def test_every_documented_operation_is_routed(app: Flask) -> None:
    assert documented(app) - routed(app) == set()


def test_every_api_route_is_documented(app: Flask) -> None:
    assert routed(app) - documented(app) == set()


def test_the_comparison_sees_both_roots_and_every_kind_of_route(app: Flask) -> None:
    routes = routed(app)
    assert {
        ("POST", "/api/leads/upsert"),
        ("GET", "/crm/sales/api/contacts/{}"),
        ("GET", "/api/selector/{}"),
        ("GET", "/crm/sales/api/settings/deals/fields"),
        ("GET", "/crm/sales/api/sales_activities"),
        ("POST", "/api/notes"),
        ("GET", "/crm/sales/api/lookup"),
        ("POST", "/api/leads/bulk_upsert"),
        ("POST", "/crm/sales/api/deals/bulk_upsert"),
        ("GET", "/crm/sales/api/job_statuses/{}"),
        ("POST", "/api/filtered_search/contact"),
        ("POST", "/crm/sales/api/filtered_search/sales_account"),
        ("POST", "/track/events"),
        ("POST", "/crm/sales/track/page_views"),
    } <= routes
    # classic: 4 record types x 8 + 11; Suite: 3 x 8 + 11; tracking: 3 on each host
    assert len(routes) == 84


def test_suite_leads_routes_match_but_answer_404_so_they_are_left_out(app: Flask) -> None:
    client = app.test_client()
    headers = {"Authorization": f"Token token={KEY}"}
    for method, path in (
        ("POST", "/leads/upsert"),
        ("POST", "/leads/bulk_upsert"),
        ("GET", "/leads/1"),
        ("POST", "/leads"),
    ):
        response = client.open(SUITE + path, method=method, json={}, headers=headers)
        assert response.status_code == 404, (method, path)
