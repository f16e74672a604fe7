"""Every example of the seed document (Segment's Freshsales destination page) as an exact plan."""

import pytest

from translator import Plan, Settings, translate

CLASSIC = Settings(domain="segment", api_key="test-key")
SUITE = Settings(domain="segment.myfreshworks.com", api_key="test-key")

IDENTIFY_LEAD = {
    "type": "identify",
    "userId": "97980cfea0067",
    "traits": {
        "firstName": "John",
        "lastName": "Doe",
        "email": "john.doe@example.com",
        "cfAlternateNumber": "98765432",
        "company": {"name": "Example.com"},
    },
}
IDENTIFY_CONTACT = {
    "type": "identify",
    "userId": "97980cfea0067",
    "traits": {
        "firstName": "John",
        "lastName": "Doe",
        "email": "john.doe@example.com",
        "fsContact": "true",
        "cfAlternateNumber": "98765432",
        "company": {"name": "Example.com"},
    },
}
IDENTIFY_WITH_DEAL = {
    "type": "identify",
    "userId": "97980cfea0067",
    "traits": {
        "firstName": "John",
        "lastName": "Doe",
        "email": "john.doe@example.com",
        "fsContact": "true",
        "company": {"name": "Example.com"},
        "deal": {"name": "Sample Deal", "amount": 1234},
    },
}
TRACK = {
    "type": "track",
    "userId": "john.doe@example.com",
    "event": "Email Bounced",
    "properties": {
        "emailId": "110688",
        "emailSubject": "Welcome to Example.com",
        "campaignId": "123",
        "campaignName": "New Customer Discount",
    },
}
PAGE = {
    "type": "page",
    "userId": "john.doe@example.com",
    "name": "Page view",
    "properties": {
        "title": "Welcome to pricing page | Example.com",
        "url": "http://example.com/pricing",
    },
}

ACCOUNT_CALL = {
    "name": "account",
    "method": "POST",
    "path": "/sales_accounts/upsert",
    "body": {
        "unique_identifier": {"name": "Example.com"},
        "sales_account": {"name": "Example.com"},
    },
}
LINKED_ACCOUNT = [{"id": {"$ref": "account#/sales_account/id"}, "is_primary": True}]


def person_lookup(root_entities: str, fallback_path: str, key: str) -> dict:
    return {
        "name": "person",
        "method": "GET",
        "path": "/lookup",
        "body": None,
        "query": {"q": "john.doe@example.com", "f": "email", "entities": root_entities},
        "fallback": {
            "name": "person",
            "method": "POST",
            "path": fallback_path,
            "body": {
                "unique_identifier": {"emails": "john.doe@example.com"},
                key: {"email": "john.doe@example.com", "external_id": "john.doe@example.com"},
            },
        },
    }


def activity(title: str, notes: str, type_name: str) -> dict:
    return {
        "name": "activity",
        "method": "POST",
        "path": "/sales_activities",
        "body": {
            "sales_activity": {
                "title": title,
                "notes": notes,
                "sales_activity_type_id": {"$lookup": "sales_activity_types", "name": type_name},
                "targetable_type": {"$ref": "person#/targetable_type"},
                "targetable_id": {"$ref": "person#/targetable_id"},
            }
        },
    }


TRACK_NOTES = (
    'Segment track "Email Bounced"\n'
    "emailId: 110688\n"
    "emailSubject: Welcome to Example.com\n"
    "campaignId: 123\n"
    "campaignName: New Customer Discount"
)
PAGE_NOTES = (
    'Segment page "Page view"\n'
    "title: Welcome to pricing page | Example.com\n"
    "url: http://example.com/pricing"
)

EXPECTED = {
    "identify lead": (
        CLASSIC,
        IDENTIFY_LEAD,
        [
            {
                "name": "person",
                "method": "POST",
                "path": "/leads/upsert",
                "body": {
                    "unique_identifier": {"emails": "john.doe@example.com"},
                    "lead": {
                        "email": "john.doe@example.com",
                        "external_id": "97980cfea0067",
                        "first_name": "John",
                        "last_name": "Doe",
                        "custom_field": {"cf_alternate_number": "98765432"},
                        "company": {"name": "Example.com"},
                    },
                },
            }
        ],
    ),
    "identify contact": (
        CLASSIC,
        IDENTIFY_CONTACT,
        [
            ACCOUNT_CALL,
            {
                "name": "person",
                "method": "POST",
                "path": "/contacts/upsert",
                "body": {
                    "unique_identifier": {"emails": "john.doe@example.com"},
                    "contact": {
                        "email": "john.doe@example.com",
                        "external_id": "97980cfea0067",
                        "first_name": "John",
                        "last_name": "Doe",
                        "custom_field": {"cf_alternate_number": "98765432"},
                        "sales_accounts": LINKED_ACCOUNT,
                    },
                },
            },
        ],
    ),
    "identify contact with deal": (
        CLASSIC,
        IDENTIFY_WITH_DEAL,
        [
            ACCOUNT_CALL,
            {
                "name": "person",
                "method": "POST",
                "path": "/contacts/upsert",
                "body": {
                    "unique_identifier": {"emails": "john.doe@example.com"},
                    "contact": {
                        "email": "john.doe@example.com",
                        "external_id": "97980cfea0067",
                        "first_name": "John",
                        "last_name": "Doe",
                        "sales_accounts": LINKED_ACCOUNT,
                    },
                },
            },
            {
                "name": "deal",
                "method": "POST",
                "path": "/deals/upsert",
                "body": {
                    "unique_identifier": {"name": "Sample Deal"},
                    "deal": {
                        "name": "Sample Deal",
                        "amount": 1234,
                        "sales_account_id": {"$ref": "account#/sales_account/id"},
                        "contacts_added_list": [{"$ref": "person#/contact/id"}],
                    },
                },
            },
        ],
    ),
    "track": (
        CLASSIC,
        TRACK,
        [
            person_lookup("contact,lead", "/leads/upsert", "lead"),
            activity("Email Bounced", TRACK_NOTES, "Segment Event"),
        ],
    ),
    "page": (
        CLASSIC,
        PAGE,
        [
            person_lookup("contact,lead", "/leads/upsert", "lead"),
            activity("Page view", PAGE_NOTES, "Page View"),
        ],
    ),
    "track on the Suite host": (
        SUITE,
        TRACK,
        [
            person_lookup("contact", "/contacts/upsert", "contact"),
            activity("Email Bounced", TRACK_NOTES, "Segment Event"),
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_seed_example_plan(case: str) -> None:
    settings, message, calls = EXPECTED[case]
    plan = translate(message, settings)
    assert plan.to_json() == {"calls": calls, "ignored": []}
    assert Plan.from_json(plan.to_json()) == plan


def test_suite_host_makes_the_seed_lead_a_contact() -> None:
    plan = translate(IDENTIFY_LEAD, SUITE)
    assert [c.path for c in plan.calls] == ["/sales_accounts/upsert", "/contacts/upsert"]
    contact = plan.calls[1].body["contact"]
    assert contact["custom_field"] == {"cf_alternate_number": "98765432"}
    assert contact["sales_accounts"] == LINKED_ACCOUNT
