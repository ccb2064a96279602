"""`MachineDriver`: the definition's own `transitions` machine as a system under test."""

from __future__ import annotations

from transitions import Machine

from ..fsm import State, build_machine
from ._defs import Lifecycle, lifecycle
from .model import Step

__all__ = ["MachineDriver"]


class MachineDriver:
    """Drives `build_machine(kind)` (a kind or a definition) with a `GuardOracle` host: each
    step fires its trigger with its guard assignment. A reference `Driver`, and a check of the
    machine builder itself."""

    def __init__(self, kind: Lifecycle) -> None:
        self.definition = lifecycle(kind)
        self.kind = self.definition.kind
        self.machine: Machine = build_machine(self.definition)

    def reset(self) -> None:
        """Back to the initial state."""
        self.machine.set_state(self.definition.initial.value)

    def apply(self, step: Step) -> None:
        """Fire `step.trigger` with `guards=step.guards`."""
        self.machine.trigger(step.trigger.value, guards=step.guards)

    def state(self) -> State:
        """The machine's state."""
        return State(self.machine.state)

    def close(self) -> None:
        """Nothing to release."""
