"""How a probe is shown: a table of the switches, a summary, and what was left behind."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from contracts.probe.run import ProbeReport

__all__ = ["render", "write_profile"]

_HEADER = ("fact", "observed", "fake default", "agrees")
_AGREES = {True: "yes", False: "no", None: "—"}


def _spell(value: Any) -> str:
    return json.dumps(value)


def render(report: ProbeReport) -> str:
    """The table (fact, observed value or why not, the fake's default, agrees), then a line
    naming the disagreements, then each test record that could not be deleted."""
    rows = [_HEADER] + [
        (
            o.fact,
            _spell(o.value) if o.observed else (o.reason or ""),
            _spell(o.default),
            _AGREES[o.agrees],
        )
        for o in report.observations
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(_HEADER))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    observed = sum(o.observed for o in report.observations)
    differ = report.disagreements()
    lines.append("")
    lines.append(
        f"{observed} of {len(report.observations)} observed; "
        + (f"differing from the fake's defaults: {', '.join(differ)}" if differ else "all agree")
    )
    if report.leftovers:
        lines.append("test records not deleted (remove them by hand):")
        lines += [f"  {leftover}" for leftover in report.leftovers]
    return "\n".join(lines) + "\n"


def write_profile(report: ProbeReport, path: Path) -> None:
    """The observed switches as a JSON object, the form `fake-freshsales serve --profile` reads."""
    path.write_text(json.dumps(report.profile(), indent=2) + "\n", encoding="utf-8")
