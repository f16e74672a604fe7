"""Settings: the domain is checked like a URL component that carries a secret."""

import pytest

from translator import EventRule, Settings, SettingsError

KEY = "sk-canary-0123456789"


@pytest.mark.parametrize(
    ("domain", "host", "base_url"),
    [
        ("acme", "acme.freshsales.io", "https://acme.freshsales.io/api"),
        ("ACME", "acme.freshsales.io", "https://acme.freshsales.io/api"),
        ("acme.freshsales.io", "acme.freshsales.io", "https://acme.freshsales.io/api"),
        ("Acme.FreshSales.IO", "acme.freshsales.io", "https://acme.freshsales.io/api"),
        ("acme-2", "acme-2.freshsales.io", "https://acme-2.freshsales.io/api"),
        (
            "acme.myfreshworks.com",
            "acme.myfreshworks.com",
            "https://acme.myfreshworks.com/crm/sales/api",
        ),
    ],
)
def test_accepted_domains(domain: str, host: str, base_url: str) -> None:
    settings = Settings(domain=domain, api_key=KEY)
    assert settings.domain == host
    assert settings.base_url == base_url
    assert settings.suite is host.endswith(".myfreshworks.com")


@pytest.mark.parametrize(
    "domain",
    [
        "",
        " acme",
        "acme ",
        "ac me",
        "evil.com",
        "acme.freshsales.io.evil.com",
        "acme.evil.com",
        "acme@evil.com",
        "user:pass@acme",
        "acme:80",
        "acme.freshsales.io:443",
        "acme/x",
        "acme#",
        "acme?x=1",
        "acme.freshsales.io.",
        "-acme",
        "acme-",
        "a" * 64,
        "\u0430cme",  # a Cyrillic a
        "\u212acme",  # Kelvin sign, which lower() turns into an ASCII k
        "acme\n",
        "acme\x00",
        "freshsales.io",
        "https://acme.freshsales.io",
    ],
)
def test_rejected_domains(domain: str) -> None:
    with pytest.raises(SettingsError) as error:
        Settings(domain=domain, api_key=KEY)
    assert error.value.field == "domain"
    assert "subdomain such as 'acme'" in str(error.value)


def test_domain_must_be_a_string() -> None:
    with pytest.raises(SettingsError, match="domain: expected a Freshsales subdomain"):
        Settings(domain=None, api_key=KEY)  # type: ignore[arg-type]


@pytest.mark.parametrize("key", ["", "has space", "line\nbreak", "tab\t", None, 42])
def test_rejected_api_keys_never_echo_the_key(key: object) -> None:
    with pytest.raises(SettingsError) as error:
        Settings(domain="acme", api_key=key)  # type: ignore[arg-type]
    assert error.value.field == "api_key"
    if isinstance(key, str) and key:
        assert key not in str(error.value)


def test_key_is_hidden_from_repr_and_str() -> None:
    settings = Settings(domain="acme", api_key=KEY)
    assert KEY not in repr(settings)
    assert KEY not in str(settings)
    assert "api_key='***'" in repr(settings)
    assert settings.api_key == KEY


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/api"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/api"),
        ("http://localhost:5000/crm/sales/api", "http://localhost:5000/crm/sales/api"),
        ("https://proxy.internal/freshsales/api/", "https://proxy.internal/freshsales/api"),
    ],
)
def test_base_url_override(base_url: str, expected: str) -> None:
    assert Settings(domain="acme", api_key=KEY, base_url=base_url).base_url == expected


def test_base_url_without_path_follows_the_suite_root() -> None:
    settings = Settings(domain="acme.myfreshworks.com", api_key=KEY, base_url="http://h:1")
    assert settings.base_url == "http://h:1/crm/sales/api"


@pytest.mark.parametrize(
    "base_url",
    [
        "ftp://h",
        "http://",
        "http://user:pw@h",
        "http://h/?q=1",
        "http://h/#x",
        "h:80",
        "http://h /",
    ],
)
def test_rejected_base_urls(base_url: str) -> None:
    with pytest.raises(SettingsError) as error:
        Settings(domain="acme", api_key=KEY, base_url=base_url)
    assert error.value.field == "base_url"


