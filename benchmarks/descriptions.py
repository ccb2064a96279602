"""How much the model reads: the ``exec`` description for 10, 100 and 1,000 tools, and the
TypeScript of the recursive Search filter model (issue 12).

    python benchmarks/descriptions.py

Each tool is an MCP-style `ToolDefinition` with a two-line description and a four-property
input schema (a string, an integer with a range, an enum, an optional array). Up to
`DEFAULT_CATALOG_THRESHOLD` tools the description declares every tool in full; beyond it, it
lists names and one-line summaries and the script reads declarations at run time
(`with_tool_catalog`). The "full" column is what the description would be without that
(``catalog_threshold=None``). Sizes are characters; tokens are estimated as characters / 4.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import schema_models  # noqa: E402

from codecells import ToolDefinition  # noqa: E402
from codecells.agent import (  # noqa: E402
    DEFAULT_CATALOG_THRESHOLD,
    exec_description,
    schema_to_typescript,
    tool_declaration,
    with_tool_catalog,
)


def catalog(count: int) -> list[ToolDefinition]:
    """`count` realistic tools."""
    return [
        ToolDefinition(
            name=f"records.lookup_{i}",
            description=(
                f"Look up records of kind {i} in the ledger by owner and status.\n"
                "Returns at most `limit` records, newest first."
            ),
            input_schema={
                "type": "object",
                "properties": {
                    "owner": {"type": "string", "description": "the owner's login"},
                    "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10},
                    "status": {"enum": ["open", "closed", "all"], "default": "open"},
                    "labels": {"type": "array", "items": {"type": "string"}},
                },
                "required": ["owner"],
            },
        )
        for i in range(count)
    ]


def main() -> None:
    intro = len(exec_description())
    print(f"exec description without tools: {intro} characters\n")
    print(
        f"{'tools':>6} {'described (chars)':>18} {'~tokens':>8} {'full (chars)':>13} {'~tokens':>8}  mode"
    )
    for count in (10, 100, 1000):
        tools = with_tool_catalog(catalog(count))
        described = len(exec_description(tools))
        full = len(exec_description(catalog(count), catalog_threshold=None))
        mode = "full" if count <= DEFAULT_CATALOG_THRESHOLD else "names + summaries"
        print(
            f"{count:>6} {described:>18,} {described // 4:>8,} {full:>13,} {full // 4:>8,}  {mode}"
        )
    search_type = schema_to_typescript(schema_models.Search.model_json_schema())
    search_tool = tool_declaration(schema_models.search)
    print(
        f"\nSearch(filter: Eq | In | And | Or | Not), recursive: {len(search_type)} characters "
        f"as a type, {len(search_tool)} as the `search` tool's whole declaration"
        "\n(issue 12: 44,000 before; json-schema-to-typescript about 1,100; Cloudflare about 5,400)"
    )


if __name__ == "__main__":
    main()
