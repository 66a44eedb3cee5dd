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
import type { Json, JsonObject } from "./json";
import type { Random } from "./random";

export { mutate } from "./mutate";

// Documents that the Flow IR 0.1 JSON Schema accepts, covering its optional members, nulls,
// boundary numbers and unknown members (which must be accepted and kept) at every level.

const WORDS = ["a", "b", "order", "ünï", "x y", "", "node-1", "🚀", "a/b~c", "a->b", "0"];
const word = (random: Random) => random.pick(WORDS);
const COUNTS = [0, 1, 299_999, 300_000, 2 ** 32, Number.MAX_SAFE_INTEGER];
const count = (random: Random) => (random.chance(0.5) ? random.int(100_000) : random.pick(COUNTS));

const maybe = (random: Random, object: JsonObject, key: string, value: () => Json, p = 0.5) => {
  if (random.chance(p)) object[key] = value();
};
const nullableText = (random: Random): Json => (random.chance(0.2) ? null : word(random));
const nullableCount = (random: Random): Json => (random.chance(0.2) ? null : count(random));
const list = <T>(random: Random, max: number, item: (index: number) => T): T[] =>
  Array.from({ length: random.int(max + 1) }, (_, index) => item(index));

/** Any small JSON value: what an unknown member or a surface config may hold. */
export function anyJson(random: Random, depth = 2): Json {
  switch (random.int(depth > 0 ? 7 : 5)) {
    case 0:
      return null;
    case 1:
      return random.chance(0.5);
    case 2:
      return random.chance(0.5) ? random.int(1000) - 500 : random.next() * 10;
    case 3:
      return word(random);
    case 4:
      return count(random);
    case 5:
      return list(random, 3, () => anyJson(random, depth - 1));
    default: {
      const object: JsonObject = {};
      for (const key of list(random, 3, () => word(random))) object[key] = anyJson(random, depth - 1);
      return object;
    }
  }
}

/** Adds an unknown member now and then: newer emitters write fields this version does not know. */
function extend(random: Random, object: JsonObject): JsonObject {
  if (random.chance(0.1)) object[`x_${word(random)}`] = anyJson(random);
  return object;
}

function schemaRef(random: Random): JsonObject {
  return extend(random, random.chance(0.5) ? { kind: "opaque" } : { kind: "named", name: word(random) });
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
    return extend(random, spec);
  });
  maybe(random, result, "effectHints", () => list(random, 2, () => `resource::${word(random)}`));
  maybe(random, result, "determinismHints", () => list(random, 1, () => "resource::clock"));
  return extend(random, result);
}

function edge(random: Random, nodes: number): JsonObject {
  const buffer: JsonObject = {};
  maybe(random, buffer, "max_items", () => nullableCount(random));
  maybe(random, buffer, "on_drop", () => nullableText(random));
  maybe(random, buffer, "spill_threshold_bytes", () => nullableCount(random));
  maybe(random, buffer, "spill_tier", () => nullableText(random));
  const result: JsonObject = {
    from: `a${random.int(nodes)}`,
    to: `a${random.int(nodes)}`,
    delivery: random.pick(DELIVERY),
    ordering: random.pick(ORDERING),
    buffer: extend(random, buffer),
  };
  maybe(random, result, "partition_key", () => nullableText(random));
  maybe(random, result, "timeout_ms", () => nullableCount(random));
  return extend(random, result);
}

function surface(random: Random, index: number, nodes: number): JsonObject {
  const result: JsonObject = {
    id: `s${index}`,
    kind: random.pick(CONTROL_SURFACE_KINDS),
    targets: list(random, 2, () => `a${random.int(nodes)}`),
  };
  maybe(random, result, "config", () => anyJson(random));
  return extend(random, result);
}

function policies(random: Random): JsonObject {
  const result: JsonObject = {};
  maybe(random, result, "lint", () => {
    const lint: JsonObject = {};
    maybe(random, lint, "allow_multiple_triggers", () => (random.chance(0.3) ? null : random.chance(0.5)));
    maybe(random, lint, "require_control_hints", () => random.chance(0.5));
    return extend(random, lint);
  });
  return extend(random, result);
}

/** A document the Flow IR 0.1 JSON Schema accepts, with random optional parts. */
export function validDocument(random: Random): JsonObject {
  const nodes = 1 + random.int(5);
  const document: JsonObject = {
    id: word(random),
    name: word(random),
    version: "0.1.0",
    profile: random.pick(PROFILES),
  };
  maybe(random, document, "summary", () => nullableText(random));
  maybe(random, document, "nodes", () => list(random, nodes - 1, (index) => node(random, index)), 0.9);
  maybe(random, document, "edges", () => list(random, 3, () => edge(random, nodes)), 0.8);
  maybe(random, document, "control_surfaces", () => list(random, 2, (index) => surface(random, index, nodes)));
  maybe(random, document, "checkpoints", () =>
    list(random, 2, () => {
      const checkpoint: JsonObject = { id: word(random) };
      maybe(random, checkpoint, "summary", () => nullableText(random));
      return extend(random, checkpoint);
    }),
  );
  maybe(random, document, "policies", () => policies(random));
  maybe(random, document, "metadata", () => {
    const metadata: JsonObject = {};
    maybe(random, metadata, "tags", () => list(random, 2, () => word(random)));
    return extend(random, metadata);
  });
  maybe(random, document, "artifacts", () =>
    list(random, 2, () => {
      const artifact: JsonObject = { kind: "dot", path: `${word(random)}.dot` };
      maybe(random, artifact, "format", () => nullableText(random));
      return extend(random, artifact);
    }),
  );
  return extend(random, document);
}
