"""What an executor asks of a cell's journal (durable cells), and the journal of every other cell.

The executor stays ignorant of stores: its guards and effects call these methods, and a cell
without a store gets `NO_JOURNAL`, whose answers make the durable rows of the table never apply
(`durable` is False) and whose claims always succeed.
"""

from __future__ import annotations

from typing import Protocol

from ..engine.protocol import AnyEngineCommand
from ..events import Item
from ..json_types import JsonValue

__all__ = ["NO_JOURNAL", "Journal"]


class Journal(Protocol):
    """A pausable cell's record in a durable store (see `codecells.store.CellJournal`)."""

    @property
    def durable(self) -> bool:
        """True when the cell is kept in a store (it can be suspended and restored)."""
        ...

    def claim(self, generation: int) -> bool:
        """Whether this process may resume frontier `generation` (a compare-and-set in the
        store: another process may have resumed it, or hold the cell); `StoreError` if the
        store fails (nothing claimed)."""
        ...

    def answer(self, command: AnyEngineCommand) -> bool:
        """Record an answer before the machine sees it (`StoreError` if the store fails:
        nothing changes); False when it brings the script nothing new."""
        ...

    def arrive(self, command: AnyEngineCommand) -> bool:
        """`answer` for a host-run tool's result or a timer firing, which a failing store
        never loses in this process; False when it brings the script nothing new."""
        ...

    def observed(self, generation: int) -> None:
        """Frontier `generation` was delivered to an observer for the first time."""
        ...

    async def restore(self) -> None:
        """Rebuild the engine by replaying the journal, if it was released (suspended).

        Raises `ReplayDiverged` and changes nothing in the store when the replay differs."""
        ...

    def suspend(self) -> None:
        """Release the engine and let other processes resume the cell."""
        ...

    def completed(
        self, content: list[Item], error_text: str | None, writes: dict[str, JsonValue]
    ) -> None:
        """Record the completion (its content and error) and commit `writes`, once."""
        ...

    def closed(self) -> None:
        """The cell is gone (claimed or terminated): forget it."""
        ...


class _NoJournal:
    """The journal of a cell kept in memory only."""

    durable = False

    def claim(self, generation: int) -> bool:
        return True

    def answer(self, command: AnyEngineCommand) -> bool:
        return True

    def arrive(self, command: AnyEngineCommand) -> bool:
        return True

    def observed(self, generation: int) -> None:
        return None

    async def restore(self) -> None:
        return None

    def suspend(self) -> None:
        return None

    def completed(
        self, content: list[Item], error_text: str | None, writes: dict[str, JsonValue]
    ) -> None:
        return None

    def closed(self) -> None:
        return None


NO_JOURNAL: Journal = _NoJournal()
