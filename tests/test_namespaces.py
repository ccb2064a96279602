"""Namespaced tools: ``tools.<namespace>.<name>``, ALL_TOOLS, clashes (CONTRACT §6)."""

from __future__ import annotations

import json

import pytest
from support import RecordingDelegate, texts

import codecells as cc
from codecells.agent import exec_description, tool_declaration

GITHUB_SEARCH = cc.ToolDefinition(name="search", namespace="github", description="Search code")
DOCS_SEARCH = cc.ToolDefinition(name="search", namespace="docs-site", description="Search docs")
TOP_SEARCH = cc.ToolDefinition(name="search", description="Search the web")


async def run(
    source: str, tools: list[cc.ToolDefinition]
) -> tuple[cc.Completed, RecordingDelegate]:
    delegate = RecordingDelegate()
    async with cc.Session(tools, delegate=delegate) as session:
        event = await (await session.create_cell(source)).wait()
    assert isinstance(event, cc.Completed)
    return event, delegate


async def test_namespaced_tools_with_one_name_each_reach_their_own_tool() -> None:
    event, delegate = await run(
        "text(await tools.github.search({q: 1})); text(await tools.docs_site.search({q: 2}));"
        "text(await tools.search({q: 3}))",
        [GITHUB_SEARCH, DOCS_SEARCH, TOP_SEARCH],
    )
    assert event.error_text is None
    assert [(c.namespace, c.tool_name, c.input) for c in delegate.calls] == [
        ("github", "search", {"q": 1}),
        ("docs-site", "search", {"q": 2}),
        (None, "search", {"q": 3}),
    ]


async def test_all_tools_lists_the_normalised_namespace() -> None:
    event, _ = await run("text(JSON.stringify(ALL_TOOLS))", [TOP_SEARCH, DOCS_SEARCH])
    assert json.loads(texts(event)[0]) == [
        {"name": "search", "description": "Search the web"},
        {"name": "search", "description": "Search docs", "namespace": "docs_site"},
    ]


async def test_namespace_objects_are_frozen_like_tools() -> None:
    source = """
      const ns = tools.github;
      const results = [Object.isFrozen(tools), Object.isFrozen(ns), Object.keys(tools).join()];
      try { ns.search = () => 1 } catch { results.push("locked") }
      try { ns.extra = 1 } catch { results.push("closed") }
      try { delete ns.search } catch { results.push("kept") }
      try { tools.github = {} } catch { results.push("fixed") }
      results.push(await ns.search("x"));
      text(results.join())
    """
    event, delegate = await run(source, [GITHUB_SEARCH, TOP_SEARCH])
    assert texts(event) == ["true,true,github,search,locked,closed,kept,fixed,x"]
    assert [c.namespace for c in delegate.calls] == ["github"]


@pytest.mark.parametrize(
    ("tools", "message"),
    [
        (
            [GITHUB_SEARCH, GITHUB_SEARCH.model_copy(update={"name": "search"})],
            r"^tools 'search' and 'search' both appear to scripts as tools\.github\.search$",
        ),
        (
            [cc.ToolDefinition(name="github"), GITHUB_SEARCH],
            r"^tool 'github' and namespace 'github' both appear to scripts as tools\.github$",
        ),
        (
            [GITHUB_SEARCH, cc.ToolDefinition(name="github")],
            r"^namespace 'github' and tool 'github' both appear to scripts as tools\.github$",
        ),
        (
            [DOCS_SEARCH, cc.ToolDefinition(name="x", namespace="docs_site")],
            r"^namespaces 'docs-site' and 'docs_site' both appear to scripts as tools\.docs_site$",
        ),
    ],
)
def test_clashes_are_refused_at_session_creation_naming_both(
    tools: list[cc.ToolDefinition], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        cc.Session(tools)


def test_two_tools_of_one_namespace_share_it() -> None:
    other = cc.ToolDefinition(name="issues", namespace="github")
    assert [t.name for t in cc.Session([GITHUB_SEARCH, other]).tools] == ["search", "issues"]


def test_declarations_nest_the_namespace() -> None:
    declaration = tool_declaration(DOCS_SEARCH)
    assert declaration == (
        "declare const tools: { docs_site: { search(args: unknown): Promise<unknown>; } };"
    )
    description = exec_description([TOP_SEARCH, DOCS_SEARCH], namespaces={"docs-site": "Docs"})
    assert "## docs-site\nDocs\n\n### `search`\nSearch docs\n" in description
    assert "{ docs_site: { search(args: unknown)" in description


async def test_namespaces_named_like_object_internals_stay_plain_tools() -> None:
    tools = [
        cc.ToolDefinition(name="__proto__", namespace="__proto__"),
        cc.ToolDefinition(name="constructor", namespace="constructor"),
        cc.ToolDefinition(name="toString", namespace="x"),
    ]
    event, delegate = await run(
        """
        text(Object.keys(tools).join()); text(Object.isFrozen(tools.__proto__));
        text(await tools.__proto__.__proto__(1)); text(await tools.constructor.constructor(2));
        text(await tools.x.toString(3)); text(Object.getPrototypeOf(tools) === Object.prototype);
        """,
        tools,
    )
    assert texts(event) == ["__proto__,constructor,x", "true", "1", "2", "3", "true"]
    assert [(c.namespace, c.tool_name) for c in delegate.calls] == [
        ("__proto__", "__proto__"),
        ("constructor", "constructor"),
        ("x", "toString"),
    ]
