"""The parts of plans that are the same for every message of one Settings, built once.

An activity's type and owner placeholders depend on the Settings alone, and the person step
of an activity on the Settings and the person's email and userId alone, which a stream repeats
message after message. Building them per message was a sixth of a translation, so each
Settings builds them once (`Settings.shared`) and its plans share these objects. That is safe
because plans are read-only (see `translator.plan`): delivery resolves placeholders into new
objects and merges calls into new ones, and nothing else writes to a plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from translator.plan import JSON, Call, lookup_placeholder, owner_placeholder, ref

if TYPE_CHECKING:
    from translator.settings import Settings

__all__ = ["PERSON_STEPS_KEPT", "SharedParts"]

PERSON_STEPS_KEPT: Final = 4096
"""The most person steps one Settings keeps; past that it starts again from none, so that a
stream of ever new people cannot fill the memory."""

PersonKey = tuple[str | None, str | None]
"""What an activity's person step depends on besides the Settings: (email, userId)."""


class SharedParts:
    """What every plan of one Settings may share: placeholders, and the person steps made."""

    __slots__ = ("activity_types", "owner", "owner_without_person", "person_steps")

    activity_types: Mapping[str, JSON]
    """The `$lookup` of the sales activity type of a track, page and screen, by message type."""
    owner: JSON
    """An activity's `$owner` when its message names no owner: the person's, else
    `Settings.owner`."""
    owner_without_person: JSON
    """The same for an activity whose plan has no person step: `Settings.owner` alone."""
    person_steps: dict[PersonKey, Call]

    def __init__(self, settings: Settings) -> None:
        self.activity_types = {
            kind: lookup_placeholder("sales_activity_types", name)
            for kind, name in (
                ("track", settings.track_activity_type),
                ("page", settings.page_activity_type),
                ("screen", settings.screen_activity_type),
            )
        }
        configured: list[tuple[str, JSON]] = []
        if isinstance(settings.owner, str):  # a user's email: owners are found by email
            configured.append(("Settings.owner", {"$lookup": "owners", "email": settings.owner}))
        elif settings.owner is not None:
            configured.append(("Settings.owner", settings.owner))
        self.owner = owner_placeholder([("person", ref("person", "/owner_id")), *configured])
        self.owner_without_person = owner_placeholder(configured)
        self.person_steps = {}

    def keep_person_step(self, key: PersonKey, step: Call) -> None:
        """Keep `step` as the person step for `key` (while fewer than PERSON_STEPS_KEPT are)."""
        if len(self.person_steps) >= PERSON_STEPS_KEPT:
            self.person_steps.clear()
        self.person_steps[key] = step
