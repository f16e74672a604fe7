"""Verification results, and how they are shown: a table, the interactions by confidence,
then a diff for each failure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from contracts.matching import Difference
from contracts.model import CONFIDENCE_GRADES, Interaction

__all__ = ["Result", "confidence_counts", "exit_code", "render"]


@dataclass
class Result:
    """The check of one interaction (provider side) or one translation case (consumer side).

    `status` is `ok`, `failed` or `skipped`; `note` says why a check was skipped or could not
    run; `drift` lists, for a live server, every field whose value or type differs from the
    recording, each marked as tolerated by a matching rule or not.
    """

    name: str
    side: str
    status: str
    file: Path | None = None
    description: str = ""
    differences: list[Difference] = field(default_factory=list)
    note: str = ""
    drift: list[tuple[Difference, bool]] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.status == "failed"


def exit_code(results: Sequence[Result]) -> int:
    """0 when every check holds (skips allowed), 1 when any fails."""
    return 1 if any(result.failed for result in results) else 0


def confidence_counts(interactions: Sequence[Interaction]) -> dict[str, int]:
    """How many interactions have each confidence grade: every grade, strongest first.

    ```python
    confidence_counts(load_interactions())   # {"official": 5, "live-third-party": 12, ...}
    ```
    """
    counts = Counter(interaction.confidence for interaction in interactions)
    return {grade: counts[grade] for grade in CONFIDENCE_GRADES}


def _confidence_line(interactions: Sequence[Interaction]) -> str:
    shown = ", ".join(f"{grade} {n}" for grade, n in confidence_counts(interactions).items())
    return f"interactions by confidence: {shown}"


def _table(results: Sequence[Result]) -> list[str]:
    width = max([len("interaction / case"), *(len(result.name) for result in results)])
    lines = [f"{'interaction / case':<{width}}  {'side':<8}  result"]
    for result in results:
        shown = result.status if result.status != "skipped" else f"skipped: {result.note}"
        lines.append(f"{result.name:<{width}}  {result.side:<8}  {shown}")
    counts = Counter(result.status for result in results)
    lines.append(
        f"{len(results)} checks: {counts['ok']} ok, {counts['failed']} failed, "
        f"{counts['skipped']} skipped"
    )
    return lines


def _shown(path: Path) -> str:
    """`path` relative to the working directory when it is inside it."""
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)


def _failure(result: Result) -> list[str]:
    where = f", {_shown(result.file)}" if result.file else ""
    lines = [f"FAILED {result.name} ({result.side} side{where})"]
    if result.description:
        lines.append(f"  {result.description}")
    if result.note:
        lines.append(f"  {result.note}")
    lines += [f"  {difference}" for difference in result.differences]
    return lines


def _drift(result: Result) -> list[str]:
    lines = [f"drift {result.name}:"]
    for difference, tolerated in result.drift:
        verdict = "tolerated by its matching rule" if tolerated else "breaks the contract"
        lines.append(f"  {difference.path}: {difference.kind}: {difference.problem} ({verdict})")
    return lines


def render(
    results: Sequence[Result],
    *,
    drift: bool = False,
    interactions: Sequence[Interaction] | None = None,
) -> str:
    """The report: the table, the count of `interactions` per confidence grade (when given), a
    diff per failure, and with `drift` the drift of each interaction."""
    lines = _table(results)
    if interactions is not None:
        lines.append(_confidence_line(interactions))
    for result in results:
        if result.failed:
            lines += ["", *_failure(result)]
    if drift:
        drifted = [result for result in results if result.drift]
        lines += ["", f"drift report: {len(drifted)} interactions differ from their recording"]
        for result in drifted:
            lines += _drift(result)
    return "\n".join(lines) + "\n"
