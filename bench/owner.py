"""Who owns the benchmarks' sales activities: a real account refuses an activity without an
owner, and the fake's account has one user, whom `GET /selector/owners` lists by this email."""

from __future__ import annotations

__all__ = ["fake_user"]


def fake_user(domain: str) -> str:
    """The email of the one user of the fake's account for `domain`."""
    return f"api-user@{domain}.example.com"
