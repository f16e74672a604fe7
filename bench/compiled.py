"""Whether the translator runs compiled (`make compile`, mypyc's C extensions beside its
sources), and whether those extensions are older than the sources they were built from.

Python loads an extension instead of the source of the same name, so a source edited after
`make compile` would not run: the tests and the benchmarks refuse to start until it is built
again (`make compile`) or the extensions are removed (`make uncompile`).
"""

from __future__ import annotations

import importlib
from importlib.machinery import EXTENSION_SUFFIXES, ExtensionFileLoader
from pathlib import Path

import translator

__all__ = ["is_compiled", "stale_build", "stale_sources"]

PACKAGE_DIR = Path(translator.__file__).parent
# The module holding the compiled modules' common code (no source of its own).
_SHARED_LIBRARY_SUFFIX = "__mypyc"


def is_compiled() -> bool:
    """Whether this process translates with compiled code."""
    module = importlib.import_module("translator.translate")
    return isinstance(module.__loader__, ExtensionFileLoader)


def stale_sources(package_dir: Path = PACKAGE_DIR) -> list[str]:
    """The translator's sources (file names) changed or removed since their extension was
    built, for this interpreter's extensions in `package_dir`."""
    stale = []
    for extension in sorted(package_dir.iterdir()):
        name, _, suffix = extension.name.partition(".")
        if f".{suffix}" not in EXTENSION_SUFFIXES or name.endswith(_SHARED_LIBRARY_SUFFIX):
            continue
        source = package_dir / f"{name}.py"
        if not source.exists() or source.stat().st_mtime > extension.stat().st_mtime:
            stale.append(source.name)
    return stale


def stale_build(package_dir: Path = PACKAGE_DIR) -> str | None:
    """Why the compiled translator must not run (its stale sources, and what to do); None
    when it is up to date or not compiled."""
    stale = stale_sources(package_dir)
    if not stale:
        return None
    names = ", ".join(f"translator/{name}" for name in stale)
    return (
        f"{names} changed after the translator was compiled: run `make compile` to compile it "
        "again, or `make uncompile` to run it interpreted"
    )
