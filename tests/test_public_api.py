"""The README's public API table says exactly what each package exports."""

import importlib
import re
from pathlib import Path

README = Path(__file__).parents[1] / "README.md"


def documented_exports() -> dict[str, set[str]]:
    section = README.read_text(encoding="utf-8").split("## Public API", 1)[1]
    rows = re.findall(r"^\| `([\w.]+)` \| (.+) \|$", section, flags=re.MULTILINE)
    return {package: set(re.findall(r"`(\w+)`", names)) for package, names in rows}


def test_every_package_exports_what_the_readme_documents() -> None:
    documented = documented_exports()
    assert documented, "the README has no public API table"
    for package, names in documented.items():
        module = importlib.import_module(package)
        assert set(module.__all__) == names, package
        assert all(hasattr(module, name) for name in names), package
