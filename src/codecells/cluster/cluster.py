"""`Cluster`: host actors on Ray, session placement, and failover when a host dies.

Each session is pinned to one host. The cluster watches every host with a call that returns
only when the host stops (`Host.watch`); when it fails instead, the host died, and every
session it held is reopened on the least loaded live host from the shared store. A caller's
call that fails because its host died waits for that failover and is sent again to the new host.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import ray
import ray.cloudpickle
from ray.exceptions import RayActorError

from ..config import SessionConfig
from ..session import Delegate
from ..store.host import DEFAULT_LEASE
from ..tools import ToolDefinition
from .host import Host, PickledTool, StoreFactory
from .proxy import SessionProxy
from .wire import Reply, raise_error

__all__ = ["Cluster", "HostLost"]

_ATTEMPTS = 3
"""How many hosts a call tries before it gives up (each failure has moved the session)."""


class HostLost(RuntimeError):
    """A call could not be completed because its host died, and it is not safe to send it
    again (creating a cell), or no host was left to take the session."""


@dataclass(eq=False)
class _Slot:
    """One host actor and the sessions pinned to it."""

    number: int
    actor: Any
    sessions: set[str] = field(default_factory=set)
    alive: bool = True
    moved: threading.Event = field(default_factory=threading.Event)
    """Set once the sessions of a dead host are reopened elsewhere."""


@dataclass(eq=False)
class Placement:
    """What the cluster knows of one session: where it is and how to reopen it."""

    session_id: str
    tools: tuple[PickledTool, ...]
    config: SessionConfig | None
    with_delegate: bool
    slot: _Slot
    continuing: set[str] = field(default_factory=set)
    """Continuing cells created and not yet ended: in their host's memory only."""
    lost: dict[str, int] = field(default_factory=dict)
    """Continuing cells whose host died: cell id -> that host's number."""
    ready: threading.Event = field(default_factory=threading.Event)
    """Clear while the session is being reopened on `slot`: calls wait for it."""

    def __post_init__(self) -> None:
        self.ready.set()


