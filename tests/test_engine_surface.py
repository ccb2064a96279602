"""The JavaScript surface of a cell (CONTRACT §6), driven through `QuickJSEngine` directly."""

from __future__ import annotations

import json

import pytest
from hostile.engine_driver import engine, finished, outcome, run, texts

from codecells.engine import QuickJSEngine
from codecells.engine.protocol import (
    EngineLimits,
    EngineTool,
    FireTimer,
    Notify,
    Output,
    Quiescent,
    RejectTool,
    ResolveTool,
    Started,
    TimerCleared,
    TimerSet,
    ToolCallRequested,
    YieldRequested,
)
from codecells.engine.wire import trusted
from codecells.events import ImageItem, TextItem

PNG = "data:image/png;base64,AAAA"


def test_first_step_starts_runs_and_finishes() -> None:
    events = run(engine('text("hi")'))
    assert isinstance(events[0], Started)
    assert texts(events) == ["hi"]
    assert finished(events).error_text is None


def test_top_level_await_and_module_body() -> None:
    assert outcome("const x = await Promise.resolve(41); text(x + 1)") == (["42"], None)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("undefined", "undefined"),
        ("null", "null"),
        ("true", "true"),
        ("1.5", "1.5"),
        ("10n", "10"),
        ('"s"', "s"),
        ("{json: true}", '{"json":true}'),
        ("[1, 'a']", '[1,"a"]'),
        ("Symbol('q')", "Symbol(q)"),
    ],
)
def test_text_conversions(expr: str, expected: str) -> None:
    assert outcome(f"text({expr})") == ([expected], None)


def test_text_of_circular_value_fails_the_cell() -> None:
    shown, error = outcome("const o = {}; o.o = o; text('before'); text(o)")
    assert shown == ["before"]
    assert error is not None and "circular" in error.lower()


def test_helpers_return_undefined() -> None:
    source = """
      const r = [text("a"), image("data:image/png;base64,AA"), store("k", 1), notify("n"),
                 yield_control(), clearTimeout(1)];
      text(r.every((v) => v === undefined));
    """
    assert texts(run(engine(source)))[-1] == "true"


def test_tool_call_round_trip_with_ids_and_index() -> None:
    eng = engine(
        "const a = tools.two({n: 1}); const b = tools.one(); text(JSON.stringify([await a, await b]))",
        tools=["one", "two"],
    )
    first = eng.step()
    calls = [e for e in first if isinstance(e, ToolCallRequested)]
    assert [(c.call_id, c.tool_index, c.input) for c in calls] == [
        ("tool-1", 1, {"n": 1}),
        ("tool-2", 0, None),
    ]
    assert first[-1] == Quiescent(pending_tool_call_ids=["tool-1", "tool-2"])
    eng.post(ResolveTool(call_id="tool-2", value="B"))
    assert eng.has_queued_input
    second = eng.step()
    assert not eng.has_queued_input
    assert second == [Quiescent(pending_tool_call_ids=["tool-1"])]
    eng.post(ResolveTool(call_id="tool-1", value={"x": [1, None]}))
    assert texts(run(eng)) == ['[{"x":[1,null]},"B"]']


def test_a_step_without_input_stays_quiescent() -> None:
    eng = engine("await tools.t(); text('done')", tools=["t"])
    assert eng.step()[-1] == Quiescent(pending_tool_call_ids=["tool-1"])
    assert eng.step() == [Quiescent(pending_tool_call_ids=["tool-1"])]
    eng.post(ResolveTool(call_id="tool-1", value=None))
    assert texts(run(eng)) == ["done"]


def test_tool_rejection_is_the_plain_string() -> None:
    eng = engine("try { await tools.t(1) } catch (e) { text(typeof e + ':' + e) }", tools=["t"])
    events = run(eng, answer=lambda call: RejectTool(call_id=call.call_id, message="first failed"))
    assert texts(events) == ["string:first failed"]


