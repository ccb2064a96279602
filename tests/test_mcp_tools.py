"""MCP servers' tools in a session (codecells[mcp]), against real servers: one over stdio in a
subprocess, one over streamable HTTP on 127.0.0.1 (started once for this module)."""

from __future__ import annotations

import asyncio
import json
import math
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import mcp
import pytest
from integrations.servers import http_server, http_session, stdio_session
from support import texts

import codecells as cc
from codecells.agent import exec_description
from codecells.integrations.mcp import MAX_TOOL_PAGES, mcp_instructions, mcp_tools

RAW_SERVER = str(Path(__file__).parent / "integrations" / "raw_mcp_server.py")


@pytest.fixture(scope="module")
def beta_url() -> Iterator[str]:
    with http_server("beta") as url:
        yield url


async def run(session: cc.Session, source: str) -> cc.Completed:
    event = await (await session.create_cell(source)).wait(yield_after=30)
    assert isinstance(event, cc.Completed), event
    return event


async def test_two_servers_with_clashing_names_share_a_session(beta_url: str) -> None:
    async with stdio_session("alpha") as alpha, http_session(beta_url) as beta:
        tools = await mcp_tools([alpha, beta])  # namespaced by the servers' names
        assert await mcp_instructions([alpha, beta]) == {
            "alpha": "The alpha test server.",
            "beta": "The beta test server.",
        }
        async with cc.Session(tools) as session:
            event = await run(
                session,
                """
                const a = await tools.alpha.search({q: "cells"});
                const b = await tools.beta.search({q: "cells"});
                text(a.content[0].text); text(b.structuredContent.result);
                text(JSON.stringify(ALL_TOOLS.filter((t) => t.name === "search")));
                """,
            )
    assert event.error_text is None
    first, second, listed = texts(event)
    assert (first, second) == ("alpha results for cells", "beta results for cells")
    assert json.loads(listed) == [
        {"name": "search", "description": "Search this server.", "namespace": "alpha"},
        {"name": "search", "description": "Search this server.", "namespace": "beta"},
    ]


async def test_structured_results_images_and_errors_reach_the_script(beta_url: str) -> None:
    async with http_session(beta_url) as beta:
        async with cc.Session(await mcp_tools({"beta": beta})) as session:
            event = await run(
                session,
                """
                const sum = await tools.beta.add({a: 2, b: 3});
                text(sum.structuredContent.total); text("isError" in sum);
                const picture = await tools.beta.pixel();
                image(picture.content[0]); text(picture.content[1].text);
                await tools.beta.fail({message: "no such page"}).catch((e) => text(`${typeof e}: ${e}`));
                await tools.beta.add("2+3").catch((e) => text(e));
                await tools.beta.add({a: "x"}).catch((e) => text(e.split("\\n")[0]));
                """,
            )
    assert event.error_text is None
    assert texts(event) == [
        "5",
        "false",
        "a pixel",
        "string: Error executing tool fail: no such page",
        "MCP tool beta.add takes an object argument, got a string",
        "Error executing tool add: 2 validation errors for addArguments",
    ]
    image = next(i for i in event.content_items if isinstance(i, cc.ImageItem))
    assert image.image_url.startswith("data:image/png;base64,iVBORw0KGgo")


async def test_declarations_carry_input_and_output_schemas(beta_url: str) -> None:
    async with http_session(beta_url) as beta:
        tools = await mcp_tools({"beta": beta})
    described = exec_description(tools)
    assert "Shared MCP types" in described
    add = (
        "add(args: { a: number; b: number }): "
        "Promise<CallToolResult<{ total: number; terms: number[] }>>"
    )
    assert f"declare const tools: {{ beta: {{ {add}; }} }};" in described
    assert {t.definition.namespace for t in tools} == {"beta"}


async def test_a_slow_tool_is_cancelled_on_the_server_by_terminate(
    beta_url: str, tmp_path: Path
) -> None:
    marker = tmp_path / "slow.txt"
    async with http_session(beta_url) as beta:
        async with cc.Session(await mcp_tools({"beta": beta})) as session:
            cell = await session.create_cell(
                f"text(await tools.beta.slow({{seconds: 60, marker: {json.dumps(str(marker))}}}))"
            )
            await until_file(marker, "started ")
            assert isinstance(await cell.terminate(), cc.Terminated)
            await until_file(marker, "started cancelled")
            event = await run(
                session, 'text((await tools.beta.search({q: "after"})).content[0].text)'
            )
    assert texts(event) == ["beta results for after"]


async def test_a_tool_that_never_answers_is_bounded_by_termination_and_timeout(
    beta_url: str,
) -> None:
    async with http_session(beta_url) as beta:
        async with cc.Session(await mcp_tools({"beta": beta})) as session:
            cell = await session.create_cell("await tools.beta.hang()")
            assert isinstance(await cell.wait(yield_after=0.1), cc.Yielded)
            assert isinstance(await cell.terminate(), cc.Terminated)
        async with cc.Session(await mcp_tools({"beta": beta}, timeout=0.2)) as session:
            event = await run(session, "await tools.beta.hang().catch((e) => text(e))")
    [message] = texts(event)
    assert message.startswith("MCP server 'beta' failed to run hang: ")
    assert "timed out" in message.lower()


