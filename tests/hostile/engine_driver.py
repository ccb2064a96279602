"""Helpers that drive a `QuickJSEngine` directly in tests (no executor)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from support import until

from codecells.engine import QuickJSEngine
from codecells.engine.interrupt import ContextLayout
from codecells.engine.protocol import (
    AnyEngineCommand,
    AnyEngineEvent,
    EngineLimits,
    EngineTool,
    Finished,
    FireTimer,
    Interrupted,
    Output,
    Quiescent,
    Started,
    TimerSet,
    ToolCallRequested,
)
from codecells.events import TextItem
from codecells.json_types import JsonValue

SMALL_LIMITS = EngineLimits(cpu_time=0.5, memory=32 * 1024 * 1024)
INTERRUPTED = Interrupted(fresh_writes=True)
"""How the engine ends an interrupted script that stored nothing."""


def engine(
    source: str,
    *,
    tools: Sequence[str] = (),
    stored: dict[str, JsonValue] | None = None,
    limits: EngineLimits = SMALL_LIMITS,
) -> QuickJSEngine:
    """A fresh engine for `source` with tools named `tools` (descriptions "d:<name>")."""
    return QuickJSEngine(
        source,
        tools=[EngineTool(js_name=name, description=f"d:{name}") for name in tools],
        stored_values=stored or {},
        limits=limits,
    )


def run(
    eng: QuickJSEngine,
    answer: Callable[[ToolCallRequested], AnyEngineCommand] | None = None,
    *,
    fire_timers: bool = False,
    max_steps: int = 50,
) -> list[AnyEngineEvent]:
    """Step until the cell ends or waits with nothing to do; tool calls get `answer(call)`,
    timers fire at once (in order) when `fire_timers`."""
    events: list[AnyEngineEvent] = []
    for _ in range(max_steps):
        step = eng.step()
        events += step
        if not isinstance(step[-1], Quiescent):
            return events
        commands: list[AnyEngineCommand] = []
        if answer is not None:
            commands += [answer(e) for e in step if isinstance(e, ToolCallRequested)]
        if fire_timers:
            commands += [FireTimer(timer_id=e.timer_id) for e in step if isinstance(e, TimerSet)]
        if not commands:
            return events
        for command in commands:
            eng.post(command)
    raise AssertionError("cell did not settle")


def texts(events: Sequence[AnyEngineEvent]) -> list[str]:
    """The text items among `events`, in order."""
    return [e.item.text for e in events if isinstance(e, Output) and isinstance(e.item, TextItem)]


def finished(events: Sequence[AnyEngineEvent]) -> Finished:
    """The `Finished` event that ends `events`."""
    end = events[-1]
    assert isinstance(end, Finished), end
    return end


def outcome(source: str, **kwargs: object) -> tuple[list[str], str | None]:
    """Run `source` to its end; (texts, error_text)."""
    events = run(engine(source, **kwargs))  # type: ignore[arg-type]
    return texts(events), finished(events).error_text


async def running_script(eng: QuickJSEngine, layout: ContextLayout, cpu: float = 0.01) -> None:
    """Wait until `eng`'s first step runs the cell's own code: past the prelude (`Started`),
    inside JavaScript (read through the verified `layout`), and `cpu` seconds of the worker's
    CPU time later, so that the script's first statements have run."""
    began: list[float] = []

    def script_ran() -> bool:
        ctx = eng._ctx  # held here, so a context discarded meanwhile stays readable
        if ctx is None or not layout.in_javascript(ctx):
            return False
        if not any(isinstance(event, Started) for event in eng._events):
            return False
        used = time.clock_gettime(eng._clock_id)
        began[:] = began or [used]
        return used - began[0] >= cpu

    await until(script_ran)
