// Generates zod3_draft07.json and zod4_draft2020.json (the outputs of zod-to-json-schema and
// zod 4's z.toJSONSchema) for the TypeScript corpus. Run by hand:
//   npm install zod3@npm:zod@3 zod-to-json-schema zod4@npm:zod@4 && node zod.mjs
import { z as z3 } from "zod3";
import { zodToJsonSchema } from "zod-to-json-schema";
import { z as z4 } from "zod4";

function shapes(z) {
  const Category = z.lazy(() => z.object({ name: z.string(), subcategories: z.array(Category) }));
  const Address = z.object({ street: z.string(), city: z.string() });
  return {
    "tuple": z.object({ point: z.tuple([z.number(), z.number()]), label: z.tuple([z.string()]).rest(z.number()) }),
    "record_and_map_like": z.object({ scores: z.record(z.string(), z.number().int().min(0).max(100)), tags: z.array(z.string().min(1)).max(10) }),
    "discriminated_union": z.object({ shape: z.discriminatedUnion("kind", [z.object({ kind: z.literal("circle"), radius: z.number().positive() }), z.object({ kind: z.literal("square"), side: z.number() })]) }),
    "recursive_lazy": z.object({ root: Category }),
    "optional_nullable_default": z.object({ nickname: z.string().nullable(), age: z.number().int().optional(), limit: z.number().int().default(10), mode: z.enum(["fast", "slow"]).default("fast") }),
    "string_formats": z.object({ email: z.string().email(), site: z.string().url(), id: z.string().uuid(), code: z.string().regex(/^[A-Z]{3}-\d+$/), when: z.string().datetime() }),
    "intersection_and_union": z.object({ both: z.intersection(z.object({ a: z.string() }), z.object({ b: z.number() })), either: z.union([z.string(), z.array(z.string())]) }),
    "reused_object": z.object({ home: Address, work: Address.optional() }),
    "described": z.object({ query: z.string().describe("What to search for; use ``` for code."), page: z.number().int().min(1).describe("1-based page") }).describe("Search arguments"),
  };
}

const out3 = {}, out4 = {};
for (const [name, schema] of Object.entries(shapes(z3))) out3[`zod3 ${name}`] = zodToJsonSchema(schema);
for (const [name, schema] of Object.entries(shapes(z4))) {
  try { out4[`zod4 ${name}`] = z4.toJSONSchema(schema); } catch (e) { console.error(name, String(e)); }
}
import { writeFileSync } from "node:fs";
writeFileSync("zod3_draft07.json", JSON.stringify(out3, null, 1));
writeFileSync("zod4_draft2020.json", JSON.stringify(out4, null, 1));
