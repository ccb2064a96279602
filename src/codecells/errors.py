"""Errors raised by codecells (CONTRACT §7). ``str(err)`` is exactly the contract's message."""

from __future__ import annotations

from typing import Any

__all__ = [
    "AlreadyTerminating",
    "BusyObserver",
    "CannotSuspend",
    "ClosedCell",
    "CodeCellsError",
    "EngineError",
    "InvalidGeneration",
    "MissingCell",
    "ReplayDiverged",
    "ShuttingDown",
    "StoreError",
    "UnknownToolCall",
    "WrongCellKind",
]


class CodeCellsError(Exception):
    """Base class of every codecells error. Errors pickle and copy as they are: message and
    attributes, whatever built them (a constructor, or a Ray proxy raising a host's error)."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (type(self), self.args), vars(self))


def _restore(cls: type[CodeCellsError], args: tuple[Any, ...]) -> CodeCellsError:
    """`cls` with `args`, not calling its constructor (its arguments are not the message)."""
    error = Exception.__new__(cls)
    error.args = args
    return error


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
        shown = latest or "none"  # as CONTRACT §7 writes it (generations start at 1)
        super().__init__(
            f"exec cell {cell_id} cannot resume generation {requested}; latest generation is {shown}"
        )


class EngineError(CodeCellsError):
    """The JavaScript engine failed; the message is the engine's."""


class CannotSuspend(CodeCellsError):
    """``suspend()`` was refused: the cell is not at a pending frontier, or has no store."""

    def __init__(self, cell_id: str, reason: str) -> None:
        self.cell_id = cell_id
        self.reason = reason
        super().__init__(f"exec cell {cell_id} cannot be suspended: {reason}")


class UnknownToolCall(CodeCellsError):
    """``answer()`` named a call that is not outstanding (unknown, already answered, or run by
    the host)."""

    def __init__(self, cell_id: str, call_id: str) -> None:
        self.cell_id = cell_id
        self.call_id = call_id
        super().__init__(
            f"exec cell {cell_id} has no externally answered call {call_id} waiting for an answer"
        )


class ReplayDiverged(CodeCellsError):
    """Restoring a durable cell replayed its journal and got different results; the store was
    left as it was."""

    def __init__(self, cell_id: str, step: int, reason: str) -> None:
        self.cell_id = cell_id
        self.step = step
        self.reason = reason
        super().__init__(
            f"exec cell {cell_id} cannot be restored: its journal diverged at step {step}: {reason}"
        )


class StoreError(CodeCellsError):
    """The durable store cannot be opened, read or written; the message says why."""