def test_tool_input_serialisation() -> None:
    eng = engine(
        "tools.t(undefined); tools.t(() => 1); tools.t({toJSON() { return 'j' }}); tools.t('s')",
        tools=["t"],
    )
    calls = [e for e in eng.step() if isinstance(e, ToolCallRequested)]
    assert [c.input for c in calls] == [None, None, "j", "s"]


@pytest.mark.parametrize("bad", ["1n", "(() => { const o = {}; o.o = o; return o })()"])
def test_unserialisable_tool_input_throws_synchronously(bad: str) -> None:
    source = f"try {{ tools.t({bad}); text('no') }} catch (e) {{ text('sync ' + e.name) }}"
    eng = engine(source, tools=["t"])
    events = run(eng)
    assert texts(events) == ["sync TypeError"]
    assert not any(isinstance(e, ToolCallRequested) for e in events)


def test_all_tools_lists_names_and_descriptions() -> None:
    shown, _ = outcome("text(ALL_TOOLS)", tools=["a_b", "c"])
    assert shown == ['[{"name":"a_b","description":"d:a_b"},{"name":"c","description":"d:c"}]']


def test_unknown_tool_call_id_fails_the_cell() -> None:
    eng = engine("await tools.t()", tools=["t"])
    eng.step()
    eng.post(ResolveTool(call_id="tool-9", value=1))
    assert finished(run(eng)).error_text == "unknown tool call `tool-9`"


def test_image_forms_and_details() -> None:
    source = f"""
      image("{PNG}");
      image({{image_url: "{PNG}", detail: "LOW"}});
      image({{image_url: "{PNG}", detail: "low"}}, "Original");
      image({{type: "image", data: "QUJD", mimeType: "image/jpeg"}});
      image({{type: "image", data: "QUJD", _meta: {{"codex/imageDetail": "auto"}}}});
      image({{type: "image", data: "{PNG}", mimeType: "image/png"}}, null);
    """
    items = [e.item for e in run(engine(source)) if isinstance(e, Output)]
    assert items == [
        ImageItem(image_url=PNG, detail="high"),
        ImageItem(image_url=PNG, detail="low"),
        ImageItem(image_url=PNG, detail="original"),
        ImageItem(image_url="data:image/jpeg;base64,QUJD", detail="high"),
        ImageItem(image_url="data:application/octet-stream;base64,QUJD", detail="auto"),
        ImageItem(image_url=PNG, detail="high"),
    ]


REMOTE = (
    "Tool call failed: remote image URLs are not supported in tool outputs. "
    "Pass a base64 data URI instead"
)
SHAPE = (
    "image expects a non-empty image URL string, an object with image_url and optional "
    "detail, or a raw MCP image block"
)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            'image("https://example.com/a.png")',
            REMOTE,
        ),
        (
            'image("HTTP://example.com/a.png")',
            REMOTE,
        ),
        (f'image("{PNG}", "huge")', "image detail must be one of: auto, low, high, original"),
        (f'image("{PNG}", 3)', "image detail must be a string when provided"),
        ('image("")', SHAPE),
        ("image(42)", SHAPE),
        ("image({content: [{type: 'image', data: 'x'}]})", SHAPE),
        ("image({type: 'text', text: 'x'})", 'image only accepts MCP image blocks, got "text"'),
        (
            'image("not a url")',
            "Tool call failed: invalid image output. Pass a base64 data URI instead",
        ),
    ],
)
def test_image_errors_are_exact(call: str, message: str) -> None:
    assert outcome(call) == ([], message)


def test_store_and_load() -> None:
    source = """
      text(load("old").n); const copy = load("old"); copy.n = 9; text(load("old").n);
      text(String(load("missing"))); store("new", {a: [1]}); store(7, "seven");
      text(load("new").a[0]);
    """
    events = run(engine(source, stored={"old": {"n": 1}}))
    assert texts(events) == ["1", "1", "undefined", "1"]
    assert finished(events).all_writes() == {"new": {"a": [1]}, "7": "seven"}


