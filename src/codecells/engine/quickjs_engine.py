"""`QuickJSEngine`: one cell's JavaScript in its own quickjs-ng context (see docs/engine.md)."""

from __future__ import annotations

import gc
import json
import math
import os
import re
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any, Literal, TypeAlias, TypeVar

import quickjs

from ..events import ITEM_OVERHEAD, ImageItem, Item, TextItem, item_size
from ..json_types import MAX_JSON_DEPTH, JsonText, JsonValue, StoredValue, json_problem
from .failures import (
    DEFAULT_STACK_BYTES,
    MAX_STACK_BYTES,
    cpu_limit_text,
    engine_error_text,
    is_interrupt,
    memory_limit_text,
    not_json_text,
    output_limit_text,
    script_error_text,
    stack_limit_text,
    tool_input_limit_text,
)
from .interrupt import ContextLayout, memory_interrupts
from .precompiled import Prelude, install_prelude
from .protocol import (
    AnyEngineCommand,
    AnyEngineEvent,
    CellEnd,
    EngineLimits,
    EngineTool,
    Finished,
    FireTimer,
    InlineTools,
    Interrupted,
    Lost,
    Notify,
    Output,
    Quiescent,
    RejectTool,
    ResolveTool,
    Started,
    StepEnd,
    TimerCleared,
    TimerSet,
    ToolAnswered,
    ToolCallRequested,
    YieldRequested,
)
from .release import release_context
from .watchdog import RESEND_SECONDS, watchdog
from .wire import messages, to_json, trusted

__all__ = [
    "MAX_PENDING_TIMERS",
    "MAX_PENDING_TOOL_CALLS",
    "QuickJSEngine",
    "timer_limit_text",
    "tool_call_limit_text",
]

_SOURCES = resources.files(__package__)
PRELUDE = Prelude(
    source=_SOURCES.joinpath("prelude.js").read_text(encoding="utf-8"),
    # compiled in JavaScript on first use; order fixed by prelude.js
    lazy_sources=tuple(
        _SOURCES.joinpath(name).read_text(encoding="utf-8")
        for name in ("helpers.js", "image.js", "console.js", "durable.js")
    ),
)
_CPU_COUNT = os.cpu_count() or 1
_THREAD_CLOCKS = hasattr(time, "pthread_getcpuclockid")

MAX_PENDING_TIMERS = 10_000
"""`setTimeout` timers a cell may have pending at once; one more ends it with
`timer_limit_text()` (each pending timer costs the host memory and event-loop work)."""
MAX_PENDING_TOOL_CALLS = 10_000
"""Tool calls a cell may have outstanding (called, not yet answered) at once; one more ends it
with `tool_call_limit_text()` (each outstanding call is a task and its objects on the host, and
every full garbage collection traverses them all: docs/benchmarks.md, "Event storms")."""
INLINE_STEP_SECONDS = 0.05
"""Inline tools run within a step for 50 ms from its first inline call, and until the script
calls `yield_control()`; later calls are reported for the host to run, so the step ends and
its output and yields reach observers while a script keeps calling tools."""
_RELEASE_AFTER_CPU = 0.005
"""Seconds of JavaScript CPU after which a context's heap may be large enough to be worth freeing
without the GIL (`release_context` costs a fresh empty runtime, ~0.1 ms; a script builds no
heap that takes long to free in less time than this)."""
_NO_LIMIT_BACKSTOP = 1e6  # seconds; keeps the binding's interrupt handler installed
_NEAR_MEMORY_LIMIT = 0.9
_End = TypeVar("_End", bound=CellEnd)
# Characters the binding cannot pass in source text (a C string of UTF-8), with the
# backslashes before them: NUL and lone surrogates.
_UNPASSABLE = re.compile(r"(\\*)([\x00\ud800-\udfff])")
_StopReason: TypeAlias = Literal["interrupt", "cpu"]
_stepping = threading.local()  # `.engine`: the engine whose step this thread runs, if any


