"""Scripts that try to reach the prelude's functions by reflection, or to make the binding run
their code with the GIL held, and a runner that executes them on an event loop with a
heartbeat: ``python reflection_corpus.py [id ...]`` prints one JSON line per script.

Run in a subprocess by `tests/test_engine_reflection.py`, so that a frozen process fails a
test instead of hanging the suite."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

from codecells.engine import QuickJSEngine, run_step
from codecells.engine.protocol import (
    EngineLimits,
    EngineTool,
    FireTimer,
    Output,
    Quiescent,
    ResolveTool,
    TimerSet,
    ToolCallRequested,
)
from codecells.events import TextItem

LIMITS = EngineLimits(cpu_time=0.5, memory=32 * 1024 * 1024)
HEARTBEAT_SECONDS = 0.005

# Collects every function any reflection path yields while prelude code is on the stack, then
# calls each the way the control function would be abused: with a promise whose species builds
# capability functions that throw an object whose `toString` never returns.
HARVEST = """
const found = new Set();
const keep = (f) => { if (typeof f === "function") found.add(f); };
const METHODS = ["getFunction", "getThis", "getTypeName", "getFileName", "getFunctionName",
  "getMethodName", "getEvalOrigin", "getScriptNameOrSourceURL", "getPromiseIndex"];
const sites = (error, list) => {
  for (const site of list) for (const m of METHODS) { try { keep(site[m]?.()); } catch {} }
  return "";
};
const sloppy = Function("keep", "return function probe() {"
  + " try { keep(probe.caller); } catch {} try { keep(arguments.callee.caller); } catch {}"
  + " try { keep(probe.arguments); } catch {} }")(keep);
const probe = () => {
  try { Error.prepareStackTrace = sites; } catch {}
  try { new Error().stack; } catch {}
  try { const o = {}; Error.captureStackTrace(o); o.stack; } catch {}
  try { const o = {}; Error.captureStackTrace(o, sloppy); o.stack; } catch {}
  try { Error.prepareStackTrace = undefined; } catch {}
  sloppy();
};
const bomb = { toString() { for (;;) {} } };
function Evil(executor) { executor(() => { throw bomb; }, () => { throw bomb; }); }
Evil[Symbol.species] = Evil;
const crafted = () => {
  const p = Promise.resolve(1);
  Object.defineProperty(p, "constructor", { value: Evil });
  return p;
};
const abuse = () => {
  for (const f of found) {
    for (const args of [["watch", crafted()], ["", "watch", crafted()], ["fire", 1], ["drain"]]) {
      try { f(...args); } catch {}
    }
  }
};
const report = () => text("found:" + found.size);
const attack = () => { probe(); abuse(); report(); };
"""


def in_timer(body: str) -> str:
    """`body` run by a timer callback: an error escaping it escapes an entry into JavaScript,
    where the binding converts it (the module body's errors only reject its promise)."""
    return f"setTimeout(() => {{ {body} }}, 0); await new Promise((r) => setTimeout(r, 1));"


# (id, script after HARVEST, what resolves tool calls). Each ends its cell with an error or
# harmlessly; every script that reports must report "found:0".
CORPUS: list[tuple[str, str, Any]] = [
    ("timer-callback", in_timer("attack();"), None),
    ("text-tojson", "text({ toJSON() { attack(); return 1; } });", None),
    ("tool-input-getter", "await tools.t({ get x() { attack(); return 1; } });", None),
    (
        "tool-input-proxy",
        "await tools.t(new Proxy({}, { ownKeys() { attack(); return []; } }));",
        None,
    ),
    ("store-proxy", "store('k', new Proxy({a: 1}, { get() { attack(); } }));", None),
    ("image-argument-getter", "image({ get image_url() { attack(); return 'data:,x'; } });", None),
    ("notify-tojson", "notify({ toJSON() { attack(); return 'n'; } });", None),
    ("timeout-delay-valueof", "setTimeout(() => {}, { valueOf() { attack(); return 1; } });", None),
    (
        "thrown-tostring-in-timer",
        in_timer("throw { toString() { attack(); return 'x'; } };"),
        None,
    ),
    ("rejection-stack-getter", "throw { get stack() { attack(); return ''; } };", None),
    (
        "tool-result-thenable-getter",
        (
            "Object.defineProperty(Object.prototype, 'then', { configurable: true,"
            " get() { delete Object.prototype.then; attack(); } });"
            "await tools.t();"
        ),
        {"a": 1},
    ),
    (
        "stack-trace-limit-valueof",
        "Error.stackTraceLimit = { valueOf() { attack(); return 10; } }; null.x;",
        None,
    ),
    (
        "species-capability-in-job",
        "crafted().then(() => {}); report();",
        None,
    ),
    (
        "static-capability-captures-interrupt",
        in_timer(
            "let got; function C(ex) { ex(() => {}, (e) => { got = e; }); }"
            "Promise.try.call(C, () => { for (;;) {} });"
            "Object.defineProperty(got, 'message', { get() { for (;;) {} } }); throw got;"
        ),
        None,
    ),
    (
        "using-captures-interrupt",
        in_timer(
            "let got;"
            "try { using a = { [Symbol.dispose]() { for (;;) {} } };"
            "  using b = { [Symbol.dispose]() { throw 1; } }; }"
            "catch (e) { got = [e.error, e.suppressed].find((x) => x instanceof Error); }"
            "Object.defineProperty(got, 'message', { get() { for (;;) {} } }); throw got;"
        ),
        None,
    ),
    (
        "thrown-proxy",
        "throw new Proxy({}, { get() { for (;;) {} } });",
        None,
    ),
]
INTERNALS_ONLY = {"using-captures-interrupt"}
"""Closed only with the binding internals (docs/engine.md, security model)."""


async def run_one(source: str, result: Any) -> dict[str, Any]:
    """Run `source` to its end (tool calls answered with `result`, timers fired at once) while
    a heartbeat measures the longest the event loop went without running."""
    gap = 0.0
    beating = True

    async def heartbeat() -> None:
        nonlocal gap
        last = time.monotonic()
        while beating:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            now = time.monotonic()
            gap, last = max(gap, now - last), now

    beat = asyncio.create_task(heartbeat())
    engine = QuickJSEngine(
        HARVEST + source,
        tools=[EngineTool(js_name="t")],
        stored_values={},
        limits=LIMITS,
    )
    texts: list[str] = []
    for _ in range(100):
        step = await run_step(engine)
        texts += [
            e.item.text for e in step if isinstance(e, Output) and isinstance(e.item, TextItem)
        ]
        for event in step:
            if isinstance(event, ToolCallRequested):
                engine.post(ResolveTool(call_id=event.call_id, value=result))
            elif isinstance(event, TimerSet):
                engine.post(FireTimer(timer_id=event.timer_id))
        if not isinstance(step[-1], Quiescent) or not engine.has_queued_input:
            break
    end = step[-1]
    engine.close()
    beating = False
    await beat
    return {
        "end": end.type,
        "error": getattr(end, "error_text", None),
        "texts": texts,
        "gap": gap,
    }


async def main(ids: list[str]) -> None:
    chosen = [case for case in CORPUS if not ids or case[0] in ids]
    for case_id, source, result in chosen:
        outcome = await run_one(source, result)
        print(json.dumps({"id": case_id, **outcome}), flush=True)
    after = await run_one('text("next cell")', None)
    print(json.dumps({"id": "next-cell", **after}), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
