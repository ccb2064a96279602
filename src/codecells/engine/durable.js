// Determinism for durable cells (docs/durable.md), compiled by the prelude before cell code
// runs when the host asks for it. A replay of a cell's journal must reproduce every step, so
// everything that can differ between two runs of the same commands is pinned:
//   Math.random  a seeded generator (sfc32; the seed is recorded with the cell);
//   Date         `Date.now()`, `new Date()` and `Date()` read the virtual clock `state.now`,
//                which the host sets before every step (and records);
//   time zone    UTC: local-time getters, setters, constructors and strings are the UTC ones;
//   WeakRef      removed (what `deref` returns depends on the garbage collector).
(function (deps, state) {
  "use strict";
  const { def, apply } = deps;
  return {
    pin(seed, now) {
      const G = globalThis, RD = G.Date, RP = RD.prototype, construct = Reflect.construct;
      const getTime = RP.getTime, UTC = RD.UTC, parse = RD.parse, test = RegExp.prototype.test;
      const hostOffset = RP.getTimezoneOffset;
      const slice = "".slice, pad = "".padStart;
      const set = (o, k, value) =>
        def(o, k, { __proto__: null, value, writable: true, configurable: true });
      state.now = now;

      // sfc32, seeded through splitmix32
      let a = seed | 0, b = 0, c = 0, d = 1;
      const mix = () => {
        a = (a + 0x9e3779b9) | 0;
        let z = a;
        z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
        z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
        return (z ^ (z >>> 16)) >>> 0;
      };
      b = mix(); c = mix(); d = mix(); a = mix();
      set(Math, "random", {
        random() {
          const t = (((a + b) | 0) + d) | 0;
          d = (d + 1) | 0;
          a = b ^ (b >>> 9);
          b = (c + (c << 3)) | 0;
          c = (c << 21) | (c >>> 11);
          c = (c + t) | 0;
          return (t >>> 0) / 4294967296;
        },
      }.random);

      // strings without a zone designator are read as UTC, not as the host's local time
      const zoned = /(?:Z|[+-]\d\d:?\d\d|GMT|UTC)/i, dateOnly = /^\s*[+-]?\d{4,6}-\d\d-\d\d\s*$/;
      const utcParse = (text) => {
        const s = "" + text, local = parse(s);
        if (apply(test, zoned, [s]) || apply(test, dateOnly, [s]) || local !== local) return local;
        return local - apply(hostOffset, new RD(local), []) * 60000;
      };
      function Date(...args) { // a plain function: it must be a constructor
        if (new.target === undefined) return new RD(state.now).toString();
        let time;
        if (args.length === 0) time = state.now;
        else if (args.length === 1) time = typeof args[0] === "string" ? utcParse(args[0]) : args[0];
        else time = apply(UTC, undefined, args);
        return construct(RD, [time], new.target);
      }
      def(Date, "prototype", { __proto__: null, value: RP, writable: false, configurable: false });
      def(Date, "length", { __proto__: null, value: 7, configurable: true });
      set(Date, "now", { now() { return state.now; } }.now);
      set(Date, "parse", { parse(text) { return utcParse(text); } }.parse);
      set(Date, "UTC", UTC);
      set(RP, "constructor", Date);
      set(G, "Date", Date);

      for (const name of ["FullYear", "Month", "Date", "Day", "Hours", "Minutes", "Seconds",
        "Milliseconds"]) {
        set(RP, "get" + name, RP["getUTC" + name]);
        if (name !== "Day") set(RP, "set" + name, RP["setUTC" + name]);
      }
      set(RP, "getYear", { getYear() { return apply(RP.getUTCFullYear, this, []) - 1900; } }.getYear);
      set(RP, "getTimezoneOffset", {
        getTimezoneOffset() { const t = apply(getTime, this, []); return t === t ? 0 : t; },
      }.getTimezoneOffset);

      const DAYS = "SunMonTueWedThuFriSat", MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";
      const two = (n) => apply(pad, "" + n, [2, "0"]);
      const fields = (date) => {
        const t = apply(getTime, date, []);
        if (t !== t) return null;
        const u = new RD(t), y = u.getUTCFullYear();
        return {
          year: y < 0 ? "-" + apply(pad, "" + -y, [6, "0"]) : apply(pad, "" + y, [4, "0"]),
          month: u.getUTCMonth(), day: u.getUTCDate(), weekday: u.getUTCDay(),
          h: u.getUTCHours(), m: u.getUTCMinutes(), s: u.getUTCSeconds(),
        };
      };
      const name3 = (table, i) => apply(slice, table, [i * 3, i * 3 + 3]);
      const datePart = (f) => name3(DAYS, f.weekday) + " " + name3(MONTHS, f.month) + " "
        + two(f.day) + " " + f.year;
      const timePart = (f) => two(f.h) + ":" + two(f.m) + ":" + two(f.s) + " GMT+0000";
      const localeDate = (f) => two(f.month + 1) + "/" + two(f.day) + "/" + f.year;
      const localeTime = (f) => two(f.h % 12 || 12) + ":" + two(f.m) + ":" + two(f.s)
        + (f.h < 12 ? " AM" : " PM");
      const formats = {
        toString: (f) => datePart(f) + " " + timePart(f),
        toDateString: datePart,
        toTimeString: timePart,
        toLocaleString: (f) => localeDate(f) + ", " + localeTime(f),
        toLocaleDateString: localeDate,
        toLocaleTimeString: localeTime,
      };
      for (const name in formats) {
        const format = formats[name];
        set(RP, name, {
          [name]() { const f = fields(this); return f === null ? "Invalid Date" : format(f); },
        }[name]);
      }
      delete G.WeakRef;
    },
  };
})