class Cluster:
    """`hosts` async Ray actors, each hosting many durable sessions over one shared store.

    `store` opens the shared store in each host's process (``functools.partial(SQLiteStore,
    path)`` on one machine, ``functools.partial(PostgresStore, dsn)`` across machines): it is
    pickled and sent to the hosts. Ray must be initialised (``ray.init``) before. `lease`:
    seconds a host holds a cell it runs without renewing (after a crash, a cell that was
    resumed on the dead host can be resumed again once its lease ran out). `cpus_per_host`:
    the CPUs Ray reserves for each host (a host runs its cells on one core at a time).
    """

    def __init__(
        self,
        store: StoreFactory,
        hosts: int = 2,
        *,
        lease: float = DEFAULT_LEASE,
        cpus_per_host: float = 1.0,
    ) -> None:
        if hosts < 1:
            raise ValueError(f"a cluster needs at least one host, got {hosts}")
        if not ray.is_initialized():
            raise RuntimeError("Ray is not initialised: call ray.init(...) before Cluster(...)")
        self._store = store
        self._lease = lease
        self._actor_class = ray.remote(Host).options(
            num_cpus=cpus_per_host, max_concurrency=10_000, scheduling_strategy="SPREAD"
        )
        self._lock = threading.Lock()
        self._closing = False
        self._slots: list[_Slot] = []
        self._sessions: dict[str, Placement] = {}
        ray.get([self._start_host().actor.ping.remote() for _ in range(hosts)])

    # ------------------------------------------------------------------ hosts
    def _start_host(self) -> _Slot:
        slot = _Slot(len(self._slots), self._actor_class.remote(self._store, self._lease))
        self._slots.append(slot)
        slot.actor.watch.remote().future().add_done_callback(lambda _f: self._host_ended(slot))
        return slot

    def _host_ended(self, slot: _Slot) -> None:
        if not self._closing and slot.alive:  # not a shutdown: the host died
            threading.Thread(target=self.fail_over, args=(slot,), daemon=True).start()

    @property
    def hosts(self) -> list[Any]:
        """The Ray actor handles of the live hosts."""
        return [s.actor for s in self._slots if s.alive]

    def host_of(self, session_id: str) -> Any:
        """The actor handle of the host the session is pinned to."""
        return self._sessions[session_id].slot.actor

    def _least_loaded(self) -> _Slot:
        live = [s for s in self._slots if s.alive]
        if not live and not self._closing:
            live = [self._start_host()]
        if not live:
            raise HostLost("the cluster is shut down")
        return min(live, key=lambda s: len(s.sessions))

    def fail_over(self, slot: _Slot) -> None:
        """Reopen the sessions of dead host `slot` on live hosts (idempotent; a concurrent
        call waits for the first). Continuing cells that ran there are marked lost.
        HostLost once the cluster is shut down: there is nothing to move them to."""
        if self._closing:
            raise HostLost("the cluster is shut down")
        with self._lock:
            first, slot.alive = slot.alive, False
            moving = [self._sessions[s] for s in slot.sessions] if first else []
            for placement in moving:
                placement.lost.update(dict.fromkeys(placement.continuing, slot.number))
                placement.continuing.clear()
                target = self._least_loaded()
                placement.ready.clear()
                placement.slot = target
                target.sessions.add(placement.session_id)
            slot.sessions.clear()
        if not first:
            slot.moved.wait()
            return
        try:
            ray.get([self._open_on(p, p.slot) for p in moving])
        except RayActorError:  # the new host died too: its own failover moves them on
            pass
        finally:
            for placement in moving:
                placement.ready.set()
            slot.moved.set()

    def _open_on(self, placement: Placement, slot: _Slot) -> Any:
        return slot.actor.open_session.remote(
            placement.session_id, placement.tools, placement.config,
            placement.with_delegate,
        )  # fmt: skip

    # ------------------------------------------------------------------ sessions
    async def open_session(
        self,
        tools: Iterable[ToolDefinition | Callable[..., Any]] = (),
        *,
        delegate: Delegate | None = None,
        config: SessionConfig | None = None,
        session_id: str | None = None,
    ) -> SessionProxy:
        """A session on the least loaded host, durable in the shared store under
        `session_id` (a new id if None; an existing one is reopened with its pausable cells).

        Function tools are pickled to run on the host: a tool that cannot be pickled here, or
        loaded there (its module is not installed on the host), is refused with a `TypeError`
        naming it. `delegate` stays in this process: a task on this event
        loop pulls the host's tool calls and notifications for it (docs/cluster.md)."""
        pickled = tuple(_pickled(tool) for tool in tools)
        session_id = session_id or uuid.uuid4().hex
        with self._lock:
            if session_id in self._sessions:
                raise ValueError(f"session {session_id} is already open on this cluster")
            slot = self._least_loaded()
            placement = Placement(session_id, pickled, config, delegate is not None, slot)
            self._sessions[session_id] = placement
            slot.sessions.add(session_id)
        try:
            await self.call(placement, "open_session", pickled, config, delegate is not None)
        except BaseException:
            self._forget(placement)
            raise
        return SessionProxy(self, placement, delegate)

    def _forget(self, placement: Placement) -> None:
        with self._lock:
            self._sessions.pop(placement.session_id, None)
            placement.slot.sessions.discard(placement.session_id)

    async def close(self, placement: Placement) -> None:
        """Shut the session down on its host and forget it."""
        try:
            await self.call(placement, "close_session")
        finally:
            self._forget(placement)

    async def call(
        self,
        placement: Placement,
        method: str,
        *args: Any,
        retry: bool = True,
    ) -> Reply:
        """Call `method` of the session's host; if that host died, wait for the session to be
        reopened elsewhere and call the new host (unless `retry` is False: `HostLost`).
        Cancelling the caller cancels the call on the host (which may have answered first:
        observations hold their events for the next one, see `observations`)."""
        for _ in range(_ATTEMPTS):
            if not placement.ready.is_set():
                await asyncio.to_thread(placement.ready.wait)
            slot = placement.slot
            if slot.alive:
                ref = getattr(slot.actor, method).remote(placement.session_id, *args)
                try:
                    reply: Reply = await ref
                except asyncio.CancelledError:
                    ray.cancel(ref)
                    raise
                except RayActorError:
                    if self._closing:
                        raise HostLost("the cluster is shut down") from None
                    await asyncio.to_thread(self.fail_over, slot)
                    if not retry:
                        raise HostLost(
                            f"host {slot.number} died during {method} on session "
                            f"{placement.session_id}; the session is now on host "
                            f"{placement.slot.number}"
                        ) from None
                    continue
                raise_error(reply)
                return reply
            await asyncio.to_thread(self.fail_over, slot)
        raise HostLost(f"session {placement.session_id}: {_ATTEMPTS} hosts died in a row")

    def call_now(self, placement: Placement, method: str, *args: Any) -> Reply:
        """`call`, blocking (for the proxies' synchronous look-ups: about a millisecond)."""
        for _ in range(_ATTEMPTS):
            placement.ready.wait()
            slot = placement.slot
            if slot.alive:
                try:
                    reply: Reply = ray.get(
                        getattr(slot.actor, method).remote(placement.session_id, *args)
                    )
                except RayActorError:
                    if self._closing:
                        raise HostLost("the cluster is shut down") from None
                    self.fail_over(slot)
                    continue
                raise_error(reply)
                return reply
            self.fail_over(slot)
        raise HostLost(f"session {placement.session_id}: {_ATTEMPTS} hosts died in a row")

    # ------------------------------------------------------------------ shutdown
    def stats(self) -> list[dict[str, int]]:
        """Per live host: resident memory in bytes (``rss``, ``peak_rss``), the number of
        sessions (``sessions``) and the CPU time its process has used (``cpu_us``)."""
        return list(ray.get([s.actor.stats.remote() for s in self._slots if s.alive]))

    def shutdown(self) -> None:
        """Shut every session down and end the host actors (their processes exit)."""
        self._closing = True
        live = [s for s in self._slots if s.alive]
        try:
            ray.get([s.actor.stop.remote() for s in live], timeout=30)
        except (RayActorError, ray.exceptions.GetTimeoutError):
            pass
        for slot in live:
            slot.alive = False
            ray.kill(slot.actor)
        for slot in self._slots:  # proxies waiting for a failover: there will be none
            slot.moved.set()

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()


def _pickled(tool: ToolDefinition | Callable[..., Any]) -> PickledTool:
    """The tool's name and its pickle; a `TypeError` naming it if it cannot be pickled."""
    name = getattr(tool, "name", None) or getattr(tool, "__name__", None) or repr(tool)
    try:
        return name, ray.cloudpickle.dumps(tool)  # type: ignore[no-untyped-call]
    except Exception as exc:
        raise TypeError(
            f"tool {name!r} cannot be sent to a cluster host: it cannot be pickled ({exc})"
        ) from None
