"""The main job: a continuing and a pausable demo cell with the built-in demo tools."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from .. import Completed, Pending, Session, Terminated
from ..events import Item
from ..tools import ToolCall
from .tools import DEMO_TOOLS

__all__ = ["CONTINUING_DEMO", "PAUSABLE_DEMO", "run_demo"]

CONTINUING_DEMO = """\
const [paris, tokyo] = await Promise.all([
  tools.weather({city: "Paris"}),
  tools.weather({city: "Tokyo"}),
]);
text(`Paris ${paris.temperature_c} C (${paris.sky}), Tokyo ${tokyo.temperature_c} C`);
notify("fetched the weather for two cities");
yield_control();
const total = await tools.add({a: paris.temperature_c, b: tokyo.temperature_c});
text(`sum of temperatures: ${total}`);
const hits = await tools.search_docs({query: "frontier"});
text("glossary: " + hits.map(h => h.title).join(", "));
try { await tools.weather({city: "Atlantis"}); } catch (e) { text("tool error: " + e); }
store("total", total);
"""

PAUSABLE_DEMO = """\
text("asking the slow echo tool");
text(await tools.slow_echo({text: "held at a frontier until resumed"}));
await new Promise(resolve => setTimeout(resolve, 10));
text(`timer fired; the previous cell stored total = ${load("total")}`);
"""


class _PrintingDelegate:
    def __init__(self, say: Callable[[str], None]) -> None:
        self._say = say

    async def invoke_tool(self, call: ToolCall) -> None:
        raise NotImplementedError(call.tool_name)

    async def notify(self, call_id: str, cell_id: str, text: str) -> None:
        self._say(f"  notify   cell {cell_id} ({call_id}): {text}")

    def cell_closed(self, cell_id: str) -> None:
        self._say(f"  closed   cell {cell_id}")


def _items(items: list[Item]) -> str:
    return " | ".join(i.text if i.type == "text" else f"<image {i.detail}>" for i in items)


async def run_demo(say: Callable[[str], None] = print) -> bool:
    """Run both demo cells, printing every event; True when both completed without error."""
    ok = True
    async with Session(DEMO_TOOLS, delegate=_PrintingDelegate(say)) as session:
        say("continuing cell (wait with yield_after):")
        cell = await session.create_cell(CONTINUING_DEMO, tool_call_id="demo-call-1")
        while True:
            event = await cell.wait(yield_after=5.0)
            say(f"  {event.type:<8} {_items(event.content_items)}")
            if isinstance(event, (Completed, Terminated)):
                ok = ok and isinstance(event, Completed) and event.error_text is None
                break
        say(f"  stored values now: {session.stored_values}")

        say("pausable cell (wait_to_pending / resume):")
        pausable = await session.create_pausable_cell(PAUSABLE_DEMO, tool_call_id="demo-call-2")
        while True:
            frontier = await pausable.wait_to_pending()
            say(f"  {frontier.type:<8} {_items(frontier.content_items)}")
            if not isinstance(frontier, Pending):
                ok = ok and isinstance(frontier, Completed) and frontier.error_text is None
                break
            say(
                f"           generation {frontier.generation}, waiting on "
                f"{frontier.pending_tool_call_ids or 'timers'}; resuming"
            )
            await pausable.resume(frontier.generation)
        say(
            "  trace: "
            + " -> ".join(f"{s.trigger.value}" for s in pausable.trace.steps if not s.internal)
        )
    return ok


def main() -> bool:
    """Run the demo on a fresh event loop."""
    return asyncio.run(run_demo())
