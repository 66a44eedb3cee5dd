import {
  CONTROL_SURFACE_KINDS,
  DELIVERY,
  DETERMINISM,
  EFFECTS,
  IDEMPOTENCY_SCOPES,
  NODE_KINDS,
  ORDERING,
  PROFILES,
} from "@flows/flow-ir";
import type { Random } from "./random";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const word = (random: Random) => random.pick(["a", "b", "order", "ünï", "x y", "", "node-1", "🚀"]);
const maybe = (random: Random, object: JsonObject, key: string, value: () => Json, p = 0.5) => {
  if (random.chance(p)) object[key] = value();
};
const nullableText = (random: Random): Json => (random.chance(0.2) ? null : word(random));
const nullableCount = (random: Random): Json => (random.chance(0.2) ? null : random.int(100_000));

function schemaRef(random: Random): JsonObject {
  return random.chance(0.5) ? { kind: "opaque" } : { kind: "named", name: word(random) };
}

function node(random: Random, index: number): JsonObject {
  const result: JsonObject = {
    id: `n${index}`,
    alias: `a${index}`,
    identifier: `demo::n${index}`,
    name: word(random),
    kind: random.pick(NODE_KINDS),
    in_schema: schemaRef(random),
    out_schema: schemaRef(random),
    effects: random.pick(EFFECTS),
    determinism: random.pick(DETERMINISM),
  };
  maybe(random, result, "summary", () => nullableText(random));
  maybe(random, result, "idempotency", () => {
    const spec: JsonObject = {};
    maybe(random, spec, "key", () => nullableText(random));
    maybe(random, spec, "scope", () => (random.chance(0.2) ? null : random.pick(IDEMPOTENCY_SCOPES)));
    maybe(random, spec, "ttlMs", () => nullableCount(random));
    return spec;
  });
  maybe(random, result, "effectHints", () => Array.from({ length: random.int(3) }, () => `resource::${word(random)}`));
  maybe(random, result, "determinismHints", () => Array.from({ length: random.int(2) }, () => "resource::clock"));
  return result;
}

function edge(random: Random, count: number): JsonObject {
  const buffer: JsonObject = {};
  maybe(random, buffer, "max_items", () => nullableCount(random));
  maybe(random, buffer, "on_drop", () => nullableText(random));
  maybe(random, buffer, "spill_threshold_bytes", () => nullableCount(random));
  maybe(random, buffer, "spill_tier", () => nullableText(random));
  const result: JsonObject = {
    from: `a${random.int(count)}`,
    to: `a${random.int(count)}`,
    delivery: random.pick(DELIVERY),
    ordering: random.pick(ORDERING),
    buffer,
  };
  maybe(random, result, "partition_key", () => nullableText(random));
  maybe(random, result, "timeout_ms", () => nullableCount(random));
  return result;
}

/** A document the Flow IR 0.1 JSON Schema accepts, with random optional parts. */
export function validDocument(random: Random): JsonObject {
  const count = 1 + random.int(5);
  const document: JsonObject = {
    id: word(random),
    name: word(random),
    version: "0.1.0",
    profile: random.pick(PROFILES),
  };
  maybe(random, document, "summary", () => nullableText(random));
  maybe(random, document, "nodes", () => Array.from({ length: count }, (_, index) => node(random, index)), 0.9);
  maybe(random, document, "edges", () => Array.from({ length: random.int(4) }, () => edge(random, count)));
  maybe(random, document, "control_surfaces", () =>
    Array.from({ length: random.int(3) }, (_, index) => {
      const surface: JsonObject = {
        id: `s${index}`,
        kind: random.pick(CONTROL_SURFACE_KINDS),
        targets: [`a${random.int(count)}`],
      };
      maybe(random, surface, "config", () => random.pick<Json>([null, 1, "x", [1], { v: 1, source: "a0" }]));
      return surface;
    }),
  );
  maybe(random, document, "checkpoints", () =>
    Array.from({ length: random.int(2) }, () => {
      const checkpoint: JsonObject = { id: word(random) };
      maybe(random, checkpoint, "summary", () => nullableText(random));
      return checkpoint;
    }),
  );
  maybe(random, document, "policies", () => {
    const policies: JsonObject = {};
    maybe(random, policies, "lint", () => {
      const lint: JsonObject = {};
      maybe(random, lint, "allow_multiple_triggers", () => (random.chance(0.3) ? null : random.chance(0.5)));
      maybe(random, lint, "require_control_hints", () => random.chance(0.5));
      return lint;
    });
    return policies;
  });
  maybe(random, document, "metadata", () => {
    const metadata: JsonObject = {};
    maybe(random, metadata, "tags", () => ["example", word(random)]);
    return metadata;
  });
  maybe(random, document, "artifacts", () => [{ kind: "dot", path: "flow.dot", format: nullableText(random) }]);
  return document;
}

/** Every path to a value inside `value`, so a mutation can strike anywhere. */
function paths(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) paths(item, [...prefix, index], out);
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) paths(item, [...prefix, key], out);
  }
  return out;
}

const REPLACEMENTS: Json[] = [null, true, 0, -1, 1.5, 2 ** 40, "", "text", "effectful", [], [1], {}, { kind: "named" }];

/**
 * A random structural change somewhere in the document: drop a member, replace a value with one
 * of another type or an out-of-range number, wrap it in an array, add an unknown member.
 * Some mutations keep the document valid; the oracle decides which.
 */
export function mutate(random: Random, document: JsonObject): Json {
  const copy = structuredClone(document) as Json;
  const all = paths(copy);
  const path = random.pick(all);
  if (path.length === 0) return random.pick<Json>([null, [], "flow", 1, [copy]]);
  const parentPath = path.slice(0, -1);
  const key = path[path.length - 1] as string | number;
  let parent: Json = copy;
  for (const segment of parentPath) parent = (parent as Record<string | number, Json>)[segment] as Json;
  const container = parent as Record<string | number, Json>;
  const current = container[key] as Json;
  switch (random.int(5)) {
    case 0:
      if (Array.isArray(container)) container.splice(key as number, 1);
      else delete container[key];
      break;
    case 1:
      container[key] = random.pick(REPLACEMENTS);
      break;
    case 2:
      container[key] = [current];
      break;
    case 3:
      if (current !== null && typeof current === "object" && !Array.isArray(current)) current[`x_${word(random)}`] = 1;
      else container[key] = random.pick(REPLACEMENTS);
      break;
    default:
      container[key] =
        typeof current === "number" ? random.pick([-current - 1, current + 0.5, -0.5]) : random.pick(REPLACEMENTS);
  }
  return copy;
}
