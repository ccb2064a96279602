"""Diagrams generated from the definitions: DOT, side by side, Mermaid, trace overlay, CLI."""

from __future__ import annotations

import asyncio
import re
import shutil
from html import escape
from pathlib import Path

import pytest

import codecells as cc
from codecells import CellKind
from codecells.cli import main
from codecells.diagrams import (
    BOTH,
    KIND_COLOURS,
    committed_texts,
    compare_dot,
    embed,
    render,
    to_dot,
    to_mermaid,
)
from codecells.diagrams.graph import TraceCounts, edges, guard_text, internal_rows, kind_only
from codecells.fsm import Guard, State, Trace, TraceStep, TransitionSpec, Trigger, definition

C, P = CellKind.CONTINUING, CellKind.PAUSABLE
KINDS = (C, P)
HAS_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAS_DOT, reason="Graphviz dot is not installed")


def _node_line(dot: str, kind: CellKind, state: State) -> str:
    (line,) = [x for x in dot.splitlines() if x.startswith(f"{kind.value}_{state.value} [")]
    return line


def _edge_lines(dot: str, kind: CellKind, a: State, b: State) -> list[str]:
    prefix = f"{kind.value}_{a.value} -> {kind.value}_{b.value} ["
    return [x for x in dot.splitlines() if x.startswith(prefix)]


def _row_text(t: TransitionSpec, kind: CellKind) -> str:
    d = definition(kind)
    return escape(" ".join(p for p in (t.trigger.value, guard_text(d, t)) if p))


@pytest.mark.parametrize("kind", KINDS)
def test_dot_is_deterministic(kind: CellKind) -> None:
    assert to_dot(kind) == to_dot(kind.value)
    assert compare_dot() == compare_dot()


@pytest.mark.parametrize("kind", KINDS)
def test_dot_marks_initial_and_final_states(kind: CellKind) -> None:
    dot = to_dot(kind)
    assert f"{kind.value}__start [shape=point" in dot
    assert f"{kind.value}__start -> {kind.value}_running [" in dot
    for state in definition(kind).states:
        final = "shape=doublecircle" in _node_line(dot, kind, state)
        assert final == (state in definition(kind).final_states), state


@pytest.mark.parametrize("kind", KINDS)
def test_dot_shows_every_internal_row_in_its_state(kind: CellKind) -> None:
    d = definition(kind)
    dot = to_dot(kind)
    for state in d.states:
        line = _node_line(dot, kind, state)
        for t in internal_rows(d, state):
            assert _row_text(t, kind) in line, (state, t.trigger)
            assert f'TOOLTIP="{escape(t.description)}"' in line
        for r in d.rejections:
            if r.source == state:
                assert f"refuses {r.trigger.value}: {r.error.value}" in line
    assert _row_text(d.rows(State.RUNNING, Trigger.OBSERVE)[0], kind) in _node_line(
        dot, kind, State.RUNNING
    )


@pytest.mark.parametrize("kind", KINDS)
def test_dot_merges_parallel_edges(kind: CellKind) -> None:
    d = definition(kind)
    dot = to_dot(kind)
    for e in edges(d):
        (line,) = _edge_lines(dot, kind, e.source, e.dest)
        assert line.count("<TR>") == len(e.rows)
        for t in e.rows:
            assert _row_text(t, kind) in line
            assert escape(t.description) in line, "descriptions are edge tooltips"
    (finish,) = _edge_lines(dot, kind, State.RUNNING, State.COMPLETED)
    assert all(t in finish for t in ("finished_ok", "finished_error", "runtime_lost"))


def test_guard_text_shows_effective_guards() -> None:
    c, p = definition(C), definition(P)
    (to_pending,) = [t for t in c.rows(State.RUNNING, Trigger.QUIESCENT) if not t.internal]
    # fires only when the failure and run-on rows before it do not
    assert guard_text(c, to_pending) == "[!has_queued_input, !failed]"
    assert "quiescent [!has_queued_input, !failed]" in to_mermaid(C)
    (attach,) = [
        t for t in c.rows(State.RUNNING, Trigger.OBSERVE) if t.effects[0].value == "attach_observer"
    ]
    assert guard_text(c, attach) == "[observer_free, !yield_ready]"
    open_frontier = p.rows(State.RUNNING, Trigger.QUIESCENT)[-1]
    assert guard_text(p, open_frontier) == "[!failed]"
    (started,) = p.rows(State.RUNNING, Trigger.STARTED)
    assert guard_text(p, started) == ""
    assert "resume [has_queued_input, generation_current, generation_claimed]" in to_dot(P)
    shadowed = TransitionSpec(
        trigger=Trigger.STARTED,
        source=State.RUNNING,
        dest=State.RUNNING,
        internal=True,
        conditions=(Guard.OBSERVER_FREE,),
        description="x",
    )
    mine = c.model_copy(update={"transitions": (*c.transitions, shadowed)})
    assert guard_text(mine, shadowed) == "[observer_free; never]"


