"""Errors raised by codecells (CONTRACT §7). ``str(err)`` is exactly the contract's message."""

from __future__ import annotations

__all__ = [
    "AlreadyTerminating",
    "BusyObserver",
    "ClosedCell",
    "CodeCellsError",
    "EngineError",
    "InvalidGeneration",
    "MissingCell",
    "ShuttingDown",
    "WrongCellKind",
]


class CodeCellsError(Exception):
    """Base class of every codecells error."""


class ShuttingDown(CodeCellsError):
    """The session is shutting down and accepts no new cells."""

    def __init__(self) -> None:
        super().__init__("code mode session is shutting down")


class _CellError(CodeCellsError):
    template = ""

    def __init__(self, cell_id: str) -> None:
        self.cell_id = cell_id
        super().__init__(self.template.format(cell_id=cell_id))


class MissingCell(_CellError):
    """No live cell has this id in the session."""

    template = "exec cell {cell_id} not found"


class BusyObserver(_CellError):
    """Another caller is already observing this cell."""

    template = "exec cell {cell_id} already has an active observer"


class AlreadyTerminating(_CellError):
    """A termination of this cell is already in progress (or its completion was claimed)."""

    template = "exec cell {cell_id} is already terminating"


class ClosedCell(_CellError):
    """The cell stopped accepting requests (it is terminating or closed)."""

    template = "exec cell {cell_id} closed unexpectedly"


class WrongCellKind(CodeCellsError):
    """The cell exists but is of the other kind."""

    def __init__(self, cell_id: str, expected: str, actual: str) -> None:
        self.cell_id = cell_id
        self.expected = str(expected)
        self.actual = str(actual)
        super().__init__(f"exec cell {cell_id} is {self.actual}, expected {self.expected}")


class InvalidGeneration(CodeCellsError):
    """``resume`` named a generation the cell has not reached."""

    def __init__(self, cell_id: str, requested: int, latest: int | None) -> None:
        self.cell_id = cell_id
        self.requested = requested
        self.latest = latest
        shown = "none" if latest is None else str(latest)
        super().__init__(
            f"exec cell {cell_id} cannot resume generation {requested}; latest generation is {shown}"
        )


class EngineError(CodeCellsError):
    """The JavaScript engine failed; the message is the engine's."""
