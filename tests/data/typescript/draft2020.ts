// ---- prefixItems_with_rest
type T = [string?, number?, ...boolean[]];
// ---- prefixItems_closed
type T = [string?, number?];
// ---- prefixItems_optional_elements
type T = [string, number?, null?];
// ---- defs_with_descriptions_and_sibling_keywords
type T = {
  /** @minItems 1 */
  lines: Line[];
  total?: Money;
};
type Line = {
  sku: string;
  /** unit price */
  price: Money;
  /** @default 1 @minimum 1 */
  quantity?: number;
};
/** An amount in a currency. */
type Money = {
  /** @pattern ^-?[0-9]+(\.[0-9]+)?$ */
  amount: string;
  /** @minLength 3 @maxLength 3 */
  currency: string;
};
// ---- json_value_recursive
type T = Json;
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
// ---- type_list_and_const_object
type T = {
  id: number | string;
  marker?: { kind: "x"; n: [1, 2] };
  /** @deprecated */
  deprecated_flag?: boolean;
};
// ---- names_that_clash
type T = { a?: Promise_2; b?: string_2; c?: Date_2; d?: weird_name_v2 };
type Promise_2 = string;
type string_2 = number;
type Date_2 = { y?: number };
type weird_name_v2 = boolean;
// ---- percent_encoded_pointer
type T = { p?: a_b; q?: x_y };
type a_b = string;
type x_y = number;
// ---- nullable_reference (OpenAPI 3.0 idiom)
type T = { pet: Pet | null; kind: "a" | "b" | null };
type Pet = { name: string };
// ---- prefixItems_cut_by_maxItems
type T = [string, number?];
