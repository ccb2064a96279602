"""Recorded runs: every transition a cell's machine took, serialisable to and from JSON."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ..kinds import CellKind
from .triggers import State, Trigger

__all__ = ["Trace", "TraceStep"]


class TraceStep(BaseModel):
    """One transition taken: `trigger` moved the machine from `source` to `dest` at `at`
    (``time.monotonic()`` seconds); `internal` when the state did not change by design; `row`,
    when known, is the index of the row taken in ``definition(kind).transitions`` (which guarded
    branch)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    trigger: Trigger
    source: State
    dest: State
    internal: bool = False
    at: float = 0.0
    row: int | None = None


class Trace(BaseModel):
    """The transitions of one cell, in order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: CellKind
    cell_id: str | None = None
    steps: tuple[TraceStep, ...] = Field(default_factory=tuple)

    def to_json(self) -> str:
        """This trace as JSON text."""
        return self.model_dump_json(indent=2)

    @classmethod
    def from_json(cls, text: str) -> Trace:
        """Parse a trace written by `to_json`."""
        return cls.model_validate_json(text)
