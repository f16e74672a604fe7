"""Every example of the seed document (Segment's Freshsales destination page) as an exact plan.

The messages and their plans live in `contracts/translations/seed-*.json`, the one copy that
`python -m contracts verify` checks too.
"""

import pytest

from contracts import load_translations
from translator import Plan, Settings, translate

SEED = {case.name: case for case in load_translations() if case.seed}
SUITE = Settings(domain="segment.myfreshworks.com", api_key="test-key")
ADD_ACCOUNT = {
    "$link": {"$ref": "account#/sales_account/id"},
    "to": {"$ref": "person#/contact/sales_accounts"},
}


def test_every_seed_example_has_its_file() -> None:
    assert sorted(SEED) == [
        "seed-identify-contact",
        "seed-identify-contact-with-deal",
        "seed-identify-lead",
        "seed-page",
        "seed-track",
        "seed-track-suite",
    ]


@pytest.mark.parametrize("case", sorted(SEED))
def test_seed_example_plan(case: str) -> None:
    example = SEED[case]
    plan = translate(example.message, example.settings)
    assert plan.to_json() == example.plan
    assert example.plan is not None and example.plan["ignored"] == []
    assert Plan.from_json(plan.to_json()) == plan


def test_suite_host_makes_the_seed_lead_a_contact() -> None:
    plan = translate(SEED["seed-identify-lead"].message, SUITE)
    assert [c.path for c in plan.calls] == [
        "/sales_accounts/upsert",
        "/contacts/upsert",
        "/contacts/{person#/contact/id}",
    ]
    contact = plan.calls[1].body["contact"]
    assert contact["custom_field"] == {"cf_alternate_number": "98765432"}
    assert plan.calls[2].body == {"contact": {"sales_accounts": ADD_ACCOUNT}}
