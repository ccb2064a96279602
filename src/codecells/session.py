"""`Session`: the registry of cells, their stored values, tools and host delegate (CONTRACT §3).

A session admits cells (ids "1", "2", … in creation order), gives each a snapshot of the stored
values and a `CellExecutor` over its own engine, dispatches tool calls to Python functions or the
delegate, commits the writes of completed cells, and removes cells once their terminal event is
published. Cancellation flows down: shutdown stops every cell; a cell stops its callbacks.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import numbers
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from types import TracebackType
from typing import Any, Protocol, runtime_checkable

from pydantic import ValidationError

from .config import SessionConfig, check_seconds, check_yield_after
from .engine.failures import not_json_text
from .engine.protocol import (
    AnyEngineCommand,
    Engine,
    EngineLimits,
    EngineTool,
    InlineTools,
    RejectTool,
    ResolveTool,
    ToolCallRequested,
    ToolResult,
)
from .engine.runner import host_call
from .engine.wire import trusted
from .errors import (
    EngineError,
    MissingCell,
    ShuttingDown,
    StoreError,
    UnknownToolCall,
    WrongCellKind,
)
from .events import Completed, Pending, ResumeOutcome, Terminated, Yielded
from .executor import CellExecutor
from .executor.cell import StepRunner
from .executor.journal import Journal
from .fsm import Trace
from .fsm.table import IN_STEP_RESULTS
from .function_tools import BoundTool, bind_tool
from .json_types import (
    EMPTY_TEXTS,
    JsonText,
    JsonValue,
    StoredValue,
    copy_json,
    json_problem,
    stored_copy,
)
from .kinds import CellKind
from .store.host import DEFAULT_LEASE, CellKeeper, DurableCells, InMemory, LoadedCell
from .store.records import Store, check_cell_count
from .tools import ToolCall, ToolDefinition, ToolError, _current_call, describe, refuse_name_clashes

__all__ = ["Cell", "Delegate", "EngineFactory", "EngineSpec", "PausableCell", "Session"]

log = logging.getLogger("codecells")


@runtime_checkable
class Delegate(Protocol):
    """The host behind a session. `cell_closed(cell_id)` may also be defined (optional)."""

    async def invoke_tool(self, call: ToolCall) -> JsonValue:
        """Run a tool without a Python handler; raise `ToolError` to reject with a message."""

    async def notify(self, call_id: str, cell_id: str, text: str) -> None:
        """Deliver a cell's ``notify(text)``; `call_id` is the cell's `tool_call_id`."""


@dataclass(frozen=True)
class EngineSpec:
    """Everything an engine factory needs to build one cell's engine."""

    cell_id: str
    kind: CellKind
    source: str
    tools: tuple[EngineTool, ...]
    stored_values: Mapping[str, StoredValue]
    """The session's stored values when the cell was created: shared, read them only."""
    limits: EngineLimits
    inline_tools: InlineTools | None = None
    seed: int | None = None
    """Durable cells: the seed of `Math.random` (the engine then pins its clock and zone)."""


EngineFactory = Callable[[EngineSpec], Engine]


def _quickjs_engine(spec: EngineSpec) -> Engine:
    from .engine import QuickJSEngine

    engine: Engine = QuickJSEngine(
        spec.source,
        tools=spec.tools,
        stored_values=spec.stored_values,
        limits=spec.limits,
        inline=spec.inline_tools,
        seed=spec.seed,
    )
    return engine


def _generation(generation: object) -> int:
    """`generation` as a frontier number: an int (not a bool, a float or a numeric str, which
    would compare unequal to every frontier or break the generation guards); else TypeError."""
    if isinstance(generation, bool) or not isinstance(generation, numbers.Integral):
        raise TypeError(f"generation must be an int, got {generation!r}")
    return int(generation)


def _require_running_loop() -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        raise RuntimeError(
            "a durable session must be created inside a running event loop: it restores its "
            "cells' timers and tool calls as it opens"
        ) from None


