"""THE lifecycle table. Everything that decides a cell's lifecycle lives in this one file.

Theory of operation
-------------------
A cell starts `running`: a step of its JavaScript is in flight on a worker thread. The engine
reports what the script did (output, tool calls, notifications, yield requests, timers) and ends
each step either *quiescent* (nothing runnable; waiting only on tool results or timers) or
*finished*. At a quiescent point the cell reaches a **pending frontier**. Here the two kinds differ,
and only here:

* a **continuing** cell enters `pending` and goes back to `running` by itself as soon as a tool
  result or timer firing arrives (or stays `running` when one is already queued);
* a **pausable** cell opens a numbered frontier in `pending`; results and timer firings queue up
  there, and only ``resume(generation)`` with the current generation runs it again: at once with
  what is queued, or — nothing queued — as soon as its next input arrives (so a frontier is
  only ever reached after progress, as in the reference runtime).

A continuing cell's observer waits with a deadline (`yield_due`) and is served on
``yield_control()``; a pausable cell's observer is served at frontiers and never gets `Yielded`.

Finishing commits the stored-value writes and records `Completed`, which waits in `completed`
until it is claimed (observed, terminated or shut down) and the cell moves to `closed`. A
termination request moves `running`/`pending` to `terminating`; engine events that still arrive
there are absorbed (output is kept for the `Terminated` event, a finish loses: its writes are
discarded); the observer attached then stays attached (also one woken just before, which looks
again there) and gets the same `Terminated`; when cleanup is done the cell is `terminated`. Exactly one of `completed` and
`terminating` is entered from a live state, so the table is the one place where "who won" is
decided.

A cell *fails* when its undelivered output outgrows `SessionConfig.output_limit` or a guard or
effect raises (`effect_failed`, fed by the executor): it is stopped at its step end and
completes through `runtime_lost` with the failure as its error, so no cell is ever left stuck.
Every completion commits the writes the script made (CONTRACT §5: "also with an error"): the
engine's end carries them, also when the engine was stopped or lost.
If recording a completed cell's failure raises too (`handling_failed`: a store that keeps
failing), the completion carries the failure without being recorded, and is claimed as usual.

Rows for the same (state, trigger) are tried in order, first match wins. Requests that match no
row are refused with the error named in `REJECTIONS`; anything else unmatched is a bug.

Added states (beyond running/pending/completed/terminating/terminated): `closed`, because CONTRACT
§5 buffers a completion until it is observed (`completed`) and only then removes the cell, so the
claimed completion needs a final state of its own, distinct from `terminated`. Durable pausable
cells (issue 13, docs/durable.md) add `suspended` — a frontier whose engine was released, restored
by replaying the journal on the next current-generation resume — and the final `detached`: the
process let go of a cell the store keeps (session shutdown). A durable cell that is `running` at
shutdown passes through `detaching` while its step is stopped: nothing of that step is journaled,
its tool calls are cancelled (dispatched again when the cell is next resumed), and the store
keeps the cell exactly as a crash at that moment would — a shutdown never loses more than a
crash. A cell loaded from a store starts
`running` like every cell and is moved by `restored` to `suspended` or `completed`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..kinds import CellKind
from .spec import Effect, Guard, Rejection
from .triggers import State, Trigger

__all__ = [
    "FINAL_STATES",
    "GUARD_DESCRIPTIONS",
    "INITIAL",
    "IN_STEP_RESULTS",
    "REJECTIONS",
    "ROWS",
    "STATE_DESCRIPTIONS",
    "Row",
]

S, T, G, E, R = State, Trigger, Guard, Effect, Rejection
C, P = CellKind.CONTINUING, CellKind.PAUSABLE
BOTH = frozenset({C, P})

INITIAL = S.RUNNING
FINAL_STATES = (S.TERMINATED, S.CLOSED, S.DETACHED)
"""A kind's definition lists only the states its rows use (`detached`: pausable only)."""
LIVE = (S.RUNNING, S.PENDING)