def test_kind_only_rows() -> None:
    c, p = definition(C), definition(P)
    assert kind_only(definition(C)) == {t for t in c.transitions if t not in p.transitions}
    assert kind_only(definition(P)) == {t for t in p.transitions if t not in c.transitions}
    assert not kind_only(definition(C)) & kind_only(definition(P))


def test_compare_dot_highlights_rows_of_one_kind() -> None:
    dot = compare_dot()
    assert "subgraph cluster_continuing {" in dot and "subgraph cluster_pausable {" in dot
    assert "legend [shape=plain" in dot
    for kind in KINDS:
        d = definition(kind)
        colour = KIND_COLOURS[kind]
        assert f"only {kind.value} has this row" in dot
        for t in d.transitions:
            (where,) = (
                [_node_line(dot, kind, t.source)]
                if t.internal
                else _edge_lines(dot, kind, t.source, t.dest)
            )
            marked = f'<FONT COLOR="{colour}"><B>{_row_text(t, kind)}</B></FONT>'
            assert (marked in where) == (t in kind_only(definition(kind))), (kind, t)
    (quiescent,) = _edge_lines(dot, C, State.RUNNING, State.PENDING)
    assert f'color="{KIND_COLOURS[C]}"' in quiescent, "an edge only one kind has takes its colour"
    (finish,) = _edge_lines(dot, C, State.RUNNING, State.COMPLETED)
    assert KIND_COLOURS[C] not in finish, "an edge both kinds have is drawn in grey"


@pytest.mark.parametrize("kind", KINDS)
def test_mermaid(kind: CellKind) -> None:
    d = definition(kind)
    text = to_mermaid(kind)
    assert text == to_mermaid(kind.value)
    lines = text.splitlines()
    assert "stateDiagram-v2" in lines
    assert "    [*] --> running" in lines
    assert {x for x in lines if x.endswith("--> [*]")} == {
        f"    {s.value} --> [*]" for s in d.final_states
    }
    only = kind_only(definition(kind))
    for t in d.transitions:
        label = " ".join(p for p in (t.trigger.value, guard_text(d, t)) if p)
        if t.effects:
            label += " / " + ", ".join(e.value for e in t.effects)
        label += " *" if t in only else ""
        if t.internal:
            note = re.search(rf"note right of {t.source.value}\n(.*?)end note", text, re.DOTALL)
            assert note and f"        {label}\n" in note.group(1), t
        else:
            assert f"    {t.source.value} --> {t.dest.value} : {label}" in lines, t


def _trace() -> Trace:
    R, PE, CO, CL = State.RUNNING, State.PENDING, State.COMPLETED, State.CLOSED

    def step(trigger: Trigger, a: State, b: State, internal: bool = False) -> TraceStep:
        return TraceStep(trigger=trigger, source=a, dest=b, internal=internal)

    return Trace(
        kind=P,
        cell_id="c7",
        steps=(
            step(Trigger.QUIESCENT, R, PE),
            step(Trigger.TOOL_RESULT, PE, PE, True),
            step(Trigger.TOOL_RESULT, PE, PE, True),
            step(Trigger.RESUME, PE, R),
            step(Trigger.FINISHED_OK, R, CO),
            step(Trigger.OBSERVE, CO, CL),
        ),
    )


def test_trace_overlay_counts_visits() -> None:
    dot = to_dot(P, trace=_trace())
    assert "trace c7" in dot
    assert "visited / taken N times" in dot
    assert "&#215;2</B>" in _node_line(dot, P, State.RUNNING)
    pending = _node_line(dot, P, State.PENDING)
    assert 'BGCOLOR="#dcedc8"' in pending and "queue_input" in pending
    assert re.search(r"tool_result.*?&#215;2", pending)
    assert "&#215;" not in _node_line(dot, P, State.TERMINATING)
    assert "shape=doublecircle" in _node_line(dot, P, State.CLOSED)
    assert "&#215;1" in _node_line(dot, P, State.CLOSED)
    (taken,) = _edge_lines(dot, P, State.PENDING, State.RUNNING)
    assert "penwidth=3" in taken and "&#215;1" in taken
    (untaken,) = _edge_lines(dot, P, State.RUNNING, State.TERMINATING)
    assert "penwidth=1" in untaken and "&#215;" not in untaken


