"""The public API table in docs/api.md says exactly what each package exports."""

import importlib
import re
from pathlib import Path

API_PAGE = Path(__file__).parents[1] / "docs" / "api.md"
SECTION = "## What each package exports"
# Every package with a public API must have its row: a row deleted from the table would
# otherwise no longer be checked.
PACKAGES = {
    "translator",
    "segment_freshsales",
    "segment_freshsales.delivery",
    "segment_freshsales.segment",
    "fake_freshsales",
    "contracts",
}


def documented_exports() -> dict[str, set[str]]:
    text = API_PAGE.read_text(encoding="utf-8")
    assert SECTION in text, f"{API_PAGE} has no section {SECTION!r}"
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([\w.]+)` \| (.+) \|$", section, flags=re.MULTILINE)
    return {package: set(re.findall(r"`(\w+)`", names)) for package, names in rows}


def test_the_table_has_a_row_for_every_package() -> None:
    assert set(documented_exports()) == PACKAGES


def test_every_package_exports_what_the_api_page_documents() -> None:
    for package, names in documented_exports().items():
        module = importlib.import_module(package)
        assert set(module.__all__) == names, package
        assert all(hasattr(module, name) for name in names), package
