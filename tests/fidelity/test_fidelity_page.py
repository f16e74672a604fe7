"""The Fidelity page tells users the switches as the fake has them: names, defaults, grades."""

import json
import re
from pathlib import Path

import pytest

from fake_freshsales.models.variants import SPECS, Variant

PAGE = Path(__file__).parents[2] / "docs" / "fidelity.md"
ROW = re.compile(r"^\| `(\w+)` \| `([^`]+)` \| `([^`]+)` \| .+ \| ([\w-]+) \| (.+) \|$", re.M)
ROWS = {match[1]: match.groups()[1:] for match in ROW.finditer(PAGE.read_text(encoding="utf-8"))}


def spelled(value: object) -> str:
    return json.dumps(value)


def test_the_page_lists_every_switch_once() -> None:
    assert sorted(ROWS) == sorted(SPECS)


@pytest.mark.parametrize("spec", SPECS.values(), ids=lambda spec: spec.name)
def test_each_row_gives_the_default_the_alternative_the_grade_and_the_evidence(
    spec: Variant,
) -> None:
    default, alternative, grade, evidence = ROWS[spec.name]
    assert default == spelled(spec.default)
    assert alternative == ", ".join(spelled(value) for value in spec.alternatives)
    assert grade == spec.grade
    assert evidence == (", ".join(spec.evidence) or "(none)")
