"""schemathesis against GET /_fake/openapi.json: no 500s, every answer as documented."""

from __future__ import annotations

import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from fake_freshsales import AccountConfig, CustomFieldSpec, FakeConfig, Limits, create_app

KEY = "fuzz-key"
ACCOUNT = AccountConfig(
    domain="acme",
    api_key=KEY,
    # The budget must not run out mid-run: 429 is documented, but it would hide the routes.
    limits=Limits(hourly=10**9, per_minute=10**9),
    custom_fields=(
        CustomFieldSpec("contacts", "cf_plan", "dropdown", choices=("Free", "Pro")),
        CustomFieldSpec("deals", "cf_score", "decimal"),
    ),
)
APP = create_app(FakeConfig(accounts=(ACCOUNT,)))
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20260101,
        "headers": {"Authorization": f"Token token={KEY}"},
        "phases": {
            "examples": {"enabled": False},
            "coverage": {"enabled": False},
            "stateful": {"enabled": False},
            "fuzzing": {"enabled": True},
        },
        "generation": {"mode": "positive", "max-examples": 6, "database": "none"},
    }
)
schema = schemathesis.openapi.from_wsgi("/_fake/openapi.json", APP, config=CONFIG)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@schema.parametrize()
def test_fake_answers_as_its_openapi_document_says(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)
