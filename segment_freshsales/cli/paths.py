"""The files a command reads and writes, checked before its first message goes out.

A dead-letter file that cannot be written would stop a run half-way, with the rest neither
sent nor kept; a dedupe file that is not SQLite would end it in a traceback; two options naming
one file would write a run's failures into its own input. Each is a usage error up front.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from itertools import combinations
from pathlib import Path

from segment_freshsales.cli.options import UsageError
from segment_freshsales.delivery.dedupe import NotSQLiteError, require_sqlite

__all__ = [
    "check_replay_paths",
    "check_send_paths",
    "check_state_dir",
    "writable_file",
]

# A file as an error names it: (the option that names it, the file's role, the file or None)
Named = tuple[str, str, Path | None]


def check_send_paths(source: str, dead_letter: Path, dedupe_path: Path | None) -> None:
    """`send`: the input (`-` is stdin), the dead-letter file and the dedupe file."""
    _distinct(
        [
            ("FILE", "the input file", None if source == "-" else Path(source)),
            ("--dead-letter", "the --dead-letter file", dead_letter),
            ("--dedupe-path", "the --dedupe-path file", dedupe_path),
        ]
    )
    writable_file(dead_letter, "--dead-letter")
    if dedupe_path is not None:
        _sqlite_file(dedupe_path, "--dedupe-path")


def check_replay_paths(dead_letter: Path, dedupe_path: Path | None) -> None:
    """`replay`: the dead-letter file, read and rewritten, and the dedupe file."""
    if not dead_letter.is_file():
        raise UsageError(f"cannot read {dead_letter}: no such file")
    _distinct(
        [
            ("DEAD_LETTER", "the dead-letter file replayed", dead_letter),
            ("--dedupe-path", "the --dedupe-path file", dedupe_path),
        ]
    )
    writable_file(dead_letter, "dead-letter file")
    if dedupe_path is not None:
        _sqlite_file(dedupe_path, "--dedupe-path")


def check_state_dir(state_dir: Path, dead_letter: Path) -> None:
    """`serve`: the state directory can be made or written, the SQLite files in it (`*.sqlite`:
    the queue, the delivered messageIds) are SQLite, and its dead-letter file can be written."""
    what = "--state-dir"
    if not state_dir.exists():
        ancestor = next(folder for folder in state_dir.absolute().parents if folder.exists())
        if not ancestor.is_dir():
            raise UsageError(f"{what} {state_dir}: {ancestor} is not a directory")
        try:  # only trying tells, as for a file; the trial leaves nothing behind
            os.rmdir(tempfile.mkdtemp(dir=ancestor))
        except OSError as error:
            raise UsageError(
                f"{what} {state_dir} cannot be created: {error.strerror or error}"
            ) from None
        return
    if not state_dir.is_dir():
        raise UsageError(f"{what} {state_dir} is not a directory")
    for database in sorted(state_dir.glob("*.sqlite")):
        _sqlite_file(database, what)
    writable_file(dead_letter, what)


def writable_file(path: Path, what: str) -> None:
    """`path` can be appended to. A file not there yet is created and removed again: only
    trying tells (a read-only mount, /proc, permissions os.access misjudges for root)."""
    if path.is_dir():
        raise UsageError(f"{what} {path} is a directory")
    if not path.parent.is_dir():
        raise UsageError(f"{what} {path}: no directory {path.parent}")
    existed = path.exists()
    if existed and not path.is_file():  # a FIFO or a device: opening one may block
        if not os.access(path, os.W_OK):
            raise UsageError(f"{what} {path} cannot be written")
        return
    try:
        with path.open("a", encoding="utf-8"):
            pass
    except OSError as error:
        verb = "written" if existed else "created"
        raise UsageError(f"{what} {path} cannot be {verb}: {error.strerror or error}") from None
    if not existed:
        path.unlink(missing_ok=True)


def _sqlite_file(path: Path, what: str) -> None:
    """`path` can be written and is (or will become) a SQLite database."""
    writable_file(path, what)
    try:
        require_sqlite(path)
    except NotSQLiteError:
        raise UsageError(
            f"{what} {path} is not a SQLite database: name a new file, or one this command made"
        ) from None


def _distinct(named: Sequence[Named]) -> None:
    """No file is named twice: a run would write into its own input, or mix two files."""
    for (_, role, one), (option, _, other) in combinations(named, 2):
        if one is not None and other is not None and _same_file(one, other):
            raise UsageError(f"{option} {other} is also {role}: each needs a file of its own")


def _same_file(one: Path, other: Path) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:  # one of them is not there yet
        return one.resolve() == other.resolve()