STATE_DESCRIPTIONS: dict[State, str] = {
    S.RUNNING: "JavaScript has runnable work; a step is in flight",
    S.PENDING: "at a pending frontier: waiting only on tool results or timers",
    S.COMPLETED: "script settled, writes committed; the completion awaits its claim",
    S.TERMINATING: "stopping the script and cancelling its tool calls and notifications",
    S.TERMINATED: "stopped; Terminated published, writes discarded, cell removed",
    S.CLOSED: "completion claimed; cell removed",
    S.SUSPENDED: "at a frontier with the engine released; the store keeps the cell",
    S.DETACHING: "session shutdown: stopping the step in flight; the store keeps the cell as of "
    "its last journaled step",
    S.DETACHED: "let go by this process; the store keeps the cell (suspended, completed, or at "
    "its last journaled step)",
}

GUARD_DESCRIPTIONS: dict[Guard, str] = {
    G.OBSERVER_FREE: "no other observer is attached",
    G.OBSERVER_ATTACHED: "an observer is attached",
    G.ALREADY_ATTACHED: "the observer is the one attached: woken, it looks again",
    G.YIELD_READY: "output is due now: an initial yield is buffered, or this observer's yield "
    "was requested or its deadline passed",
    G.FIRST_UNOBSERVED_YIELD: "never observed and no initial yield buffered yet",
    G.HAS_QUEUED_INPUT: "a tool result or timer firing is already queued for the script",
    G.AWAITING_INPUT: "resumed with nothing queued: the script waits for its next input (and "
    "this one is new to it)",
    G.GENERATION_CURRENT: "the requested generation is the held frontier's",
    G.GENERATION_CONSUMED: "the requested generation (>= 1) was already resumed",
    G.GENERATION_CLAIMED: "the store grants this process that generation (no other resumed it)",
    G.JOURNALED: "the cell is kept in a durable store",
    G.AT_FRONTIER: "the cell was loaded at a frontier (not with its completion)",
    G.OUTPUT_FITS: "the cell has not failed and the item fits in its output limit",
    G.FAILED: "the host failed the cell (output over its limit, or a guard or effect raised)",
}


@dataclass(frozen=True)
class Row:
    """A row of the shared table; `dest=None` means an internal transition."""

    trigger: Trigger
    sources: tuple[State, ...]
    dest: State | None
    doc: str
    kinds: frozenset[CellKind] = BOTH
    when: tuple[Guard, ...] = ()
    unless: tuple[Guard, ...] = ()
    effects: tuple[Effect, ...] = ()


def _row(
    trigger: Trigger,
    sources: State | tuple[State, ...],
    dest: State | None,
    doc: str,
    *,
    kinds: frozenset[CellKind] | CellKind = BOTH,
    when: tuple[Guard, ...] = (),
    unless: tuple[Guard, ...] = (),
    effects: tuple[Effect, ...] = (),
) -> Row:
    srcs = sources if isinstance(sources, tuple) else (sources,)
    ks = frozenset({kinds}) if isinstance(kinds, CellKind) else kinds
    return Row(trigger, srcs, dest, doc, ks, when, unless, effects)


