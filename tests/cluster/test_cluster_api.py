"""The cluster's own promises: placement over 2 hosts with 200 sessions, function tools run in
the host, unpicklable tools refused by name, events as JSON, notifications and closed cells
reaching the caller's delegate, and sessions reopened from the store by id."""

from __future__ import annotations

import asyncio
import json
import os
import pickle
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest
import ray
import ray.cloudpickle
from support import RecordingDelegate, texts

import codecells as cc
from codecells.cluster import Cluster, SessionProxy
from codecells.cluster.observations import Tickets

pytestmark = pytest.mark.ray
ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])  # hosts cannot import tests

APPROVE = cc.ToolDefinition(
    name="approve", description="A person decides", answered_externally=True
)


def where() -> int:
    """The process id the tool runs in."""
    return os.getpid()


async def test_two_hundred_sessions_spread_over_two_hosts_each_held_at_a_frontier(
    cluster: Cluster,
) -> None:
    sessions: list[SessionProxy] = list(
        await asyncio.gather(*(cluster.open_session([APPROVE]) for _ in range(200)))
    )
    assert sorted(Counter(cluster.host_of(s.session_id) for s in sessions).values()) == [100, 100]
    cells = await asyncio.gather(
        *(s.create_pausable_cell(f'text("s{i}"); text(await tools.approve({i}))')
          for i, s in enumerate(sessions))
    )  # fmt: skip
    frontiers = await asyncio.gather(*(c.wait_to_pending() for c in cells))
    assert [texts(f) for f in frontiers] == [[f"s{i}"] for i in range(200)]
    assert {f.type for f in frontiers} == {"pending"}
    await asyncio.gather(*(c.answer("tool-1", f"a{i}") for i, c in enumerate(cells)))
    await asyncio.gather(*(c.resume(1) for c in cells))
    ends = await asyncio.gather(*(c.wait_to_pending() for c in cells))
    assert [texts(e) for e in ends] == [[f"a{i}"] for i in range(200)]
    await asyncio.gather(*(s.shutdown() for s in sessions))


async def test_function_tools_run_in_the_host(cluster: Cluster) -> None:
    async with await cluster.open_session([where]) as session:
        cell = await session.create_cell("text(String(await tools.where({})))")
        event = await cell.wait(5)
        host_pid = await cluster.host_of(session.session_id).ping.remote()
        assert texts(event) == [str(host_pid)] and host_pid != os.getpid()


async def test_stats_count_the_cpu_time_a_hosts_cells_used(cluster: Cluster) -> None:
    async with await cluster.open_session() as session:
        host = cluster.hosts.index(cluster.host_of(session.session_id))
        before = cluster.stats()[host]["cpu_us"]
        cell = await session.create_cell("let s = 0; for (let i = 0; i < 1e7; i++) s += i;")
        assert (await cell.wait(30)).type == "completed"
        assert cluster.stats()[host]["cpu_us"] - before >= 50_000  # the loop's 10M iterations


async def test_a_tool_that_cannot_be_pickled_is_refused_by_name(cluster: Cluster) -> None:
    lock = threading.Lock()

    def locked(n: int) -> int:
        """Uses a lock, which cannot leave this process."""
        with lock:
            return n

    with pytest.raises(TypeError, match=r"^tool 'locked' cannot be sent to a cluster host: it "
                       r"cannot be pickled \(.*lock.*\)$"):  # fmt: skip
        await cluster.open_session([where, locked])
    assert sum(s["sessions"] for s in cluster.stats()) == 0  # nothing was opened