@pytest.mark.parametrize(
    "value", ["undefined", "() => 1", "10n", "(() => {const o={}; o.o=o; return o})()"]
)
def test_store_rejects_unserialisable_values(value: str) -> None:
    events = run(engine(f'store("a", 1); store("k", {value})'))
    end = finished(events)
    assert end.error_text == 'Unable to store "k". Only plain serializable objects can be stored.'
    assert end.all_writes() == {"a": 1}


def test_notify_and_yield_control() -> None:
    events = run(engine('notify("hello"); notify({a: 1}); yield_control(); text("x")'))
    assert [e for e in events if isinstance(e, (Notify, YieldRequested))] == [
        Notify(text="hello"),
        Notify(text='{"a":1}'),
        YieldRequested(),
    ]


@pytest.mark.parametrize("value", ['""', '"   "', '"\\n\\t"'])
def test_notify_rejects_empty_text(value: str) -> None:
    assert outcome(f"notify({value})")[1] == "notify expects non-empty text"


def test_exit_keeps_output_before_it() -> None:
    assert outcome('text("before"); exit(); text("after")') == (["before"], None)


def test_exit_after_await_and_in_timer_callback() -> None:
    assert outcome("text(1); await null; exit(); text(2)") == (["1"], None)
    eng = engine(
        'setTimeout(() => { text("t"); exit(); text("no") }, 5); await new Promise(() => {})'
    )
    first = eng.step()
    assert TimerSet(timer_id=1, delay=0.005) in first
    eng.post(FireTimer(timer_id=1))
    events = run(eng)
    assert texts(events) == ["t"]
    assert finished(events).error_text is None


def test_timers_set_clear_and_fire() -> None:
    source = """
      const a = setTimeout(() => text("a"), 20.9);
      const b = setTimeout(() => text("b"), -5);
      setTimeout(() => text("c"), "x");
      clearTimeout(b); clearTimeout(undefined); clearTimeout(99);
      text(String([a, b]));
      await new Promise((resolve) => setTimeout(resolve, 1));
      text("done");
    """
    eng = engine(source)
    first = eng.step()
    assert [e for e in first if isinstance(e, (TimerSet, TimerCleared))] == [
        TimerSet(timer_id=1, delay=0.02),
        TimerSet(timer_id=2, delay=0.0),
        TimerSet(timer_id=3, delay=0.0),
        TimerCleared(timer_id=2),
        TimerSet(timer_id=4, delay=0.001),
    ]
    for timer_id in (2, 1, 3, 4):
        eng.post(FireTimer(timer_id=timer_id))
    events = run(eng)
    assert texts(events) == ["a", "c", "done"]
    assert finished(events).error_text is None


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ("setTimeout(1, 1)", "setTimeout expects a function callback"),
        ('clearTimeout("1")', "clearTimeout expects a numeric timeout id"),
    ],
)
def test_timer_validation(call: str, message: str) -> None:
    assert outcome(call) == ([], message)


def test_throwing_timer_callback_fails_the_cell() -> None:
    eng = engine('setTimeout(() => { throw new Error("late") }, 0); await new Promise(() => {})')
    eng.step()
    eng.post(FireTimer(timer_id=1))
    error = finished(run(eng)).error_text
    assert error is not None and error.startswith("Error: late\n    at ")


def test_pending_timers_and_promises_do_not_keep_the_cell_alive() -> None:
    events = run(engine('setTimeout(() => text("never"), 10); tools.t(); text("end")', tools=["t"]))
    assert texts(events) == ["end"]
    assert finished(events).error_text is None


