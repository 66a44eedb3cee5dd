import { createHintRegistry, type HintConstraint, type HintRegistry } from "@flows/flow-ir";

// Lattice's hint registries, transcribed rule for rule. Lattice keeps two lists (effects and
// determinism); a rule here carries one of `minEffects` or `maxDeterminism`, never both, so the
// validator reads it for the same list Lattice does. Lattice's determinism "minimum" BestEffort
// is the strongest claim a node may make, which is `maxDeterminism` here.

const effects = (
  hint: string,
  minEffects: NonNullable<HintConstraint["minEffects"]>,
  source: string,
): HintConstraint => ({
  hint,
  minEffects,
  guidance: `${hint} (Lattice ${source})`,
  source: "lattice",
});
const determinism = (hint: string, source: string): HintConstraint => ({
  hint,
  maxDeterminism: "best_effort",
  guidance: `${hint} (Lattice ${source})`,
  source: "lattice",
});

/** What the registries hold before any `ensure_registered()`: crates/dag-core/src/{effects_registry,determinism}.rs. */
export const LATTICE_DEFAULT: readonly HintConstraint[] = [
  effects("resource::http::read", "read_only", "effects_registry.rs"),
  effects("resource::http::write", "effectful", "effects_registry.rs"),
  effects("resource::db::write", "effectful", "effects_registry.rs"),
  determinism("resource::clock", "determinism.rs"),
  determinism("resource::http", "determinism.rs"),
  determinism("resource::rng", "determinism.rs"),
];

/** `ensure_registered()` of each capability module in crates/capabilities/src/lib.rs. */
export const LATTICE_CAPABILITIES = {
  http: [
    effects("resource::http::read", "read_only", "capabilities http"),
    effects("resource::http::write", "effectful", "capabilities http"),
    determinism("resource::http", "capabilities http"),
  ],
  clock: [determinism("resource::clock", "capabilities clock")],
  rng: [determinism("resource::rng", "capabilities rng")],
  dedupe: [
    effects("resource::dedupe::write", "effectful", "capabilities dedupe"),
    determinism("resource::dedupe", "capabilities dedupe"),
  ],
  db: [
    effects("resource::db::read", "read_only", "capabilities db"),
    effects("resource::db::write", "effectful", "capabilities db"),
    determinism("resource::db", "capabilities db"),
  ],
  kv: [
    effects("resource::kv::read", "read_only", "capabilities kv"),
    effects("resource::kv::write", "effectful", "capabilities kv"),
    determinism("resource::kv", "capabilities kv"),
  ],
  blob: [
    effects("resource::blob::read", "read_only", "capabilities blob"),
    effects("resource::blob::write", "effectful", "capabilities blob"),
    determinism("resource::blob", "capabilities blob"),
  ],
  queue: [
    effects("resource::queue::publish", "effectful", "capabilities queue"),
    effects("resource::queue::consume", "read_only", "capabilities queue"),
    determinism("resource::queue", "capabilities queue"),
  ],
} as const satisfies Record<string, readonly HintConstraint[]>;

export type LatticeRegistryName = "default" | "all" | "default+custom";

/** kernel-plan's `register_all_hints()`: http, db, kv, blob, queue, clock, rng. */
const ALL = [
  ...LATTICE_DEFAULT,
  ...LATTICE_CAPABILITIES.http,
  ...LATTICE_CAPABILITIES.db,
  ...LATTICE_CAPABILITIES.kv,
  ...LATTICE_CAPABILITIES.blob,
  ...LATTICE_CAPABILITIES.queue,
  ...LATTICE_CAPABILITIES.clock,
  ...LATTICE_CAPABILITIES.rng,
];

/** `respect_registered_custom_conflicts` registers `test::custom` (Stable). */
const CUSTOM: HintConstraint = {
  hint: "test::custom",
  maxDeterminism: "stable",
  guidance: "custom",
  source: "lattice",
};

export const LATTICE_REGISTRIES: Record<LatticeRegistryName, HintRegistry> = {
  default: createHintRegistry(LATTICE_DEFAULT),
  all: createHintRegistry(ALL),
  "default+custom": createHintRegistry([...LATTICE_DEFAULT, CUSTOM]),
};

/** Every effect hint and determinism hint `register_all_hints()` knows (the fuzz test's universes). */
export const EFFECT_UNIVERSE = [
  ...new Set(ALL.filter((rule) => rule.minEffects !== undefined).map((rule) => rule.hint)),
];
export const DETERMINISM_UNIVERSE = [
  ...new Set(ALL.filter((rule) => rule.maxDeterminism !== undefined).map((rule) => rule.hint)),
];
