// ---- zod4 tuple
type T = { point: [number, number]; label: [string, ...number[]] };
// ---- zod4 record_and_map_like
type T = {
  scores: { [key: string]: number };
  /** @maxItems 10 */
  tags: string[];
};
// ---- zod4 discriminated_union
type T = {
  shape: {
    kind: "circle";
    /** @exclusiveMinimum 0 */
    radius: number;
  } | { kind: "square"; side: number };
};
// ---- zod4 recursive_lazy
type T = { root: __schema0 };
type __schema0 = { name: string; subcategories: __schema0[] };
// ---- zod4 optional_nullable_default
type T = {
  nickname: string | null;
  age?: number;
  /** @default 10 */
  limit: number;
  /** @default "fast" */
  mode: "fast" | "slow";
};
// ---- zod4 string_formats
type T = {
  /**
   * @format email
   * @pattern ^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$
   */
  email: string;
  /** @format uri */
  site: string;
  /**
   * @format uuid
   * @pattern ^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$
   */
  id: string;
  /** @pattern ^[A-Z]{3}-\d+$ */
  code: string;
  /**
   * @format date-time
   * @pattern ^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z))$
   */
  when: string;
};
// ---- zod4 intersection_and_union
type T = { both: { a: string; b: number }; either: string | string[] };
// ---- zod4 reused_object
type T = { home: { street: string; city: string }; work?: { street: string; city: string } };
// ---- zod4 described
type T = {
  /** What to search for; use ``` for code. */
  query: string;
  /** 1-based page @minimum 1 */
  page: number;
};
