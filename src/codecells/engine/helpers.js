// store, load, notify, setTimeout, clearTimeout: compiled by the prelude on first use. An
// expression evaluated in global scope, so it uses only what `deps` and `state` carry
// (captured before cell code ran). Returns the table of helpers.
(function (deps, state) {
  "use strict";
  const { stringify, parse, Str, Num, trunc, apply, trim } = deps;
  const { emit, asText, timers, stored, limitOf, tooDeep } = state;
  let timerCount = 0;
  return {
    store(key, value) {
      const name = Str(key);
      let json;
      try {
        json = stringify(value);
      } catch (error) {
        if (limitOf(error) !== null) throw error; // named by the cell's end, as for text()
      }
      if (typeof json !== "string") {
        throw "Unable to store " + stringify(name)
          + ". Only plain serializable objects can be stored.";
      }
      if (tooDeep(json)) {
        throw "Unable to store " + stringify(name) + ": the value is nested deeper than "
          + deps.MAX_DEPTH + " levels";
      }
      stored[name] = json;
      emit('["s",' + stringify(name) + "," + stringify(json) + "]"); // the text, as a string
    },
    load(key) {
      const json = stored[Str(key)];
      return json === undefined ? undefined : parse(json);
    },
    notify(value) {
      const message = asText(value);
      if (apply(trim, message, []) === "") throw "notify expects non-empty text";
      emit('["n",' + stringify(message) + "]");
    },
    setTimeout(callback, delay) {
      if (typeof callback !== "function") throw "setTimeout expects a function callback";
      let ms = Num(delay);
      ms = ms > 0 && ms !== Infinity ? trunc(ms) : 0;
      if (!state.ended && ++state.timing > state.maxTimers) state.overCap("timers");
      timers[++timerCount] = callback;
      emit('["ts",' + timerCount + "," + ms + "]");
      return timerCount;
    },
    clearTimeout(id) {
      if (id === undefined || id === null) return;
      if (typeof id !== "number") throw "clearTimeout expects a numeric timeout id";
      const key = trunc(id);
      if (timers[key] !== undefined) {
        delete timers[key];
        state.timing--;
        emit('["tc",' + key + "]");
      }
    },
  };
})
