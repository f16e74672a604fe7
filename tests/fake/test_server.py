"""FakeFreshsales over a real socket (waitress), its admin client, and the pytest fixture."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from fake_freshsales import AccountConfig, AdminError, FakeConfig, FakeFreshsales, Limits


@pytest.mark.slow
def test_fixture_gives_a_running_fake_in_its_initial_state(fake_freshsales: FakeFreshsales) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", fake_freshsales.url)
    assert fake_freshsales.domain == "acme"
    assert len(fake_freshsales.api_key) >= 32
    with httpx.Client(base_url=fake_freshsales.url, headers=fake_freshsales.auth_headers) as client:
        response = client.post("/api/deals", json={"deal": {"name": "D"}})
    assert (response.status_code, response.json()["deal"]["id"]) == (200, 70000000001)


@pytest.mark.slow
def test_fixture_resets_between_tests(fake_freshsales: FakeFreshsales) -> None:
    assert fake_freshsales.admin.state()["deals"] == []
    assert fake_freshsales.admin.journal() == []
    assert fake_freshsales.admin.variants()["upsert_create_status"]["value"] == 200


@pytest.mark.slow
def test_concurrent_upserts_of_one_email_leave_one_record(
    fake_freshsales: FakeFreshsales,
) -> None:
    # A create then answers 201, so the statuses count the records created.
    fake_freshsales.admin.set_variants({"upsert_create_status": 201})
    body = {"unique_identifier": {"emails": "race@example.com"}, "contact": {"city": "Pune"}}

    def upsert(_: int) -> int:
        with httpx.Client(base_url=fake_freshsales.url, headers=fake_freshsales.auth_headers) as c:
            return c.post("/crm/sales/api/contacts/upsert", json=body).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(upsert, range(24)))
    assert statuses == [200] * 23 + [201]
    assert len(fake_freshsales.admin.state()["contacts"]) == 1


@pytest.mark.slow
def test_dropped_connection_is_a_transport_error(fake_freshsales: FakeFreshsales) -> None:
    with httpx.Client(base_url=fake_freshsales.url, headers=fake_freshsales.auth_headers) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/api/selector/owners", headers={"X-Fake-Fault": "drop"})
        # The client recovers on a fresh connection.
        assert client.get("/api/selector/owners").status_code == 200
    [dropped, _] = fake_freshsales.admin.journal(path="/api/selector")
    assert (dropped["fault"], dropped["status"]) == ("drop", None)


@pytest.mark.slow
def test_seeded_faults_over_the_socket(fake_freshsales: FakeFreshsales) -> None:
    fake_freshsales.admin.set_faults(rate=1.0, statuses=[503], seed=3)
    with httpx.Client(base_url=fake_freshsales.url, headers=fake_freshsales.auth_headers) as client:
        assert client.get("/api/selector/owners").status_code == 503
        fake_freshsales.admin.clear_faults()
        assert client.get("/api/selector/owners").status_code == 200
    assert [e["fault"] for e in fake_freshsales.admin.journal()] == ["status", None]


@pytest.mark.slow
def test_the_admin_client_over_the_socket(fake_freshsales: FakeFreshsales) -> None:
    admin = fake_freshsales.admin
    assert admin.url == fake_freshsales.url
    admin.add_account("globex", "globex-key", limits=Limits(hourly=10, per_minute=1))
    admin.seed({"deals": [{"name": "D"}]}, domain="globex")
    assert admin.state(domain="globex")["deals"][0]["id"] == 71000000001
    with httpx.Client(
        base_url=fake_freshsales.url, headers={"Authorization": "Token token=globex-key"}
    ) as c:
        assert c.get("/api/selector/owners").status_code == 200
        assert c.get("/api/selector/owners").status_code == 429
    assert [e["status"] for e in admin.journal(status=429)] == [429]
    with pytest.raises(AdminError, match="Domain has already been taken"):
        admin.add_account("globex", "other-key")


@pytest.mark.slow
def test_start_and_stop_are_idempotent() -> None:
    fake = FakeFreshsales(api_key="k", domain="initech", variants={"retry_after": True})
    assert repr(fake) == "<FakeFreshsales domain='initech' stopped>"
    with pytest.raises(RuntimeError, match="not running"):
        _ = fake.url
    with pytest.raises(RuntimeError, match="not running"):
        _ = fake.admin
    fake.start()
    admin = fake.admin
    assert admin.variants()["retry_after"]["value"] is True
    assert fake.start() is fake
    assert fake.admin is admin
    url = fake.url
    assert repr(fake) == "<FakeFreshsales domain='initech' running>"
    fake.stop()
    fake.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/_fake/clock")
    with pytest.raises(RuntimeError, match="not running"):
        fake.admin.reset()
    with pytest.raises(AdminError, match="closed"):
        admin.reset()


@pytest.mark.slow
def test_config_or_account_settings_not_both() -> None:
    config = FakeConfig(accounts=(AccountConfig(domain="a", api_key="k"),))
    with pytest.raises(ValueError, match="not both"):
        FakeFreshsales(api_key="other", config=config)
    with pytest.raises(ValueError, match="not both"):
        FakeFreshsales(variants={}, config=config)
    with FakeFreshsales(config=config) as fake:
        assert (fake.api_key, fake.domain) == ("k", "a")


def test_the_key_stays_out_of_reprs() -> None:
    config = AccountConfig(domain="a", api_key="very-secret-key")
    assert "very-secret-key" not in repr(config)
    assert "very-secret-key" not in repr(FakeFreshsales(api_key="very-secret-key"))
