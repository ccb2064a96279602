"""Schemas built in Python that share dicts or contain themselves render as the JSON they
stand for: recursion as a recursive alias, a large shared schema declared once, never a hang."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

import codecells as cc
from codecells.agent import CodeMode, tool_declaration
from codecells.agent import schema_to_typescript as ts


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Fail a synchronous call still running after `seconds` rather than hang the suite."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"still rendering after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _tree() -> dict[str, Any]:
    tree: dict[str, Any] = {
        "type": "object",
        "title": "Tree",
        "properties": {"value": {"type": "number"}},
    }
    tree["properties"]["left"] = tree
    tree["properties"]["right"] = tree
    return tree


def test_a_schema_that_contains_itself_is_a_recursive_alias() -> None:
    with deadline(10):
        assert ts(_tree()) == "Tree\n\ntype Tree = { value?: number; left?: Tree; right?: Tree };"


def test_a_cycle_through_a_list_of_schemas_ends() -> None:
    variants: list[Any] = [{"type": "string"}]
    variants.append({"anyOf": variants})  # X = string | X: TypeScript cannot say it
    with deadline(10):
        assert ts({"anyOf": variants}) == "string | Root\n\ntype Root = unknown;"


async def test_code_mode_describes_a_tool_whose_schema_contains_itself() -> None:
    async with cc.Session([cc.ToolDefinition(name="walk", input_schema=_tree())]) as session:
        with deadline(10):
            specs = CodeMode(session).tool_specs()
    assert "walk(args: { value?: number; left?: left; right?: left })" in str(specs)


def test_a_deep_chain_of_shared_schemas_is_declared_once_per_link() -> None:
    level: dict[str, Any] = {"type": "string"}
    for _ in range(40):  # 2**40 paths to the innermost schema
        level = {"type": "object", "properties": {"a": level, "b": level}}
    with deadline(10):
        rendered = ts(level)
    head, aliases = rendered.split("\n\n")
    assert head == "{ a?: a; b?: a }"
    lines = aliases.splitlines()
    assert lines[:2] == ["type a = { a?: a_2; b?: a_2 };", "type a_2 = { a?: a_3; b?: a_3 };"]
    assert len(lines) == 37 and len(rendered) < 2000  # the 3 innermost levels are repeated


def test_a_small_shared_schema_is_repeated_as_written() -> None:
    city = {"type": "string", "description": "a city", "minLength": 1}
    schema = {"type": "object", "properties": {"origin": city, "destination": city}}
    assert ts(schema) == ts(json.loads(json.dumps(schema)))
    assert "type " not in ts(schema)


def test_a_large_shared_schema_is_declared_once() -> None:
    address = {"type": "object", "properties": {f"line{i}": {"type": "string"} for i in range(20)}}
    schema = {"properties": {"home": address, "work": address, "past": {"items": address}}}
    rendered = ts(schema)
    assert rendered.startswith("{ home?: home; work?: home; past?: home[] }\n\ntype home = {")
    assert rendered.count("line19") == 1


def test_shared_data_values_are_shown_up_to_a_repeat() -> None:
    statuses = [f"s{i}" for i in range(100)]
    shared = ts({"properties": {"a": {"enum": statuses}, "b": {"enum": statuses}}})
    assert shared.count('"s99"') == 2
    value: dict[str, Any] = {"a": 1}
    value["self"] = value
    assert ts({"const": value}) == "{ a: 1; self: unknown }"
    assert "@default {'a': 1, 'self': …}" in ts({"properties": {"x": {"default": value}}})
    doubling: Any = 1
    for _ in range(40):
        doubling = [doubling, doubling]
    with deadline(10):
        assert ts({"const": doubling}).endswith(", unknown]")


def test_non_string_keys_are_read_as_json_reads_them() -> None:
    schema = {"type": "object", "properties": {1: {"type": "string"}}, "required": ["1"]}
    assert ts(schema) == '{ "1": string }'
    assert tool_declaration(cc.ToolDefinition(name="t", input_schema={"const": object()})) == (
        "declare const tools: { t(args: unknown): Promise<unknown>; };"
    )
