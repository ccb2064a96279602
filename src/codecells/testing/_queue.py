"""The command queue the test engines share: posted from any thread, consumed by a step."""

from __future__ import annotations

import threading

from ..engine.protocol import AnyEngineCommand

__all__ = ["CommandQueue"]


class CommandQueue:
    """Commands posted from any thread wait here until the next engine step takes them."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._queue: list[AnyEngineCommand] = []

    def post(self, command: AnyEngineCommand) -> None:
        """Queue `command` for the next step."""
        with self._cond:
            self._posted(command)
            self._queue.append(command)

    def _posted(self, command: AnyEngineCommand) -> None:
        """Called (under the lock) for every posted command."""

    @property
    def has_queued_input(self) -> bool:
        """True when posted commands wait for the next step."""
        with self._cond:
            return bool(self._queue)

    def _take_queued(self) -> list[AnyEngineCommand]:
        """The queued commands, removed (call with the lock held)."""
        taken, self._queue = self._queue, []
        return taken