def test_activity_type_names_are_configurable_and_checked() -> None:
    settings = Settings(domain="acme", api_key=KEY, track_activity_type="Website Event")
    assert settings.track_activity_type == "Website Event"
    assert settings.page_activity_type == "Page View"
    assert settings.activity_type_settings["track_activity_type"] == "Website Event"
    with pytest.raises(SettingsError) as error:
        Settings(domain="acme", api_key=KEY, page_activity_type="  ")
    assert error.value.field == "page_activity_type"


def test_settings_are_immutable_values() -> None:
    one = Settings(domain="acme", api_key=KEY)
    assert one == Settings(domain="ACME.freshsales.io", api_key=KEY)
    assert one != Settings(domain="acme", api_key=KEY + "x")
    assert hash(one) == hash(Settings(domain="acme", api_key=KEY))
    with pytest.raises(AttributeError):
        one.domain = "evil"  # type: ignore[misc]


def test_owner_and_write_modes_default_to_none_and_find() -> None:
    settings = Settings(domain="acme", api_key=KEY)
    assert (settings.owner, settings.lead_write, settings.deal_write) == (None, "find", "find")


@pytest.mark.parametrize(("owner", "kept"), [(42, 42), (" Boss@Acme.io ", "Boss@Acme.io")])
def test_owner_is_a_user_id_or_an_email(owner: object, kept: object) -> None:
    settings = Settings(domain="acme", api_key=KEY, owner=owner)  # type: ignore[arg-type]
    assert settings.owner == kept
    assert f"owner={kept!r}" in repr(settings)


@pytest.mark.parametrize("owner", [0, -1, True, "boss", "", 4.0, ["a@b.co"]])
def test_rejected_owners_name_the_setting(owner: object) -> None:
    with pytest.raises(SettingsError) as error:
        Settings(domain="acme", api_key=KEY, owner=owner)  # type: ignore[arg-type]
    assert error.value.field == "owner"
    assert "a Freshsales user id (a positive integer) or a user's email" in str(error.value)


@pytest.mark.parametrize("setting", ["lead_write", "deal_write"])
def test_write_modes_are_find_or_upsert(setting: str) -> None:
    assert getattr(Settings(domain="acme", api_key=KEY, **{setting: "upsert"}), setting) == "upsert"
    with pytest.raises(SettingsError) as error:
        Settings(domain="acme", api_key=KEY, **{setting: "guess"})
    assert str(error.value) == f'{setting}: expected "find" or "upsert", got the string \'guess\''


def test_event_map_and_strict_default_to_empty_and_false() -> None:
    settings = Settings(domain="acme", api_key=KEY)
    assert dict(settings.event_map) == {}
    assert settings.strict is False


def test_the_event_map_is_read_into_rules_and_shown_as_given() -> None:
    given = {
        "Trial Started": {"lifecycle_stage": "Trial"},
        "Plan Upgraded": {"lifecycle_stage_id": 5},
        "Demo Booked": {"sales_activity_type": "Meeting"},
        "Call": {"sales_activity_type_id": 9},
        "Logged": "sales_activity",
        "Staged": "lifecycle_stage",
        "Heartbeat": None,
    }
    settings = Settings(domain="acme", api_key=KEY, event_map=given, strict=True)
    assert settings.event_map["Trial Started"] == EventRule("lifecycle_stage", "Trial")
    assert settings.event_map["Call"] == EventRule("sales_activity", 9)
    assert settings.event_map["Heartbeat"] == EventRule("ignore")
    assert {event: rule.to_json() for event, rule in settings.event_map.items()} == given
    assert "event_map={'Trial Started': {'lifecycle_stage': 'Trial'}" in repr(settings)
    assert "strict=True" in repr(settings)
    same = Settings(domain="acme", api_key=KEY, event_map=dict(given), strict=True)
    assert same == settings and hash(same) == hash(settings)
    assert settings != Settings(domain="acme", api_key=KEY, strict=True)
    with pytest.raises(TypeError):
        settings.event_map["New"] = None  # type: ignore[index]


