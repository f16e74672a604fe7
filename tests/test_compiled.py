"""The compiled translator (`make compile`, mypyc) and the interpreted one are the same product.

The suite runs whichever the checkout has (compiled under `make test`, when a C compiler is
there); a plain `pip install` runs the sources. So the interpreted sources, copied alone to a
folder, translate the contract cases and a stream of good and broken messages in a child
process, and must give exactly the plans and errors this process gives. The build's switch and
the staleness check that keeps edited sources from being shadowed are tested here too.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path
from typing import Any

import pytest

from bench.compiled import is_compiled, stale_build, stale_sources
from build_backend import backend

PROJECT_ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = PROJECT_ROOT / "contracts" / "translations"
RUN_TIMEOUT = 120

# Prints, as JSON, what the translator it imports makes of every case `cases()` gives; the
# child runs it with the copied sources first on its path, this process with its own.
TRANSLATE_ALL = """
import json, sys
from pathlib import Path
from bench.stream import realistic_stream
from translator import InvalidEvent, Settings, translate

SETTINGS = {
    "owner": {"owner": 7},
    "strict, no owner": {"strict": True},
    "app token": {"owner": 7, "app_token": "app-token"},
    "suite, upserts": {"owner": 7, "domain": "acme.myfreshworks.com", "lead_write": "upsert"},
    "event map": {"owner": 7, "event_map": {"Signed Up": {"lifecycle_stage": "Trial"},
                                            "Invite Sent": None}},
}
# A broken copy of every seventh message, each with one fault: a rejection or a dropped field.
FAULTS = [
    ("timestamp", "yesterday"),
    ("userId", 3.5),
    ("messageId", ""),
    ("integrations", {"Freshsales": False}),
    ("traits", {"email": "not an email", "cfLeadScore": "abc", "lifecycleStageId": "x"}),
    ("properties", ["not", "an", "object"]),
    ("context", {"traits": {"email": 5}}),
]


def cases():
    for path in sorted(Path(sys.argv[1]).glob("*.json")):
        data = json.loads(path.read_text())
        yield path.stem, data["settings"], data["message"]
    for name, extra in SETTINGS.items():
        for index, message in enumerate(realistic_stream(1500)):
            yield name, extra, message
            if index % 7 == 0:
                key, value = FAULTS[index // 7 % len(FAULTS)]
                yield name, extra, {**message, key: value}


def result(settings, message):
    try:
        options = {"domain": "acme", **settings}
        return translate(message, Settings(api_key="key", **options)).to_json()
    except InvalidEvent as error:
        return {"invalid": [error.path, str(error)]}


print(json.dumps([[name, result(settings, message)] for name, settings, message in cases()]))
"""


def _results(python_path: list[Path], cwd: Path) -> list[Any]:
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, python_path))}
    command = [sys.executable, "-c", TRANSLATE_ALL, str(TRANSLATIONS)]
    done = subprocess.run(
        command, cwd=cwd, env=environment, capture_output=True, text=True, timeout=RUN_TIMEOUT
    )
    assert done.returncode == 0, done.stderr
    results: list[Any] = json.loads(done.stdout)
    return results


@pytest.mark.slow
@pytest.mark.skipif(not is_compiled(), reason="the translator is interpreted in this checkout")
def test_the_interpreted_sources_translate_exactly_as_the_compiled_translator(
    tmp_path: Path,
) -> None:
    sources = tmp_path / "sources"
    shutil.copytree(
        PROJECT_ROOT / "translator",
        sources / "translator",
        ignore=shutil.ignore_patterns("*.so", "__pycache__"),
    )
    interpreted = _results([sources, PROJECT_ROOT], cwd=tmp_path)
    compiled = _results([PROJECT_ROOT], cwd=tmp_path)
    assert len(interpreted) > 7000
    assert any("invalid" in result for _, result in interpreted)
    assert any(result.get("dropped") for _, result in interpreted)
    mismatches = [(a, b) for a, b in zip(interpreted, compiled, strict=True) if a != b]
    assert not mismatches, mismatches[:3]


def test_is_compiled_tells_whether_the_extensions_are_in_the_tree() -> None:
    assert is_compiled() == any(
        (PROJECT_ROOT / "translator" / f"translate{suffix}").exists()
        for suffix in EXTENSION_SUFFIXES
    )


# ---- the build switch --------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1", "true", "YES", " on "])
def test_the_switch_turns_compiling_on_and_asks_for_mypy(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(backend.COMPILE_SWITCH, value)
    assert backend.compiling()
    assert "mypy>=1.10" in backend.compiler_requirements()


@pytest.mark.parametrize("value", ["", "0", "false", "No", "off"])
def test_a_build_is_pure_unless_the_switch_is_on(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(backend.COMPILE_SWITCH, value)
    assert not backend.compiling()
    assert backend.compiler_requirements() == []
    assert backend.compiled_extensions(PROJECT_ROOT) == []


def test_an_unreadable_switch_is_an_error_that_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(backend.COMPILE_SWITCH, "maybe")
    with pytest.raises(
        ValueError, match=r"^SEGMENT_FRESHSALES_COMPILE: expected 1 or 0, got 'maybe'$"
    ):
        backend.compiling()


def test_every_translator_module_is_compiled_but_the_package_settings_and_strategies() -> None:
    sources = backend.compiled_sources(PROJECT_ROOT)
    modules = {path.name for path in (PROJECT_ROOT / "translator").glob("*.py")}
    assert {Path(source).name for source in sources} == modules - {
        "__init__.py",
        "settings.py",
        "strategies.py",
    }
    assert all(source.startswith("translator/") for source in sources)
    assert backend.SHARED_LIBRARY.startswith("translator.")


# ---- stale extensions ---------------------------------------------------------------------

SUFFIX = EXTENSION_SUFFIXES[0]


def _file(path: Path, mtime: float) -> Path:
    path.write_text("")
    os.utime(path, (mtime, mtime))
    return path


def test_a_source_newer_than_its_extension_is_stale(tmp_path: Path) -> None:
    _file(tmp_path / f"plan{SUFFIX}", 1000)
    _file(tmp_path / "plan.py", 2000)
    _file(tmp_path / f"traits{SUFFIX}", 3000)
    _file(tmp_path / "traits.py", 2000)
    assert stale_sources(tmp_path) == ["plan.py"]


def test_an_extension_whose_source_is_gone_is_stale(tmp_path: Path) -> None:
    _file(tmp_path / f"renamed{SUFFIX}", 1000)
    assert stale_sources(tmp_path) == ["renamed.py"]


def test_the_shared_library_and_other_interpreters_extensions_are_not_sources(
    tmp_path: Path,
) -> None:
    _file(tmp_path / f"compiled__mypyc{SUFFIX}", 1000)
    _file(tmp_path / "plan.cpython-399-x86_64-linux-gnu.so", 1000)
    _file(tmp_path / "plan.py", 2000)
    _file(tmp_path / "settings.py", 2000)
    assert stale_sources(tmp_path) == []


def test_a_stale_build_says_which_sources_and_what_to_run(tmp_path: Path) -> None:
    _file(tmp_path / f"plan{SUFFIX}", 1000)
    _file(tmp_path / "plan.py", 2000)
    assert stale_build(tmp_path) == (
        "translator/plan.py changed after the translator was compiled: run `make compile` to "
        "compile it again, or `make uncompile` to run it interpreted"
    )
    _file(tmp_path / f"plan{SUFFIX}", 3000)
    assert stale_build(tmp_path) is None
