"""Conformance that can fail, coverage, the command line, and lifecycles of your own."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

import codecells as cc
from codecells.cli import main
from codecells.diagrams import to_dot, to_mermaid
from codecells.fsm import (
    Effect,
    LifecycleDefinition,
    State,
    Trace,
    TraceStep,
    TransitionSpec,
    Trigger,
    definition,
)
from codecells.testing import (
    EFFECTS,
    HostContext,
    MachineDriver,
    TestModel,
    TraceError,
    check_trace,
    coverage_of,
    effective_guards,
    every_row_taken,
    lifecycle_state_machine,
    paths,
    row_steps,
    run_until,
    transition_paths,
    uncovered_rows,
)
from codecells.testing.predict import HOST_TRIGGERS, UndeclaredError, check_declared

S, T = State, Trigger
P = cc.CellKind.PAUSABLE
C = cc.CellKind.CONTINUING


def _trace(kind: cc.CellKind, *rows: int) -> Trace:
    d = definition(kind)
    steps = tuple(
        TraceStep(
            trigger=d.transitions[r].trigger,
            source=d.transitions[r].source,
            dest=d.transitions[r].dest,
            internal=d.transitions[r].internal,
            row=r,
        )
        for r in rows
    )
    return Trace(kind=kind, cell_id="1", steps=steps)


def _row(kind: cc.CellKind, source: State, trigger: Trigger, n: int = 0) -> int:
    return [s.row_index for s in row_steps(kind) if s.source == source and s.trigger == trigger][n]


# --- conformance ---------------------------------------------------------------------------
def test_check_trace_validates_the_recorded_row() -> None:
    started = _row(C, S.RUNNING, T.STARTED)
    assert check_trace(C, _trace(C, started)).ok
    bad = _trace(C, started).steps[0].model_copy(update={"row": 999})
    with pytest.raises(TraceError, match="recorded as row 999"):
        check_trace(C, [bad])
    attach, deliver = _row(C, S.RUNNING, T.OBSERVE, 1), _row(C, S.RUNNING, T.OBSERVE, 0)
    swapped = _trace(C, attach).steps[0].model_copy(update={"row": deliver})
    assert check_trace(C, [swapped.model_copy(update={"row": attach})]).ok
    assert check_trace(C, [swapped]).rows == ((deliver,),)  # both are observe rows: legal


def test_check_trace_accepts_a_path_context() -> None:
    consumed = next(
        s for s in row_steps(P) if s.source == S.RUNNING and s.guards.get("generation_consumed")
    )
    trace = _trace(P, consumed.row_index)
    assert check_trace(P, trace).ok  # guards are free without a context
    with pytest.raises(TraceError, match="cannot happen in the path context"):
        check_trace(P, trace, context=HostContext(P))


def test_a_malformed_trace_gets_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(TraceError, match="not a trace"):
        check_trace(P, '{"kind": "pausable", "steps": [{"trigger": "nope"}]}')
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["check-trace", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "is not a trace" in err and "Traceback" not in err
    assert main(["check-trace", str(tmp_path / "missing.json")]) == 2
    assert "cannot read" in capsys.readouterr().err


@pytest.mark.parametrize("trace", [["bogus"], 5, b"started", [{"trigger": "started"}]])
def test_a_trace_that_is_not_triggers_is_a_trace_error(trace: object) -> None:
    """Not JSON and not triggers either: a `TraceError` (a raw ValueError or TypeError escaped,
    even with `raise_error=False`)."""
    with pytest.raises(TraceError, match="not a tr"):
        check_trace(P, trace)  # type: ignore[arg-type]
    report = check_trace(P, trace, raise_error=False)  # type: ignore[arg-type]
    assert not report.ok


def test_a_definition_file_that_is_not_text_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    binary = tmp_path / "definition.json"
    binary.write_bytes(b"\xff\xfe\x00definition")
    assert main(["paths", "--definition", str(binary)]) == 2
    err = capsys.readouterr().err
    assert "is not a text file" in err and "Traceback" not in err


def test_cli_paths_and_check_trace_take_a_context(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["paths", "--kind", "pausable", "--context", "host"]) == 0
    out = capsys.readouterr().out
    assert "running --started--> running" in out and "not reachable within 12 steps" in out
    first = out.splitlines()[1]
    assert "resume[generation_consumed]" not in first
    consumed = next(
        s for s in row_steps(P) if s.source == S.RUNNING and s.guards.get("generation_consumed")
    )
    f = tmp_path / "t.json"
    f.write_text(_trace(P, consumed.row_index).to_json())
    assert main(["check-trace", str(f)]) == 0
    assert main(["check-trace", str(f), "--context", "host"]) == 1


def test_paths_piped_into_head_exit_quietly() -> None:
    done = subprocess.run(
        f"{sys.executable} -m codecells.cli paths --kind continuing --cover simple | head -1",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout.startswith("continuing:")
    assert done.stderr == ""


def test_diagrams_default_to_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code = main(["diagrams"])
    assert (tmp_path / "continuing.dot").is_file() and (tmp_path / "pausable.mmd").is_file()
    assert code in (0, 3)  # 3: Graphviz missing, text files written


# --- coverage ------------------------------------------------------------------------------
def test_coverage_combines_traces_and_draws_rows_never_taken(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    started = _row(P, S.RUNNING, T.STARTED)
    quiescent = _row(P, S.RUNNING, T.QUIESCENT, -1)
    a, b = _trace(P, started), _trace(P, started, quiescent)
    cov = coverage_of(P, [a, b, _trace(C, _row(C, S.RUNNING, T.STARTED))])
    assert cov.traces == 2 and cov.rows == Counter({started: 2, quiescent: 1})
    assert quiescent not in cov.untaken and started not in cov.untaken
    assert cov.effects[Effect.OPEN_FRONTIER] == 1
    assert "rows 2/" in cov.text() and "never taken" in cov.text()
    dot = to_dot(P, coverage=cov.rows)
    assert "style=dashed" in dot and "<S>" in dot and "coverage 2/" in dot
    files = []
    for n, t in enumerate((a, b)):
        files.append(tmp_path / f"{n}.json")
        files[-1].write_text(t.to_json())
    assert main(["coverage", *map(str, files), "--out", str(tmp_path / "cov")]) in (0, 3)
    out = capsys.readouterr().out
    assert "pausable: 2 traces; rows 2/" in out
    assert (tmp_path / "cov" / "pausable-coverage.dot").is_file()


def test_hypothesis_runs_until_every_row_is_taken() -> None:
    machine = lifecycle_state_machine(P, lambda: MachineDriver(P))
    stop = every_row_taken(P)
    assert not stop(Counter())
    assert run_until(machine, stop, max_batches=30)
    assert stop(machine.rows_taken)  # type: ignore[attr-defined]


# --- predictions are declared for every effect ----------------------------------------------
def test_every_effect_and_guard_has_a_declared_prediction(monkeypatch: pytest.MonkeyPatch) -> None:
    for kind in cc.CellKind:
        check_declared(definition(kind))
    monkeypatch.delitem(EFFECTS, Effect.COMMIT_WRITES)
    with pytest.raises(UndeclaredError, match="effect commit_writes"):
        check_declared(definition(P))


def test_the_host_context_leaves_out_only_rows_no_real_host_takes() -> None:
    for kind in cc.CellKind:
        d = definition(kind)
        missing = {
            (d.transitions[i].source, d.transitions[i].trigger)
            for i in uncovered_rows(kind, context=HostContext(kind))
            if not _not_provoked(d, i)
        }
        allowed = {(S.COMPLETED, T.TOOL_RESULT), (S.TERMINATING, T.TOOL_RESULT)}
        # the suite's woken observers claim their event at once, so none is still attached to
        # look again once a termination began (tests/test_session_races.py races it for real)
        allowed.add((S.TERMINATING, T.OBSERVE))
        if kind is P:  # a zero-delay timer fires before the frontier can be resumed
            allowed.add((S.RUNNING, T.TIMER_FIRED))
        assert missing == allowed


def _not_provoked(d: LifecycleDefinition, row: int) -> bool:
    """Rows the suite does not provoke: a failing cell (output over the limit, a guard or
    effect raising) or a durable one (its sessions have no store)."""
    t = d.transitions[row]
    guards = effective_guards(d, row) or {}
    return (
        t.trigger not in HOST_TRIGGERS
        or t.source in (S.SUSPENDED, S.DETACHING)
        or guards.get("failed") is True
        or guards.get("output_fits") is False
        or guards.get("journaled") is True
        or guards.get("at_frontier") is True
        or guards.get("generation_claimed") is False
    )


# --- a lifecycle of your own ---------------------------------------------------------------
def job_lifecycle() -> LifecycleDefinition:
    """The worked example of docs/testing.md: a one-shot job."""

    def row(
        trigger: Trigger, source: State, dest: State | None, *effects: Effect, doc: str
    ) -> TransitionSpec:
        return TransitionSpec(
            trigger=trigger,
            source=source,
            dest=source if dest is None else dest,
            internal=dest is None,
            effects=effects,
            description=doc,
        )

    return LifecycleDefinition(
        kind=C,
        states=(S.RUNNING, S.COMPLETED, S.TERMINATING, S.TERMINATED, S.CLOSED),
        initial=S.RUNNING,
        final_states=(S.TERMINATED, S.CLOSED),
        transitions=(
            row(T.OUTPUT, S.RUNNING, None, Effect.APPEND_OUTPUT, doc="collect output"),
            row(T.FINISHED_OK, S.RUNNING, S.COMPLETED, Effect.RECORD_COMPLETION, doc="done"),
            row(T.OBSERVE, S.COMPLETED, S.CLOSED, Effect.CLAIM_COMPLETION, doc="claim it"),
            row(T.TERMINATE, S.RUNNING, S.TERMINATING, Effect.BEGIN_TERMINATION, doc="stop"),
            row(T.CLEANUP_DONE, S.TERMINATING, S.TERMINATED, Effect.PUBLISH_TERMINATED, doc="gone"),
        ),
    )


def test_your_own_lifecycle_gets_paths_conformance_suites_and_diagrams(tmp_path: Path) -> None:
    job = job_lifecycle()
    found = transition_paths(job)
    assert {s.row_index for p in found for s in p.steps} == set(range(5))
    assert len(paths(job, "states")) == 5
    assert check_trace(job, [T.OUTPUT, T.FINISHED_OK, T.OBSERVE], require_final=True).ok
    with pytest.raises(TraceError):
        check_trace(job, [T.STARTED])
    model: TestModel[MachineDriver] = TestModel(
        job,
        {t: MachineDriver.apply for t in job.triggers},
        {s: (lambda m, s=s: _is(m, s)) for s in job.states},
    )
    report = asyncio.run(model.run(lambda: _fresh(job)))
    assert report.ok and len(report.passed) == len(found)
    machine = lifecycle_state_machine(job, lambda: MachineDriver(job))
    assert run_until(machine, every_row_taken(job))
    assert "completed --> closed : observe / claim_completion" in to_mermaid(job)
    assert "label=<<B>continuing cell</B>>" in to_dot(job)
    f = tmp_path / "job.json"
    f.write_text(job.model_dump_json())
    assert main(["paths", "--definition", str(f), "--cover", "states"]) == 0
    assert main(["diagrams", "--definition", str(f), "--out", str(tmp_path / "d")]) in (0, 3)
    assert (tmp_path / "d" / "continuing.mmd").is_file()


def _fresh(d: LifecycleDefinition) -> MachineDriver:
    driver = MachineDriver(d)
    driver.reset()
    return driver


def _is(driver: MachineDriver, state: State) -> None:
    assert driver.state() == state


def test_run_until_varies_its_batches_under_a_derandomized_profile() -> None:
    """Hypothesis's CI profile derandomizes: every batch would replay the same examples."""
    from hypothesis import settings

    machine = lifecycle_state_machine(P, lambda: MachineDriver(P))
    batch = settings(max_examples=10, stateful_step_count=40, deadline=None, derandomize=True)
    assert run_until(machine, every_row_taken(P), batch=batch, max_batches=30)
