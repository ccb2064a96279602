"""Every input a cell's machine accepts, as typed enums: no bare trigger strings elsewhere."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["CONTROL_TRIGGERS", "ENGINE_TRIGGERS", "State", "Trigger"]


class State(StrEnum):
    """Lifecycle states of a cell."""

    RUNNING = "running"
    """JavaScript has runnable work, or a step of it is in flight."""
    PENDING = "pending"
    """At a pending frontier: nothing runnable, waiting only on tool results or timers."""
    COMPLETED = "completed"
    """The script settled and its stored-value writes are committed; the result awaits its claim."""
    TERMINATING = "terminating"
    """Termination requested: the script is being stopped and callbacks cancelled."""
    TERMINATED = "terminated"
    """Final: the cell was stopped; `Terminated` published; writes discarded."""
    CLOSED = "closed"
    """Final: the completion was claimed (observed, terminated or shut down) and the cell removed."""
    SUSPENDED = "suspended"
    """Durable pausable cells: at a frontier with the engine released; the store keeps the cell."""
    DETACHING = "detaching"
    """Durable pausable cells at session shutdown: the step in flight is being stopped; the store
    keeps the cell as of its last journaled step, as after a crash."""
    DETACHED = "detached"
    """Final, durable pausable cells: this process let go of the cell; the store keeps it."""


class Trigger(StrEnum):
    """Engine events and control requests fed into a cell's machine."""

    # engine events
    STARTED = "started"
    OUTPUT = "output"
    YIELD_REQUESTED = "yield_requested"
    TOOL_CALL = "tool_call"
    INLINE_TOOL_CALL = "inline_tool_call"
    TOOL_ANSWERED = "tool_answered"
    NOTIFICATION = "notification"
    QUIESCENT = "quiescent"
    TIMER_SET = "timer_set"
    TIMER_CLEARED = "timer_cleared"
    TOOL_RESULT = "tool_result"
    TIMER_FIRED = "timer_fired"
    FINISHED_OK = "finished_ok"
    FINISHED_ERROR = "finished_error"
    RUNTIME_LOST = "runtime_lost"
    # control requests
    OBSERVE = "observe"
    YIELD_DUE = "yield_due"
    RESUME = "resume"
    TERMINATE = "terminate"
    SHUTDOWN = "shutdown"
    CLEANUP_DONE = "cleanup_done"
    SUSPEND = "suspend"
    RESTORED = "restored"
    # the executor's own failure
    EFFECT_FAILED = "effect_failed"
    """A guard or effect raised (a host bug, or a broken engine or delegate): the cell fails."""
    HANDLING_FAILED = "handling_failed"
    """An effect of `effect_failed` raised too (say a store that keeps failing): the cell ends
    without it."""


ENGINE_TRIGGERS: frozenset[Trigger] = frozenset(
    {
        Trigger.STARTED,
        Trigger.OUTPUT,
        Trigger.YIELD_REQUESTED,
        Trigger.TOOL_CALL,
        Trigger.INLINE_TOOL_CALL,
        Trigger.TOOL_ANSWERED,
        Trigger.NOTIFICATION,
        Trigger.QUIESCENT,
        Trigger.TIMER_SET,
        Trigger.TIMER_CLEARED,
        Trigger.TOOL_RESULT,
        Trigger.TIMER_FIRED,
        Trigger.FINISHED_OK,
        Trigger.FINISHED_ERROR,
        Trigger.RUNTIME_LOST,
    }
)
CONTROL_TRIGGERS: frozenset[Trigger] = frozenset(set(Trigger) - ENGINE_TRIGGERS)
