"""Tools: function tools, delegate tools, errors (CONTRACT §3, §4, §6)."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable

import pytest
from pydantic import ValidationError
from support import RecordingDelegate, texts, until

import codecells as cc


def add(a: int, b: int = 10) -> int:
    """Add two integers."""
    return a + b


async def greet(name: str) -> dict[str, str]:
    """Greet someone, asynchronously."""
    return {"greeting": f"hello {name}"}


def refuse(reason: str) -> None:
    """Always fails deliberately."""
    raise cc.ToolError(reason)


def explode() -> None:
    """Fails by accident."""
    raise KeyError("missing thing")


FUNCTIONS = [add, greet, refuse, explode]


async def run(source: str, tools: list[object] | None = None, **kw: object) -> cc.Completed:
    async with cc.Session(tools if tools is not None else FUNCTIONS, **kw) as session:  # type: ignore[arg-type]
        event = await (await session.create_cell(source)).wait()
        assert isinstance(event, cc.Completed)
        return event


async def test_sync_and_async_functions_are_tools_with_validated_kwargs() -> None:
    event = await run(
        'text(String(await tools.add({a: 1, b: 2}))); text(String(await tools.add({a: "5"}))); '
        'text((await tools.greet({name: "ada"})).greeting)'
    )
    assert texts(event) == ["3", "15", "hello ada"] and event.error_text is None


async def test_validation_failure_rejects_with_a_readable_message() -> None:
    event = await run('try { await tools.add({a: "x"}) } catch (e) { text(typeof e); text(e) }')
    kind, message = texts(event)
    assert kind == "string"
    assert message.startswith("invalid arguments for tool add: a: ")
    assert "integer" in message
    event = await run("try { await tools.add({a: 1, c: 2}) } catch (e) { text(e) }")
    assert "c: Extra inputs are not permitted" in texts(event)[0]
    event = await run("try { await tools.add() } catch (e) { text(e) }")
    assert "a: Field required" in texts(event)[0]


async def test_tool_error_rejects_with_exactly_its_message() -> None:
    event = await run('try { await tools.refuse({reason: "no way"}) } catch (e) { text(e) }')
    assert texts(event) == ["no way"]


async def test_other_exceptions_reject_with_their_message() -> None:
    event = await run("try { await tools.explode() } catch (e) { text(e) }")
    assert texts(event) == ["'missing thing'"]


async def test_function_tool_definitions_come_from_signature_and_docstring() -> None:
    event = await run("text(JSON.stringify(ALL_TOOLS))")
    listed = __import__("json").loads(texts(event)[0])
    assert listed[0] == {"name": "add", "description": "Add two integers."}
    assert [t["name"] for t in listed] == ["add", "greet", "refuse", "explode"]


async def test_delegate_tools_get_a_tool_call_with_normalised_js_names() -> None:
    delegate = RecordingDelegate()
    tool = cc.ToolDefinition(name="mcp.search-web", description="d", namespace="mcp")
    assert tool.js_name == "mcp_search_web"
    event = await run(
        "text(JSON.stringify(await tools.mcp.mcp_search_web({q: 1}))); "
        "text(JSON.stringify(await tools.mcp.mcp_search_web()))",
        [tool],
        delegate=delegate,
    )
    assert texts(event) == ['{"q":1}', "null"]
    first = delegate.calls[0]
    assert first == cc.ToolCall(
        cell_id="1",
        call_id="tool-1",
        tool_name="mcp.search-web",
        namespace="mcp",
        kind=cc.ToolKind.FUNCTION,
        input={"q": 1},
        session_id=first.session_id,
    )
    assert first.session_id and first.idempotency_key == f"{first.session_id}/1/tool-1"
    assert delegate.calls[1].call_id == "tool-2" and delegate.calls[1].input is None


async def test_delegate_tool_error_and_missing_delegate() -> None:
    async def fail(call: cc.ToolCall) -> object:
        raise cc.ToolError("first failed")

    delegate = RecordingDelegate({"x": fail})
    event = await run(
        "text(await tools.x().catch(e => e))", [cc.ToolDefinition(name="x")], delegate=delegate
    )
    assert texts(event) == ["first failed"]
    event = await run("text(await tools.x().catch(e => e))", [cc.ToolDefinition(name="x")])
    assert texts(event) == ["tool x has no handler: the session has no delegate"]


async def test_non_json_results_reject() -> None:
    def weird() -> object:
        """Returns something JSON cannot hold."""
        return object()

    event = await run("text(await tools.weird().catch(e => e))", [weird])
    assert texts(event) == [
        "tool weird returned a value that is not JSON: a object (or what it holds) is not "
        "JSON-serialisable"
    ]


def test_functions_with_var_args_are_refused() -> None:
    def bad(*args: int) -> None:
        """No."""

    with pytest.raises(TypeError, match="named parameters only"):
        cc.Session([bad])


def test_events_round_trip_through_json() -> None:
    events = [
        cc.Yielded(
            content_items=[cc.TextItem(text="a"), cc.ImageItem(image_url="data:x", detail="low")]
        ),
        cc.Pending(generation=2, content_items=[], pending_tool_call_ids=["tool-1"]),
        cc.Completed(content_items=[], error_text="boom"),
        cc.Terminated(content_items=[cc.TextItem(text="t")]),
    ]
    for event in events:
        assert type(event).model_validate_json(event.model_dump_json()) == event
    with pytest.raises(ValidationError):
        events[0].content_items = []  # type: ignore[misc]


def test_tools_that_collide_as_js_names_are_refused() -> None:
    with pytest.raises(ValueError, match=r"'a-b' and 'a_b' both appear to scripts as tools.a_b"):
        cc.Session([cc.ToolDefinition(name="a-b"), cc.ToolDefinition(name="a_b")])


async def test_an_engine_that_cannot_start_raises_engine_error() -> None:
    def broken(spec: object) -> object:
        raise RuntimeError("failed to initialize code mode runtime")

    async with cc.Session(engine_factory=broken) as session:  # type: ignore[arg-type]
        with pytest.raises(cc.EngineError, match="^failed to initialize code mode runtime$"):
            await session.create_cell("1")


def test_session_tools_lists_definitions_with_schemas_from_signatures() -> None:
    session = cc.Session([add, greet, cc.ToolDefinition(name="ext", namespace="mcp")])
    add_def, greet_def, ext = session.tools
    assert add_def.name == "add" and add_def.description == "Add two integers."
    assert add_def.input_schema is not None
    assert add_def.input_schema["required"] == ["a"]
    assert add_def.input_schema["properties"]["b"]["default"] == 10
    assert add_def.output_schema == {"type": "integer"}
    assert greet_def.output_schema == {
        "additionalProperties": {"type": "string"},
        "type": "object",
    }
    assert ext == cc.ToolDefinition(name="ext", namespace="mcp")


class _UnprintableError(Exception):
    def __str__(self) -> str:
        raise RuntimeError("__str__ is broken too")


class _OddBaseError(BaseException):
    """Not an Exception: still a failure of the tool."""


async def _raise_cancelled() -> None:
    raise asyncio.CancelledError  # raised by the tool itself: nobody cancelled the call


async def _raise_unprintable() -> None:
    raise _UnprintableError


async def _raise_tool_error_none() -> None:
    raise cc.ToolError(None)  # type: ignore[arg-type]


async def _raise_odd_base() -> None:
    raise _OddBaseError("odd")


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        (_raise_cancelled, "tool odd raised CancelledError"),
        (_raise_unprintable, "_UnprintableError"),
        (_raise_tool_error_none, "ToolError"),
        (_raise_odd_base, "odd"),
    ],
)
@pytest.mark.parametrize("as_function", [True, False])
async def test_every_way_a_tool_fails_settles_its_promise(
    failure: Callable[[], Awaitable[None]], message: str, as_function: bool
) -> None:
    async def odd() -> None:
        """Fails oddly."""
        await failure()

    async def handler(call: cc.ToolCall) -> None:
        await failure()

    tools: list[object] = [odd if as_function else cc.ToolDefinition(name="odd")]
    delegate = RecordingDelegate({"odd": handler})
    event = await asyncio.wait_for(
        run("text(await tools.odd().catch(e => `rejected: ${e}`))", tools, delegate=delegate), 10
    )
    assert event == cc.Completed(content_items=[cc.TextItem(text=f"rejected: {message}")])


FINITE = "Input should be a finite number"
LONG = "an integer with more than 4,300 digits"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (math.nan, FINITE),
        (math.inf, FINITE),
        (-math.inf, FINITE),
        ([1, {"x": math.nan}], FINITE),
        (10**5000, LONG),
        ([1, {"n": -(10**5000)}], LONG),
    ],
    ids=["nan", "inf", "-inf", "nested-nan", "long-int", "nested-long-int"],
)
@pytest.mark.parametrize("as_function", [True, False])
async def test_a_result_the_script_cannot_receive_rejects_only_its_call(
    value: object, reason: str, as_function: bool
) -> None:
    def odd() -> object:
        """Returns a number JSON cannot hold, or Python cannot write."""
        return value

    async def handler(call: cc.ToolCall) -> object:
        return value

    tools: list[object] = [odd if as_function else cc.ToolDefinition(name="odd")]
    delegate = RecordingDelegate({"odd": handler})
    async with cc.Session(tools, delegate=delegate) as session:  # type: ignore[arg-type]
        source = 'store("k", 1); text(await tools.odd().catch((e) => `rejected: ${e}`))'
        event = await (await session.create_cell(source + '; text("still running")')).wait()
        assert session.stored_values == {"k": 1}
    assert event.error_text is None
    assert texts(event) == [
        f"rejected: tool odd returned a value that is not JSON: {reason}",
        "still running",
    ]


def _nested(depth: int) -> object:
    value: object = 1
    for _ in range(depth):
        value = [value]
    return value


ECHO_DEPTH = """
let o = 1;
for (let i = 0; i < 799; i++) o = [o];
let back = await tools.wrap({value: o}), depth = 0;
while (Array.isArray(back)) { back = back[0]; depth++; }
text(depth);
text(await tools.deeper().catch((e) => `rejected: ${e}`));
"""


@pytest.mark.parametrize("as_function", [True, False])
async def test_results_nest_as_deep_as_inputs(as_function: bool) -> None:
    def wrap(value: object) -> object:
        """Returns its input in an array: 800 levels deep, as deep as an input may be."""
        return [value]

    def deeper() -> object:
        """Nests one level deeper than inputs may."""
        return _nested(801)

    async def handler(call: cc.ToolCall) -> object:
        if call.tool_name == "deeper":
            return deeper()
        assert isinstance(call.input, dict)
        return wrap(call.input["value"])

    names = ("wrap", "deeper")
    tools: list[object] = (
        [wrap, deeper] if as_function else [cc.ToolDefinition(name=name) for name in names]
    )
    delegate = RecordingDelegate(dict.fromkeys(names, handler))
    event = await run(ECHO_DEPTH, tools, delegate=delegate)
    assert event.error_text is None
    assert texts(event) == [
        "800",
        "rejected: tool deeper returned a value that is not JSON: it is nested deeper than 800 "
        "levels",
    ]


async def test_a_continuing_cell_is_answered_and_runs_on_by_itself() -> None:
    approve = cc.ToolDefinition(name="approve", answered_externally=True)
    async with cc.Session([approve]) as session:
        cell = await session.create_cell('text("a"); text(await tools.approve({})); text("b")')
        await until(lambda: cell.waits_for_answer("tool-1"))
        await cell.answer("tool-1", "yes")
        assert await cell.wait() == cc.Completed(
            content_items=[cc.TextItem(text=t) for t in ("a", "yes", "b")], error_text=None
        )
