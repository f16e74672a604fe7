"""Consumer side: every translation case through `translate`, and its calls against the
interactions: a plan may only use routes that a successful interaction records."""

from __future__ import annotations

from collections.abc import Sequence

from contracts.matching import Difference, compare, show
from contracts.model import (
    CLASSIC_ROOT,
    SUITE_ROOT,
    Interaction,
    TranslationCase,
    load_interactions,
    load_translations,
    normalise_path,
)
from contracts.report import Result
from translator import InvalidEvent, Plan, translate

__all__ = ["verify_consumer"]


def verify_consumer(
    cases: Sequence[TranslationCase] | None = None,
    *,
    interactions: Sequence[Interaction] | None = None,
) -> list[Result]:
    """Check every translation case (default: all of `contracts/translations`).

    ```python
    [r for r in verify_consumer() if r.failed]   # [] while the translator keeps its contract
    ```
    """
    recorded = load_interactions() if interactions is None else interactions
    routes = {interaction.request.route for interaction in recorded if interaction.succeeds}
    return [_check(case, routes) for case in (load_translations() if cases is None else cases)]


def _check(case: TranslationCase, routes: set[tuple[str, str]]) -> Result:
    try:
        plan = translate(case.message, case.settings)
    except InvalidEvent as error:
        found = _invalid_differences(case, error)
    except Exception as error:  # a translator bug must show as a failed case, not stop the run
        found = [Difference("$", "value", f"translate raised {type(error).__name__}: {error}")]
    else:
        found = _plan_differences(case, plan, routes)
    return Result(
        case.name,
        "consumer",
        "failed" if found else "ok",
        file=case.file,
        description=case.description,
        differences=found,
    )


def _invalid_differences(case: TranslationCase, error: InvalidEvent) -> list[Difference]:
    if case.invalid_path is None or case.invalid_message is None:
        return [Difference("$", "type", f"expected a plan, got InvalidEvent {error}")]
    found = []
    if error.path != case.invalid_path:
        found.append(
            Difference(
                "$.path", "value", f"expected {show(case.invalid_path)}, got {show(error.path)}"
            )
        )
    if case.invalid_message not in str(error):
        found.append(
            Difference(
                "$.message",
                "value",
                f"expected a message containing {show(case.invalid_message)}, "
                f"got {show(str(error))}",
            )
        )
    return found


def _plan_differences(
    case: TranslationCase, plan: Plan, routes: set[tuple[str, str]]
) -> list[Difference]:
    if case.plan is None:
        return [
            Difference(
                "$",
                "type",
                f"expected InvalidEvent at {case.invalid_path}, "
                f"got a plan of {len(plan.calls)} calls",
            )
        ]
    found = compare(case.plan, plan.to_json(), extra_keys=False)
    root = SUITE_ROOT if case.settings.suite else CLASSIC_ROOT
    for index, call in enumerate(plan.calls):
        steps = [(f"$.calls[{index}]", call)]
        for kind, step in (("found", call.found), ("fallback", call.fallback)):
            if step is not None:
                steps.append((f"$.calls[{index}].{kind}", step))
        for where, step in steps:
            if (step.method, normalise_path(root + step.path)) not in routes:
                found.append(
                    Difference(
                        f"{where}.path",
                        "unmatched",
                        f"no successful interaction records {step.method} {root}{step.path}",
                    )
                )
    return found
