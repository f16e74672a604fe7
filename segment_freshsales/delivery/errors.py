"""The error that stops delivery: Freshsales refused the API key."""

from __future__ import annotations

__all__ = ["AuthError"]


class AuthError(Exception):
    """Freshsales refused the API key (401) or its permissions (403): sending stopped.

    Every message not delivered was kept in the dead-letter file for replay.
    """

    def __init__(self, status: int, detail: str) -> None:
        self.status = status
        self.detail = detail
        problem = (
            "the API key is wrong or revoked"
            if status == 401
            else "the API key's user lacks permission for this call"
        )
        super().__init__(f"Freshsales answered {status}: {problem} ({detail})")