def _on_collection(phase: str, info: dict[str, int]) -> None:
    """`gc.callbacks` hook: a garbage collection on a thread running a step is not the cell's.

    A collection holds the GIL and traverses every live object of the process, so its time is
    the host's, not the script's: a full one of a large host takes tens of ms, and charging it
    to whichever cell's step happened to allocate would fail cells with the CPU limit at
    random."""
    engine: QuickJSEngine | None = getattr(_stepping, "engine", None)
    if engine is not None:
        engine._collection(phase)


gc.callbacks.append(_on_collection)


def timer_limit_text() -> str:
    """`Finished.error_text` of a cell that set more than `MAX_PENDING_TIMERS` pending timers."""
    return (
        f"timer_limit exceeded: the cell had more than {MAX_PENDING_TIMERS:,} pending "
        "setTimeout timers"
    )


def tool_call_limit_text() -> str:
    """`Finished.error_text` of a cell with more than `MAX_PENDING_TOOL_CALLS` outstanding
    tool calls."""
    return (
        f"tool_call_limit exceeded: the cell had more than {MAX_PENDING_TOOL_CALLS:,} "
        "outstanding tool calls (await some before making more)"
    )


class _CellOver(Exception):
    """Raised inside a step to end it with `event`."""

    def __init__(self, event: StepEnd) -> None:
        super().__init__(event.type)
        self.event = event