def test_uncaught_error_text_has_message_and_stack() -> None:
    _, error = outcome('function f() { throw new TypeError("boom") }\nf()')
    assert error is not None
    lines = error.split("\n")
    assert lines[0] == "TypeError: boom"
    assert lines[1].startswith("    at f (")


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ('throw "plain"', "plain"),
        ("throw 42", "42"),
        ("await Promise.reject({a: 1})", "[object Object]"),
        ("throw Object.create(null)", "uncaught exception"),
    ],
)
def test_non_error_throws(source: str, error: str) -> None:
    assert outcome(source)[1] == error


@pytest.mark.parametrize(
    ("source", "specifier"),
    [
        ('import fs from "fs"', "fs"),
        ('import { x } from "./local.js"; text(x)', "./local.js"),
        ('await import("os")', "os"),
    ],
)
def test_imports_are_unsupported(source: str, specifier: str) -> None:
    assert outcome(source)[1] == f"Unsupported import in exec: {specifier}"


def test_syntax_error_reports_after_started() -> None:
    events = run(engine("let = ;"))
    assert isinstance(events[0], Started)
    error = finished(events).error_text
    assert error is not None and error.startswith("SyntaxError")


def test_console_only_when_enabled() -> None:
    from codecells.engine.protocol import EngineLimits

    assert outcome("text(typeof console)") == (["undefined"], None)
    on = EngineLimits(console=True)
    assert outcome('console.log("a", 1, {b: 2}); console.error("e")', limits=on) == (
        ['a 1 {"b":2}', "e"],
        None,
    )


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (float("nan"), "NaN or an infinity"),
        ({"a": [float("-inf")]}, "NaN or an infinity"),
        (10**5000, "an integer with more than 4,300 digits"),
        ([1, {"n": -(10**5000)}], "an integer with more than 4,300 digits"),
    ],
    ids=["nan", "nested-infinity", "huge-int", "nested-huge-int"],
)
def test_a_result_the_engine_cannot_write_rejects_the_call(value: object, reason: str) -> None:
    eng = QuickJSEngine(
        "text(await tools.ns.t().catch((e) => e)); text('runs on')",
        tools=[EngineTool(js_name="t", js_namespace="ns")],
        stored_values={},
        limits=EngineLimits(),
    )
    eng.step()
    eng.post(ResolveTool.model_construct(call_id="tool-1", value=value))  # the host let it by
    events = run(eng)
    assert texts(events) == [f"tool ns.t returned a value that is not JSON: {reason}", "runs on"]
    assert finished(events).error_text is None


@pytest.mark.parametrize(
    "value", [None, True, 0, -7, 2**53, 1.5, "", 'é\u2028"\\', [1, {"k": None}], {"x": "y"}]
)
def test_tool_results_arrive_as_equal_json(value: object) -> None:
    eng = engine("text(JSON.stringify(await tools.t()))", tools=["t"])
    eng.step()
    eng.post(ResolveTool(call_id="tool-1", value=value))  # type: ignore[arg-type]
    shown = texts(run(eng))
    assert len(shown) == 1
    assert json.loads(shown[0]) == value


def test_lone_surrogates_arrive_as_replacement_characters() -> None:
    eng = engine(
        "text('a\\ud800b\\\\ud800'); await tools.t({'\\udfff': ['\\udbff\\udfff']})",
        tools=["t"],
    )
    events = eng.step()
    assert texts(events) == ["a\ufffdb\\ud800"]
    inputs = [e.input for e in events if isinstance(e, ToolCallRequested)]
    assert inputs == [{"\ufffd": ["\U0010ffff"]}]


def test_trusted_events_equal_validated_ones() -> None:
    built = trusted(ToolCallRequested, call_id="tool-1", tool_index=2, input={"a": [1]})
    assert built == ToolCallRequested(call_id="tool-1", tool_index=2, input={"a": [1]})
    assert built.model_dump_json() == (
        '{"type":"tool_call","call_id":"tool-1","tool_index":2,"input":{"a":[1]},"inline":false}'
    )
    output = trusted(Output, item=trusted(TextItem, text="x"))
    assert output == Output(item=TextItem(text="x"))
    assert hash(output.item) == hash(TextItem(text="x"))
