"""``codecells run``: run a script in a cell, stream its output, exit non-zero on failure."""

from __future__ import annotations

import io
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from codecells.cli import main


def script(tmp_path: Path, source: str) -> str:
    path = tmp_path / "script.js"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return str(path)


def test_runs_a_file_with_the_demo_tools(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = script(
        tmp_path,
        """
        text(await tools.add({ a: 1, b: 2 }));
        text({ city: (await tools.weather({ city: "Paris" })).city });
        """,
    )
    assert main(["run", path]) == 0
    out, err = capsys.readouterr()
    assert out == '3\n{"city":"Paris"}\n'
    assert err == ""


def test_reads_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO('text("from stdin")'))
    assert main(["run", "-"]) == 0
    assert capsys.readouterr().out == "from stdin\n"


def test_failing_script_exits_1_after_its_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = script(tmp_path, 'text("before"); throw new Error("boom");')
    assert main(["run", path]) == 1
    out, err = capsys.readouterr()
    assert out == "before\n"
    assert err.startswith("codecells: script failed:\n") and "boom" in err


def test_tool_failures_are_one_line_notes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = script(
        tmp_path, 'text(await tools.weather({ city: "Atlantis" }).catch((e) => `caught: ${e}`));'
    )
    assert main(["run", path]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("caught: no weather for 'Atlantis'")
    assert all(line.startswith("codecells: ") for line in err.splitlines())
    assert "Traceback" not in err


def test_user_tools_from_module_attr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "cli_run_user_tools.py").write_text(
        textwrap.dedent(
            """
            from codecells import ToolDefinition

            def shout(text: str) -> str:
                "Upper-case text."
                return text.upper()

            TOOLS = [shout, ToolDefinition(name="remote")]
            """
        ),
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    path = script(
        tmp_path,
        """
        text(ALL_TOOLS.map((t) => t.name).join(","));
        text(await tools.shout({ text: "hi" }));
        text(await tools.remote({}).catch((e) => e));
        """,
    )
    assert main(["run", path, "--tools", "cli_run_user_tools:TOOLS"]) == 0
    assert capsys.readouterr().out == (
        "shout,remote\nHI\ntool remote has no handler in `codecells run`\n"
    )


def test_pausable_reports_each_frontier(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = script(
        tmp_path,
        """
        text("one");
        const a = await tools.add({ a: 1, b: 1 });
        text(`two ${a}`);
        const [b, c] = await Promise.all([tools.add({ a: a, b: 1 }), tools.slow_echo({ text: "x" })]);
        text(`three ${b} ${c}`);
        """,
    )
    assert main(["run", "--pausable", path]) == 0
    out, err = capsys.readouterr()
    assert out == "one\ntwo 2\nthree 3 x\n"
    notes = err.splitlines()
    assert notes[:2] == [
        "codecells: pending frontier 1 (waiting on tool-1); resuming",
        "codecells: pending frontier 2 (waiting on tool-2, tool-3); resuming",
    ]
    # add's result applied at once; the slow echo may still be outstanding then
    assert notes[2:] in ([], ["codecells: pending frontier 3 (waiting on tool-3); resuming"])


def test_progress_line_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = script(tmp_path, 'text(await tools.slow_echo({ text: "done", delay: 0.1 }));')
    assert main(["run", "--progress", path]) == 0
    out, err = capsys.readouterr()
    assert out == "done\n"
    assert "cell 1 running" in err and err.endswith("\r\033[K")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.js"], "No such file"),
        (["-", "--tools", "no_colon"], "--tools expects MODULE:ATTR"),
        (["-", "--tools", "codecells:__version__"], "must be a list of ToolDefinitions"),
        (["-", "--tools", "no_such_module_here:X"], "No module named"),
        (["-", "--yield-after", "0"], "--yield-after must be positive"),
        (["-", "--yield-after", "nan"], "--yield-after must be positive and finite, got nan"),
        (["-", "--yield-after", "inf"], "--yield-after must be positive and finite, got inf"),
    ],
)
def test_usage_errors_exit_2(
    args: list[str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("text(1)"))
    assert main(["run", *args]) == 2
    assert message in capsys.readouterr().err


def test_streams_output_as_it_arrives_and_stops_on_interrupt(tmp_path: Path) -> None:
    path = script(
        tmp_path,
        """
        text("first");
        yield_control();
        await new Promise(() => {});  // never settles
        """,
    )
    run = subprocess.Popen(
        [sys.executable, "-m", "codecells.cli", "run", path],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert run.stdout is not None and run.stdout.readline() == "first\n"
        run.send_signal(signal.SIGINT)
        _, err = run.communicate(timeout=30)
    finally:
        run.kill()
    assert run.returncode == 130
    assert "codecells run: interrupted" in err
