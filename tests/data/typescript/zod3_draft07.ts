// ---- zod3 tuple
type T = { point: [number, number]; label: [string, ...number[]] };
// ---- zod3 record_and_map_like
type T = {
  scores: { [key: string]: number };
  /** @maxItems 10 */
  tags: string[];
};
// ---- zod3 discriminated_union
type T = {
  shape: {
    kind: "circle";
    /** @exclusiveMinimum 0 */
    radius: number;
  } | { kind: "square"; side: number };
};
// ---- zod3 recursive_lazy
type T = { root: root };
type root = { name: string; subcategories: root[] };
// ---- zod3 optional_nullable_default
type T = {
  nickname: string | null;
  age?: number;
  /** @default 10 */
  limit?: number;
  /** @default "fast" */
  mode?: "fast" | "slow";
};
// ---- zod3 string_formats
type T = {
  /** @format email */
  email: string;
  /** @format uri */
  site: string;
  /** @format uuid */
  id: string;
  /** @pattern ^[A-Z]{3}-\d+$ */
  code: string;
  /** @format date-time */
  when: string;
};
// ---- zod3 intersection_and_union
type T = { both: { a: string } & { b: number }; either: string | string[] };
// ---- zod3 reused_object
type T = { home: home; work?: home };
type home = { street: string; city: string };
// ---- zod3 described
type T = {
  /** What to search for; use ``` for code. */
  query: string;
  /** 1-based page @minimum 1 */
  page: number;
};
