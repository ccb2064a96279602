"""Values and sources at the edge of what the host accepts (issue 10, items 4 and 7): nesting
deeper than the host handles is refused at the call in JavaScript, naming the depth; any
character can appear in the source."""

from __future__ import annotations

import pytest
from hostile.engine_driver import SMALL_LIMITS, engine, finished, outcome, run, texts

from codecells.engine import QuickJSEngine
from codecells.engine.protocol import EngineTool, ToolCallRequested

MAX_DEPTH = 800
TOO_DEEP_STORE = f'Unable to store "deep": the value is nested deeper than {MAX_DEPTH} levels'
TOO_DEEP_TOOL = f"Unable to call tools.t: its input is nested deeper than {MAX_DEPTH} levels"


def nested(depth: int, leaf: str = "0") -> str:
    """JavaScript building a value nested `depth` arrays deep (objects every other level)."""
    return (
        f"(() => {{ let v = {leaf}; for (let i = 0; i < {depth}; i++) "
        "v = i % 2 ? [v] : {a: v}; return v })()"
    )


def test_stored_value_at_the_depth_limit_is_stored() -> None:
    events = run(engine(f'store("deep", {nested(MAX_DEPTH)}); text("ok")'))
    assert texts(events) == ["ok"]
    value = finished(events).all_writes()["deep"]
    for _ in range(MAX_DEPTH):
        value = value["a"] if isinstance(value, dict) else value[0]  # type: ignore[index,call-overload]
    assert value == 0


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1500, 5000])
def test_too_deep_stored_value_is_refused_at_the_call(depth: int) -> None:
    source = f'try {{ store("deep", {nested(depth)}) }} catch (e) {{ text(e) }} store("k", 1)'
    events = run(engine(source))
    assert texts(events) == [TOO_DEEP_STORE]
    assert finished(events).all_writes() == {"k": 1}


def test_uncaught_too_deep_store_ends_the_cell_with_the_depth() -> None:
    assert outcome(f'store("deep", {nested(1500)})')[1] == TOO_DEEP_STORE


def test_depth_counts_the_json_produced_not_the_value() -> None:
    source = f'store("deep", {{toJSON() {{ return {nested(MAX_DEPTH + 1)} }}}})'
    assert outcome(source)[1] == TOO_DEEP_STORE


def test_brackets_inside_strings_do_not_count() -> None:
    source = (
        'store("a", "[".repeat(1000)); store("b", ["\\\\\\"[{".repeat(500)]);'
        f'store("c", {nested(MAX_DEPTH, leaf=repr("[" * 300))}); text("ok")'
    )
    assert outcome(source) == (["ok"], None)


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1500])
def test_too_deep_tool_input_is_refused_at_the_call(depth: int) -> None:
    source = f"try {{ tools.t({nested(depth)}) }} catch (e) {{ text(e) }} text('after')"
    events = run(engine(source, tools=["t"]))
    assert texts(events) == [TOO_DEEP_TOOL, "after"]
    assert not [e for e in events if isinstance(e, ToolCallRequested)]
    assert finished(events).error_text is None


def test_too_deep_input_of_a_namespaced_tool_names_its_path() -> None:
    eng = QuickJSEngine(
        f"tools.ns.t({nested(MAX_DEPTH + 1)})",
        tools=[EngineTool(js_name="t", js_namespace="ns")],
        stored_values={},
        limits=SMALL_LIMITS,
    )
    error = finished(run(eng)).error_text
    assert error == TOO_DEEP_TOOL.replace("tools.t", "tools.ns.t")


def test_tool_input_at_the_depth_limit_reaches_the_tool() -> None:
    events = run(engine(f"tools.t({nested(MAX_DEPTH)})", tools=["t"]))
    call = next(e for e in events if isinstance(e, ToolCallRequested))
    assert call.input is not None


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('text("a\x00b")', "a\x00b"),
        ("text(`a\x00b`)", "a\x00b"),
        ('text("a\\\x00b")', "a\x00b"),  # a backslash escaping the NUL itself
        ('text("a\\\\\x00b")', "a\\\x00b"),  # an escaped backslash, then a NUL
        ('text(String(/a\x00b/.test("a\x00b")))', "true"),
        ('text("ok") // \x00 in a comment', "ok"),
        ('text(String("\ud800".length))', "1"),  # a lone surrogate
        ('text("\ud83d\ude00" === "\\u{1F600}" ? "pair" : "no")', "pair"),
    ],
    ids=[
        "string",
        "template",
        "escaped-nul",
        "escaped-backslash",
        "regex",
        "comment",
        "lone-surrogate",
        "surrogate-pair",
    ],
)
def test_source_with_nul_or_surrogates_runs(source: str, expected: str) -> None:
    assert outcome(source) == ([expected], None)


def test_nul_outside_literals_is_a_syntax_error() -> None:
    error = outcome("text(1)\x00")[1]
    assert error is not None and error.startswith("SyntaxError"), error
