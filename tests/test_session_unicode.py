"""Strings from cell code are well-formed Unicode: a lone UTF-16 surrogate becomes U+FFFD
(docs/engine.md, "Strings"), so every event round-trips through JSON, stored values survive a
store and reopening, and the CLI prints them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import RecordingDelegate, texts

import codecells as cc
from codecells.cli import main
from codecells.store import SQLiteStore

LONE = "\\uD800"  # as written in JavaScript source: a lone high surrogate
EMOJI = "😀"  # a surrogate pair in JavaScript: kept as it is
EVERY_STRING = f"""
text("a{LONE}b");
text("{EMOJI} smile".slice(0, 1));
text("{EMOJI}");
text("\\\\ud800 stays text");
console.log("log{LONE}");
image("data:image/png;base64,AA{LONE}");
notify("n\\uDFFF");
store("k{LONE}", {{"v{LONE}": ["x\\uDC00y", "\\\\ud800", "{EMOJI}"]}});
await tools.echo({{"key{LONE}": [{{"deep\\uDBFF": "val\\uDFFF"}}]}});
throw new Error("boom{LONE}");
"""
R = "\ufffd"


async def test_every_string_from_a_cell_is_well_formed() -> None:
    delegate = RecordingDelegate()
    config = cc.SessionConfig(console=True)
    async with cc.Session(
        [cc.ToolDefinition(name="echo")], delegate=delegate, config=config
    ) as session:
        cell = await session.create_cell(EVERY_STRING)
        done = await cell.wait(yield_after=30)
        stored = session.stored_values
    assert isinstance(done, cc.Completed)
    assert cc.Completed.model_validate_json(done.model_dump_json()) == done
    assert texts(done) == [f"a{R}b", R, EMOJI, "\\ud800 stays text", f"log{R}"]
    (image,) = [i for i in done.content_items if isinstance(i, cc.ImageItem)]
    assert image.image_url == f"data:image/png;base64,AA{R}"
    assert done.error_text is not None and done.error_text.startswith(f"Error: boom{R}")
    assert [n[2] for n in delegate.notifications] == [f"n{R}"]
    (call,) = delegate.calls
    assert call.input == {f"key{R}": [{f"deep{R}": f"val{R}"}]}
    assert cc.ToolCall.model_validate_json(call.model_dump_json()) == call
    assert stored == {f"k{R}": {f"v{R}": [f"x{R}y", "\\ud800", EMOJI]}}
    json.dumps(stored, ensure_ascii=False).encode()  # a lone surrogate would raise here


async def test_a_later_cell_reads_the_well_formed_value() -> None:
    async with cc.Session() as session:
        await (await session.create_cell(f'store("k", "a{LONE}\\\\ud800")')).wait()
        cell = await session.create_cell('text(load("k")); text(load("k").length)')
        done = await cell.wait()
    assert texts(done) == [f"a{R}\\ud800", "8"]


async def test_a_pausable_frontier_round_trips() -> None:
    async with cc.Session([cc.ToolDefinition(name="later")], delegate=RecordingDelegate()) as s:
        cell = await s.create_pausable_cell(f'text("x{LONE}"); await tools.later()')
        frontier = await cell.wait_to_pending()
        assert isinstance(frontier, cc.Pending)
        assert cc.Pending.model_validate_json(frontier.model_dump_json()) == frontier
        assert texts(frontier) == [f"x{R}"]


async def test_durable_writes_survive_reopening(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    async with cc.Session(store=SQLiteStore(db), session_id="s") as session:
        cell = await session.create_pausable_cell(
            f'store("k{LONE}", 1); store("ok", "v{LONE}"); text("done{LONE}")'
        )
        done = await cell.wait_to_pending()
    assert isinstance(done, cc.Completed) and done.error_text is None
    assert texts(done) == [f"done{R}"]
    async with cc.Session(store=SQLiteStore(db), session_id="s") as session:
        assert session.stored_values == {f"k{R}": 1, "ok": f"v{R}"}


def test_the_cli_prints_every_item(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "script.js"
    path.write_text(f'text("a{LONE}b"); text("next")', encoding="utf-8")
    assert main(["run", str(path)]) == 0
    assert capsys.readouterr().out == f"a{R}b\nnext\n"