def test_trace_overlay_refuses_foreign_traces() -> None:
    with pytest.raises(ValueError, match="trace of a pausable cell"):
        to_dot(C, trace=_trace())
    bad = Trace(
        kind=C,
        steps=(TraceStep(trigger=Trigger.RESUME, source=State.PENDING, dest=State.RUNNING),),
    )
    with pytest.raises(ValueError, match="step 0 .*is not a continuing transition"):
        to_dot(C, trace=bad)


def test_render_text_formats(tmp_path: Path) -> None:
    assert render(C, "dot", tmp_path / "c.dot").read_text() == to_dot(C)
    assert render(P, "mmd", tmp_path / "p.mmd").read_text() == to_mermaid(P)
    assert render(BOTH, "dot", tmp_path / "b.dot").read_text() == compare_dot()
    with pytest.raises(ValueError):
        render(BOTH, "mmd", tmp_path / "b.mmd")


@needs_dot
def test_render_svg_keeps_descriptions_as_tooltips(tmp_path: Path) -> None:
    svg = render(C, "svg", tmp_path / "c.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert 'xlink:title="serve the waiting observer now"' in svg
    assert f'xlink:title="{definition(C).state_descriptions[State.PENDING]}"' in svg
    png = render(BOTH, "png", tmp_path / "b.png").read_bytes()
    assert png.startswith(b"\x89PNG")


def test_embed_refreshes_generated_blocks() -> None:
    doc = "a\n<!-- BEGIN GENERATED x.mmd -->\nold\n<!-- END GENERATED x.mmd -->\nb\n"
    new = embed(doc, {"x.mmd": "graph\n"})
    assert new == (
        "a\n<!-- BEGIN GENERATED x.mmd -->\n```mermaid\ngraph\n```\n"
        "<!-- END GENERATED x.mmd -->\nb\n"
    )
    assert embed(new, {"x.mmd": "graph\n"}) == new
    with pytest.raises(KeyError):
        embed(doc, {})


@needs_dot
def test_cli_writes_every_diagram(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diagrams", "--out", str(tmp_path)]) == 0
    expected = {
        f"{k}.{x}" for k in ("continuing", "pausable") for x in ("dot", "svg", "png", "mmd")
    }
    expected |= {"both.dot", "both.svg", "both.png", "lifecycle-tables.md"}
    assert {p.name for p in tmp_path.iterdir()} == expected
    assert (tmp_path / "pausable.dot").read_text() == to_dot(P)
    assert str(tmp_path / "both.png") in capsys.readouterr().out


@needs_dot
def test_cli_writes_a_trace_overlay(tmp_path: Path) -> None:
    trace_file = tmp_path / "trace.json"
    trace_file.write_text(_trace().to_json())
    out = tmp_path / "out"
    assert main(["diagrams", "--trace", str(trace_file), "--out", str(out)]) == 0
    assert {p.name for p in out.iterdir()} == {
        "pausable-trace.dot",
        "pausable-trace.svg",
        "pausable-trace.png",
    }
    assert (out / "pausable-trace.dot").read_text() == to_dot(P, trace=_trace())


def test_cli_rejects_a_bad_trace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "t.json"
    bad.write_text('{"kind": "nope"}')
    assert main(["diagrams", "--trace", str(bad), "--out", str(tmp_path / "o")]) == 2
    assert "cannot read trace" in capsys.readouterr().err


def test_cli_without_dot_writes_text_and_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    out = tmp_path / "out"
    assert main(["diagrams", "--out", str(out)]) != 0
    err = capsys.readouterr().err
    assert "Graphviz 'dot'" in err and "apt-get install graphviz" in err
    assert {p.name for p in out.iterdir()} == set(committed_texts())


async def test_a_live_trace_overlays_exactly_the_rows_taken() -> None:
    async with cc.Session() as session:
        cell = await session.create_cell('text("a"); yield_control(); text("b")')
        while cell.state != "completed":
            await asyncio.sleep(0)
        await cell.wait()
        await cell.wait()
    d = definition(CellKind.CONTINUING)
    counts = TraceCounts.of(d, cell.trace)
    yield_rows = d.rows(State.RUNNING, Trigger.YIELD_REQUESTED)
    assert [counts.taken(r) for r in yield_rows] == [0, 1, 0]  # the split, not its siblings
