"""`GatedEngine`: the real QuickJS engine, one step at a time, when the host suite says so.

The cell's script is the interpreter in `SCRIPT`: after each step it awaits a hidden *control*
tool call, whose value is the list of operations of its next step (output, tool calls,
notifications, yields, timers, stored writes, the end). The gate holds every engine step until
the suite releases it with those operations, answers the control call itself (the executor
never sees it), and returns what the real engine did. Commands the executor posts while a step
is held wait for the next step, as on a busy engine.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Literal

from ..engine.protocol import (
    AnyEngineCommand,
    AnyEngineEvent,
    CellEnd,
    Engine,
    Interrupted,
    Lost,
    Quiescent,
    ResolveTool,
    ToolCallRequested,
)
from ._queue import CommandQueue

__all__ = ["CONTROL_TOOL", "PROBE_TOOL", "SCRIPT", "GatedEngine", "Op", "StepEnd"]

PROBE_TOOL = "codecells_probe"
"""The tool the scripts call; the suite answers it when a path takes ``tool_result``."""
CONTROL_TOOL = "codecells_control"
"""The hidden tool through which the gate hands the script its next step's operations."""

Op = list[str]
StepEnd = Literal["quiescent", "finished_ok", "finished_error", "runtime_lost"]

SCRIPT = f"""
let ops = await tools.{CONTROL_TOOL}();
let timer, wrong;
const check = (v) => {{ if (v !== "ok") wrong = "the probe answered " + JSON.stringify(v); }};
const rejected = (e) => {{ wrong = "the probe was rejected: " + e; }};
for (;;) {{
  if (wrong) throw new Error(wrong);  // a tool result must reach the script as sent
  let done = false;
  for (const op of ops) {{
    switch (op[0]) {{
      case "t": text(op[1]); break;
      case "y": yield_control(); break;
      case "c": tools.{PROBE_TOOL}().then(check, rejected); break;
      case "n": notify(op[1]); break;
      case "ts": timer = setTimeout(() => {{}}, 0); break;
      case "tc": clearTimeout(timer); break;
      case "s": store(op[1], JSON.parse(op[2])); break;
      case "ok": done = true; break;
      case "err": throw new Error(op[1]);
    }}
  }}
  if (done) break;
  ops = await tools.{CONTROL_TOOL}();
}}
"""
"""The interpreter every host-suite cell runs."""


class GatedEngine(CommandQueue):
    """An `Engine` around a real one whose steps wait for `release(ops, end)`."""

    def __init__(self, real: Engine, control_index: int) -> None:
        super().__init__()
        self._real = real
        self._control_index = control_index
        self._release: tuple[Sequence[Op], StepEnd] | None = None
        self._control: str | None = None
        self._defer_interrupt = False
        self._busy = False
        self._stopped = False
        self.arrived = 0
        """Steps that reached the gate so far."""

    # --- the Engine protocol (post and has_queued_input: CommandQueue) ----------------------
    def step(self) -> list[AnyEngineEvent]:
        """Wait at the gate, then run the real step with the released operations."""
        with self._cond:
            consumed = self._take_queued()
            self.arrived += 1
            self._busy = True
            self._cond.notify_all()
            self._cond.wait_for(lambda: self._release is not None or self._stopped)
            release, self._release = self._release, None
        try:
            if release is None:
                return [Interrupted()]
            return self._run(consumed, *release)
        finally:
            with self._cond:
                self._busy = False
                if self._defer_interrupt:
                    self._stopped = True
                    self._cond.notify_all()

    def interrupt(self) -> None:
        """Stop: a step at the gate still plays out first (its events arrive late)."""
        with self._cond:
            busy = self._busy
            if busy:
                self._defer_interrupt = True
            else:
                self._stopped = True
                self._cond.notify_all()
        if not busy:
            self._real.interrupt()

    def close(self) -> None:
        """Release the real engine; a held step returns `Interrupted`."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        self._real.close()

    # --- the suite's side ------------------------------------------------------------------
    def wait_arrived(self, count: int, timeout: float) -> bool:
        """Block until `count` steps reached the gate (False on timeout)."""
        with self._cond:
            return self._cond.wait_for(lambda: self.arrived >= count, timeout)

    def release(self, ops: Sequence[Op], end: StepEnd) -> None:
        """Let the held step run `ops` and end with `end`."""
        with self._cond:
            self._release = (list(ops), end)
            self._cond.notify_all()

    # --- running the real engine -----------------------------------------------------------
    def _run(
        self, consumed: list[AnyEngineCommand], ops: Sequence[Op], end: StepEnd
    ) -> list[AnyEngineEvent]:
        events: list[AnyEngineEvent] = []
        if self._control is None:  # the first step: start the script up to its first control
            first = self._visible(self._real.step())
            events += [e for e in first if not isinstance(e, Quiescent)]
            if self._control is None:
                return [*events, Lost(message="host suite: the script did not start")]
        for command in consumed:
            self._real.post(command)
        plan = [*ops]
        if end != "quiescent":
            ending = (
                ["err", "host suite: finished with error"] if end == "finished_error" else ["ok"]
            )
            plan += [["s", "ended", json.dumps(end)], ending]
        self._real.post(ResolveTool(call_id=self._control, value=plan))
        events += self._visible(self._real.step())
        if end == "runtime_lost":  # the script finished: report it lost, with its writes
            writes = {name: getattr(events[-1], name) for name in CellEnd.model_fields}
            events[-1] = Lost(message="host suite: runtime lost", **writes)
        return events

    def _visible(self, events: list[AnyEngineEvent]) -> list[AnyEngineEvent]:
        """The events without the control calls (remembering the latest)."""
        out: list[AnyEngineEvent] = []
        for event in events:
            if isinstance(event, ToolCallRequested) and event.tool_index == self._control_index:
                self._control = event.call_id
            elif isinstance(event, Quiescent):
                ids = [i for i in event.pending_tool_call_ids if i != self._control]
                out.append(Quiescent(pending_tool_call_ids=ids))
            else:
                out.append(event)
        return out