async def test_malformed_results_reject_with_a_message_naming_the_server(beta_url: str) -> None:
    async with http_session(beta_url) as beta:
        async with cc.Session(await mcp_tools({"beta": beta})) as session:
            event = await run(session, "await tools.beta.malformed().catch((e) => text(e))")
    assert texts(event) == [
        "MCP server 'beta' failed to run malformed: Handler returned an invalid result"
    ]


async def test_malformed_content_on_the_wire_rejects_with_the_first_problem() -> None:
    async with raw_session() as raw:
        async with cc.Session(await mcp_tools(raw)) as session:
            event = await run(session, "await tools.raw.broken().catch((e) => text(e))")
    [message] = texts(event)
    assert message.startswith("MCP server 'raw' sent a malformed result for broken: content.0.")
    assert message.endswith("more problems)")


@asynccontextmanager
async def raw_session(paging: str = "one") -> AsyncIterator[mcp.ClientSession]:
    params = mcp.StdioServerParameters(command=sys.executable, args=[RAW_SERVER, paging])
    async with mcp.stdio_client(params) as (read, write), mcp.ClientSession(read, write) as raw:
        await raw.initialize()
        yield raw


async def test_a_tool_list_that_never_ends_is_refused() -> None:
    async with raw_session("repeat") as raw:
        with pytest.raises(ValueError, match="sent the tools/list cursor 'again' twice"):
            await asyncio.wait_for(mcp_tools(raw), 20)
    async with raw_session("endless") as raw:
        with pytest.raises(ValueError, match=f"more than {MAX_TOOL_PAGES} pages"):
            await asyncio.wait_for(mcp_tools(raw), 60)


@pytest.mark.parametrize(
    ("timeout", "error", "problem"),
    [
        (0, ValueError, "a positive, finite"),
        (-1.5, ValueError, "a positive, finite"),
        (math.nan, ValueError, "a positive, finite"),
        (math.inf, ValueError, "a positive, finite"),
        ("1", TypeError, "a number of seconds or None"),
        (True, TypeError, "a number of seconds or None"),
    ],
)
async def test_a_timeout_that_is_not_a_positive_number_is_refused_at_once(
    timeout: object, error: type[Exception], problem: str
) -> None:
    async with raw_session() as raw:
        with pytest.raises(error, match=f"mcp_tools timeout must be {problem}"):
            await mcp_tools(raw, timeout=timeout)  # type: ignore[arg-type]


async def test_a_server_that_dies_mid_call_rejects_this_and_later_calls() -> None:
    async with stdio_session("gamma") as gamma:
        async with cc.Session(await mcp_tools(gamma)) as session:
            event = await run(
                session,
                "await tools.gamma.die().catch((e) => text(e));"
                'await tools.gamma.search({q: "x"}).catch((e) => text(e))',
            )
    died, later = texts(event)
    assert died == "MCP server 'gamma' failed to run die: Connection closed"
    assert later.startswith("MCP server 'gamma' failed to run search: ")


async def test_an_http_server_that_dies_fails_only_the_task_holding_its_connection() -> None:
    # The SDK's HTTP transport raises in the task group of the client's `async with` (see
    # docs/integrations/mcp.md); held in a task of its own, the session's calls just reject.
    with http_server("delta") as url:
        ready: asyncio.Future[mcp.Client] = asyncio.get_running_loop().create_future()

        async def hold() -> None:
            async with mcp.Client(url) as client:
                ready.set_result(client)
                await asyncio.Event().wait()

        holder = asyncio.create_task(hold())
        async with cc.Session(await mcp_tools(await ready)) as session:
            event = await run(
                session,
                "await tools.delta.die().catch((e) => text(e));"
                'await tools.delta.search({q: "x"}).catch((e) => text(e))',
            )
        with pytest.raises(ExceptionGroup):
            await asyncio.wait_for(holder, 20)
    died, later = texts(event)
    assert died.startswith("MCP server 'delta' failed to run die: ")
    assert later.startswith("MCP server 'delta' failed to run search: ")


async def test_wrong_objects_are_refused_clearly(beta_url: str) -> None:
    with pytest.raises(TypeError, match=r"expects a connected mcp\.ClientSession or mcp\.Client"):
        await mcp_tools(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"got builtins\.object"):
        await mcp_tools({"x": object()})  # type: ignore[dict-item]
    async with http_session(beta_url) as one, http_session(beta_url) as two:
        with pytest.raises(TypeError, match="namespace must be a non-empty str"):
            await mcp_tools({"": one})
        with pytest.raises(ValueError, match="two MCP servers are both named 'beta'"):
            await mcp_tools([one, two])
        with pytest.raises(ValueError, match=r"tools 'search' and 'search' .* tools\.beta\.search"):
            cc.Session([*await mcp_tools(one), *await mcp_tools(two)])


async def until_file(path: Path, content: str, timeout: float = 20.0) -> None:
    """Wait until the server process has written `content` to `path` (another process: there
    is no event to await, so the file is checked every 20 ms)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (path.exists() and path.read_text() == content):
        assert loop.time() < deadline, (
            f"{path} holds {path.read_text() if path.exists() else None!r}"
        )
        await asyncio.sleep(0.02)
