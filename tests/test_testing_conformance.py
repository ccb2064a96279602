"""Trace conformance: legal traces pass, the first illegal step is named precisely."""

from __future__ import annotations

import pytest

from codecells import CellKind
from codecells.cli import main
from codecells.fsm import State, Trace, TraceStep, Trigger
from codecells.testing import TraceError, check_trace, transition_paths

S, T = State, Trigger


def trace_of(kind: CellKind, *steps: tuple[Trigger, State, State]) -> Trace:
    return Trace(
        kind=kind,
        cell_id="1",
        steps=tuple(
            TraceStep(trigger=t, source=a, dest=b, internal=a == b, at=float(i))
            for i, (t, a, b) in enumerate(steps)
        ),
    )


PAUSABLE_RUN = trace_of(
    CellKind.PAUSABLE,
    (T.STARTED, S.RUNNING, S.RUNNING),
    (T.TOOL_CALL, S.RUNNING, S.RUNNING),
    (T.QUIESCENT, S.RUNNING, S.PENDING),
    (T.TOOL_RESULT, S.PENDING, S.PENDING),
    (T.RESUME, S.PENDING, S.RUNNING),
    (T.FINISHED_OK, S.RUNNING, S.COMPLETED),
    (T.OBSERVE, S.COMPLETED, S.CLOSED),
)


@pytest.mark.parametrize("kind", list(CellKind))
def test_every_generated_path_conforms_as_a_trace(kind: CellKind) -> None:
    for path in transition_paths(kind):
        steps = [
            TraceStep(trigger=s.trigger, source=s.source, dest=s.dest, internal=s.internal)
            for s in path.steps
        ]
        report = check_trace(kind, Trace(kind=kind, steps=tuple(steps)))
        assert report.ok
        assert all(s.row_index in rows for s, rows in zip(path.steps, report.rows, strict=True))
        assert report.states == {path.target}
        assert check_trace(kind, [s.trigger for s in path.steps]).ok


def test_a_recorded_trace_conforms_after_a_json_round_trip() -> None:
    text = PAUSABLE_RUN.to_json()
    report = check_trace(CellKind.PAUSABLE, Trace.from_json(text), require_final=True)
    assert report.final and report.states == {S.CLOSED}
    assert check_trace(CellKind.PAUSABLE, text, require_final=True) == report


def test_the_first_illegal_step_is_named_with_what_was_allowed() -> None:
    steps = list(PAUSABLE_RUN.steps)
    steps[4] = TraceStep(trigger=T.YIELD_DUE, source=S.PENDING, dest=S.PENDING, internal=True)
    with pytest.raises(TraceError) as info:
        check_trace("pausable", steps)
    err = info.value
    assert (err.index, err.state, err.trigger) == (4, S.PENDING, T.YIELD_DUE)
    assert T.RESUME in err.allowed and T.YIELD_DUE not in err.allowed
    assert str(err).startswith("step 4: yield_due is not allowed in pending (allowed: ")


def test_wrong_destination_and_discontinuity() -> None:
    wrong_dest = [TraceStep(trigger=T.QUIESCENT, source=S.RUNNING, dest=S.COMPLETED)]
    with pytest.raises(
        TraceError,
        match=r"quiescent in running leads to pending, running \(internal\), not completed",
    ):
        check_trace(CellKind.PAUSABLE, wrong_dest)
    jump = [
        TraceStep(trigger=T.QUIESCENT, source=S.RUNNING, dest=S.PENDING),
        TraceStep(trigger=T.FINISHED_OK, source=S.RUNNING, dest=S.COMPLETED),
    ]
    with pytest.raises(TraceError, match="recorded from running, but the cell was in pending"):
        check_trace(CellKind.PAUSABLE, jump)


def test_trigger_names_replay_every_guarded_branch() -> None:
    report = check_trace(CellKind.CONTINUING, ["started", "quiescent"])
    assert report.states == {S.RUNNING, S.PENDING}  # failed and has_queued_input decide
    assert len(report.rows[1]) == 3
    with pytest.raises(TraceError) as info:
        check_trace(CellKind.CONTINUING, ["terminate", "terminate"])
    assert info.value.state == S.TERMINATING
    assert "refused there with already_terminating" in str(info.value)


def test_kind_final_state_and_non_raising_reports() -> None:
    with pytest.raises(TraceError, match="a pausable trace, expected continuing"):
        check_trace(CellKind.CONTINUING, PAUSABLE_RUN)
    with pytest.raises(TraceError, match="ends in pending or running, not in a final state"):
        check_trace(CellKind.PAUSABLE, ["quiescent"], require_final=True)
    report = check_trace(CellKind.PAUSABLE, ["quiescent", "yield_due"], raise_error=False)
    assert not report.ok and report.error is not None and report.error.index == 1
    assert report.rows == check_trace("pausable", ["quiescent"]).rows


def test_cli_checks_a_trace_file(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "good.json"
    good.write_text(PAUSABLE_RUN.to_json())
    assert main(["check-trace", str(good), "--require-final"]) == 0
    assert "pausable trace conforms: 7 steps, ends in closed" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text(trace_of(CellKind.PAUSABLE, (T.CLEANUP_DONE, S.RUNNING, S.TERMINATED)).to_json())
    assert main(["check-trace", str(bad)]) == 1
    assert "step 0: cleanup_done is not allowed in running" in capsys.readouterr().out
