// The cell prelude (docs/engine.md). Evaluated in script mode in a fresh context before any
// cell code; its value is `install(config, ...sources)`, which Python calls once and which
// returns the private `control` function, held only by Python.
//
// Messages to Python are JSON arrays, joined with "," per drain:
//   ["t", text] ["i", url, detail] ["c", callId, toolIndex, input] ["n", text] ["y"]
//   ["ts", timerId, delayMs] ["tc", timerId] ["s", key, valueJson]
//   ["d", errorText | null, limit | null]   limit: "memory" | "stack" | "null" (see S.fail),
//                                           or "calls" | "timers" | "inputs" (S.overCap)
//   ["o"] (output beyond the limit: the script ends with output_limit's error)
//
// Every built-in used after cell code starts is captured in `D` first. QuickJS compiles
// eagerly, and closures are its expensive part: functions here capture only `D` (built-ins)
// and `S` (the cell's state). Helpers most cells never call (helpers.js, image.js, console.js)
// are compiled on first use through the captured indirect `eval`. Comments cost nothing.
(function () {
  "use strict";
  const G = globalThis, O = Object, P = Promise, PP = P.prototype, EP = Error.prototype;
  const bind = Function.prototype.bind;
  const D = {
    __proto__: null, O, P, def: O.defineProperty, hasOwn: O.hasOwn, protoOf: O.getPrototypeOf,
    freeze: O.freeze, apply: Reflect.apply, stringify: JSON.stringify, parse: JSON.parse,
    Str: String, Num: Number, trunc: Math.trunc, join: [].join, trim: "".trim,
    lower: "".toLowerCase, slice: "".slice, isArray: Array.isArray, evaluate: eval,
    TypeError, PP, then: PP.then, isError: Error.isError, ownDesc: O.getOwnPropertyDescriptor,
    indexOf: "".indexOf, RP: RangeError.prototype, MAX_DEPTH: 800,
  };
  const lock = (o, k, value) =>
    D.def(o, k, { __proto__: null, value, writable: false, configurable: false });

  // Errors escaping into Python are stringified by the binding with the GIL held and no
  // interrupt handler: engine errors (interrupted, out of memory) must not reach cell code.
  const IE = G.InternalError.prototype, stack = D.ownDesc(EP, "stack");
  D.IE = IE;
  lock(IE, "toString", EP.toString);
  lock(IE, "name", "InternalError");
  lock(IE, "message", "");
  lock(IE, Symbol.toPrimitive, undefined);
  D.def(IE, "stack", { __proto__: null, get: stack.get, set: stack.set, configurable: false });
  O.preventExtensions(IE);
  // Reaction jobs call capability functions unguarded; a capability made by cell code (custom
  // species or Promise subclass) could throw into Python. `then` takes plain promises only.
  lock(PP, "constructor", P);
  D.def(P, Symbol.species, { __proto__: null, configurable: false });
  lock(PP, "then", {
    then(onFulfilled, onRejected) {
      if (D.protoOf(this) !== D.PP || D.hasOwn(this, "constructor")) {
        throw new D.TypeError("only plain Promise objects are supported in cells");
      }
      return D.apply(D.then, this, [onFulfilled, onRejected]);
    },
  }.then);
  // Reflection: V8-style `Error.prepareStackTrace` receives CallSite objects whose
  // `getFunction()` hands out every function on the stack, the prelude's included. Without a
  // hook quickjs-ng builds stack strings only.
  lock(Error, "prepareStackTrace", undefined);
  for (const name of ["queueMicrotask", "DOMException", "btoa", "atob", "performance",
    "InternalError", "FinalizationRegistry", "Atomics", "SharedArrayBuffer", "console"]) {
    delete G[name];
  }

  return (configJson, ...sources) => {
    const config = D.parse(configJson);
    // The statics that catch errors build a capability from `this` too, and one made by cell
    // code would receive an engine interrupt they caught, to rethrow with a looping getter.
    // With a sticky stop (binding internals, thread CPU clocks) the binding's conversion of
    // such an error is interrupted too (docs/engine.md); without one, they are bound to Promise.
    if (config.bindStatics) {
      const statics = ["all", "allSettled", "any", "race", "try"];
      for (let i = 0; i < statics.length; i++) {
        lock(P, statics[i], D.apply(bind, P[statics[i]], [P]));
      }
    }
    const S = {
      __proto__: null, sources, box: { __proto__: null, length: 0 }, calls: { __proto__: null },
      timers: { __proto__: null }, stored: O.setPrototypeOf(config.stored, null),
      chunks: { __proto__: null }, ended: false, settled: 0, callCount: 0, out: 0,
      outLimit: config.outputLimit ?? Infinity, itemCost: config.itemOverhead,
      calling: 0, maxCalls: config.maxToolCalls, timing: 0, maxTimers: config.maxTimers,
      inputs: 0, maxInputs: config.maxInputChars ?? Infinity,
      EXIT: O.freeze({ __proto__: null }),
    };
    S.emit = (message) => {
      if (!S.ended) S.box[S.box.length++] = message;
    };
    // An output item of `size` (its text's UTF-16 units: a lower bound of its UTF-8 bytes,
    // which Python counts exactly) plus the cost of an item, counted until the next drain, so
    // a runaway loop ends before it fills the heap.
    S.put = (size, message) => {
      S.out += size + S.itemCost;
      if (S.out > S.outLimit) {
        if (!S.ended) { S.emit('["o"]'); S.ended = true; }
        throw "output_limit exceeded";
      }
      S.emit(message);
    };
    S.finish = (error, limit) => {
      S.emit('["d",' + D.stringify(error) + "," + D.stringify(limit) + "]");
      S.ended = true;
    };
    // One more outstanding tool call (`S.calling`) or pending timer (`S.timing`) than the host
    // allows, or more characters of input held by the host for outstanding calls (`S.inputs`:
    // the host holds them outside the heap), ends the cell here, before its message: Python
    // never receives a storm beyond the cap (the error text, named by `limit`, is Python's).
    // Throws to stop the script.
    S.overCap = (limit) => {
      if (!S.ended) S.finish(limit + " over the cap", limit);
      throw limit === "calls" ? "tool_call_limit exceeded"
        : limit === "timers" ? "timer_limit exceeded" : "memory_limit exceeded";
    };
    // "memory" or "stack" if `error` is the engine's own limit error, else null. Decided by the
    // error's brand, exact built-in prototype and own message, never by its text: a thrown
    // string or an object with a `toString` is an ordinary error. Side-effect free: proxies
    // have no error brand, so nothing of cell code runs here.
    S.limitOf = (error) => {
      if (!D.isError(error)) return null;
      const proto = D.protoOf(error), own = D.ownDesc(error, "message");
      const message = own !== undefined && D.hasOwn(own, "value") ? own.value : undefined;
      if (proto === D.IE && message === "out of memory") return "memory";
      if (proto === D.RP && message === "Maximum call stack size exceeded") return "stack";
      return null;
    };
    // Reports the script's failure as plain text, built here under the cell's limits; the
    // limit it hit travels beside the text (QuickJS throws `null` when it cannot even
    // allocate its out-of-memory error: Python checks the memory in use for "null").
    S.fail = (error) => {
      if (S.ended) return;
      if (error === S.EXIT) return S.finish(null, null);
      let text = "uncaught exception", trace;
      if (typeof error === "string") text = error;
      else {
        try { text = D.Str(error); } catch { /* keep the generic text */ }
        try { if (D.O(error) === error) trace = error.stack; } catch { /* no stack */ }
        if (typeof trace === "string" && trace !== "") text += "\n" + trace;
      }
      S.finish(text, error === null ? "null" : S.limitOf(error));
    };
    // True if JSON text nests arrays/objects deeper than the host accepts (D.MAX_DEPTH: Python
    // parses JSON recursively, up to its recursion limit of 1,000). Short text, or text with at most D.MAX_DEPTH "[" and "{" (counted
    // with the fast indexOf), skips the scan. Only primitive string operations, which cell code
    // cannot replace.
    S.tooDeep = (json) => {
      if (json.length <= 2 * D.MAX_DEPTH) return false;
      let depth = 0, quoted = false;
      for (let at = -1; depth <= D.MAX_DEPTH && (at = D.apply(D.indexOf, json, ["[", at + 1])) >= 0;) {
        depth++;
      }
      for (let at = -1; depth <= D.MAX_DEPTH && (at = D.apply(D.indexOf, json, ["{", at + 1])) >= 0;) {
        depth++;
      }
      if (depth <= D.MAX_DEPTH) return false;
      depth = 0;
      for (let i = 0; i < json.length; i++) {
        const c = json[i];
        if (quoted) {
          if (c === "\\") i++;
          else if (c === '"') quoted = false;
        } else if (c === '"') quoted = true;
        else if (c === "[" || c === "{") {
          if (++depth > D.MAX_DEPTH) return true;
        } else if (c === "]" || c === "}") depth--;
      }
      return false;
    };
    S.asText = (value) => {
      const kind = typeof value;
      if (value === null || (kind !== "object" && kind !== "function" && kind !== "symbol")) {
        return D.Str(value);
      }
      const json = D.stringify(value);
      return json === undefined ? D.Str(value) : json;
    };
    // A helper compiled on first use: the function `name` of the table built from sources[i].
    S.later = (i, name) => function (...args) {
      S.chunks[i] ??= D.evaluate(S.sources[i])(D, S);
      return D.apply(S.chunks[i][name], undefined, args);
    };
    S.tool = (index, path) => (input) => {
      const json = input === undefined ? "null" : D.stringify(input) ?? "null";
      if (S.tooDeep(json)) {
        throw "Unable to call tools." + path + ": its input is nested deeper than "
          + D.MAX_DEPTH + " levels";
      }
      if (!S.ended && ++S.calling > S.maxCalls) S.overCap("calls");
      if (!S.ended && (S.inputs += json.length) > S.maxInputs) S.overCap("inputs");
      const id = "tool-" + ++S.callCount;
      let settle;
      const promise = new D.P((resolve, reject) => {
        settle = { __proto__: null, resolve, reject, size: json.length };
      });
      if (!S.ended) S.calls[id] = settle;
      S.emit('["c","' + id + '",' + index + "," + json + "]");
      return promise;
    };

    // A namespaced tool lives in a frozen object `tools[namespace]`, made on first use.
    const tools = {}, spaces = { __proto__: null }, allTools = [];
    for (let i = 0; i < config.tools.length; i++) {
      const [name, description, space] = config.tools[i];
      let home = tools;
      if (space != null) {
        home = spaces[space] ??= {};
        if (!D.hasOwn(tools, space)) D.def(tools, space, { value: home, enumerable: true });
      }
      const path = space == null ? name : space + "." + name;
      if (!D.hasOwn(home, name)) D.def(home, name, { value: S.tool(i, path), enumerable: true });
      allTools[i] = space == null ? { name, description } : { name, description, namespace: space };
    }
    for (const space in spaces) O.freeze(spaces[space]);
    const globals = {
      tools: O.freeze(tools),
      ALL_TOOLS: allTools,
      text(value) {
        const text = S.asText(value);
        S.put(text.length, '["t",' + D.stringify(text) + "]");
      },
      yield_control() {
        S.emit('["y"]');
      },
      exit() {
        if (!S.ended) S.finish(null, null);
        throw S.EXIT;
      },
    };
    for (const name of ["store", "load", "notify", "setTimeout", "clearTimeout"]) {
      globals[name] = S.later(0, name);
    }
    globals.image = S.later(1, "image");
    if (config.console) globals.console = S.later(2, "console")();
    for (const name in globals) lock(G, name, globals[name]);
    // Durable cells: seeded Math.random, a virtual clock, UTC (durable.js).
    if (config.durable) S.later(3, "pin")(config.durable[0], config.durable[1]);

    // control(key, op, a, b): apply one host command, then return the messages emitted so far.
    // For resolve/reject, `b` is JSON: the tool's result, or the rejection message.
    // `settled` records how the module body settled without allocating, so an end whose
    // report ran out of memory is still reported by the next drain. Only Python holds the
    // function and the per-cell `key`; called without the key it throws.
    const key = config.key;
    return (secret, op, a, b) => {
      if (secret !== key) throw new D.TypeError("not a function");
      try {
        if (op === "resolve" || op === "reject") {
          const settle = S.calls[a];
          if (settle === undefined) S.finish("unknown tool call `" + a + "`", null);
          else {
            delete S.calls[a];
            S.calling--;
            S.inputs -= settle.size;
            (op === "resolve" ? settle.resolve : settle.reject)(D.parse(b));
          }
        } else if (op === "fire") {
          const callback = S.timers[a];
          if (callback !== undefined && !S.ended) {
            delete S.timers[a];
            S.timing--;
            D.apply(callback, undefined, []);
          }
        } else if (op === "watch") {
          D.apply(D.then, a, [() => { S.settled = 1; if (!S.ended) S.finish(null, null); },
                              (error) => { S.settled = 2; S.fail(error); }]);
        } else if (op === "clock") S.now = a;
        else if (S.settled === 2 && !S.ended) S.finish("InternalError: out of memory", "memory");
      } catch (error) {
        S.fail(error);
      }
      const box = S.box, text = D.apply(D.join, box, [","]);
      S.out = 0;
      for (let i = 0; i < box.length; i++) delete box[i];
      box.length = 0;
      return text;
    };
  };
})()