# The rows, one per line where it fits: this is a table, read it as one.
# fmt: off
ROWS: tuple[Row, ...] = (
    # --- engine events while the script runs -----------------------------------------------------
    _row(T.STARTED, S.RUNNING, None, "the engine started the script"),
    _row(T.OUTPUT, S.RUNNING, None, "buffer an output item",
         when=(G.OUTPUT_FITS,), effects=(E.APPEND_OUTPUT,)),
    _row(T.OUTPUT, S.RUNNING, None, "over the output limit: dropped; the cell fails",
         effects=(E.REFUSE_OUTPUT,)),
    _row(T.TOOL_CALL, S.RUNNING, None, "dispatch the call to the host at once",
         effects=(E.DISPATCH_TOOL_CALL,)),
    _row(T.INLINE_TOOL_CALL, S.RUNNING, None, "a plain `def` tool runs on the step's own thread"),
    _row(T.TOOL_ANSWERED, S.RUNNING, None, "the script got it within the step and ran on",
         kinds=C),
    _row(T.TOOL_ANSWERED, S.RUNNING, None, "hold the result for the script until resume",
         kinds=P, effects=(E.QUEUE_INPUT,)),
    _row(T.NOTIFICATION, S.RUNNING, None, "send the notification to the host",
         effects=(E.DISPATCH_NOTIFICATION,)),
    _row(T.YIELD_REQUESTED, S.RUNNING, None, "serve the waiting observer now",
         kinds=C, when=(G.OBSERVER_ATTACHED,), effects=(E.WAKE_OBSERVER,)),
    _row(T.YIELD_REQUESTED, S.RUNNING, None, "split off the output so far for the first observer",
         kinds=C, when=(G.FIRST_UNOBSERVED_YIELD,), effects=(E.BUFFER_INITIAL_YIELD,)),
    _row(T.YIELD_REQUESTED, S.RUNNING, None, "nobody waiting: output keeps accumulating", kinds=C),
    _row(T.YIELD_REQUESTED, S.RUNNING, None, "pausable cells never yield", kinds=P),
    _row(T.TIMER_SET, S.RUNNING, None, "schedule the timer on the host clock",
         effects=(E.SCHEDULE_TIMER,)),
    _row(T.TIMER_CLEARED, S.RUNNING, None, "cancel the scheduled timer", effects=(E.CANCEL_TIMER,)),
    _row(T.TOOL_RESULT, S.RUNNING, None, "the input the resumed script waited for: run it",
         kinds=P, when=(G.AWAITING_INPUT,), effects=(E.QUEUE_INPUT, E.RUN_STEP)),
    _row(T.TIMER_FIRED, S.RUNNING, None, "the input the resumed script waited for: run it",
         kinds=P, when=(G.AWAITING_INPUT,), effects=(E.QUEUE_INPUT, E.RUN_STEP)),
    _row(T.TOOL_RESULT, S.RUNNING, None, "queue the result for the script",
         effects=(E.QUEUE_INPUT,)),
    _row(T.TIMER_FIRED, S.RUNNING, None, "queue the timer callback for the script",
         effects=(E.QUEUE_INPUT,)),
    # --- the pending frontier: where the kinds differ --------------------------------------------
    _row(T.QUIESCENT, S.RUNNING, None, "the cell failed: stop the script; that step's end ends it",
         when=(G.FAILED,), effects=(E.STOP_ENGINE, E.RUN_STEP)),
    _row(T.QUIESCENT, S.RUNNING, None, "input already queued: run on",
         kinds=C, when=(G.HAS_QUEUED_INPUT,), effects=(E.RUN_STEP,)),
    _row(T.QUIESCENT, S.RUNNING, S.PENDING, "wait for tool results or timers", kinds=C),
    _row(T.QUIESCENT, S.RUNNING, S.PENDING, "open a numbered frontier and hold there",
         kinds=P, effects=(E.OPEN_FRONTIER,)),
    _row(T.TOOL_RESULT, S.PENDING, S.RUNNING, "unblocked: continue by itself",
         kinds=C, effects=(E.QUEUE_INPUT, E.RUN_STEP)),
    _row(T.TIMER_FIRED, S.PENDING, S.RUNNING, "unblocked: continue by itself",
         kinds=C, effects=(E.QUEUE_INPUT, E.RUN_STEP)),
    _row(T.TOOL_RESULT, S.PENDING, None, "held at the frontier until resume",
         kinds=P, effects=(E.QUEUE_INPUT,)),
    _row(T.TIMER_FIRED, S.PENDING, None, "held at the frontier until resume",
         kinds=P, effects=(E.QUEUE_INPUT,)),
    _row(T.RESUME, S.PENDING, S.RUNNING, "resume the current generation with its queued input",
         kinds=P,
         when=(G.GENERATION_CURRENT, G.GENERATION_CLAIMED, G.HAS_QUEUED_INPUT),
         effects=(E.CONSUME_FRONTIER, E.RUN_STEP)),
    _row(T.RESUME, S.PENDING, S.RUNNING, "resume the current generation; run on its next input",
         kinds=P, when=(G.GENERATION_CURRENT, G.GENERATION_CLAIMED),
         effects=(E.CONSUME_FRONTIER, E.AWAIT_INPUT)),
    _row(T.RESUME, S.SUSPENDED, S.RUNNING,
         "resume on the engine restored by replay, with the queued input",
         kinds=P,
         when=(G.GENERATION_CURRENT, G.GENERATION_CLAIMED, G.HAS_QUEUED_INPUT),
         effects=(E.CONSUME_FRONTIER, E.REDISPATCH_CALLS, E.RUN_STEP)),
    _row(T.RESUME, S.SUSPENDED, S.RUNNING,
         "resume on the engine restored by replay; run on its next input",
         kinds=P, when=(G.GENERATION_CURRENT, G.GENERATION_CLAIMED),
         effects=(E.CONSUME_FRONTIER, E.REDISPATCH_CALLS, E.AWAIT_INPUT)),
    _row(T.RESUME, LIVE + (S.SUSPENDED, S.COMPLETED), None, "that generation was already resumed",
         kinds=P, when=(G.GENERATION_CONSUMED,), effects=(E.REPLY_ALREADY_RUNNING,)),
    _row(T.RESUME, (S.PENDING, S.SUSPENDED), None,
         "another process resumed that generation, or holds the cell",
         kinds=P, when=(G.GENERATION_CURRENT,), effects=(E.REPLY_ALREADY_RUNNING,)),
    # --- durable cells: suspension and restore (pausable, in a session with a store) -------------
    _row(T.SUSPEND, S.PENDING, S.SUSPENDED, "release the engine; the journal keeps the cell",
         kinds=P, when=(G.JOURNALED,), effects=(E.RELEASE_ENGINE,)),
    _row(T.SUSPEND, S.SUSPENDED, None, "already suspended", kinds=P),
    _row(T.RESTORED, S.RUNNING, S.SUSPENDED, "loaded from the store: hold its last frontier",
         kinds=P, when=(G.AT_FRONTIER,), effects=(E.HOLD_FRONTIER,)),
    _row(T.RESTORED, S.RUNNING, S.COMPLETED, "loaded from the store with its completion",
         kinds=P, effects=(E.HOLD_COMPLETION, E.RECORD_COMPLETION)),
    _row(T.OBSERVE, S.SUSPENDED, None, "deliver the held frontier (repeatable until resumed)",
         kinds=P, when=(G.OBSERVER_FREE,), effects=(E.DELIVER_FRONTIER,)),
    _row(T.TOOL_RESULT, S.SUSPENDED, None, "recorded in the store; held until resume",
         kinds=P, effects=(E.QUEUE_INPUT,)),
    _row(T.TIMER_FIRED, S.SUSPENDED, None, "recorded in the store; held until resume",
         kinds=P, effects=(E.QUEUE_INPUT,)),
    _row(T.TERMINATE, S.SUSPENDED, S.TERMINATING, "stop the cell and forget it in the store",
         kinds=P, effects=(E.BEGIN_TERMINATION,)),
    _row(T.SHUTDOWN, S.PENDING, S.DETACHED, "session shutdown: suspend into the store",
         kinds=P, when=(G.JOURNALED,), effects=(E.RELEASE_ENGINE, E.DETACH_CELL)),
    _row(T.SHUTDOWN, S.SUSPENDED, S.DETACHED, "session shutdown: the store keeps the cell",
         kinds=P, effects=(E.DETACH_CELL,)),
    _row(T.SHUTDOWN, S.COMPLETED, S.DETACHED, "session shutdown: the store keeps the completion",
         kinds=P, when=(G.JOURNALED,), effects=(E.DETACH_CELL,)),
    _row(T.SHUTDOWN, S.RUNNING, S.DETACHING,
         "session shutdown: stop the step; the store keeps the cell as of its last step",
         kinds=P, when=(G.JOURNALED,), effects=(E.BEGIN_TERMINATION,)),
    *(_row(trigger, S.DETACHING, None, "absorbed while detaching: the step is not journaled",
           kinds=P)
      for trigger in (T.STARTED, T.OUTPUT, T.TOOL_CALL, T.NOTIFICATION, T.YIELD_REQUESTED,
                      T.QUIESCENT, T.TIMER_SET, T.TIMER_CLEARED, T.TOOL_RESULT, T.FINISHED_OK,
                      T.FINISHED_ERROR, T.RUNTIME_LOST, T.SHUTDOWN, T.EFFECT_FAILED)),
    _row(T.CLEANUP_DONE, S.DETACHING, S.DETACHED, "stopped: release the engine and the lease",
         kinds=P, effects=(E.RELEASE_ENGINE, E.DETACH_CELL)),
    # --- observation -----------------------------------------------------------------------------
    _row(T.OBSERVE, LIVE, None, "output is due: deliver Yielded now",
         kinds=C, when=(G.OBSERVER_FREE, G.YIELD_READY), effects=(E.DELIVER_YIELDED,)),
    _row(T.OBSERVE, LIVE, None, "attach the observer with its yield deadline",
         kinds=C, when=(G.OBSERVER_FREE,), effects=(E.ATTACH_OBSERVER,)),
    _row(T.YIELD_DUE, LIVE, None, "the observer's deadline passed: wake it",
         kinds=C, when=(G.OBSERVER_ATTACHED,), effects=(E.WAKE_OBSERVER,)),
    _row(T.OBSERVE, S.RUNNING, None, "attach the observer until the next frontier",
         kinds=P, when=(G.OBSERVER_FREE,), effects=(E.ATTACH_OBSERVER,)),
    _row(T.OBSERVE, S.PENDING, None, "deliver the held frontier (repeatable until resumed)",
         kinds=P, when=(G.OBSERVER_FREE,), effects=(E.DELIVER_FRONTIER,)),
    # --- completion ------------------------------------------------------------------------------
    _row(T.FINISHED_OK, S.RUNNING, S.COMPLETED, "commit writes; buffer Completed",
         effects=(E.COMMIT_WRITES, E.RECORD_COMPLETION)),
    _row(T.FINISHED_ERROR, S.RUNNING, S.COMPLETED, "commit writes; buffer Completed with error",
         effects=(E.COMMIT_WRITES, E.RECORD_COMPLETION)),
    _row(T.RUNTIME_LOST, S.RUNNING, S.COMPLETED,
         "commit the writes made so far; buffer Completed with the loss (or failure) as error",
         effects=(E.COMMIT_WRITES, E.RECORD_COMPLETION)),
    _row(T.TOOL_RESULT, S.COMPLETED, None, "the script already settled: dropped"),
    _row(T.OBSERVE, S.COMPLETED, None,
         "a yield came first (initial split, or this observer's due yield): deliver Yielded",
         kinds=C, when=(G.OBSERVER_FREE, G.YIELD_READY), effects=(E.DELIVER_YIELDED,)),
    _row(T.OBSERVE, S.COMPLETED, S.CLOSED, "deliver Completed and remove the cell",
         when=(G.OBSERVER_FREE,), effects=(E.CLAIM_COMPLETION, E.CLOSE_CELL)),
    _row(T.TERMINATE, S.COMPLETED, S.CLOSED, "the completion wins: return it",
         effects=(E.CLAIM_COMPLETION, E.CLOSE_CELL)),
    _row(T.SHUTDOWN, S.COMPLETED, S.CLOSED, "drop the unclaimed completion",
         effects=(E.CLAIM_COMPLETION, E.CLOSE_CELL)),
    # --- termination -----------------------------------------------------------------------------
    _row(T.TERMINATE, LIVE, S.TERMINATING, "stop the script, cancel tools and notifications",
         effects=(E.BEGIN_TERMINATION,)),
    _row(T.OBSERVE, S.TERMINATING, None,
         "the attached observer, woken as the termination began: it gets the terminal event",
         when=(G.ALREADY_ATTACHED,)),
    _row(T.SHUTDOWN, LIVE, S.TERMINATING, "session shutdown stops the cell",
         effects=(E.BEGIN_TERMINATION,)),
    _row(T.SHUTDOWN, S.TERMINATING, None, "already stopping"),
    _row(T.OUTPUT, S.TERMINATING, None, "keep late output for Terminated",
         when=(G.OUTPUT_FITS,), effects=(E.APPEND_OUTPUT,)),
    _row(T.OUTPUT, S.TERMINATING, None, "over the output limit: dropped"),
    _row(T.STARTED, S.TERMINATING, None, "absorbed while stopping"),
    _row(T.TOOL_CALL, S.TERMINATING, None, "absorbed while stopping"),
    _row(T.INLINE_TOOL_CALL, S.TERMINATING, None, "absorbed while stopping"),
    _row(T.TOOL_ANSWERED, S.TERMINATING, None, "absorbed while stopping"),
    _row(T.NOTIFICATION, S.TERMINATING, None, "absorbed while stopping"),
    _row(T.YIELD_REQUESTED, S.TERMINATING, None, "absorbed while stopping"),
    _row(T.QUIESCENT, S.TERMINATING, None, "absorbed while stopping"),
    _row(T.TIMER_SET, S.TERMINATING, None, "absorbed while stopping"),
    _row(T.TIMER_CLEARED, S.TERMINATING, None, "absorbed while stopping"),
    _row(T.TOOL_RESULT, S.TERMINATING, None, "absorbed while stopping"),
    _row(T.FINISHED_OK, S.TERMINATING, None,
         "termination wins: the finish is dropped, writes discarded"),
    _row(T.FINISHED_ERROR, S.TERMINATING, None,
         "termination wins: the finish is dropped, writes discarded"),
    _row(T.RUNTIME_LOST, S.TERMINATING, None,
         "termination wins: the finish is dropped, writes discarded"),
    _row(T.CLEANUP_DONE, S.TERMINATING, S.TERMINATED, "publish Terminated and remove the cell",
         effects=(E.PUBLISH_TERMINATED, E.CLOSE_CELL)),
    # --- a guard or effect raised: the cell fails through its next step end ------------------------
    _row(T.EFFECT_FAILED, S.RUNNING, None, "stop the script; the end of its step ends the cell",
         effects=(E.RECORD_FAILURE, E.STOP_ENGINE, E.ENSURE_STEP)),
    _row(T.EFFECT_FAILED, S.PENDING, S.RUNNING, "stop the script; the end of its step ends the cell",
         effects=(E.RECORD_FAILURE, E.STOP_ENGINE, E.ENSURE_STEP)),
    _row(T.EFFECT_FAILED, S.SUSPENDED, S.RUNNING,
         "stop the script; the end of its step ends the cell", kinds=P,
         effects=(E.RECORD_FAILURE, E.STOP_ENGINE, E.ENSURE_STEP)),
    _row(T.EFFECT_FAILED, S.COMPLETED, None, "the completion carries the failure",
         effects=(E.RECORD_FAILURE, E.RECORD_COMPLETION)),
    _row(T.EFFECT_FAILED, S.TERMINATING, None, "the termination goes on"),
    _row(T.HANDLING_FAILED, S.COMPLETED, None,
         "recording the failure failed too (a failing store): the completion carries it, "
         "unrecorded", effects=(E.RECORD_FAILURE, E.ANNOUNCE_COMPLETION)),
)
# fmt: on

