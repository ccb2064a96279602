"""Model-based testing generated from the lifecycle definitions of `codecells.fsm`.

- paths: `paths`, `shortest_paths`, `transition_paths`, `simple_paths` (XState-style; every
  row covered, internal rows and guarded branches included, each step carrying the guard
  assignment that selects its row);
- `TestModel`: replay those paths against your system (sync or async), per-state assertions;
- `lifecycle_state_machine`: a Hypothesis `RuleBasedStateMachine` drawing only enabled steps;
- `check_trace`: conformance of a recorded `codecells.fsm.Trace`;
- `ScriptedEngine`: a deterministic `Engine` double to drive a real executor.
"""

from __future__ import annotations

from .conformance import TraceError, TraceReport, check_trace
from .drivers import MachineDriver
from .model import Path, Step, dead_rows, guard_assignment, row_steps
from .paths import (
    Cover,
    PathContext,
    enabled_steps,
    path_to_final,
    paths,
    shortest_paths,
    simple_paths,
    steps_toward_untaken,
    transition_paths,
    uncovered_rows,
)
from .runner import PathFailure, RunReport, TestModel
from .scripted import Gate, ScriptedEngine, ScriptError, ScriptStep
from .stateful import Driver, lifecycle_state_machine

__all__ = [
    "Cover",
    "Driver",
    "Gate",
    "MachineDriver",
    "Path",
    "PathContext",
    "PathFailure",
    "RunReport",
    "ScriptError",
    "ScriptStep",
    "ScriptedEngine",
    "Step",
    "TestModel",
    "TraceError",
    "TraceReport",
    "check_trace",
    "dead_rows",
    "enabled_steps",
    "guard_assignment",
    "lifecycle_state_machine",
    "path_to_final",
    "paths",
    "row_steps",
    "shortest_paths",
    "simple_paths",
    "steps_toward_untaken",
    "transition_paths",
    "uncovered_rows",
]
