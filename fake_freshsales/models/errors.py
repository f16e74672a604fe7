"""The one exception the models raise, carrying Freshsales' error status and messages."""

from __future__ import annotations

from typing import Any

# [I] No real answer to an unknown route was found; kept short and generic.
ROUTE_NOT_FOUND = "Not found."
BODY_NOT_OBJECT = "The request body must be a JSON object."


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


def missing(param: str) -> str:
    """[I] Rails' ActionController::ParameterMissing text; Freshsales is a Rails app."""
    return f"param is missing or the value is empty: {param}"


def not_found(label: str) -> ApiError:
    """A record id the account does not hold, e.g. "The sales account is not in the CRM.".

    The "is not in the CRM" tail was seen live for contacts (E3); [I] the "The <label>" prefix.
    """
    return ApiError(404, f"The {label} is not in the CRM.")


def route_not_found() -> ApiError:
    """A route that does not exist (or not on this host, or not with this account's switches)."""
    return ApiError(404, ROUTE_NOT_FOUND)


def type_invalid(field: str) -> str:
    """The message Freshsales gives for a value of the wrong JSON type ([C] for sales_accounts)."""
    return f"The type for {field} is invalid."


def invalid_param(name: str) -> str:
    """A query parameter with a value the route cannot use, e.g. "Invalid f provided."."""
    return f"Invalid {name} provided."


def invalid_link(field: str) -> str:
    """A link to something that does not exist: `contact_status_id` gives "Invalid contact
    status provided." (seen live, E3); [I] the same wording for every other `<x>_id`."""
    return invalid_param(field.removesuffix("_id").replace("_", " "))


def blank(label: str) -> str:
    return f"{label} can't be blank"
