"""page and screen → a page view of the tracking API (`translator.tracking`) when the settings
send tracks there and the message has a URL and an email, else a sales activity."""

from __future__ import annotations

from translator.activity import translate_activity
from translator.plan import JSON, Plan
from translator.settings import Settings
from translator.tracking import page_view

__all__ = ["translate_page"]


def translate_page(message: dict[str, JSON], settings: Settings, when: str | None) -> Plan:
    """The plan for a page or screen call."""
    if settings.tracks_to_api:
        plan = page_view(message, settings)
        if plan is not None:
            return plan
    return translate_activity(message, settings, when)
