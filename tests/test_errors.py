"""The errors of CONTRACT §7: exact messages and attributes, kept through pickling and copying
(an error crosses processes, e.g. from a Ray host, and is copied by frameworks)."""

from __future__ import annotations

import copy
import pickle

import pytest

import codecells as cc

ERRORS = [
    (cc.ShuttingDown(), "code mode session is shutting down"),
    (cc.MissingCell("3"), "exec cell 3 not found"),
    (cc.BusyObserver("3"), "exec cell 3 already has an active observer"),
    (cc.AlreadyTerminating("3"), "exec cell 3 is already terminating"),
    (cc.ClosedCell("3"), "exec cell 3 closed unexpectedly"),
    (
        cc.WrongCellKind("3", expected="pausable", actual="continuing"),
        "exec cell 3 is continuing, expected pausable",
    ),
    (
        cc.InvalidGeneration("3", 5, 2),
        "exec cell 3 cannot resume generation 5; latest generation is 2",
    ),
    (
        cc.InvalidGeneration("3", 1, None),
        "exec cell 3 cannot resume generation 1; latest generation is none",
    ),
    (
        cc.InvalidGeneration("3", 1, 0),
        "exec cell 3 cannot resume generation 1; latest generation is none",
    ),
    (cc.EngineError("boom"), "boom"),
    (
        cc.CannotSuspend("3", "its session has no store"),
        "exec cell 3 cannot be suspended: its session has no store",
    ),
    (
        cc.UnknownToolCall("3", "tool-1"),
        "exec cell 3 has no externally answered call tool-1 waiting for an answer",
    ),
    (
        cc.ReplayDiverged("3", 2, "different output"),
        "exec cell 3 cannot be restored: its journal diverged at step 2: different output",
    ),
    (cc.StoreError("disk full"), "disk full"),
]


@pytest.mark.parametrize(
    ("error", "message"), ERRORS, ids=[type(error).__name__ for error, _ in ERRORS]
)
@pytest.mark.parametrize(
    "clone",
    [
        lambda error: pickle.loads(pickle.dumps(error)),
        copy.copy,
        copy.deepcopy,
    ],
    ids=["pickle", "copy", "deepcopy"],
)
def test_an_error_keeps_its_message_type_and_attributes(
    error: cc.CodeCellsError, message: str, clone: object
) -> None:
    assert str(error) == message
    again = clone(error)  # type: ignore[operator]
    assert type(again) is type(error)
    assert str(again) == message
    assert vars(again) == vars(error)
