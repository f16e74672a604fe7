"""How a command stops early: Ctrl-C and SIGTERM alike, and a reader that went away.

SIGTERM (`timeout`, systemd, `docker stop`) is raised as `Terminated`, a KeyboardInterrupt, at
the point Ctrl-C would raise one: whatever keeps the unsent messages on Ctrl-C keeps them on
SIGTERM too. Each ends with the shell's status for the signal (128 + its number).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from types import FrameType
from typing import Any, TypeAlias

__all__ = [
    "EXIT_BROKEN_PIPE",
    "EXIT_INTERRUPTED",
    "EXIT_TERMINATED",
    "Terminated",
    "exit_status",
    "held_signals",
    "sigterm_as_interrupt",
    "stop_reason",
]

EXIT_INTERRUPTED = 128 + signal.SIGINT  # 130
EXIT_TERMINATED = 128 + signal.SIGTERM  # 143
# What a shell reports for a writer killed by SIGPIPE (`... | head -1`): the same status, so a
# pipeline under `set -o pipefail` reads it as it would for any other command.
EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE  # 141

_Handler: TypeAlias = Callable[[int, FrameType | None], Any] | int | signal.Handlers


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived."""


def exit_status(interrupt: KeyboardInterrupt) -> int:
    """130 after Ctrl-C, 143 after SIGTERM."""
    return EXIT_TERMINATED if isinstance(interrupt, Terminated) else EXIT_INTERRUPTED


def stop_reason(interrupt: KeyboardInterrupt) -> str:
    """The signal in words, for `stopped: ...`."""
    return "terminated (SIGTERM)" if isinstance(interrupt, Terminated) else "interrupted (Ctrl-C)"


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated


@contextmanager
def _handling(handlers: dict[int, _Handler]) -> Iterator[None]:
    """These signal handlers while inside, the previous ones back after."""
    # Python lets only the main thread set signal handlers (a test may call main() elsewhere).
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.signal(number, handler) for number, handler in handlers.items()}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)


def sigterm_as_interrupt() -> AbstractContextManager[None]:
    """SIGTERM raises Terminated while inside."""
    return _handling({signal.SIGTERM: _terminate})


def held_signals() -> AbstractContextManager[None]:
    """Ctrl-C and SIGTERM are ignored while inside, so a second one (an impatient user, a
    supervisor repeating itself) cannot cut short the keeping of what the first left unsent."""
    return _handling({signal.SIGINT: signal.SIG_IGN, signal.SIGTERM: signal.SIG_IGN})
