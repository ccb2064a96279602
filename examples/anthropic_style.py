"""A code-mode tool-calling loop in the Anthropic Messages API style, with a scripted model.

Run it with ``python examples/anthropic_style.py``; no network, no API key.

The loop is what you would write against ``client.messages.create(messages=..., tools=...)``:
the model gets ``exec`` (input ``{"code": ...}``) and ``wait``; every ``tool_use`` block is
served by `CodeMode.handle` and answered with a ``tool_result`` block. `scripted_model`
stands in for the model: it stores search results in one script, starts a second,
never-ending one that reads them, and stops it with ``wait`` + ``terminate: true``.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Generator
from typing import Any

import codecells as cc
from codecells.agent import CodeMode, ToolStyle
from codecells.demo.tools import DEMO_TOOLS

Block = dict[str, Any]

SEARCH = """const hits = await tools.search_docs({ query: "cell frontier", limit: 5 });
store("hits", hits.map((h) => h.title));
notify(`found ${hits.length} entries`);
text(hits.map((h) => `- ${h.title}: ${h.text}`).join("\\n"));
"""

WATCH = """const titles = load("hits");
for (let round = 1; ; round++) {
  text(`round ${round}: watching ${titles.join(", ")}`);
  yield_control();
  await new Promise((resolve) => setTimeout(resolve, 50));
}
"""


class Notifications:
    """The session's delegate: shows the scripts' ``notify()`` messages."""

    async def invoke_tool(self, call: cc.ToolCall) -> cc.JsonValue:
        raise cc.ToolError(f"no host tool {call.tool_name}")

    async def notify(self, call_id: str, cell_id: str, text: str) -> None:
        print(f"  (notification from cell {cell_id}, for {call_id}: {text})")


def tool_use(call_id: str, name: str, arguments: dict[str, Any]) -> Block:
    content = [{"type": "tool_use", "id": call_id, "name": name, "input": arguments}]
    return {"role": "assistant", "content": content, "stop_reason": "tool_use"}


def scripted_model() -> Generator[Block, str, None]:
    """The fake model: yields its next response, receives the latest tool result text."""
    found = yield tool_use("toolu_1", "exec", {"code": SEARCH})
    count = found.count("\n- ")
    watching = yield tool_use("toolu_2", "exec", {"code": WATCH})
    cell = re.match(r"Script running with cell ID (\S+)", watching)
    if cell is not None:
        yield tool_use("toolu_3", "wait", {"cell_id": cell[1], "terminate": True})
    answer = f"I found {count} glossary entries and stopped the watcher."
    yield {
        "role": "assistant",
        "content": [{"type": "text", "text": answer}],
        "stop_reason": "end_turn",
    }


async def run(prompt: str) -> str:
    """Run the loop until the model answers; return its answer."""
    async with cc.Session(DEMO_TOOLS, delegate=Notifications()) as session:
        code_mode = CodeMode(session)
        tools = code_mode.tool_specs(ToolStyle.ANTHROPIC)  # pass to messages.create
        assert [t["name"] for t in tools] == ["exec", "wait"]
        messages: list[Block] = [{"role": "user", "content": prompt}]
        model = scripted_model()
        response = next(model)  # client.messages.create(model=..., messages=..., tools=tools)
        while True:
            messages.append({"role": "assistant", "content": response["content"]})
            if response["stop_reason"] != "tool_use":
                return str(response["content"][0]["text"])
            results = []
            for block in response["content"]:
                print(
                    f"→ {block['name']} {block['input'] if block['name'] == 'wait' else '(script)'}"
                )
                result = await code_mode.handle(block["name"], block["input"], call_id=block["id"])
                print("← " + result.text().replace("\n", "\n  "))
                results.append(
                    {
                        "type": "tool_result",
                        "tool_use_id": block["id"],
                        "content": result.anthropic_content(),
                        "is_error": result.is_error,
                    }
                )
            messages.append({"role": "user", "content": results})
            response = model.send(result.text())


if __name__ == "__main__":
    print(asyncio.run(run("What does the glossary say about cells? Then keep an eye on it.")))
