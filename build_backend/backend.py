"""The project's build backend: setuptools', with an opt-in compiled translator.

A build is pure Python unless the environment sets SEGMENT_FRESHSALES_COMPILE=1. Then the wheel
also holds the translator's modules compiled to C extensions by mypyc, which Python loads
instead of their sources, and the build asks for mypy, which holds mypyc. The translator then
translates about 35% more messages a second (docs/performance.md), with the same plans.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from setuptools import build_meta
from setuptools.build_meta import (
    build_editable,
    build_sdist,
    build_wheel,
    get_requires_for_build_sdist,
)

__all__ = [
    "COMPILE_SWITCH",
    "SHARED_LIBRARY",
    "build_editable",
    "build_sdist",
    "build_wheel",
    "compiled_extensions",
    "compiled_sources",
    "compiler_requirements",
    "compiling",
    "get_requires_for_build_editable",
    "get_requires_for_build_sdist",
    "get_requires_for_build_wheel",
    "prepare_metadata_for_build_editable",
    "prepare_metadata_for_build_wheel",
]

COMPILE_SWITCH = "SEGMENT_FRESHSALES_COMPILE"
COMPILER = "mypy>=1.10"
# The compiled modules' common code, a module of the package itself, so that a compiled
# translator loads from wherever the package is, the source tree included.
SHARED_LIBRARY = "translator.compiled"
# Modules left interpreted: the package's __init__ (it must load before the shared library,
# which is one of its modules), settings.py (it fills its slots through object.__setattr__,
# which mypyc refuses; it runs once per Settings, not per message) and strategies.py (test
# data for Hypothesis, never on a translation's path).
INTERPRETED = frozenset({"__init__.py", "settings.py", "strategies.py"})

P = ParamSpec("P")
R = TypeVar("R")

_asking_setuptools = False  # while setup.py runs only to tell setuptools what a build needs
_ON = frozenset({"1", "true", "yes", "on"})
_OFF = frozenset({"", "0", "false", "no", "off"})


def compiling() -> bool:
    """Whether this build compiles the translator (SEGMENT_FRESHSALES_COMPILE)."""
    value = os.environ.get(COMPILE_SWITCH, "").strip().lower()
    if value in _ON:
        return True
    if value in _OFF:
        return False
    raise ValueError(f"{COMPILE_SWITCH}: expected 1 or 0, got {value!r}")


def compiled_sources(root: Path) -> list[str]:
    """The translator's modules a compiled build compiles, relative to the project's `root`."""
    return sorted(
        f"translator/{source.name}"
        for source in (root / "translator").glob("*.py")
        if source.name not in INTERPRETED
    )


def compiled_extensions(root: Path) -> list[Any]:
    """The C extensions of a compiled build (run from `root`), as mypyc makes them for
    setuptools; none in a pure build."""
    if not compiling() or _asking_setuptools:
        return []
    from mypyc.build import mypycify  # only a compiled build has mypy

    # One group, named: its shared library lands inside the package (see SHARED_LIBRARY).
    sources = compiled_sources(root)
    return list(mypycify(sources, opt_level="3", separate=[(sources, SHARED_LIBRARY)]))


def compiler_requirements() -> list[str]:
    """What a build needs besides setuptools: mypy when it compiles the translator."""
    return [COMPILER] if compiling() else []


def _asking_setuptools_only(hook: Callable[P, R]) -> Callable[P, R]:
    """setuptools' `hook`, which runs setup.py only to learn a build's requirements or its
    metadata, before mypy is installed: no extension is made then (neither depends on them)."""

    @functools.wraps(hook)
    def asked(*args: P.args, **kwargs: P.kwargs) -> R:
        global _asking_setuptools
        _asking_setuptools = True
        try:
            return hook(*args, **kwargs)
        finally:
            _asking_setuptools = False

    return asked


def _with_compiler(
    hook: Callable[[dict[str, str | list[str]] | None], list[str]],
) -> Callable[[dict[str, str | list[str]] | None], list[str]]:
    """setuptools' requirements `hook`, and mypy when the build compiles the translator."""
    asked = _asking_setuptools_only(hook)

    @functools.wraps(hook)
    def requires(config_settings: dict[str, str | list[str]] | None = None) -> list[str]:
        return [*asked(config_settings), *compiler_requirements()]

    return requires


get_requires_for_build_wheel = _with_compiler(build_meta.get_requires_for_build_wheel)
get_requires_for_build_editable = _with_compiler(build_meta.get_requires_for_build_editable)
prepare_metadata_for_build_wheel = _asking_setuptools_only(
    build_meta.prepare_metadata_for_build_wheel
)
prepare_metadata_for_build_editable = _asking_setuptools_only(
    build_meta.prepare_metadata_for_build_editable
)
