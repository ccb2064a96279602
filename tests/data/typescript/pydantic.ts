// ---- search
declare const tools: {
  search(args: {
    filter: Eq | In | And | Or | Not;
    /** @default 10 @minimum 1 @maximum 100 */
    limit?: number;
  }): Promise<Node[]>;
};
/** `field` equals `value`. */
type Eq = { op: "eq"; field: string; value: string | number | boolean | null };
/** `field` is one of `values`. */
type In = { op: "in"; field: string; values: (string | number)[] };
type And = { op: "and"; filters: (Eq | In | And | Or | Not)[] };
type Or = { op: "or"; filters: (Eq | In | And | Or | Not)[] };
type Not = { op: "not"; filter: Eq | In | And | Or | Not };
/** A tree node. */
type Node = {
  name: string;
  /** @default [] */
  children?: Node[];
};
// ---- add_owner
declare const tools: {
  add_owner(args: {
    /** The owner to add. */
    owner: Owner;
    /** Whether to send a welcome email. @default false */
    notify?: boolean;
  }): Promise<Owner>;
};
/** Somebody with pets. */
type Owner = {
  /** @format uuid */
  id: string;
  /** where to write @pattern ^[^@]+@[^@]+$ */
  email: string;
  pets: (Cat | Dog)[];
  /** @default "red" */
  favourite?: Color;
  /** @default null */
  nickname?: string | null;
  /** @default {} */
  scores?: { [key: string]: number };
  /** @default null */
  location?: [number, number] | null;
  /** @default [] */
  tags?: string[];
  /** @default null @format date-time */
  born?: string | null;
};
type Cat = { pet_type: "cat"; meows: number };
type Dog = {
  pet_type: "dog";
  barks: number;
  /** @default null */
  color?: Color | null;
};
type Color = "red" | "green";
// ---- grow
declare const tools: {
  grow(args: {
    tree: Node;
    /** levels to add @default 1 @minimum 1 @maximum 5 */
    depth?: number;
  }): Promise<Node>;
};
/** A tree node. */
type Node = {
  name: string;
  /** @default [] */
  children?: Node[];
};
// ---- ping
declare const tools: { ping(): Promise<null>; };
// ---- search_model
declare const tools: { search_model(args: { query: Search }): Promise<number>; };
/** A search with a recursive filter. */
type Search = {
  filter: Eq | In | And | Or | Not;
  /** @default 10 */
  limit?: number;
};
/** `field` equals `value`. */
type Eq = { op: "eq"; field: string; value: string | number | boolean | null };
/** `field` is one of `values`. */
type In = { op: "in"; field: string; values: (string | number)[] };
type And = { op: "and"; filters: (Eq | In | And | Or | Not)[] };
type Or = { op: "or"; filters: (Eq | In | And | Or | Not)[] };
type Not = { op: "not"; filter: Eq | In | And | Or | Not };
