"""Sessions on a local Ray cluster: throughput on 1 and 2 hosts, proxy overhead, memory.

    python benchmarks/cluster.py              # prints the table (docs/benchmarks.md)
    python benchmarks/cluster.py --cells 600  # a shorter run

Throughput: the throughput workload — continuing cells that each make 10 calls of a function
tool (it runs in the host) and then complete — `--cells` cells spread evenly over 20 sessions
per host, all admitted at once and awaited, on a cluster of 1 host and one of 2 hosts (both up
at once; Ray started with 2 CPUs on 127.0.0.1). The caller's process (this one) drives them in
two ways: with the batch API, per session one `create_cells` call (its share of the cells) and
one `wait_cells` call (returns when all of them completed): two host calls per session;
with per-cell calls, a `create_cell` and a `wait` per cell: two host calls per cell. Either
way the completed cells are acknowledged to their host by one call per session per event-loop
turn. Both clusters and both ways are measured alternately, best of 3 each. Target: 2 hosts
>= 1.6x the cells/s of 1 host (batch calls). On a 2-core machine the caller's process and
Ray's own processes share the cores with the hosts.

Notifications: 600 cells that each send 10 notifications (`notify`) to the caller's delegate
and complete, over 20 sessions on 1 host, batch calls, best of 3; the delegate traffic is the
host's queue, long-polled by the caller, each answer sent back (answers of one event-loop turn
in one call).

Proxy overhead: `wait_to_pending()` on a cell held at a frontier (it returns the same
`Pending` at once), through a session proxy and on a local `Session`, mean wall time per call.

Memory: the resident set of an idle host, and its growth per session opened with a pausable
cell held at a frontier (200 sessions), read on the host from /proc.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Any

os.environ.setdefault("RAY_AUTH_MODE", "disabled")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

import ray  # noqa: E402
import ray.cloudpickle  # noqa: E402

import codecells as cc  # noqa: E402
from codecells.cluster import Cluster, SessionProxy  # noqa: E402
from codecells.store import MemoryStore, SQLiteStore  # noqa: E402

ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])

WORKLOAD = "let s = 0; for (let i = 0; i < 10; i++) s += await tools.inc({x: i}); text(String(s));"
NOTIFYING = 'for (let i = 0; i < 10; i++) await notify("n" + i); text("done");'
APPROVE = cc.ToolDefinition(name="approve", answered_externally=True)
SESSIONS_PER_HOST = 20
MIB = 1024 * 1024


def inc(x: int) -> int:
    """x + 1."""
    return x + 1


async def run_cells(sessions: list[SessionProxy], cells: int, batched: bool) -> float:
    """Seconds to run `cells` workload cells spread evenly over `sessions`: per session, one
    `create_cells` and one `wait_cells` call (`batched`), else a `create_cell` and a `wait`
    call per cell."""

    async def per_cell(session: SessionProxy) -> None:
        event = await (await session.create_cell(WORKLOAD)).wait(30)
        assert event.type == "completed" and event.content_items, event

    async def per_session(session: SessionProxy, count: int) -> None:
        events = await session.wait_cells(await session.create_cells([WORKLOAD] * count), 30)
        assert all(e.type == "completed" and e.content_items for e in events), events

    began = time.perf_counter()
    if batched:
        share = [len(range(i, cells, len(sessions))) for i in range(len(sessions))]
        await asyncio.gather(*(per_session(s, n) for s, n in zip(sessions, share, strict=True)))
    else:
        await asyncio.gather(*(per_cell(sessions[i % len(sessions)]) for i in range(cells)))
    return time.perf_counter() - began


@dataclass
class Tally:
    """One way of driving one cluster, over its runs."""

    best: float = 0.0
    """Best cells/s."""
    cells: int = 0
    caller_cpu: float = 0.0
    """Seconds of CPU this process used (all its threads, Ray's included)."""
    host_cpu: float = 0.0
    """Seconds of CPU the cluster's host processes used."""


def host_cpu(cluster: Cluster) -> float:
    return sum(s["cpu_us"] for s in cluster.stats()) / 1e6


async def throughput(clusters: dict[int, Cluster], cells: int) -> dict[tuple[bool, int], Tally]:
    """Tallies by (batched, number of hosts), the clusters and ways measured alternately."""
    sessions = {
        hosts: [await c.open_session([inc]) for _ in range(SESSIONS_PER_HOST * hosts)]
        for hosts, c in clusters.items()
    }
    for group in sessions.values():
        await run_cells(group, len(group) * 2, batched=False)  # warm up: engines, code paths
    tallies = {(batched, hosts): Tally() for batched in (True, False) for hosts in clusters}
    for _ in range(3):
        for (batched, hosts), tally in tallies.items():
            caller, hosted = time.process_time(), host_cpu(clusters[hosts])
            seconds = await run_cells(sessions[hosts], cells, batched)
            tally.caller_cpu += time.process_time() - caller
            tally.host_cpu += host_cpu(clusters[hosts]) - hosted
            tally.cells += cells
            tally.best = max(tally.best, cells / seconds)
    for group in sessions.values():
        await asyncio.gather(*(s.shutdown() for s in group))
    return tallies


async def held(open_session: Any) -> tuple[Any, Any]:
    session = await open_session()
    cell = await session.create_pausable_cell("await tools.approve();")
    await cell.wait_to_pending()
    return session, cell


async def per_call(cell: Any, calls: int = 300) -> float:
    """Mean seconds of `wait_to_pending()` on a held cell."""
    await cell.wait_to_pending()
    began = time.perf_counter()
    for _ in range(calls):
        await cell.wait_to_pending()
    return (time.perf_counter() - began) / calls


async def overhead(cluster: Cluster) -> tuple[float, float]:
    """(proxy, local) seconds per `wait_to_pending()` call."""
    proxy_session, proxy_cell = await held(lambda: cluster.open_session([APPROVE]))
    local_session, local_cell = await held(
        lambda: _opened(cc.Session([APPROVE], store=MemoryStore(), session_id="local"))
    )
    proxy, local = await per_call(proxy_cell), await per_call(local_cell)
    await proxy_session.shutdown()
    await local_session.shutdown()
    return proxy, local


async def _opened(session: cc.Session) -> cc.Session:
    return session


class Listener:
    """A delegate that counts notifications."""

    def __init__(self) -> None:
        self.heard = 0

    async def invoke_tool(self, call: cc.ToolCall) -> None:
        raise cc.ToolError("no tools here")

    async def notify(self, call_id: str, cell_id: str, text: str) -> None:
        self.heard += 1


async def notifications(cluster: Cluster, cells: int = 600) -> tuple[float, float, float]:
    """(best cells/s, caller and host CPU seconds per cell) of cells that each send 10
    notifications to the caller's delegate, batch calls over 20 sessions, best of 3."""
    listeners = [Listener() for _ in range(SESSIONS_PER_HOST)]
    sessions = [await cluster.open_session(delegate=listener) for listener in listeners]

    async def run(count: int) -> float:
        async def share(session: SessionProxy) -> None:
            created = await session.create_cells([NOTIFYING] * (count // len(sessions)))
            events = await session.wait_cells(created, 30)
            assert all(e.type == "completed" for e in events), events

        began = time.perf_counter()
        await asyncio.gather(*(share(s) for s in sessions))
        return time.perf_counter() - began

    await run(len(sessions) * 2)  # warm up
    caller, hosted = time.process_time(), host_cpu(cluster)
    best = max([cells / await run(cells) for _ in range(3)])
    caller, hosted = time.process_time() - caller, host_cpu(cluster) - hosted
    assert sum(listener.heard for listener in listeners) >= 10 * 3 * cells
    await asyncio.gather(*(s.shutdown() for s in sessions))
    return best, caller / (3 * cells), hosted / (3 * cells)


async def memory(cluster: Cluster, sessions: int = 200) -> tuple[float, float]:
    """(idle host RSS, growth per session with a held cell) in bytes, on a fresh host."""
    idle = cluster.stats()[0]["rss"]
    opened = [await held(lambda: cluster.open_session([APPROVE])) for _ in range(sessions)]
    grown = cluster.stats()[0]["rss"]
    await asyncio.gather(*(s.shutdown() for s, _ in opened))
    return idle, (grown - idle) / sessions


def row(name: str, value: str, target: str = "") -> None:
    print(f"{name:52} {value:>12}  {target}".rstrip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=1800, help="cells per throughput run")
    cells = parser.parse_args().cells
    temp = tempfile.mkdtemp(prefix="ccbench-")
    load_before = os.getloadavg()
    ray.init(num_cpus=2, include_dashboard=False, _node_ip_address="127.0.0.1",
             _temp_dir=temp, log_to_driver=False)  # fmt: skip
    try:
        store = functools.partial(SQLiteStore, os.path.join(temp, "cells.db"))
        with Cluster(store, hosts=1) as one:
            idle, per_session = asyncio.run(memory(one))
            proxy, local = asyncio.run(overhead(one))
            notified, notified_caller, notified_host = asyncio.run(notifications(one))
        with (
            Cluster(store, hosts=1, cpus_per_host=0.5) as one,
            Cluster(store, hosts=2, cpus_per_host=0.5) as two,
        ):
            tallies = asyncio.run(throughput({1: one, 2: two}, cells))
    finally:
        ray.shutdown()
        shutil.rmtree(temp, ignore_errors=True)
    load_after = os.getloadavg()
    row("benchmark", f"{'value':>12}", "target")
    for batched, calls in ((True, "batch calls"), (False, "per-cell calls")):
        single, double = tallies[batched, 1], tallies[batched, 2]
        row(f"throughput, 1 host, {calls} (cells/s)", f"{single.best:12.1f}")
        row(f"throughput, 2 hosts, {calls} (cells/s)", f"{double.best:12.1f}")
        row(f"scaling, 2 hosts / 1 host, {calls}", f"{double.best / single.best:11.2f}x",
            ">= 1.6x" if batched else "")  # fmt: skip
        for hosts, tally in ((1, single), (2, double)):
            hosted, caller = (cpu / tally.cells * 1e3 for cpu in (tally.host_cpu, tally.caller_cpu))
            row(f"  CPU per cell on {hosts} host(s): hosts / caller (ms)",
                f"{hosted:5.2f} / {caller:4.2f}")  # fmt: skip
    row("wait_to_pending() through a proxy (ms/call)", f"{proxy * 1e3:12.3f}")
    row("wait_to_pending() on a local Session (ms/call)", f"{local * 1e3:12.3f}")
    row("proxy overhead per call (ms)", f"{(proxy - local) * 1e3:12.3f}")
    row("notifications, 10 per cell, 1 host (cells/s)", f"{notified:12.1f}")
    row("  CPU per cell: host / caller (ms)",
        f"{notified_host * 1e3:5.2f} / {notified_caller * 1e3:4.2f}")  # fmt: skip
    row("idle host RSS (MiB)", f"{idle / MIB:12.1f}")
    row("host RSS per session with a held cell (KiB)", f"{per_session / 1024:12.1f}")
    print(f"load average (1 min) before / after: {load_before[0]:.2f} / {load_after[0]:.2f}, "
          f"{os.cpu_count()} CPUs")  # fmt: skip


if __name__ == "__main__":
    main()
