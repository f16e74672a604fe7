"""In-process helpers: the fake app behind Flask's test client, with the key already set."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from fake_freshsales import AccountConfig, AdminClient, FakeConfig, create_app

KEY = "test-key-acme"
CLASSIC = "/api"
SUITE = "/crm/sales/api"
# Creates answer 200, except sales activities and notes.
CREATED = {"sales_activities": 201, "notes": 201}


class Fake:
    """A fake app, a client that authenticates as its first account, and an admin client."""

    def __init__(self, config: FakeConfig) -> None:
        self.config = config
        self.app = create_app(config)
        self.client: FlaskClient = self.app.test_client()
        self.admin_client = AdminClient(
            "http://fake.test", transport=httpx.WSGITransport(app=self.app)
        )
        self.key = config.accounts[0].api_key

    def call(
        self,
        method: str,
        path: str,
        json: Any = None,
        *,
        root: str = CLASSIC,
        key: str | None = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> TestResponse:
        sent = {"Authorization": f"Token token={key or self.key}", **(headers or {})}
        return self.client.open(root + path, method=method, json=json, headers=sent, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> TestResponse:
        return self.call("POST", path, json, **kwargs)

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("GET", path, **kwargs)

    def put(self, path: str, json: Any = None, **kwargs: Any) -> TestResponse:
        return self.call("PUT", path, json, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("DELETE", path, **kwargs)

    def admin(self, method: str, path: str, json: Any = None, **kwargs: Any) -> TestResponse:
        """A raw admin call, for tests of the admin API itself."""
        return self.client.open("/_fake" + path, method=method, json=json, **kwargs)

    def state(self, domain: str | None = None) -> dict[str, list[dict[str, Any]]]:
        return self.admin_client.state(domain)

    def create(self, plural: str, singular: str, attributes: dict[str, Any]) -> dict[str, Any]:
        response = self.post(f"/{plural}", {singular: attributes})
        assert response.status_code == CREATED.get(plural, 200), response.json
        record: dict[str, Any] = response.json[singular]
        return record


MakeFake = Callable[..., Fake]


@pytest.fixture
def make_fake() -> MakeFake:
    """Build a fake whose first account is `acme` / KEY with the given account settings."""

    def build(**account: Any) -> Fake:
        extra = account.pop("config", {})
        first = AccountConfig(domain="acme", api_key=KEY, **account)
        return Fake(FakeConfig(accounts=(first,), **extra))

    return build


@pytest.fixture
def fake(make_fake: MakeFake) -> Fake:
    return make_fake()
