"""The code in the README and the docs runs as written (where it needs no model or network)."""

from __future__ import annotations

import ast
import contextlib
import io
import re
from pathlib import Path
from typing import Any

import pytest

import codecells as cc

ROOT = Path(__file__).resolve().parent.parent


def _blocks(page: str, language: str) -> list[str]:
    """The fenced `language` code blocks of `page` (indented ones too, dedented)."""
    text = (ROOT / page).read_text(encoding="utf-8")
    blocks = re.findall(rf"^( *)```{language}\n(.*?)^\1```$", text, flags=re.M | re.S)
    return [re.sub(rf"(?m)^{indent}", "", body) for indent, body in blocks]


async def _run_with_top_level_await(source: str, namespace: dict[str, Any]) -> None:
    code = compile(source, "<doc>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    result = eval(code, namespace)  # noqa: S307 - the project's own documentation
    if result is not None:
        await result


def add(a: float, b: float) -> float:
    """Add two numbers."""
    return a + b


def weather(city: str) -> dict[str, Any]:
    """The weather in `city`."""
    if city == "Atlantis":
        raise cc.ToolError("no such city")
    return {"city": city, "celsius": 14}


def test_the_readme_short_example_prints_what_it_says() -> None:
    example = next(b for b in _blocks("README.md", "python") if "asyncio.run(main())" in b)
    promised = re.search(r"# (type='completed'.*)$", example, flags=re.M)
    assert promised is not None
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(example, {"__name__": "__readme__"})  # noqa: S102
    assert out.getvalue().strip() == promised.group(1)


async def test_the_readme_pausable_snippet_runs() -> None:
    snippet = next(b for b in _blocks("README.md", "python") if "create_pausable_cell" in b)
    printed: list[Any] = []
    async with cc.Session([add]) as session:
        await _run_with_top_level_await(
            snippet, {"session": session, "print": lambda *a: printed.extend(a)}
        )
    [final] = printed
    assert isinstance(final, cc.Completed) and final.content_items == [cc.TextItem(text="2")]


@pytest.mark.parametrize("snippet", _blocks("docs/javascript.md", "js"))
async def test_every_javascript_page_snippet_runs(snippet: str) -> None:
    async with cc.Session([add, weather]) as session:
        cell = await session.create_cell(snippet)
        event = await cell.wait(yield_after=10)
    assert isinstance(event, cc.Completed) and event.error_text is None, event


async def test_the_langchain_page_snippet_runs() -> None:
    pytest.importorskip("langchain_core")
    [snippet] = _blocks("docs/integrations/langchain.md", "python")
    namespace: dict[str, Any] = {}
    exec(snippet, namespace)  # noqa: S102
    call = re.search(r"# (tools\.lc\.shout\(.*\))$", snippet, flags=re.M)
    assert call is not None
    async with namespace["session"] as session:
        cell = await session.create_cell(f"text(await {call.group(1)})")
        event = await cell.wait(yield_after=10)
    assert event == cc.Completed(content_items=[cc.TextItem(text="HI")], error_text=None)
