import type { HintConstraint } from "./constraint";

/** Hints every registry starts with: resources the platform itself offers. */
export const BUILTIN_HINTS: readonly HintConstraint[] = [
  {
    hint: "resource::http::read",
    minEffects: "read_only",
    maxDeterminism: "best_effort",
    guidance:
      "an HTTP read reaches the network: declare effects read_only or above and determinism best_effort or weaker",
    source: "builtin",
  },
  {
    hint: "resource::http::write",
    minEffects: "effectful",
    maxDeterminism: "best_effort",
    guidance: "an HTTP write changes remote state: declare effects effectful and determinism best_effort or weaker",
    source: "builtin",
  },
  {
    hint: "resource::http",
    minEffects: "read_only",
    maxDeterminism: "best_effort",
    guidance: "HTTP calls reach the network: declare effects read_only or above and determinism best_effort or weaker",
    source: "builtin",
  },
  {
    hint: "resource::db",
    maxDeterminism: "best_effort",
    guidance:
      "database contents change between executions: declare determinism best_effort or weaker, or pin the data you read",
    source: "builtin",
  },
  {
    hint: "resource::db::read",
    minEffects: "read_only",
    maxDeterminism: "stable",
    guidance:
      "a database read depends on stored state: declare effects read_only or above and determinism stable or weaker",
    source: "builtin",
  },
  {
    hint: "resource::db::write",
    minEffects: "effectful",
    maxDeterminism: "best_effort",
    guidance: "a database write changes state: declare effects effectful and determinism best_effort or weaker",
    source: "builtin",
  },
  {
    hint: "resource::clock",
    maxDeterminism: "best_effort",
    guidance:
      "reading the clock gives a different value on replay: declare determinism best_effort or weaker, or use ctx.now()",
    source: "builtin",
  },
  {
    hint: "resource::rng",
    maxDeterminism: "best_effort",
    guidance: "random numbers differ on replay: declare determinism best_effort or weaker, or use ctx.random()",
    source: "builtin",
  },
];
