"""The README's main job: the demo cells run end to end with the built-in demo tools."""

from __future__ import annotations

from codecells.demo.run import run_demo


async def test_demo_cells_complete_and_print_every_event() -> None:
    lines: list[str] = []
    assert await run_demo(lines.append)
    text = "\n".join(lines)
    assert "yielded  Paris 14 C (overcast), Tokyo 19 C" in text
    assert "sum of temperatures: 33" in text
    assert "tool error: no weather for 'Atlantis'" in text
    assert "notify   cell 1 (demo-call-1): fetched the weather for two cities" in text
    assert "stored values now: {'total': 33}" in text
    assert "generation 1, waiting on ['tool-1']; resuming" in text
    assert "timer fired; the previous cell stored total = 33" in text
    assert lines.count("  closed   cell 1") == 1 and lines.count("  closed   cell 2") == 1