async def test_a_tool_whose_module_the_hosts_lack_is_refused_by_name(
    cluster: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "only_in_the_caller.py").write_text(
        'def shout(text: str) -> str:\n    """Upper-case."""\n    return text.upper()\n'
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    from only_in_the_caller import shout  # type: ignore[import-not-found]

    with pytest.raises(TypeError, match="^tool 'shout' cannot be loaded on a cluster host: "
                       "No module named 'only_in_the_caller'$"):  # fmt: skip
        await cluster.open_session([where, shout])
    assert sum(s["sessions"] for s in cluster.stats()) == 0


async def test_events_cross_as_json(cluster: Cluster) -> None:
    async with await cluster.open_session() as session:
        cell = await session.create_pausable_cell('text("a"); image("data:image/png;base64,AA==")')
        reply = await cluster.host_of(session.session_id).wait_to_pending.remote(
            session.session_id, [cell.id], [Tickets().issue()]
        )
        assert json.loads(json.dumps(reply)) == reply
        assert reply["value"][0]["value"] == {
            "type": "completed",
            "content_items": [
                {"type": "text", "text": "a"},
                {"type": "image", "image_url": "data:image/png;base64,AA==", "detail": "high"},
            ],
            "error_text": None,
        }


async def test_notifications_and_closed_cells_reach_the_callers_delegate_before_the_event(
    cluster: Cluster,
) -> None:
    delegate = RecordingDelegate()
    async with await cluster.open_session(delegate=delegate) as session:
        cell = await session.create_cell('notify("one"); notify("two"); text("done")',
                                         tool_call_id="call-7")  # fmt: skip
        assert texts(await cell.wait(5)) == ["done"]
        assert delegate.notifications == [("call-7", "1", "one"), ("call-7", "1", "two")]
        assert delegate.closed == ["1"]


async def test_a_delegate_that_fails_rejects_the_call_with_its_message(cluster: Cluster) -> None:
    async def refuse(call: cc.ToolCall) -> None:
        raise cc.ToolError(f"no {call.input}")

    async def crash(call: cc.ToolCall) -> None:
        raise RuntimeError("broken")

    delegate = RecordingDelegate({"refuse": refuse, "crash": crash})
    tools = [cc.ToolDefinition(name="refuse"), cc.ToolDefinition(name="crash")]
    async with await cluster.open_session(tools, delegate=delegate) as session:
        cell = await session.create_cell(
            'for (const t of ["refuse", "crash"]) { try { await tools[t]("x"); } '
            "catch (e) { text(String(e)); } }"
        )
        assert texts(await cell.wait(5)) == ["no x", "broken"]


async def test_a_session_reopens_by_id_with_its_stored_values_and_pausable_cells(
    cluster: Cluster,
) -> None:
    async with await cluster.open_session([APPROVE]) as first:
        session_id = first.session_id
        done = await first.create_pausable_cell('store("k", [1, 2]); text("stored")')
        assert texts(await done.wait_to_pending()) == ["stored"]
        held = await first.create_pausable_cell('text(await tools.approve("?"))')
        frontier = await held.wait_to_pending()
        with pytest.raises(ValueError, match="already open"):
            await cluster.open_session([APPROVE], session_id=session_id)
    async with await cluster.open_session([APPROVE], session_id=session_id) as second:
        assert await second.stored_values() == {"k": [1, 2]}
        cell = second.pausable_cell(held.id)
        assert await cell.wait_to_pending() == frontier
        await cell.answer("tool-1", "later")
        assert await cell.resume(1) is cc.ResumeOutcome.RESUMED
        assert texts(await cell.wait_to_pending()) == ["later"]
        with pytest.raises(cc.MissingCell):
            second.pausable_cell("9")


async def test_a_delegate_whose_cell_closed_raises_keeps_getting_its_traffic(
    cluster: Cluster,
) -> None:
    """As in a local session, a failing `cell_closed` is logged and ignored: the delegate's
    later notifications and tool calls still arrive (the proxy's pump ended with it)."""

    class Broken(RecordingDelegate):
        def cell_closed(self, cell_id: str) -> None:
            raise RuntimeError("bug in cell_closed")

    delegate = Broken()
    async with await cluster.open_session([cc.ToolDefinition(name="ask")], delegate=delegate) as s:
        first = await s.create_cell('text("one")')
        assert texts(await first.wait(5)) == ["one"]
        second = await s.create_cell('notify("hello"); text(await tools.ask("q"))')
        assert texts(await second.wait(5)) == ["q"]
    assert [note[2] for note in delegate.notifications] == ["hello"]


async def test_an_empty_batch_makes_no_cell(cluster: Cluster) -> None:
    async with await cluster.open_session() as session:
        assert await session.create_cells([]) == []
        assert await session.create_pausable_cells([]) == []
        cell = await session.create_cell('text("next")')
        assert cell.id == "1"  # no id was reserved for the empty batch


async def test_an_error_raised_through_a_proxy_pickles_as_raised(cluster: Cluster) -> None:
    async with await cluster.open_session() as session:
        with pytest.raises(cc.MissingCell) as caught:
            session.cell("404")
    again = pickle.loads(pickle.dumps(caught.value))
    assert type(again) is cc.MissingCell and str(again) == "exec cell 404 not found"
    assert again.cell_id == "404"


async def test_concurrent_proxy_shutdowns_all_wait(cluster: Cluster) -> None:
    """As `Session.shutdown`: a second shutdown returns only once the session is down (it
    returned at once while a CPU-bound cell still ran on the host)."""
    session = await cluster.open_session()
    await session.create_cell("for (;;) {}")
    first = asyncio.ensure_future(session.shutdown())
    second = asyncio.ensure_future(session.shutdown())
    await asyncio.wait_for(second, 30)
    assert first.done() and first.exception() is None
