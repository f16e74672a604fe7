"""The files of send, replay and serve are checked before the first message goes out: one line,
exit 2, nothing sent, nothing written."""

import json
import sqlite3
import sys
from pathlib import Path

import pytest

from segment_freshsales.cli.options import UsageError
from segment_freshsales.cli.paths import check_state_dir, writable_file
from segment_freshsales.delivery.dedupe import NotSQLiteError, SqliteIds
from tests.cli.helpers import TRACK, run, write_lines
from tests.processes import Process

PROG = "segment-freshsales"
KEY = "paths-key-0b9e4c7d21a5"
NOT_SQLITE = "is not a SQLite database: name a new file, or one this command made"
OWN_FILE = "each needs a file of its own"
on_linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux's")


@pytest.fixture(autouse=True)
def no_account(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No account: a check that let a run through would start the embedded fake."""
    for name in ("FRESHSALES_DOMAIN", "FRESHSALES_API_KEY", "FRESHSALES_OWNER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def events(tmp_path: Path) -> Path:
    return write_lines(tmp_path / "events.jsonl", TRACK)


@pytest.fixture
def dead(tmp_path: Path) -> Path:
    """A dead-letter file of one record."""
    path = tmp_path / "dead.jsonl"
    record = {"message": TRACK, "status": "failed", "reason": "503", "attempts": 1}
    path.write_text(json.dumps(record) + "\n")
    return path


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    """A file that is not SQLite."""
    path = tmp_path / "notes.txt"
    path.write_text("delivered: m-1, m-2\n")
    return path


def refused(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """The one line of a refused command, once it is known that nothing was started."""
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "")
    assert err.count("\n") == 1, err
    return err.rstrip("\n")


def snapshot(*paths: Path) -> dict[Path, bytes | None]:
    return {path: path.read_bytes() if path.exists() else None for path in paths}


@on_linux
def test_a_dead_letter_file_that_cannot_be_written(
    capsys: pytest.CaptureFixture[str], events: Path
) -> None:
    err = refused(capsys, "send", str(events), "--dead-letter", "/proc/x.jsonl")
    assert err == (
        f"{PROG} send: error: --dead-letter /proc/x.jsonl cannot be created: "
        "No such file or directory"
    )


def test_a_dead_letter_file_that_is_the_input(
    capsys: pytest.CaptureFixture[str], events: Path
) -> None:
    before = snapshot(events)
    # The same file by another name: relative, with a detour.
    err = refused(capsys, "send", str(events), "--dead-letter", "./x/../events.jsonl")
    assert err == (
        f"{PROG} send: error: --dead-letter x/../events.jsonl is also the input file: {OWN_FILE}"
    )
    assert snapshot(events) == before


def test_a_dedupe_file_that_is_the_input_or_the_dead_letter_file(
    capsys: pytest.CaptureFixture[str], events: Path, tmp_path: Path
) -> None:
    link = tmp_path / "link.jsonl"
    link.symlink_to(events)
    err = refused(capsys, "send", str(events), "--dedupe-path", str(link))
    assert err == f"{PROG} send: error: --dedupe-path {link} is also the input file: {OWN_FILE}"
    argv = ("--dead-letter", "d.jsonl", "--dedupe-path", "d.jsonl")
    err = refused(capsys, "send", str(events), *argv)
    assert err == (
        f"{PROG} send: error: --dedupe-path d.jsonl is also the --dead-letter file: {OWN_FILE}"
    )
    assert not (tmp_path / "d.jsonl").exists()


def test_a_dedupe_file_that_is_not_sqlite(
    capsys: pytest.CaptureFixture[str], events: Path, notes: Path, dead: Path
) -> None:
    before = snapshot(notes, dead)
    err = refused(capsys, "send", str(events), "--dedupe-path", str(notes))
    assert err == f"{PROG} send: error: --dedupe-path {notes} {NOT_SQLITE}"
    err = refused(capsys, "replay", str(dead), "--dedupe-path", str(notes))
    assert err == f"{PROG} replay: error: --dedupe-path {notes} {NOT_SQLITE}"
    assert snapshot(notes, dead) == before
    assert not Path("dead-letter.jsonl").exists()


def test_replay_with_the_dead_letter_file_as_its_dedupe_file(
    capsys: pytest.CaptureFixture[str], dead: Path
) -> None:
    before = snapshot(dead)
    err = refused(capsys, "replay", str(dead), "--dedupe-path", str(dead))
    assert err == (
        f"{PROG} replay: error: --dedupe-path {dead} is also the dead-letter file replayed: "
        f"{OWN_FILE}"
    )
    assert snapshot(dead) == before


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("file", "--state-dir STATE is not a directory"),
        ("queue", f"--state-dir STATE/queue.sqlite {NOT_SQLITE}"),
        ("dead letters", "--state-dir STATE/dead-letter.jsonl is a directory"),
    ],
)
def test_serve_checks_its_state_directory(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    setup: str,
    message: str,
) -> None:
    state = tmp_path / "state"
    if setup == "file":
        state.write_text("not a directory")
    else:
        state.mkdir()
        if setup == "queue":
            (state / "queue.sqlite").write_text("a queue? no")
        else:
            (state / "dead-letter.jsonl").mkdir()
    monkeypatch.setenv("FRESHSALES_API_KEY", KEY)
    argv = ("serve", "--domain", "acme", "--write-key", "w", "--state-dir", str(state))
    err = refused(capsys, *argv, "--port", "0")
    assert err == f"{PROG} serve: error: {message.replace('STATE', str(state))}"


def test_a_state_directory_still_to_make_is_tried_and_not_left_behind(tmp_path: Path) -> None:
    state = tmp_path / "new" / "state"
    check_state_dir(state, state / "dead-letter.jsonl")
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "new").write_text("a file where a directory should be")
    with pytest.raises(UsageError, match=r"^--state-dir .*/new/state: .*/new is not a directory$"):
        check_state_dir(state, state / "dead-letter.jsonl")


def test_the_write_check_leaves_no_file_behind(tmp_path: Path) -> None:
    writable_file(tmp_path / "dead.jsonl", "--dead-letter")
    assert list(tmp_path.iterdir()) == []


def test_the_dedupe_store_itself_refuses_a_file_that_is_not_sqlite(
    notes: Path, tmp_path: Path
) -> None:
    with pytest.raises(NotSQLiteError, match=r"notes\.txt is not a SQLite database$"):
        SqliteIds(notes)
    assert issubclass(NotSQLiteError, sqlite3.DatabaseError)  # as SQLite's own error was
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    store = SqliteIds(empty)  # an empty file is a new database, as SQLite has it
    store.add("m-1")
    store.close()
    assert "m-1" in SqliteIds(empty)


@pytest.mark.slow
@on_linux
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("send", "EVENTS", "--dead-letter", "/proc/x.jsonl"), "send: error: --dead-letter "
         "/proc/x.jsonl cannot be created: No such file or directory"),
        (("send", "EVENTS", "--dead-letter", "EVENTS"), "send: error: --dead-letter EVENTS is "
         f"also the input file: {OWN_FILE}"),
        (("send", "EVENTS", "--dedupe-path", "NOTES"), f"send: error: --dedupe-path NOTES "
         f"{NOT_SQLITE}"),
    ],
)  # fmt: skip
def test_the_installed_command_checks_paths_before_sending(
    events: Path, notes: Path, tmp_path: Path, argv: tuple[str, ...], message: str
) -> None:
    names = {"EVENTS": str(events), "NOTES": str(notes)}
    before = snapshot(events, notes)
    args = [names.get(arg, arg) for arg in argv]
    with Process(PROG, *args, cwd=tmp_path) as command:
        out, err = command.wait()
    for name, value in names.items():
        message = message.replace(name, value)
    assert (command.returncode, out, err) == (2, "", f"{PROG} {message}\n")
    assert snapshot(events, notes) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["events.jsonl", "notes.txt"]
