"""A host to run the ready suite against: `codecells test-host examples.my_host:make_host`.

`make_broken_host` is the same host with a deliberately broken delegate (its `notify` parses
the text as JSON and raises on anything else), to see what a red run reports."""

from __future__ import annotations

import json
import logging

import codecells as cc
from codecells.testing import Host

log = logging.getLogger("my_host")


def lookup(city: str) -> str:
    """The weather in a city."""
    return f"sunny in {city}"


class MyDelegate:
    """Forwards notifications to a log and answers tools without a Python handler."""

    def __init__(self) -> None:
        self.closed: list[str] = []

    async def invoke_tool(self, call: cc.ToolCall) -> cc.JsonValue:
        return {"tool": call.tool_name, "input": call.input}

    async def notify(self, call_id: str, cell_id: str, text: str) -> None:
        log.info("cell %s (%s): %s", cell_id, call_id, text)

    def cell_closed(self, cell_id: str) -> None:
        self.closed.append(cell_id)


class BrokenDelegate(MyDelegate):
    """Expects every notification to be JSON: plain text raises, and the note is lost."""

    async def notify(self, call_id: str, cell_id: str, text: str) -> None:
        payload = json.loads(text)  # the bug: notify(text) takes any text
        log.info("cell %s: %s", cell_id, payload)


def make_host() -> Host:
    """My host: one function tool, one delegate tool, my delegate and config."""
    return Host(
        tools=[lookup, cc.ToolDefinition(name="search", description="Search the web")],
        delegate=MyDelegate(),
        config=cc.SessionConfig(cpu_time_limit=5.0),
    )


def make_broken_host() -> Host:
    """The same host with the broken delegate."""
    return Host(tools=[lookup], delegate=BrokenDelegate())
