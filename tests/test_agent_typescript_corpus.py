"""The TypeScript renderer on a corpus of real schemas, each compared with its expected rendering
(``tests/data/typescript/*.ts``) and checked to be valid TypeScript with ``tsc --noEmit``.

The corpus: the ``inputSchema``s (and ``outputSchema``s) of 13 public MCP servers
(``tests/data/mcp_schemas``), draft-07 and 2020-12 schemas (``tests/data/schemas``) and
pydantic-derived function tools (``schema_models.py``). To accept a deliberate change of the
rendering, run with ``CODECELLS_UPDATE_GOLDEN=1`` and review the diff.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import schema_models

from codecells import ToolDefinition
from codecells.agent import (
    MCP_TYPES,
    TypeScriptRenderer,
    exec_description,
    tool_declaration,
)

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
GOLDEN = DATA / "typescript"
_SEPARATOR = "// ---- "


def _mcp_corpus() -> dict[str, list[ToolDefinition]]:
    corpus = {}
    for path in sorted((DATA / "mcp_schemas").glob("*.json")):
        tools = json.loads(path.read_text())["tools"]
        corpus[f"mcp_{path.stem}"] = [
            ToolDefinition(
                name=t["name"], input_schema=t["inputSchema"], output_schema=t.get("outputSchema")
            )
            for t in tools
        ]
    return corpus


def _type_declaration(schema: object) -> str:
    renderer = TypeScriptRenderer(reserved=["T"])
    rendered = renderer.render(schema)
    return "\n".join([f"type T = {rendered};", *renderer.aliases()])


def _renderings() -> dict[str, dict[str, str]]:
    """``{corpus name: {entry: TypeScript}}`` for the whole corpus."""
    out: dict[str, dict[str, str]] = {}
    for name, tools in _mcp_corpus().items():
        out[name] = {t.name: tool_declaration(t) for t in tools}
    for draft in ("draft07", "draft2020"):
        schemas = json.loads((DATA / "schemas" / f"{draft}.json").read_text())
        out[draft] = {label: _type_declaration(schema) for label, schema in schemas.items()}
    out["pydantic"] = {t.__name__: tool_declaration(t) for t in schema_models.PYDANTIC_TOOLS}
    return out


RENDERINGS = _renderings()


def _golden_text(entries: dict[str, str]) -> str:
    return "".join(f"{_SEPARATOR}{label}\n{text}\n" for label, text in entries.items())


def test_corpus_has_at_least_ten_mcp_servers() -> None:
    assert len([n for n in RENDERINGS if n.startswith("mcp_")]) >= 10


@pytest.mark.parametrize("name", sorted(RENDERINGS))
def test_rendering_matches_the_expected_one(name: str) -> None:
    path = GOLDEN / f"{name}.ts"
    text = _golden_text(RENDERINGS[name])
    if os.environ.get("CODECELLS_UPDATE_GOLDEN"):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert text == path.read_text()


def _tsc() -> str:
    found = ROOT / ".cache" / "typescript" / "node_modules" / ".bin" / "tsc"
    if not found.exists() and shutil.which("npm"):
        subprocess.run(["bash", str(ROOT / "scripts" / "install-typescript.sh")], check=True)
    if found.exists():
        return str(found)
    pytest.skip("npm is not installed, so tsc cannot be (scripts/install-typescript.sh)")


def _snippets() -> Iterator[tuple[str, str]]:
    for name, entries in RENDERINGS.items():
        for i, text in enumerate(entries.values()):
            yield f"{name}_{i}", text


def test_every_rendering_is_valid_typescript(tmp_path: Path) -> None:
    tsc = _tsc()
    files = []
    for stem, text in _snippets():
        prelude = MCP_TYPES + "\n" if "CallToolResult" in text else ""
        path = tmp_path / f"{re.sub(r'[^A-Za-z0-9_]', '_', stem)}.ts"
        path.write_text(f"{prelude}{text}\nexport {{}};\n")  # a module: names stay per file
        files.append(path.name)
    config = {
        "compilerOptions": {
            "strict": True,
            "noEmit": True,
            "lib": ["es2022"],
            "types": [],
            "skipLibCheck": True,
        },
        "files": files,
    }
    (tmp_path / "tsconfig.json").write_text(json.dumps(config))
    result = subprocess.run([tsc, "-p", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


@pytest.mark.parametrize("name", sorted(n for n in RENDERINGS if n.startswith("mcp_")))
def test_every_declaration_sits_whole_in_its_code_fence(name: str) -> None:
    tools = _mcp_corpus()[name]
    description = exec_description(tools, catalog_threshold=None)
    blocks = _fenced_blocks(description)
    assert blocks == [tool_declaration(t) for t in tools] or blocks[1:] == [
        tool_declaration(t) for t in tools
    ]


def test_hostile_text_cannot_break_the_comment_or_the_fence() -> None:
    hostile = json.loads((DATA / "schemas" / "draft07.json").read_text())["hostile_text"]
    tool = ToolDefinition(
        name="hostile", description="Opens a fence:\n```python\nprint()", input_schema=hostile
    )
    description = exec_description([tool])
    assert _fenced_blocks(description)[-1] == tool_declaration(tool)
    assert "*/ end the comment" not in tool_declaration(tool)


def _fenced_blocks(markdown: str) -> list[str]:
    """The contents of the ```ts blocks, as a CommonMark reader sees them."""
    blocks, current, fence = [], [], None
    for line in markdown.splitlines():
        match = re.fullmatch(r" {0,3}(`{3,}|~{3,})\s*(\S*).*", line)
        if fence is None:
            if match:
                fence, current = match.group(1), []
                language = match.group(2)
        elif (
            match
            and match.group(1)[0] == fence[0]
            and len(match.group(1)) >= len(fence)
            and not match.group(2)
        ):
            if language == "ts":
                blocks.append("\n".join(current))
            fence = None
        else:
            current.append(line)
    return blocks
