"""Optional values that cannot be sent: left out and reported, or, under strict settings, a
rejection of the whole message.

What makes a message unusable (no userId on identify, no email to find the person by, a wrong
`type`, a malformed timestamp) is always an InvalidEvent; one optional value that cannot be
coerced (`lifecycleStageId: "abc"`) is dropped and listed in `Plan.dropped` instead, unless
`Settings.strict` asks for the rejection.
"""

from __future__ import annotations

from typing import TypeAlias

from translator.errors import InvalidEvent
from translator.plan import Dropped

__all__ = ["Drops", "drop"]

Drops: TypeAlias = list[Dropped] | None
"""Where dropped values are listed; None under strict settings, where they are rejected."""


def drop(drops: Drops, error: InvalidEvent) -> None:
    """List the value `error` names as dropped; raise `error` when strict (`drops` is None)."""
    if drops is None:
        raise error
    drops.append(Dropped(error.path, error.expected))
