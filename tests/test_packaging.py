"""The wheel, installed by a plain `pip install` (no extras) into a fresh venv, keeps its promise.

Its three commands answer `--help`, do their job and never end in an ImportError traceback; the
translator stays pure; the package data is installed. The wheel is built from a snapshot of the
source tree (so the build leaves nothing in the working tree, and no stale `build/` folder leaks
into it) and every installed command runs from an empty folder, with no PYTHONPATH, so nothing
can resolve to the source tree by accident.

The wheel built with SEGMENT_FRESHSALES_COMPILE=1 holds the compiled translator, and that
translator gives the plans this process gives.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from build_backend.backend import COMPILE_SWITCH
from tests.processes import Process
from translator import Settings, translate

pytestmark = pytest.mark.slow

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DISTRIBUTION = "segment-freshsales"
SCRIPTS = ("fake-freshsales", "freshsales-contracts", "segment-freshsales")
PACKAGES = ("contracts", "fake_freshsales", "segment_freshsales", "translator")
TYPED_PACKAGES = PACKAGES
IO_LIBRARIES = ("httpx", "sqlite3", "flask", "waitress", "rich")

BUILD_TIMEOUT = 300
VENV_TIMEOUT = 120
INSTALL_TIMEOUT = 300
RUN_TIMEOUT = 120
SERVE_TIMEOUT = 30
NO_VERSION_CHECK = "--disable-pip-version-check"
QUIET = (NO_VERSION_CHECK, "-q")

# What a wheel never takes from the source tree: the venv, VCS data, caches, build outputs.
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", ".hypothesis", ".*_cache", "__pycache__", "build", "dist", "*.egg-info", "*.so"
)

# The venv's python prints the files of a package's folder (argv: package, folder), or null.
LIST_PACKAGED = """
import importlib.resources, json, sys
folder = importlib.resources.files(sys.argv[1]).joinpath(*sys.argv[2].split("/"))
names = sorted(e.name for e in folder.iterdir() if e.is_file()) if folder.is_dir() else None
print(json.dumps(names))
"""

# The venv's python prints the console scripts the distribution declares.
LIST_SCRIPTS = f"""
import importlib.metadata, json, re
def canonical(name): return re.sub(r"[-_.]+", "-", name).lower()
print(json.dumps(sorted(
    e.name for e in importlib.metadata.entry_points(group="console_scripts")
    if e.dist is not None and canonical(e.dist.name) == {DISTRIBUTION!r}
)))
"""

# The venv's python prints where each package named in argv is imported from.
PACKAGE_FILES = """
import importlib, json, sys
print(json.dumps({name: importlib.import_module(name).__file__ for name in sys.argv[1:]}))
"""


@dataclass(frozen=True)
class Installed:
    """A fresh venv holding the installed wheel, and the folders the tests use."""

    venv: Path
    source: Path
    workdir: Path
    wheel: Path

    @property
    def python(self) -> Path:
        """The venv's interpreter."""
        return self.venv / "bin" / "python"

    def script(self, name: str) -> Path:
        """The venv's console script NAME."""
        return self.venv / "bin" / name


def _environment() -> dict[str, str]:
    """The inherited environment, less what could point Python elsewhere than the venv or
    make the build compile the translator."""
    dropped = {"PYTHONPATH", "VIRTUAL_ENV", COMPILE_SWITCH}
    return {k: v for k, v in os.environ.items() if k not in dropped}


