"""Built-in demo tools: deterministic, offline stand-ins for real tools."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from ..tools import ToolError

__all__ = ["DEMO_TOOLS", "add", "search_docs", "slow_echo", "weather"]

_WEATHER = {
    "paris": {"temperature_c": 14, "sky": "overcast"},
    "tokyo": {"temperature_c": 19, "sky": "clear"},
    "lagos": {"temperature_c": 31, "sky": "humid"},
}

_DOCS = [
    {"title": "Cells", "text": "A cell is one execution of model-written JavaScript."},
    {"title": "Kinds", "text": "Continuing cells run on; pausable cells hold at frontiers."},
    {"title": "Frontiers", "text": "A pending frontier waits only on tool results or timers."},
    {"title": "Stored values", "text": "store() writes commit only when a cell completes."},
]


def add(a: float, b: float) -> float:
    """Add two numbers."""
    return a + b


def weather(city: str) -> dict[str, Any]:
    """Today's (made-up) weather for a city: temperature in Celsius and the sky."""
    found = _WEATHER.get(city.lower())
    if found is None:
        raise ToolError(f"no weather for {city!r}; try one of: {', '.join(sorted(_WEATHER))}")
    return {"city": city, **found}


def search_docs(query: str, limit: int = 3) -> list[dict[str, str]]:
    """Search the codecells glossary; returns matching {title, text} entries."""
    words = query.lower().split()
    hits = [d for d in _DOCS if any(w in (d["title"] + " " + d["text"]).lower() for w in words)]
    return hits[:limit]


async def slow_echo(text: str, delay: float = 0.05) -> str:
    """Echo `text` after `delay` seconds (an asynchronous tool)."""
    await asyncio.sleep(min(max(delay, 0.0), 5.0))
    return text


DEMO_TOOLS: list[Callable[..., Any]] = [add, weather, search_docs, slow_echo]
