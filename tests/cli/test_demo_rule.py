"""The demo's exit rule: 0 when each example event ends as the example file intends (the ones
wrong on purpose rejected, every other one delivered), 1 otherwise."""

import pytest

from segment_freshsales.cli.demo import MEANT_REJECTED, as_intended
from segment_freshsales.cli.summary import Tally
from segment_freshsales.delivery.outcome import Outcome, Status


def tally(*outcomes: tuple[str, Status]) -> Tally:
    """A tally of (messageId, status) outcomes."""
    counted = Tally()
    for message_id, status in outcomes:
        counted.add("line 1", "track", Outcome(status, message_id, reason="why"))
    return counted


MEANT: list[tuple[str, Status]] = [(name, "rejected") for name in MEANT_REJECTED]


def test_the_events_wrong_on_purpose_rejected_and_the_rest_delivered_is_as_intended() -> None:
    assert as_intended(tally(("demo-0001", "delivered"), *MEANT))


@pytest.mark.parametrize(
    "outcomes",
    [
        pytest.param(MEANT[1:], id="one meant rejection delivered"),
        pytest.param([*MEANT, ("demo-0001", "failed")], id="another event failed"),
        pytest.param([*MEANT, ("demo-0001", "rejected")], id="another event rejected"),
        pytest.param([*MEANT[1:], (MEANT_REJECTED[0], "failed")], id="failed, not rejected"),
    ],
)
def test_anything_else_is_not(outcomes: list[tuple[str, Status]]) -> None:
    assert not as_intended(tally(*outcomes))


def test_a_message_left_unsent_is_not_as_intended() -> None:
    counted = tally(*MEANT)
    counted.add_unsent("track")
    assert not as_intended(counted)