def _run(
    *argv: str | Path, cwd: Path, timeout: float = RUN_TIMEOUT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ARGV to its end from CWD (in ENV, else `_environment()`), with its output captured
    and a time limit."""
    return subprocess.run(
        [str(arg) for arg in argv],
        cwd=cwd,
        env=_environment() if env is None else env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _text(output: str | bytes | None) -> str:
    """Captured output as text (a TimeoutExpired holds bytes, or None)."""
    if isinstance(output, bytes):
        return output.decode(errors="replace")
    return output or ""


def _setup(
    what: str, *argv: str | Path, cwd: Path, timeout: float, env: dict[str, str] | None = None
) -> None:
    """Run one step of preparing the venv; fail with the command's output when it breaks."""
    command = " ".join(str(arg) for arg in argv)
    try:
        result = _run(*argv, cwd=cwd, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as error:
        output = _text(error.stdout) + _text(error.stderr)
        pytest.fail(f"{what}: no result after {timeout} s\n$ {command}\n{output}", pytrace=False)
    if result.returncode != 0:
        pytest.fail(
            f"{what} failed (exit {result.returncode})\n$ {command}\n"
            f"{result.stdout}{result.stderr}",
            pytrace=False,
        )


def _python(installed: Installed, code: str, *args: str) -> str:
    """What the venv's python prints running CODE with ARGS; it must exit 0."""
    result = _run(installed.python, "-c", code, *args, cwd=installed.workdir)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _packaged_files(installed: Installed, package: str, folder: str) -> list[str] | None:
    """The files the venv holds in PACKAGE's FOLDER ("" for the package itself), or None."""
    names: list[str] | None = json.loads(_python(installed, LIST_PACKAGED, package, folder))
    return names


def _status(url: str, api_key: str) -> int:
    """The HTTP status of a GET of URL with the account's key, past any configured proxy."""
    request = urllib.request.Request(url, headers={"Authorization": f"Token token={api_key}"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=SERVE_TIMEOUT) as response:
        status: int = response.status
    return status


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The project's wheel, installed with a plain `pip install` into a new venv."""
    root = tmp_path_factory.mktemp("packaging")
    source = root / "source"
    shutil.copytree(PROJECT_ROOT, source, ignore=NOT_SOURCE)
    wheels = root / "wheels"
    build = (sys.executable, "-m", "pip", "wheel", "--no-deps", *QUIET, "-w", wheels, source)
    _setup("building the wheel", *build, cwd=root, timeout=BUILD_TIMEOUT)
    built = sorted(wheels.glob("*.whl"))
    assert len(built) == 1, f"expected one wheel, pip built {[p.name for p in built]}"
    venv = root / "venv"
    _setup("creating the venv", sys.executable, "-m", "venv", venv, cwd=root, timeout=VENV_TIMEOUT)
    install = (venv / "bin" / "python", "-m", "pip", "install", *QUIET, built[0])
    _setup("installing the wheel", *install, cwd=root, timeout=INSTALL_TIMEOUT)
    workdir = root / "work"
    workdir.mkdir()
    return Installed(venv=venv, source=source, workdir=workdir, wheel=built[0])


def test_a_plain_build_is_pure_python(installed: Installed) -> None:
    assert installed.wheel.name.endswith("-py3-none-any.whl"), installed.wheel.name
    with zipfile.ZipFile(installed.wheel) as wheel:
        assert not [name for name in wheel.namelist() if name.endswith((".so", ".pyd"))]


def test_the_wheel_declares_exactly_the_three_commands(installed: Installed) -> None:
    assert json.loads(_python(installed, LIST_SCRIPTS)) == list(SCRIPTS)
    for name in SCRIPTS:
        assert installed.script(name).is_file(), name


def test_the_packages_load_from_the_venv_not_the_source_tree(installed: Installed) -> None:
    files = json.loads(_python(installed, PACKAGE_FILES, *PACKAGES))
    venv = installed.venv.resolve()
    for package in PACKAGES:
        path = Path(files[package]).resolve()
        assert path.is_relative_to(venv), (package, path)
        assert not path.is_relative_to(PROJECT_ROOT), (package, path)


def test_pip_finds_every_dependency_installed(installed: Installed) -> None:
    result = _run(installed.python, "-m", "pip", "check", NO_VERSION_CHECK, cwd=installed.workdir)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", SCRIPTS)
def test_every_command_answers_help(installed: Installed, name: str) -> None:
    result = _run(installed.script(name), "--help", cwd=installed.workdir)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.startswith("usage:"), result.stdout


def test_contracts_verify_passes_on_the_packaged_contracts(installed: Installed) -> None:
    result = _run(installed.script("freshsales-contracts"), "verify", cwd=installed.workdir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_send_dry_run_prints_the_plan(installed: Installed, tmp_path: Path) -> None:
    identify = {"type": "identify", "userId": "ada@example.com", "traits": {"firstName": "Ada"}}
    events = tmp_path / "events.jsonl"
    events.write_text(json.dumps(identify) + "\n", encoding="utf-8")
    send = installed.script("segment-freshsales")
    result = _run(send, "send", "--dry-run", events, cwd=installed.workdir)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    assert "plan" in json.loads(lines[0]), lines[0]


def test_the_fake_serves_and_stops_on_sigint(installed: Installed) -> None:
    api_key = "packaging-key"
    with Process(
        "fake-freshsales", "serve", "--port", "0", "--api-key", api_key,
        bin=installed.venv / "bin", cwd=installed.workdir, env=_environment(),
    ) as serve:  # fmt: skip
        url = serve.expect(r"^fake-freshsales serving (http://\S+)$")[1]
        assert _status(f"{url}/api/lookup?q=ada%40example.com&f=email", api_key) == 200
        out, err = serve.interrupt(SERVE_TIMEOUT)
    assert serve.returncode == 0, err
    assert "Traceback" not in err
    assert out.endswith("fake-freshsales stopped\n"), out


def test_importing_the_translator_loads_no_io_library(installed: Installed) -> None:
    code = f"import translator, sys; print([m for m in {IO_LIBRARIES!r} if m in sys.modules])"
    assert _python(installed, code) == "[]\n"


@pytest.mark.parametrize(
    ("package", "folder", "suffix"),
    [
        ("contracts", "interactions", ".json"),
        ("contracts", "translations", ".json"),
        ("contracts", "schemas", ".json"),
        ("segment_freshsales", "cli/examples", ".jsonl"),
    ],
)
def test_the_data_files_are_installed(
    installed: Installed, package: str, folder: str, suffix: str
) -> None:
    in_source = installed.source / package / folder
    expected = sorted(path.name for path in in_source.glob(f"*{suffix}"))
    assert expected, f"the source tree has no {package}/{folder}/*{suffix}"
    packaged = _packaged_files(installed, package, folder)
    assert packaged is not None, f"{package}/{folder} is not installed"
    assert [name for name in packaged if name.endswith(suffix)] == expected


def test_the_example_events_are_installed(installed: Installed) -> None:
    examples = _packaged_files(installed, "segment_freshsales", "cli/examples")
    assert examples is not None, "segment_freshsales/cli/examples is not installed"
    assert "events.jsonl" in examples


@pytest.mark.parametrize("package", TYPED_PACKAGES)
def test_the_typed_packages_ship_py_typed(installed: Installed, package: str) -> None:
    files = _packaged_files(installed, package, "")
    assert files is not None, f"{package} is not installed"
    assert "py.typed" in files


# ---- the compiled build (SEGMENT_FRESHSALES_COMPILE=1) -------------------------------------

# Prints the plan the unpacked compiled wheel makes of a message (argv[1], JSON), after checking
# that its translator is compiled and loads no I/O library.
TRANSLATE_COMPILED = f"""
import json, sys
from importlib.machinery import ExtensionFileLoader
import translator
from translator import Settings, translate
assert isinstance(sys.modules["translator.translate"].__loader__, ExtensionFileLoader)
assert [m for m in {IO_LIBRARIES!r} if m in sys.modules] == []
plan = translate(json.loads(sys.argv[1]), Settings(domain="acme", api_key="key", owner=7))
print(json.dumps(plan.to_json()))
"""


@pytest.fixture(scope="module")
def compiled_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built with the switch on, from a snapshot of the source tree, as a user
    builds it: pip installs setuptools and mypy for the build on its own."""
    root = tmp_path_factory.mktemp("compiled")
    source = root / "source"
    shutil.copytree(PROJECT_ROOT, source, ignore=NOT_SOURCE)
    wheels = root / "wheels"
    build = (sys.executable, "-m", "pip", "wheel", "--no-deps", *QUIET)
    env = {**_environment(), COMPILE_SWITCH: "1"}
    _setup("building the compiled wheel", *build, "-w", wheels, source, cwd=root,
           timeout=BUILD_TIMEOUT, env=env)  # fmt: skip
    built = sorted(wheels.glob("*.whl"))
    assert len(built) == 1, f"expected one wheel, pip built {[p.name for p in built]}"
    return built[0]


def test_the_compiled_wheel_holds_an_extension_for_every_compiled_module(
    compiled_wheel: Path,
) -> None:
    assert not compiled_wheel.name.endswith("-none-any.whl"), compiled_wheel.name
    with zipfile.ZipFile(compiled_wheel) as wheel:
        names = wheel.namelist()
    extensions = {name.split(".")[0] for name in names if name.endswith(".so")}
    modules = {
        name.removesuffix(".py") for name in names if re.fullmatch(r"translator/\w+\.py", name)
    }
    interpreted = {"translator/__init__", "translator/settings", "translator/strategies"}
    assert interpreted <= modules
    assert extensions == {"translator/compiled__mypyc"} | (modules - interpreted)


def test_the_compiled_wheel_translates_as_this_process_does(
    compiled_wheel: Path, tmp_path: Path
) -> None:
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(compiled_wheel) as wheel:
        wheel.extractall(unpacked)
    workdir = tmp_path / "work"
    workdir.mkdir()
    message = {
        "type": "identify",
        "userId": "ada@example.com",
        "traits": {"firstName": "Ada", "fsContact": True, "company": {"name": "Acme"}},
    }
    env = {**_environment(), "PYTHONPATH": str(unpacked)}
    result = _run(
        sys.executable, "-c", TRANSLATE_COMPILED, json.dumps(message), cwd=workdir, env=env
    )
    assert result.returncode == 0, result.stderr
    expected = translate(message, Settings(domain="acme", api_key="key", owner=7))
    assert json.loads(result.stdout) == expected.to_json()
