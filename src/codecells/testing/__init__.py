"""Model-based testing generated from the lifecycle definitions of `codecells.fsm`.

- paths: `paths`, `shortest_paths`, `transition_paths`, `simple_paths` (XState-style; every
  row covered, internal rows and guarded branches included, each step carrying the guard
  assignment that selects its row);
- `TestModel`: replay those paths against your system (sync or async), per-state assertions;
- `lifecycle_state_machine`: a Hypothesis `RuleBasedStateMachine` drawing only enabled steps;
- `check_trace`: conformance of a recorded `codecells.fsm.Trace`;
- `ScriptedEngine`: a deterministic `Engine` double to drive a real executor;
- the ready suite for your own host: `Host`, `run_host_suite` / `check_host`, `host_suite`
  (pytest), ``codecells test-host module:factory``; predictions in `predict`;
- `Coverage`, `coverage_of`: rows, guards and effects exercised by recorded traces.
"""

from __future__ import annotations

from .conformance import TraceError, TraceReport, check_trace
from .coverage import Coverage, coverage_of
from .drivers import MachineDriver
from .host import Host, HostDriver, PredictionError
from .model import Path, Step, dead_rows, effective_guards, guard_assignment, row_steps
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
from .predict import EFFECTS, GUARD_FACTS, EffectModel, Facts, HostContext, Observables, Reference
from .runner import PathFailure, RunReport, TestModel
from .scripted import Gate, ScriptedEngine, ScriptError, ScriptStep
from .stateful import Driver, StopCondition, every_row_taken, lifecycle_state_machine, run_until
from .suite import HostFactory, HostReport, check_host, host_suite, run_host_suite

__all__ = [
    "EFFECTS",
    "GUARD_FACTS",
    "Coverage",
    "EffectModel",
    "Facts",
    "Host",
    "HostContext",
    "HostDriver",
    "HostFactory",
    "HostReport",
    "Observables",
    "PredictionError",
    "Reference",
    "StopCondition",
    "check_host",
    "coverage_of",
    "effective_guards",
    "every_row_taken",
    "host_suite",
    "run_host_suite",
    "run_until",
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
