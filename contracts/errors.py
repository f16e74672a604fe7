"""The one error the contracts package raises for bad input: a file, a field, a problem."""

from __future__ import annotations

__all__ = ["ContractError"]


class ContractError(Exception):
    """A malformed contract file, a bad flag or setting: the CLI prints it as one line, exit 2.

    `where` names the file (or flag) and `field` the JSON path inside it, when there is one.
    """

    def __init__(self, where: str, problem: str, field: str | None = None) -> None:
        self.where = where
        self.field = field
        self.problem = problem
        location = where if field is None else f"{where}: {field}"
        super().__init__(f"{location}: {problem}")
