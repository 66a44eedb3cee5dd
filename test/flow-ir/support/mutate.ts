import { encodePointer } from "@flows/flow-ir";
import { isJsonObject, type Json, type JsonObject, type Segment, valueAt } from "./json";
import type { Random } from "./random";
import { type FieldType, type Site, sitesOf } from "./shapes";

// Mutations of valid documents, each of a named kind aimed at a field of a known shape, so an
// oracle run can say how many documents of each kind it checked and where they were changed.

export const MUTATION_KINDS = [
  "remove-required",
  "wrong-type",
  "wrong-enum",
  "bad-integer",
  "unknown-member",
  "array-for-object",
  "null",
  "anywhere",
] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

/** What the reference schema must say about a mutation of each kind ("either" when it depends). */
export const EXPECTED_VERDICT: Readonly<Record<MutationKind, "valid" | "invalid" | "either">> = {
  "remove-required": "invalid",
  "wrong-type": "invalid",
  "wrong-enum": "invalid",
  "bad-integer": "invalid",
  "unknown-member": "valid",
  "array-for-object": "invalid",
  null: "either",
  anywhere: "either",
};

export interface Mutation {
  readonly kind: MutationKind;
  /** The shape of the object that was changed ("document" for the whole of it). */
  readonly shape: string;
  /** JSON Pointer of the changed value. */
  readonly pointer: string;
  readonly document: Json;
}

const notNull = (nullable: boolean, values: Json[]): Json[] => (nullable ? values : [...values, null]);

function wrongValue(random: Random, field: FieldType, current: Json | undefined): Json {
  switch (field.type) {
    case "string":
      return random.pick(notNull(field.nullable, [1, 0, true, false, {}, [], ["x"]]));
    case "integer":
      return random.pick(notNull(field.nullable, ["1", "", true, {}, [], [1]]));
    case "boolean":
      return random.pick(notNull(field.nullable, ["true", 0, 1, {}, []]));
    case "enum":
      return random.pick(notNull(field.nullable, [0, true, {}, [field.values[0] ?? ""]]));
    case "strings":
    case "objects": {
      const badItems: Json[] = field.type === "strings" ? [1, null, {}, [], true] : ["x", 1, null, true, []];
      if (Array.isArray(current) && random.chance(0.5)) {
        const copy = [...current];
        copy.splice(random.int(copy.length + 1), 0, random.pick(badItems));
        return copy;
      }
      return random.pick<Json>(["x", 1, {}, true, null]);
    }
    case "object":
      return random.pick<Json>(["x", 1, 0, true, false, null]);
    case "any":
      throw new Error("a member of any type has no wrong value");
  }
}

const WRONG_ENUM = ["", "unknown", "Pure", "exactly-once", "TRIGGER", " web", "named "];
const BAD_INTEGERS = [-1, -(2 ** 40), 0.5, 1.5, -0.5, 1e-7, 299_999.5];
const UNKNOWN_KEYS = ["x_future", "$schema", "_comment", "", "nodes_v2", "kind ", "ünknown", "a/b~c"];

/** A copy of `root` with the value at `path` replaced (the whole document when path is empty). */
function replaceAt(root: Json, path: readonly Segment[], value: Json): Json {
  if (path.length === 0) return value;
  const copy = structuredClone(root);
  const parent = valueAt(copy, path.slice(0, -1)) as JsonObject | Json[];
  (parent as Record<Segment, Json>)[path[path.length - 1] as Segment] = value;
  return copy;
}

interface Target {
  readonly site: Site;
  readonly field: string;
}

function fieldsOf(sites: readonly Site[], accept: (field: FieldType, name: string, site: Site) => boolean): Target[] {
  const targets: Target[] = [];
  for (const site of sites) {
    for (const [name, field] of Object.entries(site.shape.fields)) {
      if (accept(field, name, site)) targets.push({ site, field: name });
    }
  }
  return targets;
}

const changed = (kind: MutationKind, site: Site, path: readonly Segment[], document: Json): Mutation => ({
  kind,
  shape: site.path.length === 0 && path.length === 0 ? "document" : site.shape.name,
  pointer: encodePointer(path),
  document,
});

