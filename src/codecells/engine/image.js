// `image(item, detail?)`, compiled by the prelude on first use. An expression evaluated in
// global scope, so it uses only what `deps` and `state` carry (captured before cell code ran).
(function (deps, state) {
  "use strict";
  const { apply, stringify, isArray, lower: toLower, slice } = deps;
  const put = state.put;
  const SHAPE = "image expects a non-empty image URL string, an object with image_url and "
    + "optional detail, or a raw MCP image block";
  const DETAILS = { __proto__: null, auto: 1, low: 1, high: 1, original: 1 };
  const lower = (s) => apply(toLower, s, []);
  const startsWith = (s, prefix) => apply(slice, lower(s), [0, prefix.length]) === prefix;
  const checkDetail = (detail) => {
    if (typeof detail !== "string") throw "image detail must be a string when provided";
    if (DETAILS[lower(detail)] !== 1) throw "image detail must be one of: auto, low, high, original";
    return lower(detail);
  };
  // [url, detail or undefined] from the accepted shapes of the first argument.
  const source = (item) => {
    if (typeof item === "string" && item !== "") return [item, undefined];
    if (item === null || typeof item !== "object" || isArray(item)) throw SHAPE;
    const url = item.image_url;
    if (typeof url === "string" && url !== "") {
      const detail = item.detail;
      return [url, detail === undefined || detail === null ? undefined : checkDetail(detail)];
    }
    const type = item.type;
    if (typeof type !== "string") throw SHAPE;
    if (type !== "image") throw "image only accepts MCP image blocks, got " + stringify(type);
    const data = item.data, mime = item.mimeType, meta = item._meta;
    if (typeof data !== "string" || data === "") throw SHAPE;
    let detail;
    if (meta !== null && typeof meta === "object") {
      const wanted = meta["codex/imageDetail"];
      if (typeof wanted === "string" && DETAILS[lower(wanted)] === 1) detail = lower(wanted);
    }
    if (startsWith(data, "data:")) return [data, detail];
    const type_ = typeof mime === "string" && mime !== "" ? mime : "application/octet-stream";
    return ["data:" + type_ + ";base64," + data, detail];
  };
  const image = (item, detail) => {
    const found = source(item), url = found[0]; // no array destructuring: iterators are mutable
    const chosen = detail === undefined || detail === null ? found[1] : checkDetail(detail);
    if (startsWith(url, "http://") || startsWith(url, "https://")) {
      throw "Tool call failed: remote image URLs are not supported in tool outputs. "
        + "Pass a base64 data URI instead";
    }
    if (!startsWith(url, "data:")) {
      throw "Tool call failed: invalid image output. Pass a base64 data URI instead";
    }
    put(url.length, '["i",' + stringify(url) + "," + stringify(chosen ?? "high") + "]");
  };
  return { image };
})
