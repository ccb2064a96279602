"""Engine benchmarks beside a bare quickjs-ng baseline measured in the same run.

    python benchmarks/engine.py

Bare = the minimal direct quickjs-ng code doing the same job on one thread: a context, a tiny
prelude, the module, a drain of the job queue. For the tool round trip, bare JavaScript calls
`call(input)`, which records the call and returns a promise; Python reads the recorded call
(its input, as JSON) and resolves the promise through a function object. A second row keeps the
earlier, narrower baseline in which Python resolves the promise without ever reading the call:
that is a promise resolution, not a tool round trip. Targets: trivial cell <= 2x bare, tool
round trip <= 3x bare, <= 250 KB RSS per pending cell.
"""

from __future__ import annotations

import gc
import json
import sys
import time

import quickjs
from measure import best_of_each, in_fresh_process, print_table, rss_bytes

from codecells.engine import QuickJSEngine
from codecells.engine.protocol import (
    EngineLimits,
    EngineTool,
    Finished,
    Quiescent,
    ResolveTool,
    ToolCallRequested,
)

LIMITS = EngineLimits(cpu_time=10.0, memory=64 * 1024 * 1024)
TOOLS = [EngineTool(js_name="t", description="a tool")]
BARE_PRELUDE = """
  const out = [];
  const calls = [];
  const waiting = [];
  let state = 0;
  globalThis.text = (value) => { out.push(String(value)); };
  globalThis.call = (input) => new Promise((resolve) => {
    waiting.push(resolve);
    calls.push(JSON.stringify(input));
  });
  (op, x) => {
    if (op === "watch") x.then(() => { state = 1 }, () => { state = 2 });
    else if (op === "resolve") waiting.shift()(JSON.parse(x));
    else if (op === "drain") return JSON.stringify(out.splice(0));
    else if (op === "calls") return "[" + [state, ...calls.splice(0)].join(",") + "]";
    return state;
  }
"""


def engine_cell(source: str) -> QuickJSEngine:
    """An engine for `source` with the tool `t` (call it as `tools.t`)."""
    return QuickJSEngine(source, tools=TOOLS, stored_values={}, limits=LIMITS)


def bare_cell(source: str) -> tuple[quickjs.Context, quickjs.Object]:
    """A bare context running `source` (call the tool as `call`) until no job is left; the
    context and the bare prelude's control function."""
    ctx = quickjs.Context()
    ctx.set_time_limit(10.0)
    control = ctx.eval(BARE_PRELUDE)
    control("watch", ctx.module(source))
    run_jobs(ctx)
    return ctx, control


def run_jobs(ctx: quickjs.Context) -> None:
    while ctx.execute_pending_job():
        pass


# --- trivial cell --------------------------------------------------------------------------


def engine_trivial() -> None:
    events = engine_cell('text("hi")').step()
    assert isinstance(events[-1], Finished)


def bare_trivial() -> None:
    _, control = bare_cell('text("hi")')
    assert control("state") == 1
    assert control("drain") == '["hi"]'


# --- awaited tool round trip ---------------------------------------------------------------

ROUND_TRIPS = 2000
LOOP = f"let s = 0; for (let i = 0; i < {ROUND_TRIPS}; i++) s += await {{call}}(i); text(s)"


def engine_round_trips() -> None:
    eng = engine_cell(LOOP.format(call="tools.t"))
    events = eng.step()
    while isinstance(events[-1], Quiescent):
        for event in events:
            if isinstance(event, ToolCallRequested):
                eng.post(ResolveTool(call_id=event.call_id, value=1))
        events = eng.step()
    assert isinstance(events[-1], Finished) and events[-1].error_text is None


def bare_round_trips() -> None:
    ctx, control = bare_cell(LOOP.format(call="call"))
    while True:
        state, *inputs = json.loads(control("calls"))
        if state == 1:
            break
        assert len(inputs) == 1
        control("resolve", json.dumps(1))
        run_jobs(ctx)


def bare_resolutions() -> None:
    """The narrower baseline: Python resolves the awaited promise without reading the call."""
    ctx, control = bare_cell(LOOP.format(call="call"))
    while control("state") != 1:
        control("resolve", json.dumps(1))
        run_jobs(ctx)


# --- many pending cells --------------------------------------------------------------------

CELLS = 1000
PENDING = "const r = await {call}(1); text(r)"


def engine_pending() -> tuple[float, float]:
    gc.collect()
    before = rss_bytes()
    began = time.process_time()
    engines = []
    for _ in range(CELLS):
        eng = engine_cell(PENDING.format(call="tools.t"))
        assert isinstance(eng.step()[-1], Quiescent)
        engines.append(eng)
    elapsed = time.process_time() - began
    gc.collect()
    per_cell = (rss_bytes() - before) / CELLS
    for eng in engines:
        eng.post(ResolveTool(call_id="tool-1", value=1))
        assert isinstance(eng.step()[-1], Finished)
    return elapsed / CELLS, per_cell


def bare_pending() -> tuple[float, float]:
    gc.collect()
    before = rss_bytes()
    began = time.process_time()
    held = []
    for _ in range(CELLS):
        ctx, control = bare_cell(PENDING.format(call="call"))
        assert control("state") == 0
        held.append((ctx, control))
    elapsed = time.process_time() - began
    gc.collect()
    per_cell = (rss_bytes() - before) / CELLS
    return elapsed / CELLS, per_cell


def main() -> None:
    if len(sys.argv) == 2:  # child mode, see in_fresh_process
        print(json.dumps(globals()[sys.argv[1]]()))
        return
    engine_trivial(), bare_trivial()  # warm up (and verify the memory interrupt once)
    rows: list[tuple[str, float, float, str]] = []
    trivial = best_of_each(7, 300, engine_trivial, bare_trivial)
    rows.append(("trivial cell create->finish (us)", trivial[0] * 1e6, trivial[1] * 1e6, "<= 2x"))
    trips_engine, trips_bare, resolutions = best_of_each(
        7, 1, engine_round_trips, bare_round_trips, bare_resolutions
    )
    trips = trips_engine, trips_bare
    per_trip = 1e6 / ROUND_TRIPS
    rows.append(("awaited tool round trip (us)", trips[0] * per_trip, trips[1] * per_trip, "<= 3x"))
    rows.append(
        ("  same, vs resolve-only bare (us)", trips[0] * per_trip, resolutions * per_trip, "")
    )
    engine_time, engine_rss = in_fresh_process(__file__, "engine_pending")
    bare_time, bare_rss = in_fresh_process(__file__, "bare_pending")
    rows.append(
        (f"{CELLS} pending cells: time per cell (us)", engine_time * 1e6, bare_time * 1e6, "")
    )
    rows.append(
        (
            f"{CELLS} pending cells: RSS per cell (KB)",
            engine_rss / 1024,
            bare_rss / 1024,
            "<= 250 KB",
        )
    )
    print_table(("engine", "bare"), rows)


if __name__ == "__main__":
    main()
