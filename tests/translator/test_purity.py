"""The pure core is pure as an import, and neither it nor delivery reaches the fake by a
back door (`__import__`, importlib) that import-linter cannot see."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import segment_freshsales.delivery
import translator

IO_MODULES = ("httpx", "sqlite3", "flask", "waitress", "rich")
HARNESS = ("fake_freshsales", "contracts")


def loaded_by(module: str) -> list[str]:
    """Which of the I/O libraries and harness packages `import module` loads, in a fresh
    interpreter."""
    watched = IO_MODULES + HARNESS
    code = f"import {module}, sys; print(' '.join(m for m in {watched!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return result.stdout.split()


@pytest.mark.slow
def test_importing_the_translator_loads_no_io_library() -> None:
    assert loaded_by("translator") == []


@pytest.mark.slow
def test_importing_delivery_loads_neither_the_fake_nor_the_contracts() -> None:
    assert set(loaded_by("segment_freshsales.delivery")) & set(HARNESS) == set()


def dynamic_imports(package: Path) -> list[str]:
    """`__import__(...)` and `importlib.import_module(...)` calls in a package's source."""
    found = []
    for source in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in ("__import__", "import_module"):
                found.append(f"{source.name}:{node.lineno}")
    return found


@pytest.mark.parametrize("package", [translator, segment_freshsales.delivery])
def test_no_dynamic_imports(package: object) -> None:
    folder = Path(getattr(package, "__file__", "")).parent
    assert list(folder.glob("*.py")), "the walk found no source"
    assert dynamic_imports(folder) == []
