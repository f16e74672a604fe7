"""The conformance check: a request of a recorded shape passes; one that matches no interaction
fails with its closest interaction and the fields that differ (WireMock's near miss)."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from contracts import ConformanceTransport, load_interactions

INTERACTIONS = load_interactions()
BY_NAME = {interaction.name: interaction for interaction in INTERACTIONS}
HEADERS = {
    "Authorization": "Token token=some-key",
    "Accept": "application/json",
    "User-Agent": "segment-freshsales/0.1.0 python-httpx/0.28.1",
}
CONTACT: dict[str, Any] = {
    "unique_identifier": {"emails": "ann@example.com"},
    "contact": {
        "email": "ann@example.com",
        "first_name": None,
        "custom_field": {"cf_plan": "pro"},
        "sales_accounts": [{"id": 70003771198, "is_primary": True}],
    },
}


@pytest.fixture
def checked() -> Iterator[tuple[ConformanceTransport, httpx.Client]]:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={})

    transport = ConformanceTransport(httpx.MockTransport(answer), INTERACTIONS)
    with httpx.Client(transport=transport, base_url="https://acme.freshsales.io") as client:
        yield transport, client
    assert len(sent) == transport.checked  # every request still goes through


def post(client: httpx.Client, path: str, body: Any) -> None:
    client.post(path, json=body, headers={**HEADERS, "Content-Type": "application/json"})


def test_requests_of_recorded_shapes_conform(
    checked: tuple[ConformanceTransport, httpx.Client],
) -> None:
    transport, client = checked
    post(client, "/api/contacts/upsert", CONTACT)
    post(client, "/crm/sales/api/contacts/upsert", CONTACT)
    client.get("/api/contacts/12000992318", headers=HEADERS)  # an id where {contact_id} stands
    client.get(
        "/api/lookup",
        params={"q": "u-7", "f": "external_id", "entities": "contact,lead"},
        headers=HEADERS,
    )
    transport.assert_conforms()
    assert (transport.checked, transport.misses) == (4, [])


def test_a_request_matching_no_interaction_names_the_closest_and_the_fields(
    checked: tuple[ConformanceTransport, httpx.Client],
) -> None:
    transport, client = checked
    body = {**CONTACT, "contact": {**CONTACT["contact"], "emails": 5, "nickname": "Annie"}}
    post(client, "/api/contacts/upsert", body)
    with pytest.raises(AssertionError) as failure:
        transport.assert_conforms()
    assert str(failure.value) == (
        "1 of 1 requests matched no recorded interaction:\n"
        "POST https://acme.freshsales.io/api/contacts/upsert matches no recorded interaction; "
        f"closest: contacts-upsert-account-link ({BY_NAME['contacts-upsert-account-link'].file})\n"
        "  $.request.body.contact.emails: 5 is not valid under any of the given schemas"
    )
    # Fixed, the body shows its other mistake.
    transport.misses.clear()
    post(client, "/api/contacts/upsert", {**body, "contact": {**body["contact"], "emails": []}})
    [miss] = transport.misses
    assert [str(d) for d in miss.differences] == [
        "$.request.body.contact: Unevaluated properties are not allowed ('nickname' was unexpected)"
    ]


def test_a_suite_lookup_among_leads_is_closest_to_the_suite_lookup(
    checked: tuple[ConformanceTransport, httpx.Client],
) -> None:
    transport, client = checked
    query = {"q": "ann@example.com", "f": "email", "entities": "contact,lead"}
    client.get("/crm/sales/api/lookup", params=query, headers=HEADERS)
    [miss] = transport.misses
    assert miss.closest.name == "suite-lookup-email-contact"
    assert [str(d) for d in miss.differences] == [
        '$.request.query.entities: expected "contact", got "contact,lead"'
    ]


def test_query_parameters_missing_or_unrecorded(
    checked: tuple[ConformanceTransport, httpx.Client],
) -> None:
    transport, client = checked
    query = {"q": "ann@example.com", "f": "email", "include": "sales_accounts"}
    client.get("/api/lookup", params=query, headers=HEADERS)
    [miss] = transport.misses
    assert miss.closest.name == "lookup-email-contact"
    assert [str(d) for d in miss.differences] == [
        "$.request.query.entities: absent",
        "$.request.query.include: query parameter not recorded",
    ]


def test_headers_and_routes_that_were_never_recorded(
    checked: tuple[ConformanceTransport, httpx.Client],
) -> None:
    transport, client = checked
    client.get("/api/selector/sales_activity_types", headers={"Accept": "*/*"})
    client.post("/api/notes", json={"note": {}}, headers=HEADERS)
    selector, notes = transport.misses
    assert selector.closest.name == "selector-sales-activity-types"
    assert [str(d) for d in selector.differences] == [
        '$.request.headers.Accept: expected "application/json", got "*/*"',
        "$.request.headers.User-Agent: expected a string matching "
        '/segment-freshsales/\\S+ python-httpx/\\S+/, got "python-httpx/0.28.1"',
        "$.request.headers.Authorization: expected Token token=<key>",
    ]
    assert any(d.path == "$.request.path" for d in notes.differences)


def test_a_sales_activity_without_its_owner_is_a_miss(
    checked: tuple[ConformanceTransport, httpx.Client],
) -> None:
    transport, client = checked
    activity = {
        "title": "Signed Up",
        "start_date": "2026-05-01T10:00:00Z",
        "end_date": "2026-05-01T10:00:00Z",
        "sales_activity_type_id": 70000612898,
        "targetable_type": "Contact",
        "targetable_id": 70054866612,
    }
    post(client, "/api/sales_activities", {"sales_activity": activity})
    post(client, "/api/sales_activities", {"sales_activity": {**activity, "owner_id": 7}})
    [miss] = transport.misses
    assert miss.closest.name == "sales-activities-create-contact"
    assert [str(d) for d in miss.differences] == [
        "$.request.body.sales_activity: 'owner_id' is a required property"
    ]
