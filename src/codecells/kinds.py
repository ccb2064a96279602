"""The two kinds of cell. The kind is the single source of truth for a cell's policy."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["CellKind"]


class CellKind(StrEnum):
    """How a cell behaves at a pending frontier."""

    CONTINUING = "continuing"
    """Continues by itself whenever tool results or timers unblock it; observed with ``wait``."""

    PAUSABLE = "pausable"
    """Holds at every pending frontier until ``resume(generation)``; observed with ``wait_to_pending``."""
