"""The public surface of fake_freshsales, and its independence from the translator."""

from __future__ import annotations

import ast
from pathlib import Path

import fake_freshsales

PACKAGE = Path(fake_freshsales.__file__).parent


def test_all_lists_exactly_the_public_names() -> None:
    public = {
        name
        for name in vars(fake_freshsales)
        if not name.startswith("_")
        and not isinstance(getattr(fake_freshsales, name), type(fake_freshsales))
        and name != "annotations"
    }
    assert set(fake_freshsales.__all__) == public
    assert fake_freshsales.__all__ == sorted(fake_freshsales.__all__)


def test_never_imports_the_translator_or_the_contracts() -> None:
    imported: set[str] = set()
    for source in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    assert not imported & {"translator", "contracts"}
    assert imported  # the walk did see the package's imports


def test_models_and_harness_know_nothing_of_http() -> None:
    for folder in ("models", "harness"):
        for source in (PACKAGE / folder).rglob("*.py"):
            text = source.read_text()
            assert "flask" not in text and "werkzeug" not in text, source.name


def imported_modules(source: Path) -> set[str]:
    """The absolute names of the modules a file of the package imports, relative ones resolved."""
    package = ".".join(source.relative_to(PACKAGE.parent).parent.parts)
    found: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module) if part)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def test_models_never_import_the_harness() -> None:
    for source in (PACKAGE / "models").rglob("*.py"):
        harness = {m for m in imported_modules(source) if m.startswith("fake_freshsales.harness")}
        assert not harness, source.name
    assert "fake_freshsales.models.errors" in imported_modules(PACKAGE / "harness" / "faults.py")


# Other services' boilerplate that third-party clients copied; Freshsales never says them.
FOREIGN_MESSAGES = (
    "Invalid authorization credentials.",
    "The resource you have specified cannot be found.",
    "The API rate limit for your organisation/application pairing has been exceeded.",
)


def test_never_speaks_other_services_boilerplate() -> None:
    for source in PACKAGE.rglob("*.py"):
        text = source.read_text()
        assert not [message for message in FOREIGN_MESSAGES if message in text], source.name
