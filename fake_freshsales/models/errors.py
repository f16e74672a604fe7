"""The one exception the models raise, carrying Freshsales' error status and messages."""

from __future__ import annotations

from typing import Any

NOT_FOUND = "The resource you have specified cannot be found."


class ApiError(Exception):
    """An error answer: `{"errors": {"code": N, "message": [...]}}` with HTTP status N."""

    def __init__(self, code: int, *messages: str) -> None:
        super().__init__(f"{code}: {'; '.join(messages)}")
        self.code = code
        self.messages = list(messages)

    def body(self) -> dict[str, Any]:
        return {"errors": {"code": self.code, "message": self.messages}}


def bad_request(*messages: str) -> ApiError:
    return ApiError(400, *messages)


def not_found() -> ApiError:
    return ApiError(404, NOT_FOUND)


def type_invalid(field: str) -> str:
    """The message Freshsales gives for a value of the wrong JSON type ([C] for sales_accounts)."""
    return f"The type for {field} is invalid."


def invalid_link(field: str) -> str:
    """A link to a record that does not exist, worded like "Invalid contact status provided."."""
    return f"Invalid {field} provided."


def blank(label: str) -> str:
    return f"{label} can't be blank"