class QuickJSEngine:
    """One cell's JavaScript: implements `codecells.engine.protocol.Engine`.

    Construction is cheap; the first `step()` creates the context, installs the prelude and
    starts the script. Run steps through `codecells.engine.run_step` (a worker thread with a
    large enough C stack)."""

    def __init__(
        self,
        source: str,
        *,
        tools: Sequence[EngineTool],
        stored_values: Mapping[str, StoredValue],
        limits: EngineLimits,
        inline: InlineTools | None = None,
        seed: int | None = None,
    ) -> None:
        self._source = source
        self._inline = inline
        self._seed = seed  # set: a durable cell (seeded Math.random, virtual clock, UTC)
        self._clock_ms = 0
        self._tools = tuple(tools)
        self._stored_values = dict(stored_values)
        self._limits = limits
        self._inbox: deque[AnyEngineCommand] = deque()
        self._ctx_lock = threading.Lock()
        self._ctx: quickjs.Context | None = None
        self._control: quickjs.Object | None = None
        self._layout: ContextLayout | None = None
        self._stop: _StopReason | None = None
        self._interrupted = False
        self._closed = False
        self._stepping = False
        self._over = False
        self._cpu_used = 0.0
        self._cpu_deadline = math.inf
        self._entry_limit = -1.0  # fallback: the binding's limit for the current entry, if any
        self._entry_began = 0.0
        self._pending_calls: dict[str, int] = {}  # call id: tool index
        self._pending_timers: set[int] = set()
        self._writes: dict[str, JsonValue] = {}  # a durable cell's (its journal records them)
        self._json_writes: dict[str, str] = {}  # any other cell's: kept as text (`JsonText`)
        self._events: list[AnyEngineEvent] = []
        self._step_output = 0  # bytes of output items this step (EngineLimits.output)
        self._clock_id = 0
        self._in_tool = False  # an inline tool runs: its CPU time is not the script's
        self._in_collection: tuple[float, float] | None = None  # a GC's start (thread, process)
        self._inline_until = math.inf  # end of this step's inline window (inf: not begun)
        self._key = os.urandom(16).hex()  # the control function's argument only Python knows
        self.step_cpu_time: float | None = None
        """CPU seconds the script's own work took in the last step: its JavaScript and the
        step's machinery, not inline tools or garbage collections (the budget's count). None
        for the first step, whose cost is mostly creating the context whatever the script
        does (the worker pool weighs steps by it: `codecells.engine.pool`)."""

    # --- thread-safe controls --------------------------------------------------------------

    def post(self, command: AnyEngineCommand) -> None:
        """Queue a command; the next step applies queued commands in order before running."""
        self._inbox.append(command)

    @property
    def has_queued_input(self) -> bool:
        """True when posted commands wait for the next step."""
        return bool(self._inbox)

    def set_clock(self, now_ms: int) -> None:
        """Durable cells: the virtual time (ms since the epoch) the next step's script sees."""
        self._clock_ms = now_ms

    def interrupt(self) -> None:
        """Stop a running step promptly (CPU-bound code too); later steps return `Interrupted`."""
        self._interrupted = True
        self._request_stop("interrupt")

    def close(self) -> None:
        """Release the JavaScript context (after the running step, if any). Idempotent."""
        with self._ctx_lock:
            self._closed = True
            stepping = self._stepping
        if stepping:
            self.interrupt()
        else:
            self._discard()

    # --- stepping --------------------------------------------------------------------------

    def step(self) -> list[AnyEngineEvent]:
        """Run until quiescent or over; blocking. The first step starts the script."""
        if self._interrupted:
            self._discard()
            return [self._ending(Interrupted)]
        with self._ctx_lock:
            if self._closed or self._over or self._stepping:
                return [Lost(message="the cell's engine is closed or already over")]
            self._stepping = True
        events: list[AnyEngineEvent] = []
        self._events = events
        self._inline_until = math.inf
        self._step_output = 0
        started, used_before, first = time.thread_time(), self._cpu_used, self._ctx is None
        budget = self._limits.cpu_time
        self._cpu_deadline = math.inf if budget is None else started + budget - self._cpu_used
        self._entry_limit = -1.0
        if _THREAD_CLOCKS:
            self._clock_id = time.pthread_getcpuclockid(threading.get_ident())
            watchdog.running(self, self._cpu_deadline - started)
        _stepping.engine = self
        try:
            end = self._advance()
        except _CellOver as over:
            end = over.event
        except Exception as exc:  # noqa: BLE001 - our machinery broke: report, never raise
            end = self._ending(Lost, message=f"engine failure: {type(exc).__name__}: {exc}")
        finally:
            _stepping.engine = None
            watchdog.idle(self)
            self._cpu_used += time.thread_time() - started
            self.step_cpu_time = None if first else self._cpu_used - used_before
        if self._interrupted:
            end = self._ending(Interrupted)
        events.append(end)
        with self._ctx_lock:
            self._stepping = False
            if not isinstance(end, Quiescent):
                self._over = True
        if self._over or self._closed:
            self._discard()
        self._events = []  # the caller's now: its feeder releases each event once handled
        return events

    def tick(self) -> float:
        """Watchdog check of the running step: CPU budget, then re-deliver a pending stop.
        Returns the seconds until the next check is needed."""
        if self._stop is None:
            if self._in_tool or self._in_collection:  # not the script's time; a check follows
                return math.inf
            try:
                left = self._cpu_deadline - time.clock_gettime(self._clock_id)
            except OSError:  # the step's thread is gone
                return math.inf
            if left > 0:
                return left  # a thread's CPU clock runs no faster than the wall clock
            self._stop = "cpu"
        self._deliver_stop()
        return RESEND_SECONDS

    def _advance(self) -> StepEnd:
        if self._ctx is None:
            out = self._start()
        else:
            if self._seed is not None:
                self._command("clock", float(self._clock_ms))  # a float: ints pass as 32 bits
            out = self._apply_next() if self._inbox else self._drain()
        while True:
            end = self._absorb(out)
            if end is not None:
                return end
            ran = self._run_jobs()
            if not self._inbox:
                if not ran:  # nothing ran since `out` was drained
                    return trusted(Quiescent, pending_tool_call_ids=list(self._pending_calls))
                end = self._absorb(self._drain())  # draining runs no JavaScript jobs
                if end is not None:
                    return end
                if not self._inbox:
                    return trusted(Quiescent, pending_tool_call_ids=list(self._pending_calls))
            out = self._apply_next()

    def _start(self) -> str:
        self._check_stop()
        self._layout = memory_interrupts()
        ctx = quickjs.Context()
        stack = DEFAULT_STACK_BYTES if self._limits.stack is None else self._limits.stack
        ctx.set_max_stack_size(min(stack, MAX_STACK_BYTES))
        with self._ctx_lock:
            self._ctx = ctx
        self._arm_time_limit()
        install = install_prelude(ctx, PRELUDE)
        config = {
            "key": self._key,
            "tools": [[tool.js_name, tool.description, tool.js_namespace] for tool in self._tools],
            "stored": {
                key: value.text if isinstance(value, JsonText) else json.dumps(value)
                for key, value in self._stored_values.items()
            },
            "console": self._limits.console,
            "outputLimit": self._limits.output,
            "itemOverhead": ITEM_OVERHEAD,
            "maxToolCalls": MAX_PENDING_TOOL_CALLS,  # the prelude enforces the caps (S.overCap)
            "maxTimers": MAX_PENDING_TIMERS,
            "maxDepth": MAX_JSON_DEPTH,
            "maxInputChars": self._limits.memory,  # outstanding calls' inputs, held by the host
            # without a sticky stop (docs/engine.md, security model)
            "bindStatics": self._layout is None or not _THREAD_CLOCKS,
        }
        if self._seed is not None:
            config["durable"] = [self._seed, self._clock_ms]
        self._control = install(json.dumps(config))
        self._events.append(trusted(Started))
        if self._limits.memory is not None:
            ctx.set_memory_limit(self._limits.memory)
        promise = self._enter(ctx.module, _passable(self._source))
        return self._command("watch", promise)

    def _apply_next(self) -> str:
        command = self._inbox.popleft()
        if isinstance(command, FireTimer):
            self._pending_timers.discard(command.timer_id)
            return self._command("fire", command.timer_id)
        tool = self._pending_calls.pop(command.call_id, None)
        if isinstance(command, ResolveTool):
            try:
                value = to_json(command.value)
            except (TypeError, ValueError, RecursionError) as exc:  # e.g. a too long integer
                reason = json_problem(command.value) or str(exc)
                message = not_json_text(self._tool_path(tool), reason)
                return self._command("reject", command.call_id, json.dumps(message))
            return self._command("resolve", command.call_id, value)
        assert isinstance(command, RejectTool)
        return self._command("reject", command.call_id, json.dumps(command.message))

    def _tool_path(self, index: int | None) -> str:
        """How the script names tool `index` (`tools.<path>`)."""
        if index is None:
            return "(unknown)"
        tool = self._tools[index]
        return tool.js_name if tool.js_namespace is None else f"{tool.js_namespace}.{tool.js_name}"

    def _drain(self) -> str:
        """Fetch the prelude's messages. Draining runs no cell code, only joins strings, so if
        it runs out of memory it is retried with the memory limit lifted: output and an end
        are reported even at the limit."""
        ctx, control = self._ctx, self._control
        assert ctx is not None and control is not None
        if self._stop is not None or not _THREAD_CLOCKS:
            self._check_stop()
        if self._layout is None:
            self._arm_time_limit()
        try:
            return str(control(self._key, "drain"))
        except quickjs.JSException as exc:
            if self._limits.memory is None or self._stop is not None or is_interrupt(str(exc)):
                raise self._fatal(str(exc)) from None
        ctx.set_memory_limit(-1)
        try:
            return self._command("drain")
        finally:
            ctx.set_memory_limit(self._limits.memory)

    def _run_jobs(self) -> bool:
        """Run queued jobs until none is left; True if any ran."""
        ctx = self._ctx
        assert ctx is not None
        ran = False
        while True:  # the hot loop of microtasks: `_enter` inlined
            if self._stop is not None or not _THREAD_CLOCKS:
                self._check_stop()
            if self._layout is None:
                self._arm_time_limit()
            try:
                if not ctx.execute_pending_job():
                    return ran
            except quickjs.JSException as exc:
                raise self._fatal(str(exc)) from None
            ran = True

    # --- entries into JavaScript -----------------------------------------------------------

    def _command(self, *args: Any) -> str:
        """Call the prelude's control function; returns the messages emitted so far."""
        assert self._control is not None
        return str(self._enter(self._control, self._key, *args))

    def _enter(self, function: Any, *args: Any) -> Any:
        """Call into JavaScript under the limits; engine errors end the cell."""
        if self._stop is not None or not _THREAD_CLOCKS:
            self._check_stop()
        if self._layout is None:
            self._arm_time_limit()
        try:
            return function(*args)
        except quickjs.JSException as exc:
            raise self._fatal(str(exc)) from None

    def _arm_time_limit(self) -> None:
        """Set the binding's per-entry limit: the budget left (fallback), else a backstop."""
        ctx = self._ctx
        assert ctx is not None
        remaining = self._cpu_deadline - time.thread_time()
        if self._layout is None:
            self._check_entry_limit()
            # a budget of centuries is no limit the binding can count (its clock would overflow)
            limit = min(max(remaining, 0.0), _NO_LIMIT_BACKSTOP) if remaining != math.inf else -1.0
            ctx.set_time_limit(limit)
            self._entry_limit = limit
            self._entry_began = time.process_time()
        elif remaining == math.inf or _THREAD_CLOCKS:
            # The watchdog enforces the budget; every interrupt is then one Python requested
            # (`_stop` set), so no entry runs after it (see docs/engine.md, security model).
            ctx.set_time_limit(_NO_LIMIT_BACKSTOP)
        else:
            # The binding measures process CPU (all threads): only a backstop for the watchdog.
            ctx.set_time_limit(min(max(remaining, 0.0) * 2 * _CPU_COUNT + 1.0, _NO_LIMIT_BACKSTOP))

    def _check_entry_limit(self) -> None:
        """Fallback only: end the cell if the previous entry ran into the binding's time limit.

        The binding's interrupt is measured on the process CPU clock; cell code can swallow
        it (into a rejected promise, or after `exit()`), so the entry may return normally. The
        same clock read here tells whether the limit was reached."""
        if 0 <= self._entry_limit <= time.process_time() - self._entry_began:
            self._stop = self._stop or "cpu"
            raise self._stopped()

    def _check_stop(self) -> None:
        """Between entries: end the step if a stop is pending (the watchdog sets it when the
        budget runs out; without thread CPU clocks, check the budget here)."""
        if self._stop is None and not _THREAD_CLOCKS and time.thread_time() >= self._cpu_deadline:
            self._stop = "cpu"
        if self._stop is not None:
            raise self._stopped()

    def _fatal(self, message: str) -> _CellOver:
        """The end of a cell whose entry raised: stopped, out of a limit, or a script error."""
        if self._stop is not None or is_interrupt(message):
            return self._stopped()
        self._salvage_output()
        return self._finished(self._error_text(message))

    def _stopped(self) -> _CellOver:
        self._salvage_output()
        if self._interrupted or self._stop == "interrupt":
            return _CellOver(self._ending(Interrupted))
        return self._finished(cpu_limit_text(self._limits))

    def _salvage_output(self) -> None:
        """After a fatal entry, fetch output emitted before it (best effort, tightly limited).

        The context is discarded afterwards; draining only joins strings the prelude holds."""
        ctx, control = self._ctx, self._control
        if ctx is None or control is None:
            return
        watchdog.idle(self)  # or it would keep interrupting this drain
        try:
            ctx.set_time_limit(0.05)
            ctx.set_memory_limit(-1)
            out = control(self._key, "drain")
        except quickjs.JSException:
            return
        self._absorb(out, final=True)

    def _error_text(self, raw: str) -> str:
        """`engine_error_text` of an error that escaped an entry (`null` included)."""
        if raw.rstrip("\n") == "null" and self._near_memory_limit():
            return memory_limit_text(self._limits)
        return engine_error_text(raw, self._limits, self._source)

    def _script_error_text(self, text: str, limit: str | None) -> str:
        """The script's failure: `limit` is the prelude's verdict from the error object itself
        ("memory", "stack", or "null" for a thrown `null`), or the cap it ended the cell at
        ("calls", "timers", "inputs"), never derived from the text."""
        if limit == "calls":
            return tool_call_limit_text()
        if limit == "timers":
            return timer_limit_text()
        if limit == "inputs":
            return tool_input_limit_text(self._limits)
        if limit == "memory" or (limit == "null" and self._near_memory_limit()):
            return memory_limit_text(self._limits)
        if limit == "stack":
            return stack_limit_text(self._limits)
        return script_error_text(text, self._source)

    def _near_memory_limit(self) -> bool:
        """QuickJS throws `null` when it cannot even allocate the out-of-memory error: `null`
        thrown near the memory limit is that limit."""
        limit, ctx = self._limits.memory, self._ctx
        return (
            limit is not None
            and ctx is not None
            and ctx.memory()["malloc_size"] >= limit * _NEAR_MEMORY_LIMIT
        )

    def _finished(self, error_text: str | None) -> _CellOver:
        return _CellOver(self._finished_message(error_text))

    def _finished_message(self, error_text: str | None) -> Finished:
        return self._ending(Finished, error_text=error_text)

    def _ending(self, end: type[_End], **fields: Any) -> _End:
        """The cell's end, with the stored-value writes the script made so far."""
        return trusted(
            end,
            stored_value_writes=dict(self._writes),
            fresh_writes=True,
            stored_json_writes=dict(self._json_writes),
            **fields,
        )

    # --- messages from JavaScript ----------------------------------------------------------

    def _absorb(self, out: str, *, final: bool = False) -> StepEnd | None:
        """Turn drained messages into step events; returns `Finished` if the script ended.

        With `final`, the context is being abandoned: an end message in the output is moot."""
        if not out:
            return None
        events = self._events
        for message in messages(out):
            tag = message[0]
            if tag == "t" or tag == "i":
                item: Item = (
                    trusted(TextItem, text=message[1])
                    if tag == "t"
                    else ImageItem(image_url=message[1], detail=message[2])
                )
                if self._over_output_limit(item):
                    if final:
                        return None
                    raise self._finished(output_limit_text(self._limits.output or 0))
                events.append(trusted(Output, item=item))
            elif tag == "c":
                self._pending_calls[message[1]] = message[2]
                # a backstop: the prelude ends the cell before it sends one call over the cap
                if len(self._pending_calls) > MAX_PENDING_TOOL_CALLS and not final:
                    raise self._finished(tool_call_limit_text())
                inline = (
                    self._inline is not None
                    and message[2] in self._inline.indexes
                    and not final
                    and self._inline_window_open()
                )
                call = trusted(
                    ToolCallRequested,
                    call_id=message[1],
                    tool_index=message[2],
                    input=message[3],
                    inline=inline,
                )
                events.append(call)
                if inline and self._stop is None:  # else the step is ending
                    self._run_inline(call)
            elif tag == "n":
                events.append(Notify(text=message[1]))
            elif tag == "y":
                self._inline_until = 0.0  # let the step end at its next tool call
                events.append(YieldRequested())
            elif tag == "ts":
                self._pending_timers.add(message[1])
                # a backstop, as for tool calls
                if len(self._pending_timers) > MAX_PENDING_TIMERS and not final:
                    raise self._finished(timer_limit_text())
                events.append(trusted(TimerSet, timer_id=message[1], delay=message[2] / 1000))
            elif tag == "tc":
                self._pending_timers.discard(message[1])
                events.append(trusted(TimerCleared, timer_id=message[1]))
            elif tag == "o" and not final:
                raise self._finished(output_limit_text(self._limits.output or 0))
            elif tag == "s":  # the value's JSON text, parsed only for a durable cell's journal
                if self._seed is None:
                    self._json_writes[message[1]] = message[2]
                else:
                    self._writes[message[1]] = json.loads(message[2])
            elif tag == "d" and not final:
                if self._stop is not None or self._layout is None:  # a swallowed interrupt
                    self._check_stop()
                    self._check_entry_limit()
                error = message[1]
                text = None if error is None else self._script_error_text(error, message[2])
                return self._finished_message(text)
        return None

    def _inline_window_open(self) -> bool:
        now = time.monotonic()
        if self._inline_until == math.inf:
            self._inline_until = now + INLINE_STEP_SECONDS
        return now < self._inline_until

    def _run_inline(self, call: ToolCallRequested) -> None:
        """Run an inline tool between two entries into JavaScript. Its CPU time does not count
        against the script's budget; a stop requested meanwhile ends the step right after it."""
        inline = self._inline
        assert inline is not None
        self._in_tool = True
        began = time.thread_time(), time.process_time()
        try:
            result = inline.run(call)
        finally:
            self._in_tool = False
            self._not_the_scripts_time(began)
        self._events.append(trusted(ToolAnswered, result=result, applied=inline.apply_in_step))
        if inline.apply_in_step:
            self._inbox.append(result)

    def _collection(self, phase: str) -> None:
        """A garbage collection starts or stops on this step's thread: exclude its time."""
        if self._in_tool:  # inside an inline tool, whose whole time is excluded already
            return
        if phase == "start":
            self._in_collection = (time.thread_time(), time.process_time())
        elif self._in_collection is not None:
            began, self._in_collection = self._in_collection, None
            self._not_the_scripts_time(began)

    def _not_the_scripts_time(self, began: tuple[float, float]) -> None:
        """Give back the CPU time since `began` (thread, process clock) to the script's budget:
        host work on the step's thread (an inline tool, a garbage collection)."""
        now = time.thread_time()
        self._cpu_deadline += now - began[0]
        self._cpu_used -= now - began[0]
        self._entry_began += time.process_time() - began[1]
        if _THREAD_CLOCKS:
            watchdog.check_within(self._cpu_deadline - now)

    def _over_output_limit(self, item: Item) -> bool:
        """Count `item` against the step's output limit; True once the step is over it."""
        limit = self._limits.output
        if limit is None:
            return False
        self._step_output += item_size(item)
        return self._step_output > limit

    # --- teardown --------------------------------------------------------------------------

    def _request_stop(self, reason: _StopReason) -> None:
        if self._stop is None:
            self._stop = reason
        self._deliver_stop()
        watchdog.check_within(RESEND_SECONDS)  # an entry starting now would re-arm the limit

    def _deliver_stop(self) -> None:
        """Write the interrupt into the running entry, if a stop is pending and supported."""
        with self._ctx_lock:
            if self._stop is not None and self._layout is not None and self._ctx is not None:
                self._layout.stop(self._ctx)

    def _discard(self) -> None:
        with self._ctx_lock:
            ctx, self._ctx, self._control = self._ctx, None, None
        if ctx is not None and self._cpu_used >= _RELEASE_AFTER_CPU:
            release_context(ctx)  # a large heap is freed without holding the GIL


def _passable(source: str) -> str:
    """`source` with NUL and lone surrogates written as `\\uXXXX` escapes, which the binding can
    pass. Inside string, template and regex literals an escape means the same character (a
    backslash escaping the character itself is folded into the escape); in comments it is
    inert; anywhere else the character was a syntax error and stays one."""
    if source.isascii() and "\x00" not in source:
        return source
    return _UNPASSABLE.sub(_escape, source)


def _escape(match: re.Match[str]) -> str:
    backslashes = match.group(1)
    return backslashes[: len(backslashes) // 2 * 2] + f"\\u{ord(match.group(2)):04x}"
