"""Cell code cannot reach the engine's internals nor break its protocol by tampering."""

from __future__ import annotations

import json

import pytest
import quickjs
from hostile.engine_driver import engine, finished, outcome, run, texts

from codecells.engine.protocol import ResolveTool, ToolCallRequested

CONTRACT_GLOBALS = {
    "tools",
    "ALL_TOOLS",
    "text",
    "image",
    "store",
    "load",
    "notify",
    "yield_control",
    "exit",
    "setTimeout",
    "clearTimeout",
}
ECMASCRIPT_GLOBALS = {
    "Object",
    "Function",
    "Array",
    "Number",
    "parseFloat",
    "parseInt",
    "Infinity",
    "NaN",
    "undefined",
    "Boolean",
    "String",
    "Symbol",
    "Date",
    "Promise",
    "RegExp",
    "Error",
    "AggregateError",
    "EvalError",
    "RangeError",
    "ReferenceError",
    "SyntaxError",
    "TypeError",
    "URIError",
    "SuppressedError",
    "globalThis",
    "JSON",
    "Math",
    "ArrayBuffer",
    "Uint8Array",
    "Int8Array",
    "Uint16Array",
    "Int16Array",
    "Uint32Array",
    "Int32Array",
    "Float16Array",
    "Float32Array",
    "Float64Array",
    "Uint8ClampedArray",
    "BigUint64Array",
    "BigInt64Array",
    "DataView",
    "Map",
    "BigInt",
    "Set",
    "WeakMap",
    "WeakSet",
    "Proxy",
    "Reflect",
    "WeakRef",
    "Iterator",
    "DisposableStack",
    "AsyncDisposableStack",
    "decodeURI",
    "decodeURIComponent",
    "encodeURI",
    "encodeURIComponent",
    "escape",
    "unescape",
    "eval",
    "isFinite",
    "isNaN",
}


def test_global_names_are_builtins_and_helpers_only() -> None:
    shown, error = outcome("text(JSON.stringify(Object.getOwnPropertyNames(globalThis)))")
    assert error is None
    names = set(json.loads(shown[0]))
    assert CONTRACT_GLOBALS <= names
    assert names - CONTRACT_GLOBALS <= ECMASCRIPT_GLOBALS


def test_no_symbol_keyed_globals_beyond_the_standard_tag() -> None:
    shown, _ = outcome("text(Object.getOwnPropertySymbols(globalThis).map(String).join())")
    assert shown in (["Symbol(Symbol.toStringTag)"], [""])


@pytest.mark.parametrize(
    "probe",
    [
        "typeof this",
        "typeof Function('return this')().print",
        "typeof globalThis.InternalError",
        "typeof queueMicrotask",
        "typeof performance",
        "typeof FinalizationRegistry",
        "typeof Atomics",
    ],
)
def test_non_contract_globals_are_gone(probe: str) -> None:
    assert outcome(f"text({probe})") == (["undefined"], None)


def test_helpers_cannot_be_replaced_or_deleted() -> None:
    source = """
      const results = [];
      for (const name of ["text", "tools", "exit", "store"]) {
        try { globalThis[name] = 1; results.push("assigned " + name) } catch { results.push("ok") }
        try { delete globalThis[name]; } catch { results.push("ok") }
      }
      try { tools.t = 1 } catch { results.push("frozen") }
      text(results.join())
    """
    shown, error = outcome(source, tools=["t"])
    assert error is None
    assert shown == ["ok,ok,ok,ok,ok,ok,ok,ok,frozen"]


@pytest.mark.parametrize(
    "reach",
    [
        "text.caller",
        "arguments.callee.caller",
        "(function () { return this })()",
        "Object.getPrototypeOf(tools.t).constructor('return typeof control')()",
        "new Function('return typeof install')()",
        "(0, eval)('typeof control')",
    ],
)
def test_internals_are_unreachable(reach: str) -> None:
    source = f"let r; try {{ r = {reach} }} catch (e) {{ r = 'threw' }} text(String(r))"
    shown, error = outcome(source, tools=["t"])
    assert error is None
    assert shown[0] in ("undefined", "threw", "null")


