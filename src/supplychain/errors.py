"""One small hierarchy of errors. Every error that concerns a file knows where.

The CLI catches :class:`SupplyChainError` only: anything else reaching the user as a
traceback is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass


class SupplyChainError(Exception):
    """Base class of every error this package raises on purpose."""

    exit_code = 1


@dataclass(frozen=True, order=True)
class Issue:
    """One problem found in a file: where it is and what is wrong.

    ``line`` is 1-based; 0 means the position is unknown. ``path`` is a key path such as
    ``edges[37].target``; empty when the problem concerns the whole file.
    """

    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class GraphValidationError(SupplyChainError):
    """The graph file (or a graph about to be written) is invalid. Carries every issue."""

    def __init__(self, issues: list[Issue]):
        self.issues = sorted(issues, key=lambda i: (i.file, i.line, i.path, i.message))
        super().__init__("\n".join(str(i) for i in self.issues))


class FileFormatError(SupplyChainError):
    """A file cannot be read at all (missing, binary, not YAML, not a report...)."""

    def __init__(self, file: str, line: int, message: str):
        self.issue = Issue(str(file), line, "", message)
        super().__init__(str(self.issue))


class NodeNotFound(SupplyChainError):
    """A name, alias, id or ticker matches no node. Names the value and suggests others."""

    def __init__(self, query: str, suggestions: list[str] | None = None):
        self.query = query
        self.suggestions = suggestions or []
        msg = f"no node matches {query!r}"
        if self.suggestions:
            msg += f" (did you mean {', '.join(repr(s) for s in self.suggestions)}?)"
        else:
            msg += " (try `supplychain search TEXT`)"
        super().__init__(msg)


class AmbiguousNode(SupplyChainError):
    """A name or bare code matches more than one node."""

    def __init__(self, query: str, candidates: list[str]):
        self.query = query
        self.candidates = candidates
        super().__init__(
            f"{query!r} is ambiguous: it matches {', '.join(candidates)}; "
            "use the id or the full ticker with its exchange suffix"
        )


class WrongNodeType(SupplyChainError):
    """A node was found but is not of the type the operation needs."""


class NoPath(SupplyChainError):
    """No path joins two nodes within the given depth."""


class LockedError(SupplyChainError):
    """Another process is writing the same graph file."""
