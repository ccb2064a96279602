"""Shared test helpers: a recording delegate and loop-driven waiting (no timed sleeps)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import codecells as cc


class RecordingDelegate:
    """Records every tool call, notification, cancellation and closed cell.

    `handlers` maps a tool name to an async function of the `ToolCall`; tools without a handler
    echo their input. `gates` (tool name -> Event) make a tool wait until the test opens it.
    """

    def __init__(self, handlers: dict[str, Callable[[cc.ToolCall], Awaitable[Any]]] | None = None):
        self.handlers = handlers or {}
        self.gates: dict[str, asyncio.Event] = {}
        self.calls: list[cc.ToolCall] = []
        self.cancelled: list[str] = []
        self.started: dict[str, asyncio.Event] = {}
        self.notifications: list[tuple[str, str, str]] = []
        self.notify_gate: asyncio.Event | None = None
        self.closed: list[str] = []

    def gate(self, tool: str) -> asyncio.Event:
        self.gates[tool] = asyncio.Event()
        return self.gates[tool]

    def call_started(self, call_id: str) -> asyncio.Event:
        return self.started.setdefault(call_id, asyncio.Event())

    async def invoke_tool(self, call: cc.ToolCall) -> Any:
        self.calls.append(call)
        self.call_started(call.call_id).set()
        try:
            if call.tool_name in self.gates:
                await self.gates[call.tool_name].wait()
            handler = self.handlers.get(call.tool_name)
            return await handler(call) if handler else call.input
        except asyncio.CancelledError:
            self.cancelled.append(call.call_id)
            raise

    async def notify(self, call_id: str, cell_id: str, text: str) -> None:
        self.notifications.append((call_id, cell_id, text))
        if self.notify_gate is not None:
            await self.notify_gate.wait()

    def cell_closed(self, cell_id: str) -> None:
        self.closed.append(cell_id)


ECHO = cc.ToolDefinition(name="echo", description="Echo the input")
BLOCK = cc.ToolDefinition(name="block", description="Wait until the test opens the gate")


async def until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let the loop run until `predicate()` holds (fails the test after `timeout` seconds)."""

    async def spin() -> None:
        while not predicate():
            await asyncio.sleep(0)

    await asyncio.wait_for(spin(), timeout)


async def observing(wait: Callable[[], Awaitable[Any]]) -> asyncio.Future[Any]:
    """Start `wait()` (a cell's `wait` / `wait_to_pending`) as a task; return the task once its
    observe request was made (the observer is attached, unless it was answered at once)."""
    started = asyncio.Event()

    async def observer() -> Any:
        started.set()  # the wait below makes its request in this same step
        return await wait()

    task = asyncio.ensure_future(observer())
    await started.wait()
    return task


def texts(event: Any) -> list[str]:
    """The text of every text item of an event, in order."""
    return [item.text for item in event.content_items if item.type == "text"]


async def drain(cell: cc.Cell, yield_after: float = 5.0) -> tuple[list[str], Any]:
    """Wait until the cell ends; returns all text delivered and the terminal event."""
    seen: list[str] = []
    while True:
        event = await cell.wait(yield_after=yield_after)
        seen += texts(event)
        if event.type != "yielded":
            return seen, event


async def drain_pausable(cell: cc.PausableCell) -> tuple[list[str], Any, list[int]]:
    """Resume every frontier until the cell ends; returns texts, terminal event, generations."""
    seen: list[str] = []
    generations: list[int] = []
    while True:
        event = await cell.wait_to_pending()
        seen += texts(event)
        if event.type != "pending":
            return seen, event, generations
        generations.append(event.generation)
        await cell.resume(event.generation)


def durable_rows(kind: str) -> set[int]:
    """The rows of `definition(kind)` only a cell of a session with a store can take."""
    from codecells.fsm import State, Trigger, definition

    durable_states = {State.SUSPENDED, State.DETACHING, State.DETACHED}
    return {
        i
        for i, t in enumerate(definition(kind).transitions)
        if {t.source, t.dest} & durable_states
        or t.trigger in (Trigger.SUSPEND, Trigger.RESTORED)
        or "journaled" in t.conditions
        or (t.trigger == Trigger.RESUME and t.conditions == ("generation_current",))  # lost
    }


async def script_texts(tools: list[Any], source: str) -> list[str]:
    """Run `source` in a fresh session with `tools`; the texts of its successful completion."""
    async with cc.Session(tools) as session:
        event = await (await session.create_cell(source)).wait()
    assert isinstance(event, cc.Completed) and event.error_text is None, event
    return texts(event)
