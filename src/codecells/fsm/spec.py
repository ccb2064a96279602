"""The data model of a lifecycle definition: states, guards, effects, transitions, rejections.

Everything here is plain, serialisable data (pydantic). The executor, the diagrams and the
model-based tests all read the same `LifecycleDefinition`.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from ..kinds import CellKind
from .triggers import State, Trigger

__all__ = [
    "Effect",
    "Guard",
    "LifecycleDefinition",
    "Rejection",
    "RejectionSpec",
    "TransitionSpec",
]


class Guard(StrEnum):
    """Named conditions a transition can require (`conditions`) or forbid (`unless`).

    A machine's host implements each as a method of the same name returning ``bool``.
    """

    OBSERVER_FREE = "observer_free"
    OBSERVER_ATTACHED = "observer_attached"
    ALREADY_ATTACHED = "already_attached"
    YIELD_READY = "yield_ready"
    FIRST_UNOBSERVED_YIELD = "first_unobserved_yield"
    HAS_QUEUED_INPUT = "has_queued_input"
    AWAITING_INPUT = "awaiting_input"
    GENERATION_CURRENT = "generation_current"
    GENERATION_CONSUMED = "generation_consumed"
    GENERATION_CLAIMED = "generation_claimed"
    JOURNALED = "journaled"
    AT_FRONTIER = "at_frontier"
    OUTPUT_FITS = "output_fits"
    FAILED = "failed"


class Effect(StrEnum):
    """Named actions run after a transition; the host implements each as a method."""

    APPEND_OUTPUT = "append_output"
    REFUSE_OUTPUT = "refuse_output"
    DISPATCH_TOOL_CALL = "dispatch_tool_call"
    DISPATCH_NOTIFICATION = "dispatch_notification"
    SCHEDULE_TIMER = "schedule_timer"
    CANCEL_TIMER = "cancel_timer"
    QUEUE_INPUT = "queue_input"
    RUN_STEP = "run_step"
    STOP_ENGINE = "stop_engine"
    ENSURE_STEP = "ensure_step"
    AWAIT_INPUT = "await_input"
    OPEN_FRONTIER = "open_frontier"
    CONSUME_FRONTIER = "consume_frontier"
    REPLY_ALREADY_RUNNING = "reply_already_running"
    ATTACH_OBSERVER = "attach_observer"
    WAKE_OBSERVER = "wake_observer"
    BUFFER_INITIAL_YIELD = "buffer_initial_yield"
    DELIVER_YIELDED = "deliver_yielded"
    DELIVER_FRONTIER = "deliver_frontier"
    COMMIT_WRITES = "commit_writes"
    RECORD_FAILURE = "record_failure"
    RECORD_COMPLETION = "record_completion"
    ANNOUNCE_COMPLETION = "announce_completion"
    CLAIM_COMPLETION = "claim_completion"
    BEGIN_TERMINATION = "begin_termination"
    PUBLISH_TERMINATED = "publish_terminated"
    CLOSE_CELL = "close_cell"
    RELEASE_ENGINE = "release_engine"
    HOLD_FRONTIER = "hold_frontier"
    HOLD_COMPLETION = "hold_completion"
    DETACH_CELL = "detach_cell"
    REDISPATCH_CALLS = "redispatch_calls"


class Rejection(StrEnum):
    """Why a control request is refused; each maps to an error of `codecells.errors`."""

    BUSY_OBSERVER = "busy_observer"
    CLOSED_CELL = "closed_cell"
    ALREADY_TERMINATING = "already_terminating"
    INVALID_GENERATION = "invalid_generation"
    NOT_AT_FRONTIER = "not_at_frontier"
    NOT_DURABLE = "not_durable"


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TransitionSpec(_Data):
    """One row of the table: in `source`, `trigger` leads to `dest` when the guards allow.

    Rows with the same (source, trigger) are tried in order; the first whose `conditions`
    all hold and whose `unless` guards all fail is taken. `internal` rows keep the state and
    run only their effects (no exit/enter).
    """

    trigger: Trigger
    source: State
    dest: State
    conditions: tuple[Guard, ...] = ()
    unless: tuple[Guard, ...] = ()
    internal: bool = False
    effects: tuple[Effect, ...] = ()
    description: str

    @property
    def guarded(self) -> bool:
        """True when the row has any condition or unless guard."""
        return bool(self.conditions or self.unless)


class RejectionSpec(_Data):
    """A control request refused in `source` when no transition row matches it."""

    trigger: Trigger
    source: State
    error: Rejection
    description: str


class LifecycleDefinition(_Data):
    """The complete lifecycle of one cell kind, as data."""

    kind: CellKind
    states: tuple[State, ...]
    initial: State
    final_states: tuple[State, ...]
    transitions: tuple[TransitionSpec, ...]
    rejections: tuple[RejectionSpec, ...] = ()
    state_descriptions: dict[State, str] = Field(default_factory=dict)
    guard_descriptions: dict[Guard, str] = Field(default_factory=dict)

    @property
    def triggers(self) -> tuple[Trigger, ...]:
        """Every trigger used by a transition, in `Trigger` declaration order."""
        used = {t.trigger for t in self.transitions}
        return tuple(t for t in Trigger if t in used)

    @property
    def guards(self) -> tuple[Guard, ...]:
        """Every guard used by a transition, in `Guard` declaration order."""
        used = {g for t in self.transitions for g in (*t.conditions, *t.unless)}
        return tuple(g for g in Guard if g in used)

    @property
    def effects(self) -> tuple[Effect, ...]:
        """Every effect used by a transition, in `Effect` declaration order."""
        used = {e for t in self.transitions for e in t.effects}
        return tuple(e for e in Effect if e in used)

    def rows(self, source: State, trigger: Trigger) -> tuple[TransitionSpec, ...]:
        """The transition rows for (source, trigger), in the order they are tried."""
        return tuple(t for t in self.transitions if t.source == source and t.trigger == trigger)

    def rejection(self, source: State, trigger: Trigger) -> RejectionSpec | None:
        """The declared refusal of `trigger` in `source`, if any."""
        for r in self.rejections:
            if r.source == source and r.trigger == trigger:
                return r
        return None
