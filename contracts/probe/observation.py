"""What the probe learnt about one switch: the value it observed, or why it could not tell."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from contracts.probe.session import Answer
from fake_freshsales.models.variants import SPECS, VariantError

__all__ = ["Observation", "missed", "seen", "surprise", "unexpected"]


@dataclass(frozen=True)
class Observation:
    """One switch (`fact`, a name of `fake_freshsales.models.variants`): its observed `value`,
    or, when `reason` is set, why it was not observed (then it stays out of the profile)."""

    fact: str
    value: Any = None
    reason: str | None = None

    @property
    def observed(self) -> bool:
        return self.reason is None

    @property
    def default(self) -> Any:
        return SPECS[self.fact].default

    @property
    def agrees(self) -> bool | None:
        """Whether the account does what the fake does by default; None when not observed."""
        if not self.observed:
            return None
        # By type too: the switch values 1 and True are not the same answer.
        return type(self.value) is type(self.default) and self.value == self.default


def seen(fact: str, value: Any) -> Observation:
    """An observation, checked against the switch's values so that a profile always loads."""
    try:
        SPECS[fact].check(value)
    except VariantError:
        return Observation(fact, reason=f"unexpected value {value!r}")
    return Observation(fact, value)


def missed(fact: str, reason: str) -> Observation:
    return Observation(fact, reason=reason)


def unexpected(fact: str, answer: Answer, context: str = "") -> Observation:
    """The answer fits no reading of the switch: its status and what it said."""
    return missed(fact, surprise(answer, context))


def surprise(answer: Answer, context: str = "") -> str:
    """`unexpected <status> [to <context>]: <what it said>`."""
    said = answer.message()
    where = f" to {context}" if context else ""
    return f"unexpected {answer.status}{where}" + (f": {said}" if said else "")
