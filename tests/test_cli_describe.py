"""``codecells describe``: the tool definitions exactly as the model reads them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from codecells.agent import ToolStyle, tool_specs, with_tool_catalog
from codecells.cli import main
from codecells.demo.tools import DEMO_TOOLS


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("openai", ToolStyle.OPENAI_CHAT),
        ("responses", ToolStyle.OPENAI_RESPONSES),
        ("anthropic", ToolStyle.ANTHROPIC),
    ],
)
def test_json_is_exactly_the_specs(
    style: str, expected: ToolStyle, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["describe", "--style", style, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == tool_specs(DEMO_TOOLS, style=expected)


def test_text_shows_each_description_verbatim_and_its_schema(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["describe", "--style", "responses"]) == 0
    out = capsys.readouterr().out
    exec_spec, wait_spec = tool_specs(DEMO_TOOLS, style=ToolStyle.OPENAI_RESPONSES)
    assert out.startswith(f"===== exec (custom tool) =====\n{exec_spec['description']}\n\n")
    assert f"===== wait (function tool) =====\n{wait_spec['description']}\n" in out
    assert (
        "----- parameters (JSON Schema, strict: true) -----\n"
        + json.dumps(wait_spec["parameters"], indent=2)
        in out
    )


def test_tools_from_a_module_get_the_catalog_past_the_threshold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "many_tools.py").write_text(
        "from codecells import ToolDefinition\n"
        "TOOLS = [ToolDefinition(name=f't{i}', description=f'Tool {i}.') for i in range(5)]\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    assert (
        main(["describe", "--tools", "many_tools:TOOLS", "--catalog-threshold", "3", "--json"]) == 0
    )
    from many_tools import TOOLS  # type: ignore[import-not-found]

    specs = tool_specs(
        with_tool_catalog(TOOLS, threshold=3), style=ToolStyle.OPENAI_CHAT, catalog_threshold=3
    )
    assert json.loads(capsys.readouterr().out) == specs
    assert "- `t4`: Tool 4." in specs[0]["function"]["description"]


def test_bad_tools_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["describe", "--tools", "nope"]) == 2
    assert "codecells describe: --tools expects MODULE:ATTR" in capsys.readouterr().err
