"""The thin executor: one `CellExecutor` per cell feeds engine events and control requests into
the cell's lifecycle machine; the machine's rows decide, the executor's effects carry them out."""

from __future__ import annotations

from .cell import CellExecutor, CellHost, LifecycleError

__all__ = ["CellExecutor", "CellHost", "LifecycleError"]
