"""Durable-cell scripts and the deterministic driver shared by the tests and their child process.

Every script calls `tools.approve` (answered externally) at least once; the driver answers
outstanding external calls in *reverse* call order, resumes every frontier, and lets sync
function tools answer by themselves. A session's clock is frozen, so each step's virtual time
is the previous one + 1 ms: two runs of a script under the same session id are identical.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import codecells as cc
from codecells.store import Store

SESSION_ID = "corpus"
FROZEN = 1_700_000_000.0
PNG = "data:image/png;base64,iVBORw0KGgo="

APPROVE = cc.ToolDefinition(
    name="approve", description="a person says yes", answered_externally=True
)


def double(x: int) -> int:
    """Twice x."""
    return 2 * x


def fail() -> None:
    """Always fails."""
    raise cc.ToolError("refused by the host")


class Notes:
    """A delegate that records notifications."""

    def __init__(self) -> None:
        self.notes: list[str] = []

    async def invoke_tool(self, call: cc.ToolCall) -> Any:
        raise cc.ToolError("no such tool")

    async def notify(self, call_id: str, cell_id: str, text: str) -> None:
        self.notes.append(text)


TOOLS: list[Any] = [APPROVE, double, fail]

SCRIPTS: dict[str, str] = {
    "random": "text(Math.random()); await tools.approve(); text(Math.random());",
    "date": """
        text(Date.now()); text(new Date().toISOString()); text(new Date(2024, 1, 29).getDay());
        await tools.approve();
        text(Date.now()); text(new Date().toString()); text(Date()); text(new Date().getHours());
    """,
    "timer_chain": """
        for (let i = 0; i < 3; i++) { await new Promise((r) => setTimeout(r, 2)); text("t" + i); }
        text(JSON.stringify(await tools.approve({after: "timers"})));
        await new Promise((r) => setTimeout(r, 3)); text("late " + Date.now());
    """,
    "all_reverse": """
        const rs = await Promise.all([tools.approve({n: 1}), tools.approve({n: 2}),
                                      tools.approve({n: 3})]);
        text(JSON.stringify(rs));
    """,
    "race_reverse": """
        const order = [];
        const ps = ["a", "b", "c"].map((k) => tools.approve({k}).then((v) => order.push(k)));
        const first = await Promise.race(ps.map((p, i) => p.then(() => i)));
        await Promise.all(ps);
        text("first " + first + " order " + order.join(","));
    """,
    "store_load": """
        store("x", {n: 1}); text(load("x").n);
        const a = await tools.approve();
        store("y", {a, list: [1, 2]}); text(JSON.stringify(load("y")));
    """,
    "notify": """
        notify("before"); await tools.approve(); notify("after " + Date.now()); text("done");
    """,
    "image": """
        image(PNG); await tools.approve(); image({image_url: PNG, detail: "low"}, "auto");
    """.replace("PNG", repr(PNG)),
    "error_after_resume": """
        text("start"); await tools.approve(); throw new Error("broke after resume");
    """,
    "exit": 'text("a"); await tools.approve(); text("b"); exit(); text("never");',
    "function_tool": """
        const d = await tools.double({x: 21}); text(d);
        await tools.approve(); text(await tools.double({x: d}));
    """,
    "tool_error": """
        try { await tools.fail(); } catch (e) { text("caught " + e); }
        await tools.approve();
        try { await tools.fail(); } catch (e) { text("caught again " + e); }
    """,
    "many_frontiers": """
        for (let i = 0; i < 4; i++) text(JSON.stringify(await tools.approve({i})));
    """,
    "closure_state": """
        let counter = 0; const inc = () => ++counter; const seen = new Map();
        inc(); seen.set("k", Math.random());
        await tools.approve(); inc();
        text(counter + " " + seen.get("k"));
    """,
    "random_timers": """
        const xs = [];
        for (let i = 0; i < 3; i++) { xs.push(Math.random()); await new Promise((r) => setTimeout(r, 1)); }
        await tools.approve(); xs.push(Math.random()); text(JSON.stringify(xs));
    """,
    "async_generator": """
        async function* gen() { yield 1; yield await tools.approve({g: 2}); yield 3; }
        for await (const v of gen()) text(JSON.stringify(v));
    """,
    "tampering": """
        Math.random = () => 4; Date.now = () => 1; Date.prototype.getTime = () => 2;
        text(Math.random() + Date.now() + new Date().getTime());
        const DateAgain = Date; globalThis.Date = undefined;
        await tools.approve();
        text(String(Date) + " " + Math.random() + " " + new DateAgain(0).toISOString());
    """,
    "mixed_all": """
        const [t, a, b] = await Promise.all([
          new Promise((r) => setTimeout(() => r("timer"), 1)),
          tools.approve({m: 1}), tools.double({x: 4}),
        ]);
        text(t + " " + JSON.stringify(a) + " " + b);
    """,
}


def answer_for(call_id: str) -> Any:
    """The deterministic answer to an externally answered call."""
    return {"approved": True, "call": call_id}


async def answer_outstanding(cell: cc.PausableCell, pending: cc.Pending) -> int:
    """Answer every external call of the frontier, last call first; returns how many."""
    answered = 0
    for call_id in reversed(pending.pending_tool_call_ids):
        try:
            await cell.answer(call_id, answer_for(call_id))
        except cc.UnknownToolCall:
            continue  # a host-run tool: it answers by itself
        answered += 1
    return answered


async def drive(
    cell: cc.PausableCell, *, stop_at_external: bool = False
) -> list[cc.Pending | cc.Completed | cc.Terminated]:
    """Observe, answer and resume until the cell ends (or, with `stop_at_external`, until a
    frontier waits on an external call: that frontier is the last event returned)."""
    events: list[cc.Pending | cc.Completed | cc.Terminated] = []
    while True:
        event = await cell.wait_to_pending()
        events.append(event)
        if not isinstance(event, cc.Pending):
            return events
        if stop_at_external and await has_external(cell, event):
            return events
        await answer_outstanding(cell, event)
        assert await cell.resume(event.generation) == cc.ResumeOutcome.RESUMED


async def drive_from(
    cell: cc.PausableCell, frontier: cc.Pending
) -> list[cc.Pending | cc.Completed | cc.Terminated]:
    """Answer and resume `frontier`, then drive the cell to its end."""
    await answer_outstanding(cell, frontier)
    assert await cell.resume(frontier.generation) == cc.ResumeOutcome.RESUMED
    return await drive(cell)


async def has_external(cell: cc.PausableCell, pending: cc.Pending) -> bool:
    """Whether an external call waits at this frontier (probed without answering it)."""
    return any(cell.waits_for_answer(call_id) for call_id in pending.pending_tool_call_ids)


def session(store: Store, delegate: Notes | None = None) -> cc.Session:
    """The corpus session on `store` (frozen clock)."""
    return cc.Session(
        TOOLS, delegate=delegate or Notes(), store=store, session_id=SESSION_ID,
        clock=lambda: FROZEN,
    )  # fmt: skip


async def child(db: Path) -> None:
    """Run every script to its first external frontier, report the frontiers, then hang."""
    from codecells.store import SQLiteStore

    s = session(SQLiteStore(db))
    frontiers = {}
    for name, source in SCRIPTS.items():
        cell = await s.create_pausable_cell(source)
        (*_, last) = await drive(cell, stop_at_external=True)
        frontiers[name] = [cell.id, last.model_dump_json()]
    import json

    print(json.dumps(frontiers), flush=True)
    await asyncio.Event().wait()  # killed with SIGKILL here


if __name__ == "__main__":
    asyncio.run(child(Path(sys.argv[1])))
