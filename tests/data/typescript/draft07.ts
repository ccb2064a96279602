// ---- tuple_closed (zod-to-json-schema z.tuple)
type T = { point: [number, number] };
// ---- tuple_rest (zod-to-json-schema z.tuple().rest())
type T = [string, boolean?, ...number[]];
// ---- tuple_open (items list, additionalItems absent)
type T = [string?, ...unknown[]];
// ---- definitions_and_refs
type T = { home?: address; work?: address };
/** A postal address. */
type address = {
  street: string;
  /** @pattern ^[0-9]{5}$ */
  zip?: string;
};
// ---- relative_refs (zod-to-json-schema $refStrategy relative)
type T = { author: author; reviewers?: author[] };
type author = { name: string };
// ---- anyOf_next_to_properties
type T = {
  id?: string;
  /** @format email */
  email?: string;
} & ({ id: unknown } | { email: unknown });
// ---- oneOf_variants_with_shared_properties
type T = { kind: string } & ({
  kind?: "circle";
  /** @exclusiveMinimum 0 */
  radius: number;
} | { kind?: "square"; side: number });
// ---- nullable_openapi
type T = {
  nickname?: string | null;
  /** @minimum 0 */
  age?: number | null;
};
// ---- empty_enum
type T = { never_valid?: never };
// ---- draft04_exclusive_bounds
type T = {
  /** @exclusiveMinimum 0 @maximum 1 */
  ratio?: number;
};
// ---- pattern_and_additional_properties
type T = { version?: number; [key: string]: string | boolean | number | undefined };
// ---- recursion_to_root
type T = Tree;
type Tree = { value: string; children?: Tree[] };
// ---- unrepresentable_cycle
type T = a;
type a = b | string;
type b = unknown;
// ---- hostile_text
type T = {
  /**
   * A snippet such as
   * ```
   * end the fence
   * ```
   * or *\/ end the comment
   * @default "*\/ ```"
   */
  code?: string;
  "```"?: "```\n*/";
  /** @pattern ^a*\/b$ */
  "with space"?: string;
};
// ---- remote_and_anchor_refs
type T = { remote?: unknown; anchor?: unknown; missing?: unknown };
