"""Large tool catalogs: the script searches and reads tool declarations at run time.

With more tools than a threshold, the ``exec`` description lists each tool's name and a
one-line summary only (`exec_description`). The session then needs two more tools, made by
`tool_catalog` (or added by `with_tool_catalog`):

- ``tools.search_tools({query, limit?})`` ranks tools by the words of `query` found in their
  names and descriptions;
- ``tools.describe_tools({names})`` returns each named tool's full description and TypeScript
  declaration.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any

from pydantic import BaseModel, Field

from ..tools import ToolDefinition, ToolError, normalize_js_name
from .declarations import tool_declaration
from .tooldefs import Tool, tool_definition

__all__ = [
    "DEFAULT_CATALOG_THRESHOLD",
    "DESCRIBE_TOOLS",
    "SEARCH_TOOLS",
    "ToolInfo",
    "ToolSummary",
    "one_line_summary",
    "split_catalog",
    "tool_catalog",
    "with_tool_catalog",
]

DEFAULT_CATALOG_THRESHOLD = 64
"""With more tools than this, ``exec`` lists names and summaries only (see `exec_description`)."""

SEARCH_TOOLS = "search_tools"
DESCRIBE_TOOLS = "describe_tools"
_SUMMARY_CHARS = 120
_WORD = re.compile(r"[a-z0-9]+")


class ToolSummary(BaseModel):
    """One search result."""

    name: str = Field(description="the tool's name on `tools` (`namespace.name` if namespaced)")
    description: str = Field(description="the first line of its description")


class ToolInfo(ToolSummary):
    """A tool's full description and declaration."""

    description: str = Field(description="its full description")
    declaration: str = Field(description="its TypeScript declaration")


def one_line_summary(description: str) -> str:
    """The first non-empty line of `description`, cut to 120 characters."""
    line = next((line.strip() for line in description.splitlines() if line.strip()), "")
    return line if len(line) <= _SUMMARY_CHARS else line[: _SUMMARY_CHARS - 1] + "…"


def split_catalog(
    definitions: Sequence[ToolDefinition],
) -> tuple[list[ToolDefinition], list[ToolDefinition]]:
    """``(catalog tools, the others)``: the catalog tools only when both are present."""
    catalog = [d for d in definitions if d.namespace is None and d.name in _CATALOG_NAMES]
    if {d.name for d in catalog} != _CATALOG_NAMES:
        return [], list(definitions)
    return catalog, [d for d in definitions if d not in catalog]


_CATALOG_NAMES = {SEARCH_TOOLS, DESCRIBE_TOOLS}


def tool_catalog(tools: Iterable[Tool]) -> list[Callable[..., Any]]:
    """The ``search_tools`` and ``describe_tools`` function tools over `tools`."""
    definitions = [tool_definition(t) for t in tools]
    named = _names(definitions)
    words = [
        (d, set(_WORD.findall(_script_name(d).lower())), d.description.lower()) for d in definitions
    ]

    async def search_tools(
        query: Annotated[
            str, Field(description="words to look for in tool names and descriptions")
        ],
        limit: Annotated[int, Field(ge=1, le=100, description="how many tools to return")] = 10,
    ) -> list[ToolSummary]:
        """Find tools by the words of `query`: best matches first (a word in a tool's name
        counts more than one in its description); an empty query lists tools in order."""
        terms = set(_WORD.findall(query.lower()))
        scored = []
        for position, (d, name_words, text) in enumerate(words):
            score = sum(3 * (t in name_words) + (t in text) for t in terms)
            if score or not terms:
                scored.append((-score, position, d))
        scored.sort(key=lambda entry: entry[:2])
        return [
            ToolSummary(name=_script_name(d), description=one_line_summary(d.description))
            for _, _, d in scored[:limit]
        ]

    async def describe_tools(
        names: Annotated[
            list[str], Field(min_length=1, max_length=100, description="tool names, as listed")
        ],
    ) -> list[ToolInfo]:
        """The full description and TypeScript declaration of each named tool (a bare name
        shared by several namespaces is refused: name it `namespace.name`)."""
        found = {n: named(n) for n in names}
        problems = []
        if unknown := [n for n, m in found.items() if not m]:
            problems.append(f"no tool named {', '.join(map(repr, unknown))}")
        problems += [
            f"{n!r} is ambiguous: {' or '.join(_script_name(d) for d in m)}"
            for n, m in found.items()
            if len(m) > 1
        ]
        if problems:
            raise ToolError("; ".join([*problems, "find names with tools.search_tools"]))
        return [
            ToolInfo(
                name=_script_name(d), description=d.description, declaration=tool_declaration(d)
            )
            for (d,) in (found[n] for n in names)
        ]

    return [search_tools, describe_tools]


def with_tool_catalog(
    tools: Iterable[Tool], *, threshold: int | None = DEFAULT_CATALOG_THRESHOLD
) -> list[Tool]:
    """`tools`, plus the catalog tools when there are more than `threshold` of them (always
    when `threshold` is 0; never when it is None). Give the result to the `Session`."""
    tools = list(tools)
    if threshold is None or len(tools) <= threshold:
        return tools
    return [*tools, *tool_catalog(tools)]


def _names(definitions: Sequence[ToolDefinition]) -> Callable[[str], list[ToolDefinition]]:
    """The tools a name given to ``describe_tools`` means: the one a script reaches by it, else
    every tool with it as its bare name (raw or normalised), in any namespace."""
    exact = {_script_name(d): d for d in definitions}
    bare: dict[str, list[ToolDefinition]] = {}
    for d in definitions:
        for key in dict.fromkeys((d.name, d.js_name)):
            bare.setdefault(key, []).append(d)
    return lambda name: [exact[name]] if name in exact else bare.get(name, [])


def _script_name(definition: ToolDefinition) -> str:
    """How a script reaches the tool: ``js_name``, or ``namespace.js_name``."""
    if definition.namespace is None:
        return definition.js_name
    return f"{normalize_js_name(definition.namespace)}.{definition.js_name}"
