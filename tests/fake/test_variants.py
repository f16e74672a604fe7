"""The switches of the uncertain facts: admin routes, AdminClient, reset, FakeFreshsales."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from fake_freshsales import AdminError, FakeFreshsales
from fake_freshsales.models.variants import SPECS, VARIANT_NAMES, Variants, describe

if TYPE_CHECKING:
    from conftest import Fake, MakeFake

UNKNOWN = f"unknown variant 'strict' (known: {', '.join(VARIANT_NAMES)})"


def errors(*messages: str, code: int = 400) -> dict[str, Any]:
    return {"errors": {"code": code, "message": list(messages)}}


def values(fake: Fake, domain: str | None = None) -> dict[str, Any]:
    query = {} if domain is None else {"domain": domain}
    answer = fake.admin("GET", "/variants", query_string=query).json
    return {entry["name"]: entry["value"] for entry in answer["variants"]}


def test_get_lists_every_switch_with_its_evidence(fake: Fake) -> None:
    response = fake.admin("GET", "/variants")
    assert response.status_code == 200
    assert response.json == {"domain": "acme", "variants": describe(Variants())}
    [owner] = [e for e in response.json["variants"] if e["name"] == "owner_required"]
    assert owner == {
        "name": "owner_required",
        "value": True,
        "default": True,
        "alternatives": [False],
        "grade": "code",
        "evidence": ["E4", "E5", "E11", "E12"],
        "fact": SPECS["owner_required"].fact,
    }


def test_post_changes_some_switches_and_answers_them_all(fake: Fake) -> None:
    response = fake.admin("POST", "/variants", {"reset_unit": "epoch", "owner_required": False})
    changed = Variants(reset_unit="epoch", owner_required=False)
    assert (response.status_code, response.json) == (
        200,
        {"domain": "acme", "variants": describe(changed)},
    )
    assert fake.admin("GET", "/variants").json == response.json


def test_a_change_takes_effect_at_once(fake: Fake) -> None:
    body = {"unique_identifier": {"emails": "a@b.com"}, "contact": {}}
    assert fake.post("/contacts/upsert", body).status_code == 200
    fake.admin("POST", "/variants", {"upsert_create_status": 201})
    body = {"unique_identifier": {"emails": "b@b.com"}, "contact": {}}
    assert fake.post("/contacts/upsert", body).status_code == 201


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"strict": True}, UNKNOWN),
        ({"reset_unit": "hours"}, 'takes one of "seconds", "epoch"; got "hours"'),
        # A boolean is not a number, nor a number a boolean.
        ({"upsert_create_status": True}, "takes one of 200, 201; got true"),
        ({"leads_upsert": 1}, "takes one of false, true; got 1"),
        ({"owner_required": None}, "takes one of true, false; got None"),
    ],
)
def test_a_bad_name_or_value_is_400_naming_the_switch(
    fake: Fake, body: dict[str, Any], message: str
) -> None:
    [name] = body
    expected = message if name not in SPECS else f"variant {name} {message}"
    assert fake.admin("POST", "/variants", body).json == errors(expected)


def test_a_refused_change_changes_nothing(fake: Fake) -> None:
    response = fake.admin("POST", "/variants", {"reset_unit": "epoch", "retry_after": "yes"})
    assert response.status_code == 400
    assert values(fake) == Variants().as_dict()


def test_a_body_that_is_not_an_object_is_400(fake: Fake) -> None:
    response = fake.admin("POST", "/variants", ["reset_unit"])
    assert response.json == errors("The request body must be a JSON object.")


def test_each_account_has_its_own_switches(fake: Fake) -> None:
    fake.admin("POST", "/accounts", {"domain": "b", "api_key": "b-key"})
    answer = fake.admin("POST", "/variants", {"domain": "b", "retry_after": True}).json
    assert answer["domain"] == "b"
    assert (values(fake)["retry_after"], values(fake, "b")["retry_after"]) == (False, True)
    unknown = fake.admin("POST", "/variants", {"domain": "nowhere", "retry_after": True})
    assert (unknown.status_code, unknown.json) == (
        404,
        errors("Unknown domain nowhere.", code=404),
    )
    missing = fake.admin("GET", "/variants", query_string={"domain": "nowhere"})
    assert missing.status_code == 404


def test_reset_restores_the_configured_switches(make_fake: MakeFake) -> None:
    fake = make_fake(variants={"custom_fields": "strict", "reset_unit": "epoch"})
    configured = values(fake)
    assert (configured["custom_fields"], configured["reset_unit"]) == ("strict", "epoch")
    fake.admin("POST", "/variants", {"custom_fields": "lenient", "bulk_results": "records"})
    fake.admin("POST", "/accounts", {"domain": "b", "api_key": "b-key"})
    fake.admin("POST", "/reset")
    assert values(fake) == configured
    # Accounts added at run time are gone with the switches they had.
    assert fake.admin("GET", "/variants", query_string={"domain": "b"}).status_code == 404


def test_an_account_starts_with_its_variants(fake: Fake) -> None:
    body = {"domain": "b", "api_key": "b-key", "variants": {"lookup_external_id": False}}
    described = fake.admin("POST", "/accounts", body).json["account"]
    assert described["variants"] == {**Variants().as_dict(), "lookup_external_id": False}
    assert values(fake, "b")["lookup_external_id"] is False


def test_admin_client_variants_and_set_variants(fake: Fake) -> None:
    admin = fake.admin_client
    listed = admin.variants()
    assert list(listed) == list(VARIANT_NAMES)
    assert listed["bulk_results"] == {
        "value": "status",
        "default": "status",
        "alternatives": ["records"],
        "grade": "inferred",
        "evidence": ["E4"],
        "fact": SPECS["bulk_results"].fact,
    }
    changed = admin.set_variants({"bulk_results": "records"})
    assert changed["bulk_results"]["value"] == "records"
    assert admin.variants() == changed
    admin.add_account("globex", "globex-key", variants={"retry_after": True})
    assert admin.set_variants({"reset_unit": "epoch"}, domain="globex")["retry_after"]["value"]
    assert admin.variants()["reset_unit"]["value"] == "seconds"


def test_admin_client_refusal_names_the_switch(fake: Fake) -> None:
    with pytest.raises(AdminError, match=r"^POST /_fake/variants answered 400: .*'strict'"):
        fake.admin_client.set_variants({"strict": True})


def test_fake_freshsales_takes_variants_without_starting() -> None:
    fake = FakeFreshsales(api_key="k", variants={"auth_error_body": "errors"})
    answer = fake.app.test_client().get("/_fake/variants").json
    [auth] = [e for e in answer["variants"] if e["name"] == "auth_error_body"]
    assert auth["value"] == "errors"
    with pytest.raises(ValueError, match="variant auth_error_body takes one of"):
        FakeFreshsales(variants={"auth_error_body": "html"})
