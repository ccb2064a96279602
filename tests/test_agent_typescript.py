"""JSON Schema → TypeScript rendering of tool declarations."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codecells.agent import schema_to_typescript as ts


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        (True, "unknown"),
        (False, "never"),
        ({}, "unknown"),
        ({"type": "string"}, "string"),
        ({"type": "integer"}, "number"),
        ({"type": "number"}, "number"),
        ({"type": "boolean"}, "boolean"),
        ({"type": "null"}, "null"),
        ({"type": ["string", "null"]}, "string | null"),
        ({"type": "widget"}, "unknown"),
        ({"const": "x"}, '"x"'),
        ({"enum": ["a", 1, None, True]}, '"a" | 1 | null | true'),
        ({"anyOf": [{"type": "string"}, {"type": "number"}]}, "string | number"),
        ({"oneOf": [{"type": "string"}, {"const": 2}]}, "string | 2"),
        ({"allOf": [{"type": "string"}, {"const": "x"}]}, 'string & "x"'),
        (
            {"allOf": [{"anyOf": [{"type": "string"}, {"type": "null"}]}, {"type": "string"}]},
            "(string | null) & string",
        ),
        ({"type": "array", "items": {"type": "string"}}, "Array<string>"),
        (
            {"type": "array", "prefixItems": [{"type": "string"}, {"type": "number"}]},
            "[string, number]",
        ),
        ({"type": "array"}, "unknown[]"),
        ({"items": {"type": "boolean"}}, "Array<boolean>"),
    ],
)
def test_scalars_unions_and_arrays(schema: Any, expected: str) -> None:
    assert ts(schema) == expected


def test_object_sorts_properties_marks_optional_and_quotes_names() -> None:
    schema = {
        "type": "object",
        "properties": {"zeta": {"type": "string"}, "alpha": {"type": "number"}, "x-y": {}},
        "required": ["zeta"],
    }
    assert ts(schema) == '{ alpha?: number; "x-y"?: unknown; zeta: string; }'


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "object"}, "{ [key: string]: unknown; }"),
        ({"type": "object", "additionalProperties": False}, "{}"),
        (
            {"type": "object", "additionalProperties": {"type": "integer"}},
            "{ [key: string]: number; }",
        ),
        (
            {"properties": {"a": {"type": "string"}}, "additionalProperties": True},
            "{ a?: string; [key: string]: unknown; }",
        ),
    ],
)
def test_additional_properties(schema: Any, expected: str) -> None:
    assert ts(schema) == expected


def test_descriptions_become_comments_one_property_per_line() -> None:
    schema = {
        "type": "object",
        "properties": {
            "where": {
                "type": "object",
                "description": "the place\n  spanning two lines ",
                "properties": {"city": {"type": "string", "description": "a city name"}},
                "required": ["city"],
            },
            "when": {"type": "string"},
        },
        "required": ["where"],
    }
    assert ts(schema) == (
        "{\n"
        "  when?: string;\n"
        "  // the place\n"
        "  // spanning two lines\n"
        "  where: {\n"
        "    // a city name\n"
        "    city: string;\n"
        "  };\n"
        "}"
    )


def test_local_refs_expand_at_most_twice_along_a_path() -> None:
    schema = {
        "$defs": {
            "Node": {
                "type": "object",
                "properties": {"next": {"$ref": "#/$defs/Node"}, "v": {"type": "number"}},
                "required": ["v"],
            }
        },
        "$ref": "#/$defs/Node",
    }
    assert ts(schema) == "{ next?: { next?: unknown; v: number; }; v: number; }"


def test_sibling_refs_each_expand() -> None:
    schema = {
        "definitions": {"Id": {"type": "string"}},
        "type": "array",
        "prefixItems": [{"$ref": "#/definitions/Id"}, {"$ref": "#/definitions/Id"}],
    }
    assert ts(schema) == "[string, string]"


@pytest.mark.parametrize("ref", ["#/$defs/Missing", "other.json#/x", "#anchor"])
def test_unresolvable_refs_are_unknown(ref: str) -> None:
    assert ts({"$defs": {}, "$ref": ref}) == "unknown"


def test_pydantic_model_schema() -> None:
    from pydantic import BaseModel

    class Point(BaseModel):
        x: float
        y: float
        label: str | None = None

    assert ts(Point.model_json_schema()) == "{ label?: string | null; x: number; y: number; }"


def test_root_ref_recursion_is_bounded() -> None:
    schema = {"type": "object", "properties": {"self": {"$ref": "#"}}}
    assert ts(schema) == "{ self?: { self?: { self?: unknown; }; }; }"


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                ["type", "properties", "items", "anyOf", "allOf", "enum", "$ref", "required", "x"]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@given(JSON)
def test_any_json_renders_to_some_type(schema: Any) -> None:
    assert isinstance(ts(schema), str)