@pytest.mark.parametrize(
    "event_map",
    [
        ["Heartbeat"],
        {"": None},
        {"A": "activity"},
        {"A": {"lifecycle_stage": ""}},
        {"A": {"lifecycle_stage_id": "5"}},
        {"A": {"lifecycle_stage_id": True}},
        {"A": {"sales_activity_type": "Meeting", "lifecycle_stage": "Trial"}},
        {"A": {"owner": 5}},
        {"A": 5},
    ],
)
def test_rejected_event_maps_name_the_setting(event_map: object) -> None:
    with pytest.raises(SettingsError) as error:
        Settings(domain="acme", api_key=KEY, event_map=event_map)  # type: ignore[arg-type]
    assert error.value.field == "event_map"
    assert KEY not in str(error.value)


def test_strict_must_be_a_boolean() -> None:
    with pytest.raises(SettingsError) as error:
        Settings(domain="acme", api_key=KEY, strict="yes")  # type: ignore[arg-type]
    assert error.value.field == "strict"


APP_TOKEN = "app-token-canary-5e2b"


def test_the_app_token_is_a_secret_like_the_key() -> None:
    settings = Settings(domain="acme", api_key=KEY, app_token=APP_TOKEN)
    assert settings.app_token == APP_TOKEN
    assert APP_TOKEN not in repr(settings)
    assert APP_TOKEN not in str(settings)
    assert "app_token='***'" in repr(settings)
    assert "app_token=None" in repr(Settings(domain="acme", api_key=KEY))
    assert settings != Settings(domain="acme", api_key=KEY, app_token=APP_TOKEN + "x")


@pytest.mark.parametrize("token", ["", " ", "has space", "tab\tbed", "é-token", 42, b"bytes"])
def test_rejected_app_tokens_name_the_setting_never_the_token(token: object) -> None:
    with pytest.raises(SettingsError) as error:
        Settings(domain="acme", api_key=KEY, app_token=token)  # type: ignore[arg-type]
    assert error.value.field == "app_token"
    assert str(error.value).startswith("app_token: expected")
    if isinstance(token, str) and token.strip():
        assert token not in str(error.value)


def test_track_as_is_events_or_activities() -> None:
    assert Settings(domain="acme", api_key=KEY).track_as == "events"
    with_token = Settings(domain="acme", api_key=KEY, app_token=APP_TOKEN)
    assert with_token.tracks_to_api
    assert not Settings(domain="acme", api_key=KEY).tracks_to_api
    chosen = Settings(domain="acme", api_key=KEY, app_token=APP_TOKEN, track_as="activities")
    assert (chosen.track_as, chosen.tracks_to_api) == ("activities", False)
    with pytest.raises(SettingsError) as error:
        Settings(domain="acme", api_key=KEY, track_as="event")  # type: ignore[arg-type]
    assert (
        str(error.value) == 'track_as: expected "events" or "activities", got the string \'event\''
    )


@pytest.mark.parametrize(
    ("domain", "base_url", "tracking_url"),
    [
        ("acme", None, "https://acme.freshsales.io"),
        ("acme.myfreshworks.com", None, "https://acme.myfreshworks.com/crm/sales"),
        ("acme", "http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("acme.myfreshworks.com", "http://127.0.0.1:8080/", "http://127.0.0.1:8080/crm/sales"),
        ("acme", "https://proxy.internal/freshsales/api/", "https://proxy.internal/freshsales"),
        ("acme", "https://proxy.internal/freshsales", "https://proxy.internal/freshsales"),
    ],
)
def test_the_tracking_url_is_the_account_url(
    domain: str, base_url: str | None, tracking_url: str
) -> None:
    settings = Settings(domain=domain, api_key=KEY, base_url=base_url)
    assert settings.tracking_url == tracking_url


def test_replace_changes_some_settings_and_checks_them() -> None:
    settings = Settings(
        domain="acme.myfreshworks.com",
        api_key=KEY,
        owner=7,
        event_map={"Heartbeat": None},
        app_token=APP_TOKEN,
    )
    changed = settings.replace(track_as="activities")
    assert changed == Settings(
        domain="acme.myfreshworks.com",
        api_key=KEY,
        owner=7,
        event_map={"Heartbeat": None},
        app_token=APP_TOKEN,
        track_as="activities",
    )
    assert changed.tracking_url == "https://acme.myfreshworks.com/crm/sales"
    assert settings.replace() == settings
    with pytest.raises(SettingsError):
        settings.replace(track_as="pages")
    with pytest.raises(TypeError):
        settings.replace(colour="blue")