IN_STEP_RESULTS: frozenset[CellKind] = frozenset({C})
"""Kinds whose plain `def` tool results the engine hands to the script within the step that
made the call (`InlineTools.apply_in_step`). Their `tool_answered` rows only record the result;
the other kinds' rows queue it (`queue_input`), so a pausable cell sees it only after resume."""


@dataclass(frozen=True)
class RejectionRow:
    """A refusal shared by the kinds listed."""

    trigger: Trigger
    sources: tuple[State, ...]
    error: Rejection
    doc: str
    kinds: frozenset[CellKind] = BOTH


REJECTIONS: tuple[RejectionRow, ...] = (
    RejectionRow(
        T.OBSERVE,
        (S.RUNNING, S.PENDING, S.COMPLETED),
        R.BUSY_OBSERVER,
        "another observer is attached",
    ),
    RejectionRow(
        T.OBSERVE, (S.TERMINATING,), R.CLOSED_CELL, "the cell is stopping (a new observer)"
    ),
    RejectionRow(
        T.TERMINATE, (S.TERMINATING,), R.ALREADY_TERMINATING, "a termination is in progress"
    ),
    RejectionRow(
        T.RESUME,
        (S.RUNNING, S.PENDING, S.COMPLETED),
        R.INVALID_GENERATION,
        "generation in the future, or no frontier yet",
        frozenset({P}),
    ),
    RejectionRow(T.RESUME, (S.TERMINATING,), R.CLOSED_CELL, "the cell is stopping", frozenset({P})),
    RejectionRow(
        T.OBSERVE, (S.SUSPENDED,), R.BUSY_OBSERVER, "another observer is attached", frozenset({P})
    ),
    RejectionRow(
        T.RESUME, (S.SUSPENDED,), R.INVALID_GENERATION, "generation in the future", frozenset({P})
    ),
    RejectionRow(
        T.SUSPEND,
        (S.RUNNING, S.COMPLETED),
        R.NOT_AT_FRONTIER,
        "only a cell held at a frontier can be suspended",
        frozenset({P}),
    ),
    RejectionRow(
        T.SUSPEND, (S.PENDING,), R.NOT_DURABLE, "the session has no store", frozenset({P})
    ),
    RejectionRow(
        T.SUSPEND, (S.TERMINATING,), R.CLOSED_CELL, "the cell is stopping", frozenset({P})
    ),
    *(
        RejectionRow(
            trigger, (S.DETACHING,), R.CLOSED_CELL, "the session is shutting down", frozenset({P})
        )
        for trigger in (T.OBSERVE, T.TERMINATE, T.RESUME, T.SUSPEND)
    ),
)
