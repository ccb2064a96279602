"""JSON Schema → TypeScript rendering of tool declarations."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codecells.agent import MAX_DEPTH, TypeScriptRenderer
from codecells.agent import schema_to_typescript as ts
from codecells.agent.typescript import doc_comment


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
        ({"type": "array", "items": {"type": "string"}}, "string[]"),
        ({"type": "array", "items": {"type": ["string", "null"]}}, "(string | null)[]"),
        (  # `minItems` absent is 0: every element may be left out
            {"type": "array", "prefixItems": [{"type": "string"}, {"type": "number"}]},
            "[string?, number?, ...unknown[]]",
        ),
        (
            {"prefixItems": [{"type": "string"}, {"type": "number"}], "minItems": 2},
            "[string, number, ...unknown[]]",
        ),
        (
            {"prefixItems": [{"type": "string"}], "items": {"type": "number"}, "minItems": 1},
            "[string, ...number[]]",
        ),
        ({"prefixItems": [{"type": "string"}], "items": False, "minItems": 1}, "[string]"),
        (
            {"items": [{"type": "string"}, {"type": "number"}], "additionalItems": False},
            "[string?, number?]",
        ),
        (
            {"items": [{"type": "string"}], "additionalItems": {"type": "null"}, "minItems": 1},
            "[string, ...null[]]",
        ),
        (
            {"items": [{"type": "string"}, {"type": "number"}], "maxItems": 2, "minItems": 1},
            "[string, number?]",
        ),
        (  # elements past `maxItems` cannot be there
            {"prefixItems": [{"type": "string"}, {"type": "number"}, {}], "maxItems": 1},
            "[string?]",
        ),
        (
            {"prefixItems": [{"type": "string"}, {"type": "number"}], "maxItems": 0},
            "[]",
        ),
        ({"type": "array"}, "unknown[]"),
        ({"items": {"type": "boolean"}}, "boolean[]"),
        ({"enum": []}, "never"),
        ({"type": "string", "nullable": True}, "string | null"),
        ({"type": "string", "enum": ["a", "b"], "nullable": True}, '"a" | "b" | null'),
        (  # OpenAPI 3.0: `nullable` applies to the whole schema, combinators included
            {"anyOf": [{"type": "string"}, {"type": "number"}], "nullable": True},
            "string | number | null",
        ),
        (
            {"allOf": [{"type": "string"}, {"minLength": 1}], "nullable": True},
            "string | null",
        ),
        (
            {"allOf": [{"properties": {"a": {}}}, {"properties": {"b": {}}}], "nullable": True},
            "{ a?: unknown } & { b?: unknown } | null",
        ),
        ({"nullable": True}, "unknown"),
        ({"const": {"k": [1, "x"]}}, '{ k: [1, "x"] }'),
    ],
)
def test_scalars_unions_and_arrays(schema: Any, expected: str) -> None:
    assert ts(schema) == expected


def test_object_keeps_declared_order_marks_optional_and_quotes_names() -> None:
    schema = {
        "type": "object",
        "properties": {"zeta": {"type": "string"}, "alpha": {"type": "number"}, "x-y": {}},
        "required": ["zeta"],
    }
    assert ts(schema) == '{ zeta: string; alpha?: number; "x-y"?: unknown }'


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "object"}, "{ [key: string]: unknown }"),
        ({"type": "object", "additionalProperties": False}, "{ [key: string]: never }"),
        (
            {"type": "object", "additionalProperties": {"type": "integer"}},
            "{ [key: string]: number }",
        ),
        (
            {"properties": {"a": {"type": "string"}}, "additionalProperties": True},
            "{ a?: string; [key: string]: unknown }",
        ),
        (
            {
                "properties": {"a": {"type": "string"}},
                "required": ["a"],
                "additionalProperties": {"type": "number"},
            },
            "{ a: string; [key: string]: number | string }",
        ),
        ({"required": ["a"], "properties": {}}, "{ a: unknown }"),
    ],
)
def test_additional_properties(schema: Any, expected: str) -> None:
    assert ts(schema) == expected


def test_any_of_next_to_properties_keeps_the_properties() -> None:
    schema = {
        "type": "object",
        "properties": {"id": {"type": "string"}, "email": {"type": "string"}},
        "anyOf": [{"required": ["id"]}, {"required": ["email"]}],
    }
    assert ts(schema) == "{ id?: string; email?: string } & ({ id: unknown } | { email: unknown })"


def test_docs_become_jsdoc_one_property_per_line() -> None:
    schema = {
        "type": "object",
        "properties": {
            "where": {
                "type": "object",
                "description": "the place\n  spanning two lines ",
                "properties": {"city": {"type": "string", "description": "a city name"}},
                "required": ["city"],
            },
            "limit": {"type": "integer", "default": 5, "minimum": 1, "maximum": 9},
            "when": {"type": "string", "format": "date", "pattern": "^2"},
        },
        "required": ["where"],
    }
    assert ts(schema) == (
        "{\n"
        "  /**\n"
        "   * the place\n"
        "   *   spanning two lines\n"
        "   */\n"
        "  where: {\n"
        "    /** a city name */\n"
        "    city: string;\n"
        "  };\n"
        "  /** @default 5 @minimum 1 @maximum 9 */\n"
        "  limit?: number;\n"
        "  /** @format date @pattern ^2 */\n"
        "  when?: string;\n"
        "}"
    )


def test_refs_become_aliases_defined_once_with_exact_recursion() -> None:
    schema = {
        "$defs": {
            "Node": {
                "description": "a node",
                "type": "object",
                "properties": {"next": {"$ref": "#/$defs/Node"}, "v": {"type": "number"}},
                "required": ["v"],
            }
        },
        "type": "object",
        "properties": {"a": {"$ref": "#/$defs/Node"}, "b": {"$ref": "#/$defs/Node"}},
    }
    assert ts(schema) == (
        "{ a?: Node; b?: Node }\n\n/** a node */\ntype Node = { next?: Node; v: number };"
    )


@pytest.mark.parametrize("ref", ["#/$defs/Missing", "other.json#/x", "#anchor"])
def test_unresolvable_refs_are_unknown(ref: str) -> None:
    assert ts({"$defs": {}, "$ref": ref}) == "unknown"


def test_pydantic_model_schema() -> None:
    from pydantic import BaseModel

    class Point(BaseModel):
        x: float
        y: float
        label: str | None = None

    assert ts(Point.model_json_schema()) == (
        "{\n  x: number;\n  y: number;\n  /** @default null */\n  label?: string | null;\n}"
    )


def test_root_recursion_is_an_alias() -> None:
    schema = {"title": "Chain", "type": "object", "properties": {"next": {"$ref": "#"}}}
    assert ts(schema) == "Chain\n\ntype Chain = { next?: Chain };"


def test_a_cycle_typescript_cannot_express_is_cut() -> None:
    schema = {
        "$defs": {"A": {"anyOf": [{"$ref": "#/$defs/A"}, {"type": "string"}]}},
        "$ref": "#/$defs/A",
    }
    assert ts(schema) == "A\n\ntype A = unknown;"


def test_a_comment_cannot_be_ended_by_the_text() -> None:
    assert doc_comment("a */ b") == "/** a *\\/ b */"


def test_deep_schemas_are_cut_off() -> None:
    schema: Any = {"type": "string"}
    for _ in range(5000):
        schema = {"type": "array", "items": schema}
    assert ts(schema).count("[]") == MAX_DEPTH + 1


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


def test_long_reference_chains_are_cut_off_without_recursion_errors() -> None:
    count = 5000
    defs = {
        f"A{i}": {"anyOf": [{"$ref": f"#/$defs/A{i + 1}"}, {"type": "string"}]}
        for i in range(count)
    }
    rendered = ts({"$defs": defs, "$ref": "#/$defs/A0"})
    assert rendered.startswith("A0\n\ntype A0 = A1 | string;\n")
    assert rendered.endswith(" = unknown;") and len(rendered) < 2000


def test_equal_definitions_of_input_and_output_share_one_alias() -> None:
    item = {"type": "object", "properties": {"sku": {"type": "string"}}}
    order = {
        "type": "object",
        "properties": {"items": {"type": "array", "items": {"$ref": "#/$defs/Item"}}},
    }
    renderer = TypeScriptRenderer()
    arguments = {
        "$defs": {"Item": item, "Order": {"title": "Order", **order}},
        "type": "object",
        "properties": {"order": {"$ref": "#/$defs/Order"}},
    }
    assert renderer.render(arguments) == "{ order?: Order }"
    assert renderer.render({"title": "Order", **order, "$defs": {"Item": item}}) == "Order"
    other = {"$defs": {"Item": {"type": "integer"}}, "$ref": "#/$defs/Item"}
    assert renderer.render(other) == "Item_2"
    assert renderer.aliases() == [
        "type Order = { items?: Item[] };",
        "type Item = { sku?: string };",
        "type Item_2 = number;",
    ]


def test_deeply_nested_values_do_not_exhaust_the_stack() -> None:
    value: Any = 0
    for _ in range(950):
        value = [value]
    assert ts({"const": value}).endswith("unknown" + "]" * (MAX_DEPTH + 1))
    assert "@default (nested too deeply to show)" in ts({"properties": {"a": {"default": value}}})
    renderer = TypeScriptRenderer()
    for _ in range(2):
        assert renderer.render({"$defs": {"X": {"const": value}}, "$ref": "#/$defs/X"}).startswith(
            "X"
        )


def test_nullable_next_to_a_reference_is_the_reference_or_null() -> None:
    schema = {
        "$defs": {"Pet": {"type": "object", "properties": {"name": {"type": "string"}}}},
        "type": "object",
        "properties": {
            "pet": {"allOf": [{"$ref": "#/$defs/Pet"}], "nullable": True},
            "other": {"$ref": "#/$defs/Pet", "nullable": True},
        },
        "required": ["pet", "other"],
    }
    assert ts(schema) == ("{ pet: Pet | null; other: Pet | null }\n\ntype Pet = { name?: string };")


def test_tuple_counts_the_tuple_cannot_say_are_documented() -> None:
    schema = {
        "properties": {
            "said": {"prefixItems": [{}, {}], "minItems": 1, "maxItems": 2},
            "unsaid": {
                "prefixItems": [{}],
                "items": {"type": "number"},
                "minItems": 3,
                "maxItems": 5,
            },
        }
    }
    assert ts(schema) == (
        "{\n"
        "  said?: [unknown, unknown?];\n"
        "  /** @minItems 3 @maxItems 5 */\n"
        "  unsaid?: [unknown, ...number[]];\n"
        "}"
    )
