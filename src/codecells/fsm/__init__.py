"""Cell lifecycles declared once, as data, per kind, and built into `transitions` machines.

>>> from codecells import CellKind
>>> from codecells.fsm import definition, build_machine
>>> d = definition(CellKind.PAUSABLE)
>>> d.initial, d.final_states
(<State.RUNNING: 'running'>, (<State.TERMINATED: 'terminated'>, <State.CLOSED: 'closed'>))
"""

from __future__ import annotations

from .build import GuardOracle, LeanMachine, build_machine, shared_machine
from .definition import definition
from .spec import (
    Effect,
    Guard,
    LifecycleDefinition,
    Rejection,
    RejectionSpec,
    TransitionSpec,
)
from .trace import Trace, TraceStep
from .triggers import CONTROL_TRIGGERS, ENGINE_TRIGGERS, State, Trigger
from .validate import DefinitionError, reachable_states, validate_definition

__all__ = [
    "CONTROL_TRIGGERS",
    "ENGINE_TRIGGERS",
    "DefinitionError",
    "Effect",
    "Guard",
    "GuardOracle",
    "LeanMachine",
    "LifecycleDefinition",
    "Rejection",
    "RejectionSpec",
    "State",
    "Trace",
    "TraceStep",
    "TransitionSpec",
    "Trigger",
    "build_machine",
    "definition",
    "reachable_states",
    "shared_machine",
    "validate_definition",
]
