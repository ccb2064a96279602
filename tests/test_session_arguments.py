"""Careless arguments at the public API: each a clear error, and the cell goes on unharmed."""

from __future__ import annotations

import math
import sys

import pytest
from support import texts

import codecells as cc
from codecells.store import MemoryStore

TWO_FRONTIERS = (
    'await new Promise(r => setTimeout(r, 1)); text("a"); '
    'await new Promise(r => setTimeout(r, 1)); text("b")'
)
APPROVE = cc.ToolDefinition(name="approve", answered_externally=True)


@pytest.mark.parametrize("bad", ["1", 1.0, 1.5, True, None, math.nan])
async def test_resume_refuses_a_generation_that_is_not_an_int(bad: object) -> None:
    async with cc.Session() as session:
        cell = await session.create_pausable_cell(TWO_FRONTIERS)
        first = await cell.wait_to_pending()
        with pytest.raises(TypeError, match="generation must be an int"):
            await cell.resume(bad)  # type: ignore[arg-type]
        assert cell.state == "pending"
        assert await cell.resume(first.generation) is cc.ResumeOutcome.RESUMED
        with pytest.raises(TypeError, match="generation must be an int"):  # consumed: still
            await cell.resume(bad)  # type: ignore[arg-type]
        second = await cell.wait_to_pending()
        assert second.type == "pending" and texts(second) == ["a"]
        assert await cell.resume(second.generation) is cc.ResumeOutcome.RESUMED
        end = await cell.wait_to_pending()
        assert end == cc.Completed(content_items=[cc.TextItem(text="b")], error_text=None)


@pytest.mark.parametrize("bad", ["1", True, [1]])
async def test_wait_refuses_a_yield_after_that_is_not_a_number(bad: object) -> None:
    async with cc.Session() as session:
        cell = await session.create_cell('text("x")')
        with pytest.raises(TypeError, match="yield_after must be a number of seconds"):
            await cell.wait(yield_after=bad)  # type: ignore[arg-type]
        assert await cell.wait() == cc.Completed(
            content_items=[cc.TextItem(text="x")], error_text=None
        )


@pytest.mark.parametrize(
    ("field", "bad"),
    [
        (field, bad)
        for field in ("default_yield_after", "cpu_time_limit", "suspend_idle_after")
        for bad in (True, "5", [1])
    ]
    + [
        (field, bad)
        for field in ("memory_limit", "stack_limit", "output_limit")
        for bad in (True, "5", 1.0)
    ]
    + [
        ("memory_limit", sys.maxsize + 1),
        ("console", 1),
        ("console", "yes"),
        ("stack_limit", 1),
        ("stack_limit", 8 * 1024),
        ("stack_limit", 6 * 1024 * 1024 + 1),  # beyond the engine's largest stack
        ("cpu_time_limit", 10**400),
        ("default_yield_after", 10**400),
    ],
)
def test_session_config_refuses_wrong_types_and_sizes_the_engine_cannot_take(
    field: str, bad: object
) -> None:
    with pytest.raises(ValueError, match=field):
        cc.SessionConfig(**{field: bad})  # type: ignore[arg-type]


async def test_wait_refuses_a_yield_after_too_large_for_a_float() -> None:
    async with cc.Session() as session:
        cell = await session.create_cell('text("x")')
        with pytest.raises(ValueError, match="yield_after must be a finite number"):
            await cell.wait(yield_after=10**400)
        assert await cell.wait() == cc.Completed(
            content_items=[cc.TextItem(text="x")], error_text=None
        )


class _NotADelegate:
    """Has neither of a delegate's methods."""


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"config": {"cpu_time_limit": 1.0}}, "config must be a SessionConfig instance"),
        ({"config": cc.SessionConfig}, "config must be a SessionConfig instance"),
        ({"tools": None}, "tools must be an iterable"),
        ({"tools": "echo"}, "tools must be an iterable"),
        ({"delegate": _NotADelegate()}, "delegate must implement invoke_tool"),
    ],
    ids=["config-dict", "config-class", "tools-none", "tools-str", "delegate-without-methods"],
)
def test_session_refuses_arguments_of_the_wrong_kind_at_once(
    arguments: dict[str, object], message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        cc.Session(**arguments)  # type: ignore[arg-type]


async def test_a_delegate_with_only_notify_is_accepted() -> None:
    heard: list[str] = []

    class Notes:
        async def notify(self, call_id: str, cell_id: str, text: str) -> None:
            heard.append(text)

    async with cc.Session(delegate=Notes()) as session:
        event = await (await session.create_cell('await notify("hi"); text("ok")')).wait()
    assert texts(event) == ["ok"] and heard == ["hi"]


async def test_the_largest_accepted_limits_run_a_cell() -> None:
    config = cc.SessionConfig(
        memory_limit=sys.maxsize, stack_limit=32 * 1024, output_limit=sys.maxsize
    )
    async with cc.Session(config=config) as session:
        cell = await session.create_cell('text("ok")')
        assert await cell.wait() == cc.Completed(
            content_items=[cc.TextItem(text="ok")], error_text=None
        )


@pytest.mark.parametrize(
    ("call_id", "result", "error", "where"),
    [
        ("tool-1", math.nan, None, "value"),
        ("tool-1", object(), None, "value"),
        ("tool-1", {1: 2}, None, "value"),
        (1, "x", None, "call_id"),
        ("tool-1", None, 5, "message"),
    ],
)
async def test_answer_refuses_what_is_not_json_and_the_call_still_waits(
    call_id: object, result: object, error: object, where: str
) -> None:
    async with cc.Session([APPROVE], store=MemoryStore(), session_id="s") as session:
        cell = await session.create_pausable_cell("text(await tools.approve({}))")
        pending = await cell.wait_to_pending()
        with pytest.raises(ValueError, match=f"answer to call .*{where}"):
            await cell.answer(call_id, result, error=error)  # type: ignore[arg-type]
        assert cell.waits_for_answer("tool-1")
        await cell.answer("tool-1", "yes")
        assert await cell.resume(pending.generation) is cc.ResumeOutcome.RESUMED
        assert await cell.wait_to_pending() == cc.Completed(
            content_items=[cc.TextItem(text="yes")], error_text=None
        )


@pytest.mark.parametrize("bad", [1, None, ["1"]])
async def test_look_ups_refuse_a_cell_id_that_is_not_a_str(bad: object) -> None:
    async with cc.Session() as session:
        cell = await session.create_pausable_cell("await new Promise(r => setTimeout(r, 1))")
        assert cell.id == "1"
        for look_up in (session.cell, session.pausable_cell):
            with pytest.raises(TypeError, match=r"cell ids are str .*got"):
                look_up(bad)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match=r"cell ids are str .*got"):
            await session.terminate(bad)  # type: ignore[arg-type]
        assert session.pausable_cell("1").state in {"running", "pending"}


@pytest.mark.parametrize("bad", [1, b"call-1"])
async def test_create_refuses_a_tool_call_id_that_is_not_a_str(bad: object) -> None:
    async with cc.Session() as session:
        with pytest.raises(TypeError, match="tool_call_id must be a str or None"):
            await session.create_cell('notify("hi")', tool_call_id=bad)  # type: ignore[arg-type]
        cell = await session.create_cell('text("next")')
        assert cell.id == "1", "a refused cell takes no id"
