"""The host <-> engine protocol: what a cell's JavaScript did (events) and what the host tells it
(commands). Every engine — the QuickJS one and the scripted test double — speaks exactly this.

One step of an engine runs the script until it is *quiescent* (nothing runnable; waiting only on
tool results or timers), finished, lost or interrupted, and returns the events of that step in
order; the last event of a step is always one of `Quiescent`, `Finished`, `Lost`, `Interrupted`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Literal, Protocol, TypeAlias

from pydantic import BaseModel, ConfigDict, Field

from ..events import Item
from ..json_types import JsonValue

__all__ = [
    "AnyEngineCommand",
    "AnyEngineEvent",
    "CellEnd",
    "Engine",
    "EngineCommand",
    "EngineEvent",
    "EngineLimits",
    "EngineTool",
    "Finished",
    "FireTimer",
    "InlineTools",
    "Interrupted",
    "Lost",
    "Notify",
    "Output",
    "Quiescent",
    "RejectTool",
    "ResolveTool",
    "Started",
    "StepEnd",
    "TimerCleared",
    "TimerSet",
    "ToolAnswered",
    "ToolCallRequested",
    "ToolResult",
    "YieldRequested",
]


class _Msg(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EngineTool(_Msg):
    """A tool as the script sees it: `tools[js_name]` (or `tools[js_namespace][js_name]`),
    listed in `ALL_TOOLS`."""

    js_name: str
    description: str = ""
    js_namespace: str | None = None


class EngineLimits(_Msg):
    """Per-cell limits; None means unlimited (stack: the engine default).

    `output`: bytes of output items (`codecells.executor.delivery.item_size`) one step may
    produce; beyond it the step ends the script with `output_limit_text` (the host bounds what
    it holds across steps itself)."""

    cpu_time: float | None = None
    memory: int | None = None
    stack: int | None = None
    output: int | None = None
    console: bool = False


# --- events (engine -> host) ---------------------------------------------------------------


class Started(_Msg):
    """The script was compiled and started (first event of the first step)."""

    type: Literal["started"] = "started"


class Output(_Msg):
    """`text(...)`, `image(...)` (or console output when enabled) produced an item."""

    type: Literal["output"] = "output"
    item: Item


class YieldRequested(_Msg):
    """The script called `yield_control()`."""

    type: Literal["yield_requested"] = "yield_requested"


class ToolCallRequested(_Msg):
    """The script called `tools.<js_name>(input)`; `tool_index` indexes the engine's tools.

    `inline`: the engine runs this call itself (`InlineTools`); a `ToolAnswered` follows."""

    type: Literal["tool_call"] = "tool_call"
    call_id: str
    tool_index: int
    input: JsonValue = None
    inline: bool = False


class Notify(_Msg):
    """The script called `notify(text)`."""

    type: Literal["notify"] = "notify"
    text: str


class TimerSet(_Msg):
    """`setTimeout` scheduled timer `timer_id` to fire after `delay` seconds."""

    type: Literal["timer_set"] = "timer_set"
    timer_id: int
    delay: float


class TimerCleared(_Msg):
    """`clearTimeout` cancelled timer `timer_id`."""

    type: Literal["timer_cleared"] = "timer_cleared"
    timer_id: int


class Quiescent(_Msg):
    """Step end: nothing runnable; waiting on these outstanding tool calls (call order) or timers."""

    type: Literal["quiescent"] = "quiescent"
    pending_tool_call_ids: list[str] = Field(default_factory=list)


class CellEnd(_Msg):
    """A step end that ends the cell (`Finished`, `Lost`, `Interrupted`): it carries the
    stored-value writes the script made before it ended, whichever way it ended (the table
    decides whether they are committed).

    `fresh_writes`: the engine made `stored_value_writes` for the host alone (parsed from JSON,
    no reference kept), so the host may keep them without copying or checking them.
    `stored_json_writes`: writes kept as the JSON text the script wrote (well-formed, made by
    `JSON.stringify`), for the host to parse only when it reads them; a key is in one of the
    two mappings at most."""

    stored_value_writes: dict[str, JsonValue] = Field(default_factory=dict)
    fresh_writes: bool = False
    stored_json_writes: dict[str, str] = Field(default_factory=dict)

    def all_writes(self) -> dict[str, JsonValue]:
        """Every stored-value write as a JSON value (the texts parsed)."""
        parsed = {key: json.loads(text) for key, text in self.stored_json_writes.items()}
        return {**self.stored_value_writes, **parsed}


class Finished(CellEnd):
    """Step end: the module body settled (error_text None on success, incl. `exit()`)."""

    type: Literal["finished"] = "finished"
    error_text: str | None = None


class Lost(CellEnd):
    """Step end: the engine broke down (not the script's fault); the cell cannot go on."""

    type: Literal["lost"] = "lost"
    message: str


class Interrupted(CellEnd):
    """Step end: `interrupt()` stopped the script; the engine is unusable."""

    type: Literal["interrupted"] = "interrupted"


# --- commands (host -> engine) -------------------------------------------------------------


class ResolveTool(_Msg):
    """Resolve the promise of tool call `call_id` with `value` (JSON: no NaN or infinities)."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    type: Literal["resolve_tool"] = "resolve_tool"
    call_id: str
    value: JsonValue = None


class RejectTool(_Msg):
    """Reject the promise of tool call `call_id` with the plain string `message`."""

    type: Literal["reject_tool"] = "reject_tool"
    call_id: str
    message: str


ToolResult: TypeAlias = ResolveTool | RejectTool


class ToolAnswered(_Msg):
    """An inline call (`ToolCallRequested.inline`) returned, on the step's own thread.

    `applied`: the script already has the result (`InlineTools.apply_in_step`); otherwise the
    host queues `result` (`Engine.post`) for a later step."""

    type: Literal["tool_answered"] = "tool_answered"
    result: ToolResult
    applied: bool


# --- every event ---------------------------------------------------------------------------

AnyEngineEvent: TypeAlias = (
    Started
    | Output
    | YieldRequested
    | ToolCallRequested
    | ToolAnswered
    | Notify
    | TimerSet
    | TimerCleared
    | Quiescent
    | Finished
    | Lost
    | Interrupted
)
EngineEvent: TypeAlias = Annotated[AnyEngineEvent, Field(discriminator="type")]
StepEnd: TypeAlias = Quiescent | Finished | Lost | Interrupted


class FireTimer(_Msg):
    """Run the callback of timer `timer_id` (ignored if it was cleared)."""

    type: Literal["fire_timer"] = "fire_timer"
    timer_id: int


AnyEngineCommand: TypeAlias = ResolveTool | RejectTool | FireTimer
EngineCommand: TypeAlias = Annotated[AnyEngineCommand, Field(discriminator="type")]


@dataclass(frozen=True)
class InlineTools:
    """Tools the engine runs itself, inside the step, on the thread running the script (plain
    `def` functions): no hop to the event loop or a thread pool.

    `run(call)` must return the call's result and never raise. With `apply_in_step` the engine
    hands the result to the script within the same step (a continuing cell runs on); without,
    the result waits for the host to post it (a pausable cell applies it at `resume`)."""

    indexes: frozenset[int]
    run: Callable[[ToolCallRequested], ToolResult]
    apply_in_step: bool


class Engine(Protocol):
    """One cell's JavaScript. `step` runs on a worker thread, never two at once per engine;
    `post`, `interrupt` and `has_queued_input` may be called from any thread at any time."""

    def post(self, command: AnyEngineCommand) -> None:
        """Queue a command; the next step applies queued commands in order before running."""

    @property
    def has_queued_input(self) -> bool:
        """True when posted commands wait for the next step."""

    def step(self) -> list[AnyEngineEvent]:
        """Run until quiescent or over; blocking. The first step starts the script."""

    def interrupt(self) -> None:
        """Stop a running step promptly (CPU-bound code too); later steps return `Interrupted`."""

    def close(self) -> None:
        """Release the JavaScript context. Idempotent."""
