"""Careless and hostile use of the public API and the `codecells` command: schemas that
contain themselves, raw names that would break the description's markdown, wrong objects, bad
``--tools`` modules, and stdout that goes away or fills up."""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

import codecells as cc
from codecells.agent import CodeMode, exec_description, schema_to_typescript
from codecells.cli import main

CODECELLS = [sys.executable, "-c", "import sys; from codecells.cli import main; sys.exit(main())"]


def test_a_schema_that_contains_itself_renders_instead_of_hanging() -> None:
    schema: dict[str, Any] = {"type": "object", "properties": {}}
    schema["properties"]["self"] = schema  # built in Python: no JSON text could say this
    result: list[str] = []
    worker = threading.Thread(target=lambda: result.append(schema_to_typescript(schema)))
    worker.daemon = True
    worker.start()
    worker.join(10)
    assert result, "the renderer did not return"
    assert result[0] == "Root\n\ntype Root = { self?: Root };"  # recursive, as JSON would say


@pytest.mark.parametrize(
    ("definition", "heading"),
    [
        (
            cc.ToolDefinition(name="x\n```\n# evil", description="d"),
            "### `x_______evil` (````x ``` # evil````)",
        ),
        (cc.ToolDefinition(name="a`b", description="d"), "### `a_b` (``a`b``)"),
        (cc.ToolDefinition(name="x", namespace="n\n```js\n", description="d"), "## n ```js"),
    ],
)
def test_raw_names_stay_on_their_heading_line(definition: cc.ToolDefinition, heading: str) -> None:
    lines = exec_description([definition]).splitlines()
    fences = [line for line in lines if re.match(r"\s{0,3}(```|~~~)", line)]
    assert fences == ["```ts", "```"]  # only the declaration's own fence
    assert heading in lines


@pytest.mark.parametrize("wrong", [42, None, cc.Session, "session"])
def test_code_mode_refuses_what_is_not_a_session(wrong: Any) -> None:
    with pytest.raises(TypeError, match="CodeMode expects a codecells.Session, got"):
        CodeMode(wrong)


@pytest.mark.parametrize("wrong", [str, functools.partial(print), type("K", (), {})])
def test_callables_that_are_not_functions_are_refused_clearly(wrong: Any) -> None:
    with pytest.raises(TypeError, match="a tool must be a ToolDefinition or a function"):
        cc.Session([wrong])


@pytest.fixture
def tool_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "boom_tools.py").write_text('raise RuntimeError("boom")\n')
    (tmp_path / "broken_tools.py").write_text("TOOLS = (\n")
    (tmp_path / "odd_tools.py").write_text(
        "def a() -> int:\n    return 1\n\n"
        "def b() -> int:\n    return 2\n\n"
        "b.__name__ = 'a'\n"
        "SAME_NAME = [a, b]\n"
        "CLASSES = [int]\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delitem(sys.modules, "odd_tools", raising=False)
    return tmp_path


@pytest.mark.parametrize("command", ["describe", "run", "serve-mcp"])
@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("boom_tools:TOOLS", "importing boom_tools failed: RuntimeError: boom"),
        ("broken_tools:TOOLS", "importing broken_tools failed: SyntaxError: "),
        ("odd_tools:SAME_NAME", "tools 'a' and 'a' both appear to scripts as tools.a"),
        ("odd_tools:CLASSES", "odd_tools:CLASSES: a tool must be a ToolDefinition or a function"),
    ],
)
def test_bad_tool_modules_are_usage_errors(
    tool_modules: Path,
    command: str,
    spec: str,
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tool_modules / "script.js").write_text("text(1)")
    argv = [command, "--tools", spec] + (["script.js"] if command == "run" else [])
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"codecells {command}: ") and message in err
    assert "Traceback" not in err


@pytest.mark.parametrize("argv", [["describe"], ["run", "-"]], ids=["describe", "run"])
def test_a_reader_that_goes_away_ends_the_command_quietly(argv: list[str]) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line, as after `| head -1`
    try:
        done = subprocess.run(
            [*CODECELLS, *argv],
            input="text('hello')",
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (141, "")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_an_unwritable_stdout_is_one_line_on_stderr() -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [*CODECELLS, "describe"], stdout=full, stderr=subprocess.PIPE, text=True, timeout=60
        )
    assert done.returncode == 1
    assert done.stderr == "codecells describe: [Errno 28] No space left on device\n"


@pytest.mark.parametrize("port", ["99999", "-1", "http"])
def test_serve_mcp_refuses_a_port_that_is_not_one(
    port: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["serve-mcp", "--transport", "streamable-http", "--port", port])
    assert exit_.value.code == 2
    assert f"must be a port number from 0 to 65535, got '{port}'" in capsys.readouterr().err


def _unresolvable(x: Nope) -> int:  # type: ignore[name-defined] # noqa: F821
    return 1


def _unsupported(x: threading.Thread) -> int:
    return 1


@pytest.mark.parametrize("function", [_unresolvable, _unsupported])
def test_function_tools_whose_annotations_have_no_schema_are_named(function: Any) -> None:
    with pytest.raises(TypeError, match=f"function tool {function.__name__}: its annotations"):
        cc.Session([function])
