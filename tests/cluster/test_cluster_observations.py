"""Exactly-once observations across the host boundary (CONTRACT §3: a cancelled wait loses no
output): a host's event whose reply never reached the caller goes to the caller's next
observation. The interleavings Ray produces under load are injected here: a `Host` driven
directly (its replies dropped, its calls reordered), and a proxy cancelled after its reply came.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from support import texts, until

import codecells as cc
from codecells.cluster import Cluster
from codecells.cluster.host import Host
from codecells.cluster.observations import Ticket
from codecells.cluster.proxy import SessionProxy
from codecells.cluster.wire import Reply
from codecells.store import SQLiteStore

SESSION = "s"
FOREVER = "await new Promise(r => setTimeout(r, 600000))"


def ticket(number: int, *, delivered: list[int] = [], abandoned: list[int] = []) -> Ticket:  # noqa: B006
    return {"number": number, "delivered": delivered, "abandoned": abandoned}


@contextlib.asynccontextmanager
async def hosted(tmp_path: Path) -> AsyncIterator[Host]:
    """A host in this process (no Ray: the test plays Ray's part) with session `SESSION`."""
    host = Host(functools.partial(SQLiteStore, tmp_path / "cells.db"), lease=30.0)
    await host.open_session(SESSION, (), None, False)
    try:
        yield host
    finally:
        await host.stop()


async def create(host: Host, source: str) -> str:
    (cell_id,) = (await host.create_cells(SESSION, False, [(source, None)]))["value"]
    assert isinstance(cell_id, str)
    return cell_id


async def wait(host: Host, cell: str, yield_after: float, observation: Ticket) -> Reply:
    """The host's answer to one cell's wait (a batch of one)."""
    (answer,) = (await host.wait(SESSION, [cell], yield_after, [observation]))["value"]
    assert isinstance(answer, dict)
    return answer


async def test_an_event_whose_reply_was_lost_goes_to_the_next_observation(tmp_path: Path) -> None:
    async with hosted(tmp_path) as host:
        cell = await create(host, 'text("one")')
        first = await wait(host, cell, 5, ticket(1))
        assert first["value"]["type"] == "completed"  # claimed: the cell is gone from the session
        # Ray dropped this reply (its call was cancelled after it returned): the caller says so
        again = await wait(host, cell, 5, ticket(2, abandoned=[1]))
        assert again == first
        # once the caller has it, nothing more is owed
        after = await wait(host, cell, 5, ticket(3, delivered=[2]))
        assert after["error"] == "MissingCell"


async def test_an_abandoned_wait_still_running_is_settled_before_the_next(tmp_path: Path) -> None:
    async with hosted(tmp_path) as host:
        cell = await create(host, FOREVER)
        first = asyncio.ensure_future(wait(host, cell, 600, ticket(1)))
        await until(lambda: bool(host._ledger._cells))  # the host observes for ticket 1
        busy = await wait(host, cell, 0, ticket(2))
        assert busy["error"] == "BusyObserver"  # a concurrent observer is refused, as in a Session
        # the caller cancelled ticket 1 and its cancellation has not reached the host yet
        second = await wait(host, cell, 0, ticket(3, abandoned=[1, 2]))
        assert second["value"]["type"] == "yielded"  # it observes, not refused as busy
        with pytest.raises(asyncio.CancelledError):
            await first
        await host.terminate(SESSION, cell)


async def test_an_abandoned_wait_arriving_late_claims_nothing(tmp_path: Path) -> None:
    async with hosted(tmp_path) as host:
        cell = await create(host, 'text("one")')
        await until_completed(host, cell)
        # ticket 2 overtook ticket 1, which the caller gave up on: ticket 1 must not claim
        second = await wait(host, cell, 5, ticket(2, abandoned=[1]))
        late = await wait(host, cell, 5, ticket(1))
        assert second["value"]["type"] == "completed" and texts(cc.Completed.model_validate(
            second["value"])) == ["one"]  # fmt: skip
        assert "type" not in (late["value"] or {})


async def test_terminate_after_an_abandoned_wait_returns_the_event_it_claimed(
    tmp_path: Path,
) -> None:
    # CONTRACT §3: terminate() claims a buffered completion; one an abandoned wait claimed on
    # the host (the cell is gone from its session) is still the caller's.
    async with hosted(tmp_path) as host:
        cell = await create(host, 'text("one")')
        first = await wait(host, cell, 5, ticket(1))
        assert first["value"]["type"] == "completed"  # its reply never reached the caller
        ended = await host.terminate(SESSION, cell, ticket(2, abandoned=[1]))
        assert ended["value"] == first["value"]


async def test_terminate_after_an_abandoned_yield_keeps_its_output(tmp_path: Path) -> None:
    async with hosted(tmp_path) as host:
        cell = await create(host, 'text("before"); yield_control(); ' + FOREVER)
        first = await wait(host, cell, 5, ticket(1))
        assert first["value"]["type"] == "yielded"  # its reply never reached the caller
        ended = await host.terminate(SESSION, cell, ticket(2, abandoned=[1]))
        assert ended["value"]["type"] == "terminated"
        assert texts(cc.Terminated.model_validate(ended["value"])) == ["before"]


async def until_completed(host: Host, cell: str) -> None:
    states: list[str] = []

    async def look() -> None:
        states.append((await host.look_up(SESSION, cell, False))["value"])

    while not states or states[-1] != "completed":
        await asyncio.wait_for(look(), 10)


def cancel_after_the_next_reply(monkeypatch: pytest.MonkeyPatch) -> None:
    """The next proxy call is cancelled after its host's reply came (as Ray may do)."""
    caught_up = SessionProxy._delegate_caught_up

    async def cancelled_once(self: SessionProxy, sent: int) -> None:
        monkeypatch.setattr(SessionProxy, "_delegate_caught_up", caught_up)
        raise asyncio.CancelledError

    monkeypatch.setattr(SessionProxy, "_delegate_caught_up", cancelled_once)


@pytest.mark.ray
@pytest.mark.parametrize("batch", [False, True], ids=["wait", "wait_cells"])
async def test_a_proxy_cancelled_after_its_reply_came_gets_the_event_next(
    cluster: Cluster, monkeypatch: pytest.MonkeyPatch, batch: bool
) -> None:
    async with await cluster.open_session() as session:
        cells = await session.create_cells(['text("one")', 'text("two")'][: 1 + batch])

        async def observe() -> list[str]:
            if batch:
                return [text for e in await session.wait_cells(cells, 5) for text in texts(e)]
            event = await cells[0].wait(yield_after=5)
            assert event.type == "completed"
            return texts(event)

        await until(lambda: all(c.state == "completed" for c in cells))
        cancel_after_the_next_reply(monkeypatch)
        with pytest.raises(asyncio.CancelledError):
            await observe()  # the host claimed the completions for this observation
        assert await observe() == ["one", "two"][: 1 + batch]


@pytest.mark.ray
async def test_terminate_through_a_proxy_after_a_cancelled_wait_returns_the_completion(
    cluster: Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with await cluster.open_session() as session:
        cell = await session.create_cell('text("one")')
        await until(lambda: cell.state == "completed")
        cancel_after_the_next_reply(monkeypatch)
        with pytest.raises(asyncio.CancelledError):
            await cell.wait(yield_after=5)  # the host claimed the completion for this wait
        event = await cell.terminate()
        assert event.type == "completed" and texts(event) == ["one"]
        assert cell.state == "closed"
