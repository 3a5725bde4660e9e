"""Errors a user can act on; the CLI prints them as ``Error: ...`` and exits 1."""

from __future__ import annotations

from collections.abc import Sequence


class GenaiKgError(Exception):
    """Base class of every error genai-kg reports to a user."""


class DataError(GenaiKgError):
    """The dataset is wrong; carries every problem found, not just the first."""

    def __init__(self, problems: Sequence[str], what: str = "the data") -> None:
        self.problems = list(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in {what}:"
        super().__init__("\n".join([head, *self.problems]))


class OutputError(GenaiKgError, OSError):
    """A file could not be written (full disk, no permission, no such folder); still an OSError."""

    def __init__(self, path: object, cause: OSError) -> None:
        reason = (cause.strerror or str(cause)).lower()
        super().__init__(cause.errno, f"{reason} while writing {str(path)!r}")
        self.path = path

    def __str__(self) -> str:
        return str(self.strerror)


class NotFoundError(GenaiKgError):
    """A name (role, skill, course, query ...) does not resolve."""


class QueryError(GenaiKgError):
    """A SPARQL query is malformed, forbidden or failed."""


class QueryTimeout(QueryError):
    """A query ran past its time limit (its worker may still be running)."""


class EndpointError(GenaiKgError):
    """A remote SPARQL endpoint or graph store could not be used."""


class EndpointTimeout(EndpointError):
    """A remote endpoint sent no complete answer within the time allowed."""


class NoPlanError(GenaiKgError):
    """No course sequence reaches the goal; names the skills no usable course teaches."""

    def __init__(self, message: str, unreachable: Sequence[str]) -> None:
        self.unreachable = tuple(unreachable)
        super().__init__(message)