def test_control_function_acts_only_with_the_cell_s_key() -> None:
    """Defence in depth should a reflection path ever hand the control function out: without
    the per-cell key only Python holds, it refuses to act."""
    eng = engine("await tools.t(); text('done')", tools=["t"])
    step = eng.step()
    call = next(e for e in step if isinstance(e, ToolCallRequested))
    assert eng._control is not None
    with pytest.raises(quickjs.JSException, match="not a function"):
        eng._control("not-the-key", "resolve", call.call_id, "1")
    eng.post(ResolveTool(call_id=call.call_id, value=1))
    assert texts(run(eng)) == ["done"]


TAMPERING = [
    "JSON.stringify = () => 'x'; JSON.parse = () => 1",
    "Array.prototype.push = () => { throw 1 }; Array.prototype.join = () => ''",
    "Object.defineProperty(Object.prototype, 'then', {get() { throw 1 }, configurable: true})",
    "Object.prototype.toJSON = () => 'hijacked'",
    "Object.prototype.get = () => 1; Object.prototype.set = () => 1",
    "String.prototype.toLowerCase = () => 'http://'; String.prototype.trim = () => ''",
    "Reflect.apply = () => { throw 1 }; Function.prototype.call = null",
    "Object.defineProperty = () => { throw 1 }; Object.freeze = (o) => o",
    "try { Promise.prototype.then = () => { throw 1 } } catch {}",
    "globalThis.Promise = function () { throw 1 }",
    "String = () => 'x'; Number = () => 1",
]


@pytest.mark.parametrize("tamper", TAMPERING)
def test_tampering_does_not_break_the_protocol(tamper: str) -> None:
    source = f"""
      {tamper};
      text("a");
      const r = await tools.t({{n: 1}});
      store("k", {{v: 2}});
      image("data:image/png;base64,AA", "LOW");
      text("b");
    """
    eng = engine(source, tools=["t"])
    seen: list[object] = []

    def answer(call: ToolCallRequested) -> ResolveTool:
        seen.append(call.input)
        return ResolveTool(call_id=call.call_id, value=1)

    events = run(eng, answer=answer)
    end = finished(events)
    assert end.error_text is None, end.error_text
    assert texts(events) == ["a", "b"]
    assert end.all_writes() == {"k": {"v": 2}} or "toJSON" in tamper
    assert seen in ([{"n": 1}], ["hijacked"])


def test_promise_subclasses_are_refused() -> None:
    source = """
      class P extends Promise {}
      const reasons = [];
      try { new P((resolve) => resolve(1)).then((x) => x) } catch (e) { reasons.push(e.message) }
      try { await new P((resolve) => resolve(1)) } catch (e) { reasons.push(e.message) }
      text(reasons.join("|"))
    """
    message = "only plain Promise objects are supported in cells"
    assert outcome(source) == ([f"{message}|{message}"], None)


def test_species_hijack_is_refused() -> None:
    source = """
      const p = Promise.resolve(1);
      const evil = function (ex) { ex(() => { throw {toString() { for (;;) {} }} }, () => {}) };
      Object.defineProperty(p, "constructor", {value: {[Symbol.species]: evil}});
      let why = "none";
      try { p.then((x) => x) } catch (e) { why = e.message }
      try { Object.defineProperty(Promise, Symbol.species, {value: evil}) } catch { why += "!" }
      text(why)
    """
    assert outcome(source) == (["only plain Promise objects are supported in cells!"], None)


def test_engine_error_prototype_is_pinned() -> None:
    source = """
      let hit = 0;
      try { Error.prototype.toString = function () { for (;;) {} }; } catch { hit++ }
      Object.prototype[Symbol.toPrimitive] = function () { for (;;) {} };
      Object.defineProperty(Error.prototype, "stack", {get() { for (;;) {} }});
      for (;;) {}
    """
    _, error = outcome(source)
    assert error is not None and error.startswith("cpu_time_limit exceeded")
