"""The session contract tests for both cell kinds, run again through session proxies on the
local Ray cluster: the same test bodies, with `codecells.Session` standing for a cluster
session (each test's sessions are durable sessions on a host, over the shared store)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from types import ModuleType, TracebackType
from typing import Any

import pytest
import test_session_continuing
import test_session_pausable

import codecells as cc
from codecells.cluster import Cluster, SessionProxy

pytestmark = pytest.mark.ray

NOT_ACROSS = {
    # read the cell's machine trace, which stays on the host
    "test_timers_hold_at_the_frontier_too": "reads cell.trace",
    "test_resume_without_input_waits_for_it_and_queued_results_apply_at_once": "reads cell.trace",
    # resumes before the cell's first step ends: a proxy's round trip takes longer than it
    "test_resume_outcomes_and_invalid_generations": "races the first step",
    "test_state_reads_the_machine": "races the first step",
}


def _cases(*modules: ModuleType) -> list[Any]:
    cases = []
    for module in modules:
        for name, test in sorted(vars(module).items()):
            if not name.startswith("test_") or inspect.signature(test).parameters:
                continue
            reason = NOT_ACROSS.get(name)
            if "engine_factory=" in inspect.getsource(test):
                reason = "scripts the engine in this process"
            marks = [pytest.mark.skip(reason=reason)] if reason else []
            cases.append(pytest.param(test, id=f"{module.__name__}::{name}", marks=marks))
    return cases


class _ClusterSession:
    """Stands for `cc.Session(tools, delegate=..., config=...)`: ``async with`` opens a
    session proxy on the cluster and shuts it down after."""

    def __init__(
        self,
        cluster: Cluster,
        tools: Iterable[cc.ToolDefinition | Callable[..., Any]] = (),
        *,
        delegate: cc.Delegate | None = None,
        config: cc.SessionConfig | None = None,
    ) -> None:
        self._open = lambda: cluster.open_session(tools, delegate=delegate, config=config)
        self._proxy: SessionProxy | None = None

    async def __aenter__(self) -> SessionProxy:
        self._proxy = await self._open()
        return self._proxy

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._proxy is not None
        await self._proxy.shutdown()


@pytest.mark.parametrize("test", _cases(test_session_pausable, test_session_continuing))
async def test_contract_through_a_session_proxy(
    test: Callable[[], Any], cluster: Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cc, "Session", lambda *a, **k: _ClusterSession(cluster, *a, **k))
    await test()
