"""The optional first-line ``// @exec:`` pragma of exec input."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codecells.agent import ExecSource, PragmaError, parse_exec_source, unwrap_code_fence

NOT_AN_OBJECT = (
    "exec pragma must be a JSON object with supported fields `yield_time_ms` and "
    "`max_output_tokens`"
)


def test_source_without_pragma_is_unchanged() -> None:
    assert parse_exec_source("text('hi')\n// @exec: {}") == ExecSource("text('hi')\n// @exec: {}")


def test_pragma_line_is_removed_and_read() -> None:
    parsed = parse_exec_source(
        '  // @exec: {"yield_time_ms": 0, "max_output_tokens": 1}\ntext(1)\ntext(2)'
    )
    assert parsed == ExecSource("text(1)\ntext(2)", yield_time_ms=0, max_output_tokens=1)


def test_pragma_may_set_one_field_or_none() -> None:
    assert parse_exec_source('// @exec: {"max_output_tokens": 5}\nx') == ExecSource(
        "x", max_output_tokens=5
    )
    assert parse_exec_source("// @exec: {}\nx") == ExecSource("x")


@pytest.mark.parametrize("source", ["", "   ", "\n\t\n"])
def test_empty_source(source: str) -> None:
    with pytest.raises(
        PragmaError, match=r"^exec expects raw JavaScript source text \(non-empty\)"
    ):
        parse_exec_source(source)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            '// @exec: {"yield_time_ms": 1}',
            "exec pragma must be followed by JavaScript source on subsequent lines",
        ),
        (
            '// @exec: {"yield_time_ms": 1}\n   \n',
            "exec pragma must be followed by JavaScript source on subsequent lines",
        ),
        (
            "// @exec:\nx",
            NOT_AN_OBJECT,
        ),
        (
            "// @exec: [1]\nx",
            NOT_AN_OBJECT,
        ),
        (
            '// @exec: {"timeout": 5}\nx',
            "exec pragma only supports `yield_time_ms` and `max_output_tokens`; got `timeout`",
        ),
        (
            '// @exec: {"yield_time_ms": -1}\nx',
            "exec pragma field `yield_time_ms` must be a non-negative safe integer",
        ),
        (
            '// @exec: {"max_output_tokens": 1.5}\nx',
            "exec pragma field `max_output_tokens` must be a positive safe integer",
        ),
        (
            '// @exec: {"max_output_tokens": "10"}\nx',
            "exec pragma field `max_output_tokens` must be a positive safe integer",
        ),
        (
            '// @exec: {"max_output_tokens": 0}\nx',
            "exec pragma field `max_output_tokens` must be a positive safe integer",
        ),
        (
            '// @exec: {"yield_time_ms": 1}\n```js\n```',
            "exec pragma must be followed by JavaScript source on subsequent lines",
        ),
        (
            '// @exec: {"yield_time_ms": true}\nx',
            "exec pragma field `yield_time_ms` must be a non-negative safe integer",
        ),
        (
            '// @exec: {"yield_time_ms": 9007199254740992}\nx',
            "exec pragma field `yield_time_ms` must be a non-negative safe integer",
        ),
    ],
)
def test_invalid_pragmas(source: str, message: str) -> None:
    with pytest.raises(PragmaError) as caught:
        parse_exec_source(source)
    assert str(caught.value) == message


def test_invalid_json_names_the_parse_error() -> None:
    with pytest.raises(PragmaError, match=r"^exec pragma must be valid JSON with supported fields"):
        parse_exec_source("// @exec: {yield_time_ms: 1}\nx")


@pytest.mark.parametrize(
    ("directive", "reason"),
    [
        ('{"yield_time_ms": 1' + "0" * 5000 + "}", "Exceeds the limit"),
        ("[" * 100_000, "nested too deeply"),
    ],
    ids=["5000-digit-number", "nested-100000-deep"],
)
def test_json_python_cannot_read_is_a_pragma_error(directive: str, reason: str) -> None:
    """What `json.loads` refuses beyond syntax (Python's integer digit limit, its recursion
    limit) is a pragma error too, not an exception escaping `CodeMode.handle`."""
    with pytest.raises(PragmaError, match=r"^exec pragma must be valid JSON") as caught:
        parse_exec_source(f"// @exec: {directive}\ntext(1)")
    assert reason in str(caught.value)


def test_largest_safe_integer_is_accepted() -> None:
    parsed = parse_exec_source('// @exec: {"yield_time_ms": 9007199254740991}\nx')
    assert parsed.yield_time_ms == 2**53 - 1


@given(st.text(max_size=60), st.text(max_size=20))
def test_any_input_parses_or_raises_pragma_error(head: str, tail: str) -> None:
    try:
        parsed = parse_exec_source(f"// @exec: {head}\n{tail}")
    except PragmaError:
        return
    assert parsed.code in (tail, unwrap_code_fence(tail))


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ("```js\ntext(1)\n```", "text(1)"),
        ("\n```javascript\nconst a = 1;\ntext(a)\n```\n", "const a = 1;\ntext(a)"),
        ("````\ntext('```')\n````", "text('```')"),
        ("~~~ts\ntext(1)\n~~~", "text(1)"),
        ('// @exec: {"yield_time_ms": 5}\n```js\ntext(1)\n```', "text(1)"),
        ('```js\n// @exec: {"yield_time_ms": 5}\ntext(1)\n```', "text(1)"),
    ],
)
def test_a_script_wrapped_whole_in_one_fence_is_unwrapped(source: str, code: str) -> None:
    assert parse_exec_source(source).code == code


@pytest.mark.parametrize(
    "source",
    [
        "text(1)\n```js\ntext(2)\n```",  # a fence after code
        "```js\ntext(1)\n```\n```js\ntext(2)\n```",  # two fences
        "```js\ntext(1)",  # never closed
        "```js\ntext(1)\n~~~",  # closed by another kind
        "````js\ntext(1)\n```",  # closed by a shorter fence
    ],
)
def test_anything_but_one_whole_fence_is_left_alone(source: str) -> None:
    assert parse_exec_source(source).code == source
