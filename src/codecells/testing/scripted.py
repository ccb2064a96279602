"""`ScriptedEngine`: an `Engine` that plays back chosen events, for deterministic executor tests.

A script is a list of steps; each step is the list of events one `Engine.step()` returns,
ending with a step end (`Quiescent`, `Finished`, `Lost` or `Interrupted`), or a callable that
builds that list from the commands the step consumed. A `Gate` holds a step in flight until
the test releases it or interrupts the engine.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable, Sequence

from ..engine.protocol import (
    AnyEngineCommand,
    AnyEngineEvent,
    Finished,
    Interrupted,
    Lost,
    Quiescent,
)
from ._queue import CommandQueue

__all__ = ["Gate", "ScriptError", "ScriptStep", "ScriptedEngine"]

ScriptStep = Sequence[AnyEngineEvent] | Callable[[list[AnyEngineCommand]], Sequence[AnyEngineEvent]]
"""The events of one step, or a function of the commands it consumed returning them."""

_STEP_ENDS = (Quiescent, Finished, Lost, Interrupted)


class ScriptError(ValueError):
    """A scripted step is malformed (it must end with exactly one step end)."""


def _checked(events: Sequence[AnyEngineEvent]) -> list[AnyEngineEvent]:
    ends = [i for i, e in enumerate(events) if isinstance(e, _STEP_ENDS)]
    if ends != [len(events) - 1]:
        raise ScriptError(f"a step must end with exactly one step end, got {list(events)!r}")
    return list(events)


class Gate:
    """Holds one scripted step in flight: `entered` is set once the step started; the step
    returns its events after `release()`, or `Interrupted` if the engine is interrupted first."""

    def __init__(self, cond: threading.Condition) -> None:
        self._cond = cond
        self._released = False
        self.entered = threading.Event()

    def release(self) -> None:
        """Let the held step finish."""
        with self._cond:
            self._released = True
            self._cond.notify_all()

    @property
    def released(self) -> bool:
        """True once `release()` was called."""
        return self._released


class ScriptedEngine(CommandQueue):
    """An `Engine` (see `codecells.engine.protocol`) that returns scripted steps in order.

    Posted commands are recorded in `commands` and wait in the queue until the next step,
    which consumes them (`applied` holds each step's consumed commands). After the script runs
    out, steps return `exhausted` (default: `Lost`). `interrupt()` makes the held or next step,
    and every later one, return `Interrupted`; with ``interruptible=False`` it is only recorded
    and steps play on, as when a step's events were already produced when the interrupt landed
    (late events reach a terminating cell). Calling `step` concurrently raises.
    """

    def __init__(
        self,
        script: Iterable[ScriptStep] = (),
        *,
        exhausted: AnyEngineEvent | None = None,
        interruptible: bool = True,
    ) -> None:
        super().__init__()
        self._script: deque[ScriptStep] = deque()
        self._gates: dict[int, Gate] = {}
        self._in_step = False
        self._interruptible = interruptible
        self._exhausted = exhausted or Lost(message="scripted engine: the script ran out")
        self.commands: list[AnyEngineCommand] = []
        self.applied: list[list[AnyEngineCommand]] = []
        self.returned: list[list[AnyEngineEvent]] = []
        self.interrupted = False
        self.closed = False
        self.add(*script)

    def add(self, *steps: ScriptStep) -> None:
        """Append steps to the script."""
        checked = [s if callable(s) else _checked(s) for s in steps]
        with self._cond:
            self._script.extend(checked)

    def hold(self, index: int | None = None) -> Gate:
        """Gate step number `index` (0-based; default: the next step to run)."""
        with self._cond:
            gate = Gate(self._cond)
            self._gates[len(self.applied) if index is None else index] = gate
            return gate

    @property
    def steps_run(self) -> int:
        """How many steps have started."""
        return len(self.applied)

    def _posted(self, command: AnyEngineCommand) -> None:
        self.commands.append(command)

    def step(self) -> list[AnyEngineEvent]:
        """Consume the queued commands and return the next scripted step."""
        with self._cond:
            if self._in_step:
                raise RuntimeError("ScriptedEngine.step called while another step runs")
            self._in_step = True
            consumed = self._take_queued()
            index = len(self.applied)
            self.applied.append(consumed)
            planned = self._script.popleft() if self._script else None
            gate = self._gates.pop(index, None)
            if gate is not None:
                gate.entered.set()
                self._cond.wait_for(lambda: gate.released or self._stopped)
        try:
            events = self._play(planned, consumed)
        finally:
            with self._cond:
                self._in_step = False
        self.returned.append(events)
        return events

    def _play(
        self, planned: ScriptStep | None, consumed: list[AnyEngineCommand]
    ) -> list[AnyEngineEvent]:
        if self._stopped:
            return [Interrupted()]
        if planned is None:
            return [self._exhausted]
        return _checked(planned(consumed)) if callable(planned) else list(planned)

    @property
    def _stopped(self) -> bool:
        return self.closed or (self.interrupted and self._interruptible)

    def interrupt(self) -> None:
        """Make the held or next step, and all later ones, return `Interrupted`."""
        with self._cond:
            self.interrupted = True
            self._cond.notify_all()

    def close(self) -> None:
        """Mark the engine closed (idempotent); a held or later step returns `Interrupted`."""
        with self._cond:
            self.closed = True
            self._cond.notify_all()
