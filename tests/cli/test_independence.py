"""translator never imports fake_freshsales or contracts, not even lazily inside a function:
the harness is only trustworthy while the two sides stay independent."""

import ast
from pathlib import Path

import translator

PACKAGE = Path(translator.__file__).parent


def test_translator_never_imports_the_fake_or_the_contracts() -> None:
    imported: set[str] = set()
    for source in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
            elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "__import__":
                imported.add("__import__")
    assert imported & {"fake_freshsales", "contracts", "__import__"} == set()
    assert {"translator", "httpx"} <= imported  # the walk did see the package's imports