/** Applies a mutation of `kind`, or returns undefined when the document has no place for it. */
export function mutateAs(random: Random, document: JsonObject, kind: MutationKind): Mutation | undefined {
  const sites = sitesOf(document);
  const site = random.pick(sites);
  const setField = (targets: Target[], value: (target: Target, current: Json | undefined) => Json) => {
    if (targets.length === 0) return undefined;
    const target = random.pick(targets);
    const path = [...target.site.path, target.field];
    return changed(kind, target.site, path, replaceAt(document, path, value(target, valueAt(document, path))));
  };
  switch (kind) {
    case "remove-required": {
      const targets = fieldsOf(sites, (_, name, candidate) => candidate.shape.required.includes(name));
      if (targets.length === 0) return undefined;
      const target = random.pick(targets);
      const copy = structuredClone(document);
      delete (valueAt(copy, target.site.path) as JsonObject)[target.field];
      return changed(kind, target.site, [...target.site.path, target.field], copy);
    }
    case "wrong-type":
      return setField(
        fieldsOf(sites, (field) => field.type !== "any"),
        (target, current) => wrongValue(random, target.site.shape.fields[target.field] as FieldType, current),
      );
    case "wrong-enum":
      return setField(
        fieldsOf(sites, (field) => field.type === "enum"),
        () => random.pick(WRONG_ENUM),
      );
    case "bad-integer":
      return setField(
        fieldsOf(sites, (field) => field.type === "integer"),
        () => random.pick(BAD_INTEGERS),
      );
    case "null":
      return setField(
        fieldsOf(sites, () => true),
        () => null,
      );
    case "unknown-member": {
      const path = [...site.path, random.pick(UNKNOWN_KEYS)];
      if (valueAt(document, path) !== undefined) return undefined;
      return changed(
        kind,
        site,
        path,
        replaceAt(document, path, random.pick<Json>([null, 1, "x", [], {}, { a: [1] }])),
      );
    }
    case "array-for-object": {
      const current = valueAt(document, site.path) as JsonObject;
      return changed(kind, site, site.path, replaceAt(document, site.path, random.chance(0.7) ? [current] : []));
    }
    case "anywhere":
      return { kind, shape: "anywhere", pointer: "", document: mutateAnywhere(random, document) };
  }
}

/** Every path to a value inside `value`, so a mutation can strike anywhere. */
function paths(value: Json, prefix: Segment[] = [], out: Segment[][] = []): Segment[][] {
  out.push(prefix);
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) paths(item, [...prefix, index], out);
  } else if (isJsonObject(value)) {
    for (const [key, item] of Object.entries(value)) paths(item, [...prefix, key], out);
  }
  return out;
}

const REPLACEMENTS: Json[] = [null, true, 0, -1, 1.5, 2 ** 40, "", "text", "effectful", [], [1], {}, { kind: "named" }];

/**
 * A change anywhere, blind to the schema: drop a member, replace a value with one of another
 * type or an out-of-range number, wrap it in an array, add an unknown member.
 */
function mutateAnywhere(random: Random, document: JsonObject): Json {
  const copy = structuredClone(document) as Json;
  const path = random.pick(paths(copy));
  if (path.length === 0) return random.pick<Json>([null, [], "flow", 1, [copy]]);
  const container = valueAt(copy, path.slice(0, -1)) as Record<Segment, Json>;
  const key = path[path.length - 1] as Segment;
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
      if (isJsonObject(current)) current.x_extra = 1;
      else container[key] = random.pick(REPLACEMENTS);
      break;
    default:
      container[key] =
        typeof current === "number" ? random.pick([-current - 1, current + 0.5, -0.5]) : random.pick(REPLACEMENTS);
  }
  return copy;
}

/** Some mutation of `document`: valid or not, the oracle decides. */
export function mutate(random: Random, document: JsonObject): Json {
  const kind = random.pick(MUTATION_KINDS);
  return (mutateAs(random, document, kind) ?? mutateAs(random, document, "anywhere"))?.document ?? document;
}
