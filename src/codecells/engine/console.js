// `console` (only with `EngineLimits(console=True)`): every method emits one text item, the
// arguments converted like `text()` and joined by spaces. Compiled by the prelude; an
// expression evaluated in global scope, so it uses only what `deps` and `state` carry.
(function (deps, state) {
  "use strict";
  const { apply, stringify, Str, join, freeze } = deps;
  const { put, asText } = state;
  const log = {
    log(...values) {
      const parts = { __proto__: null, length: values.length };
      for (let i = 0; i < values.length; i++) {
        try { parts[i] = asText(values[i]); } catch { parts[i] = Str(values[i]); }
      }
      const text = apply(join, parts, [" "]);
      put(text.length, '["t",' + stringify(text) + "]");
    },
  }.log;
  const console = freeze({ log, info: log, warn: log, error: log, debug: log });
  return { console: () => console };
})