class Session:
    """Owns cells, stored values, tool definitions and a host delegate.

    Use as ``async with Session(...) as session:``; leaving the block shuts it down.

    With a `store` (`codecells.store.SQLiteStore`, ...) the session is *durable*: it is opened
    under `session_id` (a new one if None), its stored values and pausable cells live in the
    store, and a session opened later under the same id — in any process — finds its pausable
    cells again (docs/durable.md). Create a durable session inside a running event loop.
    `lease`: seconds this process holds a cell it runs without renewing (renewed every third);
    `clock`: the wall clock (epoch seconds) durable cells' virtual time follows.
    """

    def __init__(
        self,
        tools: Iterable[ToolDefinition | Callable[..., Any]] = (),
        *,
        delegate: Delegate | None = None,
        config: SessionConfig | None = None,
        engine_factory: EngineFactory | None = None,
        step_runner: StepRunner | None = None,
        store: Store | None = None,
        session_id: str | None = None,
        lease: float = DEFAULT_LEASE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        _check_arguments(tools, delegate, config)
        _check_durability(store, session_id, lease)
        self.config = config if config is not None else SessionConfig()
        self._tools: tuple[BoundTool, ...] = tuple(bind_tool(t) for t in tools)
        refuse_name_clashes(t.definition for t in self._tools)
        self._inline_indexes = frozenset(i for i, t in enumerate(self._tools) if t.runs_inline)
        self._engine_tools = tuple(
            EngineTool(
                js_name=t.definition.js_name,
                description=t.definition.description,
                js_namespace=t.definition.js_namespace,
            )
            for t in self._tools
        )
        self._limits = EngineLimits(
            cpu_time=self.config.cpu_time_limit,
            memory=self.config.memory_limit,
            stack=self.config.stack_limit,
            output=self.config.output_limit,
            console=self.config.console,
        )
        self._delegate = delegate
        self._engine_factory = engine_factory or _quickjs_engine
        self._step_runner = step_runner
        names = tuple(t.definition.js_name for t in self._tools)
        if store is not None:
            _require_running_loop()
        self._keeper: CellKeeper = (
            InMemory()
            if store is None
            else DurableCells(
                store,
                uuid.uuid4().hex if session_id is None else session_id,
                names,
                lease=lease,
                clock=clock,
            )
        )
        self._stored: dict[str, JsonValue] = self._keeper.stored_values
        # Values kept as the JSON text their cell wrote (`JsonText`; keys not in `_stored`):
        # in memory only, a durable session's stored values are persisted as values.
        self._stored_texts: dict[str, JsonText] = {}
        self._keeps_texts = store is None
        self._cells: dict[str, CellExecutor] = {}
        self._awaiting_answer: set[tuple[str, str]] = set()
        self._alive = True
        self._shutdown_task: asyncio.Task[None] | None = None
        self._idle_sweep: asyncio.Task[None] | None = None
        for cell_id in self._keeper.cell_ids:
            self._load(cell_id)

    # ------------------------------------------------------------------ lifecycle
    async def __aenter__(self) -> Session:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.shutdown()

    @property
    def tools(self) -> tuple[ToolDefinition, ...]:
        """The definitions of the session's tools, in order (functions included)."""
        return tuple(t.definition for t in self._tools)

    @property
    def session_id(self) -> str:
        """The id the session is kept under in its store (a fresh one without a store)."""
        return self._keeper.session_id

    @property
    def is_alive(self) -> bool:
        """False once shutdown has begun."""
        return self._alive

    async def shutdown(self) -> None:
        """Stop every cell (CPU-bound ones too) and wait for their cleanup.

        Later `create_*` calls raise `ShuttingDown`. Concurrent calls all wait; cancelling one
        does not stop the shutdown.
        """
        self._alive = False
        if self._shutdown_task is None:
            self._shutdown_task = asyncio.get_running_loop().create_task(self._stop_all())
        await asyncio.shield(self._shutdown_task)

    async def _stop_all(self) -> None:
        if self._idle_sweep is not None:
            self._idle_sweep.cancel()
        cells = list(self._cells.values())
        for executor in cells:
            executor.shutdown()
        for executor in cells:
            await executor.closed.wait()
        self._keeper.stop()

    # ------------------------------------------------------------------ admission
    async def create_cell(self, source: str, *, tool_call_id: str | None = None) -> Cell:
        """Start a continuing cell running `source` (it runs at once, observed or not).

        `tool_call_id` is passed to ``delegate.notify`` as the call id of the cell's
        notifications. Raises `ShuttingDown` after shutdown began, `EngineError` if the engine
        cannot be built."""
        return Cell(self, self._admit(CellKind.CONTINUING, source, tool_call_id))

    async def create_pausable_cell(
        self, source: str, *, tool_call_id: str | None = None
    ) -> PausableCell:
        """Start a pausable cell running `source`; see `create_cell`."""
        return PausableCell(self, self._admit(CellKind.PAUSABLE, source, tool_call_id))

    def reserve_cell_ids(self, count: int) -> None:
        """Number the next `count` cells at once, before creating them: a durable session does
        it in one store transaction instead of one per cell. Ids left unused go to later
        cells; none is ever given twice. `count`: an int of at least 1 (else ValueError)."""
        check_cell_count(count)
        self._keeper.reserve_cell_ids(count)

    def _admit(self, kind: CellKind, source: str, tool_call_id: str | None) -> CellExecutor:
        if not isinstance(source, str):
            raise TypeError(f"cell source must be a str, got {type(source).__name__}")
        if tool_call_id is not None and not isinstance(tool_call_id, str):
            raise TypeError(f"tool_call_id must be a str or None, got {tool_call_id!r}")
        if not self._alive:
            raise ShuttingDown()
        cell_id = self._keeper.new_cell_id()
        stored = dict(self._stored)  # values are never changed in place (see `_commit`)
        maker = self._engine_maker(kind, dict(self._stored_texts))
        try:
            engine, journal = self._keeper.keep(
                kind, cell_id, source, tool_call_id or "", stored, maker
            )
        except StoreError:
            raise
        except Exception as exc:
            raise EngineError(str(exc) or type(exc).__name__) from exc
        host = _Host(self, tool_call_id or "")
        executor = self._executor(cell_id, kind, engine, host, journal)
        self._cells[cell_id] = executor
        self._keep_alive()
        executor.start()
        return executor

    def _inline_tools(self, kind: CellKind, cell_id: str) -> InlineTools | None:
        if not self._inline_indexes:
            return None
        return InlineTools(
            indexes=self._inline_indexes,
            run=partial(self._run_inline, cell_id),
            apply_in_step=kind in IN_STEP_RESULTS,
        )

    def _executor(
        self, cell_id: str, kind: CellKind, engine: Engine, host: _Host, journal: Journal
    ) -> CellExecutor:
        return CellExecutor(
            cell_id,
            kind,
            engine,
            host,
            self._runner(),
            output_limit=self.config.output_limit,
            journal=journal,
        )

    def _engine_maker(
        self, kind: CellKind, texts: dict[str, JsonText] | None = None
    ) -> Callable[[str, str, dict[str, JsonValue], int | None], Engine]:
        """Builds a cell's engine from the keeper's snapshot of stored values and `texts`, the
        snapshot of those kept as JSON text."""

        def make(
            cell_id: str, source: str, stored: dict[str, JsonValue], seed: int | None
        ) -> Engine:
            spec = EngineSpec(
                cell_id=cell_id,
                kind=kind,
                source=source,
                tools=self._engine_tools,
                stored_values={**stored, **texts} if texts else stored,
                limits=self._limits,
                # durable cells journal every answer for replay: their tools are dispatched
                inline_tools=self._inline_tools(kind, cell_id) if seed is None else None,
                seed=seed,
            )
            return self._engine_factory(spec)

        return make

    def _load(self, cell_id: str) -> None:
        """Bring back a pausable cell an earlier session kept in the store (suspended at its
        frontier, or completed); a cell that cannot be read is logged and left in the store."""
        try:
            loaded = self._keeper.load(cell_id, self._engine_maker(CellKind.PAUSABLE))
        except (StoreError, ValueError):
            log.warning("durable cell %s could not be loaded", cell_id, exc_info=True)
            return
        if loaded is not None:
            self._restore(loaded)

    def _restore(self, loaded: LoadedCell) -> None:
        host = _Host(self, loaded.tool_call_id)
        journal = loaded.journal
        executor = self._executor(loaded.cell_id, CellKind.PAUSABLE, journal, host, journal)
        self._cells[loaded.cell_id] = executor
        self._keep_alive()
        if loaded.restart:
            executor.start()
            return
        self._stored.update(loaded.writes)
        executor.restored(
            loaded.frontier, loaded.completed, loaded.last_resumed, loaded.journal.frontier_observed
        )
        answered = [c for c in loaded.outstanding if self._answered_externally(c)]
        executor.hold_calls([c for c in loaded.outstanding if c not in answered])
        for call in answered:  # waiting for `answer()`: nothing runs, so wait here at once
            executor.dispatch_tool_call(call=call)
        for timer_id, delay in loaded.timers:
            executor.schedule_timer(timer_id=timer_id, delay=delay)

    def _answered_externally(self, call: ToolCallRequested) -> bool:
        index = call.tool_index
        return 0 <= index < len(self._tools) and self._tools[index].definition.answered_externally

    def _keep_alive(self) -> None:
        """Renew this process's leases; suspend idle frontiers if so configured."""
        self._keeper.start()
        idle = self.config.suspend_idle_after
        if idle is not None and self._idle_sweep is None and isinstance(self._keeper, DurableCells):
            self._idle_sweep = asyncio.get_running_loop().create_task(self._suspend_idle(idle))

    async def _suspend_idle(self, idle: float) -> None:
        while True:
            await asyncio.sleep(min(idle / 2, 1.0))
            for executor in list(self._cells.values()):
                if executor.state == "pending" and executor.idle_for >= idle:
                    executor.suspend()

    def _runner(self) -> StepRunner:
        if self._step_runner is None:
            from .engine.runner import start_step

            self._step_runner = start_step
        return self._step_runner

    # ------------------------------------------------------------------ look-ups
    def _live(self, cell_id: str, kind: CellKind | None = None) -> CellExecutor:
        if not isinstance(cell_id, str):  # `cell(1)` would report "exec cell 1 not found"
            raise TypeError(f'cell ids are str ("1", "2", …), got {cell_id!r}')
        executor = self._cells.get(cell_id)
        if executor is None:
            raise MissingCell(cell_id)
        if kind is not None and executor.kind is not kind:
            raise WrongCellKind(cell_id, expected=kind.value, actual=executor.kind.value)
        return executor

    def cell(self, cell_id: str) -> Cell:
        """The continuing cell `cell_id` (`MissingCell`, `WrongCellKind`)."""
        return Cell(self, self._live(cell_id, CellKind.CONTINUING))

    def pausable_cell(self, cell_id: str) -> PausableCell:
        """The pausable cell `cell_id` (`MissingCell`, `WrongCellKind`)."""
        return PausableCell(self, self._live(cell_id, CellKind.PAUSABLE))

    async def terminate(self, cell_id: str) -> Completed | Terminated:
        """Terminate a cell of either kind (or claim its buffered completion)."""
        return await self._live(cell_id).terminate()

    @property
    def stored_values(self) -> dict[str, JsonValue]:
        """A copy of the session's stored values."""
        stored: dict[str, StoredValue] = {**self._stored, **self._stored_texts}
        return {key: stored_copy(value) for key, value in stored.items()}

    # ------------------------------------------------------------------ host side of cells
    async def _invoke_tool(
        self, cell_id: str, call_id: str, tool_index: int, arguments: JsonValue
    ) -> AnyEngineCommand:
        """Run one tool call. Total: every way the tool can end settles the script's promise,
        except a real cancellation of this call (the cell is ending) and KeyboardInterrupt or
        SystemExit, which propagate (the program is stopping).

        One coroutine per call, holding no event: an event storm keeps thousands outstanding,
        and each full garbage collection traverses all they hold (docs/benchmarks.md)."""
        if not 0 <= tool_index < len(self._tools):
            return RejectTool(call_id=call_id, message=f"unknown tool #{tool_index}")
        tool = self._tools[tool_index]
        definition = tool.definition
        call = _ToolCallMaker(self.session_id, cell_id, call_id, arguments, definition)
        _current_call.set(call)  # this task's context only: `current_tool_call()`
        try:
            if tool.function is not None:
                value = tool.finish(await tool.start(arguments))
            elif self._delegate is None:
                raise ToolError(
                    f"tool {definition.name} has no handler: the session has no delegate"
                )
            else:
                value = await self._delegate.invoke_tool(call())
        except asyncio.CancelledError as exc:
            if _cancelled_by_its_cell():
                raise
            return _failure(definition.name, cell_id, call_id, exc)
        except BaseException as exc:  # noqa: BLE001 - `_failure` re-raises what must propagate
            return _failure(definition.name, cell_id, call_id, exc)
        return _resolution(definition.name, call_id, value)

    def _run_inline(self, cell_id: str, request: ToolCallRequested) -> ToolResult:
        """Run a plain `def` tool on the thread running the cell's step (`InlineTools`), with
        the same outcomes as `_invoke_tool`."""
        tool = self._tools[request.tool_index]
        name = tool.definition.name
        call_id = request.call_id
        token = _current_call.set(
            _ToolCallMaker(self.session_id, cell_id, call_id, request.input, tool.definition)
        )
        try:
            with host_call:
                value = tool.call_inline(request.input)
        except BaseException as exc:  # noqa: BLE001 - `_failure` re-raises what must propagate
            return _failure(name, cell_id, call_id, exc)
        finally:
            _current_call.reset(token)  # this worker thread runs other cells' steps next
        return _resolution(name, call_id, value)

    def _dispatch(self, cell_id: str, call: ToolCallRequested) -> Awaitable[AnyEngineCommand]:
        """A tool call, started: a call of a tool `answered_externally` waits for `answer()`
        (registered now, so it may come at once), any other runs `_invoke_tool`."""
        if not self._answered_externally(call):
            return self._invoke_tool(cell_id, call.call_id, call.tool_index, call.input)
        key = (cell_id, call.call_id)
        self._awaiting_answer.add(key)
        outstanding: asyncio.Future[AnyEngineCommand] = asyncio.get_running_loop().create_future()
        outstanding.add_done_callback(lambda _f: self._awaiting_answer.discard(key))
        return outstanding  # `answer()` applies the result itself and cancels the wait

    def _answer(self, executor: CellExecutor, command: ResolveTool | RejectTool) -> None:
        key = (executor.cell_id, command.call_id)
        if key not in self._awaiting_answer:
            raise UnknownToolCall(*key)
        executor.answer(command)  # `StoreError`: not recorded, the call still waits
        self._awaiting_answer.discard(key)

    async def _notify(self, call_id: str, cell_id: str, text: str) -> None:
        if self._delegate is not None:
            await self._delegate.notify(call_id, cell_id, text)

    def _commit(
        self,
        writes: dict[str, JsonValue],
        *,
        fresh: bool = False,
        json_writes: Mapping[str, str] = EMPTY_TEXTS,
    ) -> None:
        # Fresh writes (`Finished.fresh_writes`: the QuickJS engine's, parsed from JSON for the
        # session alone) are kept as they are: copying a million-element array stalls the loop.
        # Writes as JSON text stay text (parsing a million elements holds the GIL ~60 ms).
        if not fresh:
            writes = {key: copy_json(value) for key, value in writes.items()}
        if not self._keeps_texts:
            writes = {**writes, **{key: json.loads(text) for key, text in json_writes.items()}}
            json_writes = EMPTY_TEXTS
        for key in writes:
            self._stored_texts.pop(key, None)
        for key in json_writes:
            self._stored.pop(key, None)
        self._stored.update(writes)
        self._stored_texts.update((key, JsonText(text)) for key, text in json_writes.items())

    def _detached(self, cell_id: str) -> None:
        self._cells.pop(cell_id, None)

    def _closed(self, cell_id: str) -> None:
        self._cells.pop(cell_id, None)
        cell_closed = getattr(self._delegate, "cell_closed", None)
        if cell_closed is not None:
            try:
                cell_closed(cell_id)
            except Exception:
                log.warning("delegate.cell_closed(%s) failed", cell_id, exc_info=True)


def _check_arguments(tools: object, delegate: object, config: object) -> None:
    """TypeError, at the call, for arguments of the wrong kind (they failed later, unclearly)."""
    if isinstance(tools, (str, bytes)) or not isinstance(tools, Iterable):
        raise TypeError(f"tools must be an iterable of functions or ToolDefinitions, got {tools!r}")
    if config is not None and not isinstance(config, SessionConfig):
        raise TypeError(
            f"config must be a SessionConfig instance, got {config!r}"
            " (e.g. SessionConfig(cpu_time_limit=5.0))"
        )
    if delegate is not None and not any(
        callable(getattr(delegate, method, None)) for method in ("invoke_tool", "notify")
    ):
        raise TypeError(
            f"delegate must implement invoke_tool(call) and/or notify(call_id, cell_id, text),"
            f" got {delegate!r}"
        )


def _check_durability(store: object, session_id: object, lease: object) -> None:
    """Refuse, at the call, a store that is none, a session id that is no name, and a lease
    that is no positive finite number of seconds (a lease <= 0 renews in a busy loop)."""
    if store is not None and not isinstance(store, Store):
        raise TypeError(
            f"store must be a Store (e.g. codecells.store.SQLiteStore(path)), got {store!r}"
        )
    if session_id is not None and not isinstance(session_id, str):
        raise TypeError(f"session_id must be a str or None, got {session_id!r}")
    if session_id == "":
        raise ValueError("session_id must not be empty (None opens a new session)")
    check_seconds("lease", lease, positive=True)


_JSON_SCALARS = frozenset({str, int, bool, type(None)})
_TOO_DEEP = "recursion_depth_exceeded"


def _cancelled_by_its_cell() -> bool:
    """Whether the running tool call's task was cancelled (not a tool raising CancelledError).

    A function, not a local in `_invoke_tool`: its frame, kept by the CancelledError's traceback
    that the cancelled task keeps, would hold the task, and each cancelled call would be cyclic
    garbage, freed only by a full collection (~18 objects per call)."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


def _failure(name: str, cell_id: str, call_id: str, exc: BaseException) -> RejectTool:
    """The rejection of the script's promise for tool `name`, which raised `exc`.
    KeyboardInterrupt and SystemExit propagate (the program is stopping)."""
    if isinstance(exc, (KeyboardInterrupt, SystemExit)):
        raise exc
    if isinstance(exc, ToolError):
        message = exc.message if isinstance(exc.message, str) else describe(exc.message)
    elif isinstance(exc, asyncio.CancelledError):
        message = f"tool {name} raised CancelledError"
    else:
        log.warning("tool %s failed in cell %s", name, cell_id, exc_info=exc)
        message = describe(exc)
    return RejectTool(call_id=call_id, message=message)


def _resolution(name: str, call_id: str, value: JsonValue) -> ToolResult:
    """The command that hands tool `name`'s result to the script: a rejection when it is not
    JSON (NaN and infinities included) or nests deeper than `MAX_JSON_DEPTH`, as inputs may.
    (An integer too long for Python to write is rejected by the engine, with the same text.)"""
    if type(value) in _JSON_SCALARS or (type(value) is float and math.isfinite(value)):
        return trusted(ResolveTool, call_id=call_id, value=value)  # valid as it is: no check
    resolved = _resolve(call_id, value)
    if isinstance(resolved, str):
        return RejectTool(call_id=call_id, message=not_json_text(name, resolved))
    return resolved


def _resolve(call_id: str, value: JsonValue) -> ResolveTool | str:
    """The command that resolves call `call_id` with `value`, or why `value` is not JSON
    (ValidationError for a `call_id` that is not a str)."""
    try:
        return ResolveTool(call_id=call_id, value=value)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        if error["loc"][:1] != ("value",):
            raise
        # pydantic validates 255 levels deep; a result may nest as deep as an input
        problem = json_problem(value) if error["type"] == _TOO_DEEP else error["msg"]
        if problem is None:
            return trusted(ResolveTool, call_id=call_id, value=value)
        return problem


class _ToolCallMaker:
    """Builds one call's `ToolCall` on demand (`current_tool_call()`, the delegate): one small
    object per outstanding call."""

    __slots__ = ("_arguments", "_call_id", "_cell_id", "_definition", "_session_id")

    def __init__(
        self,
        session_id: str,
        cell_id: str,
        call_id: str,
        arguments: JsonValue,
        definition: ToolDefinition,
    ) -> None:
        self._session_id = session_id
        self._cell_id = cell_id
        self._call_id = call_id
        self._arguments = arguments
        self._definition = definition

    def __call__(self) -> ToolCall:
        definition = self._definition
        return trusted(  # every field is typed already: skip re-validation
            ToolCall,
            cell_id=self._cell_id,
            call_id=self._call_id,
            tool_name=definition.name,
            namespace=definition.namespace,
            kind=definition.kind,
            input=self._arguments,
            session_id=self._session_id,
        )


class _Host:
    """The narrow interface one cell sees of its session (with the cell's `tool_call_id`)."""

    __slots__ = ("_session", "_tool_call_id")

    def __init__(self, session: Session, tool_call_id: str) -> None:
        self._session = session
        self._tool_call_id = tool_call_id

    def invoke_tool(self, cell_id: str, call: ToolCallRequested) -> Awaitable[AnyEngineCommand]:
        return self._session._dispatch(cell_id, call)

    async def notify(self, cell_id: str, text: str) -> None:
        await self._session._notify(self._tool_call_id, cell_id, text)

    def commit(
        self,
        writes: dict[str, JsonValue],
        *,
        fresh: bool = False,
        json_writes: Mapping[str, str] = EMPTY_TEXTS,
    ) -> None:
        self._session._commit(writes, fresh=fresh, json_writes=json_writes)

    def closed(self, cell_id: str) -> None:
        self._session._closed(cell_id)

    def detached(self, cell_id: str) -> None:
        self._session._detached(cell_id)


class _Handle:
    __slots__ = ("_executor", "_session")

    kind: CellKind

    def __init__(self, session: Session, executor: CellExecutor) -> None:
        self._session = session
        self._executor = executor

    @property
    def id(self) -> str:
        """The cell id ("1", "2", … per session)."""
        return self._executor.cell_id

    @property
    def state(self) -> str:
        """The current state of the cell's lifecycle machine."""
        return self._executor.state

    @property
    def trace(self) -> Trace:
        """Every transition the cell's machine took (see `codecells.testing.check_trace`)."""
        return self._executor.trace

    def _live(self) -> CellExecutor:
        return self._session._live(self.id, self.kind)

    async def terminate(self) -> Completed | Terminated:
        """Stop the cell; returns `Terminated`, or the buffered `Completed` if it already won.

        Cancelling the caller does not stop the termination.
        """
        return await self._live().terminate()

    def waits_for_answer(self, call_id: str) -> bool:
        """Whether `call_id` is a call of a tool `answered_externally` that waits for
        `answer()`."""
        return (self.id, call_id) in self._session._awaiting_answer

    async def answer(
        self, call_id: str, result: JsonValue = None, *, error: str | None = None
    ) -> None:
        """Answer an outstanding call of a tool `answered_externally`: resolve its promise
        with `result`, or reject it with the message `error`. Like any tool result, a continuing
        cell runs on with it and a pausable cell applies it at its next resume (durable: it is
        recorded in the store). `UnknownToolCall` if no such call waits; ValueError (nothing
        recorded, the call still waits) if `result` is not JSON, `error` not a str, or both are
        given; `StoreError` (the call still waits) if a durable cell's store cannot record it."""
        if result is not None and error is not None:
            raise ValueError(f"answer to call {call_id!r}: give a result or an error, not both")
        command: ResolveTool | RejectTool | str
        try:
            command = (
                _resolve(call_id, result)
                if error is None
                else RejectTool(call_id=call_id, message=error)
            )
        except ValidationError as exc:  # a call id or message that is not a str
            problem = exc.errors(include_url=False)[0]
            where = ".".join(str(part) for part in problem["loc"])
            raise ValueError(f"answer to call {call_id!r}: {where}: {problem['msg']}") from None
        if isinstance(command, str):  # not JSON (NaN and infinities too)
            raise ValueError(f"answer to call {call_id!r}: value: {command}")
        self._session._answer(self._live(), command)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id} {self.state}>"


class Cell(_Handle):
    """A continuing cell: runs on whenever tool results or timers unblock it."""

    kind = CellKind.CONTINUING

    async def wait(self, yield_after: float | None = None) -> Yielded | Completed | Terminated:
        """The output so far after `yield_after` seconds (default: the session's), or earlier on
        ``yield_control()``, or the terminal event. Cancelling the wait loses no output.

        `yield_after` must be finite and >= 0 (0: return at once): ValueError otherwise."""
        if yield_after is None:
            yield_after = self._session.config.default_yield_after
        event = await self._live().observe(check_yield_after(yield_after))
        assert not isinstance(event, Pending)
        return event


class PausableCell(_Handle):
    """A pausable cell: holds at every pending frontier until resumed."""

    kind = CellKind.PAUSABLE

    async def wait_to_pending(self) -> Pending | Completed | Terminated:
        """The held frontier (repeatable until resumed), or the terminal event. No timeout;
        cancelling the wait loses nothing (the frontier stays held for the next call)."""
        event = await self._live().observe(None)
        assert not isinstance(event, Yielded)
        return event

    async def resume(self, generation: int) -> ResumeOutcome:
        """Continue from frontier `generation`: `RESUMED`, or `ALREADY_RUNNING` if it was resumed
        before (here or, durable, in another process); `InvalidGeneration` for a frontier not
        reached yet and for `generation < 1`. A frontier nobody observed loses nothing: its items
        come with the next event. A suspended cell's engine is first restored by replaying its
        journal (`ReplayDiverged` if that fails; the cell stays suspended, the store unchanged)."""
        generation = _generation(generation)
        await self._live().prepare_resume(generation)
        return self._live().resume(generation)

    async def suspend(self) -> None:
        """Release the engine of a cell held at a frontier; the store keeps the cell, and this
        or any process that opens the session resumes it. `CannotSuspend` when the cell is
        not at a frontier or the session has no store."""
        self._live().suspend()
