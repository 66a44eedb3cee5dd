// Compiled only by tsconfig.workers.json, against @cloudflare/workers-types: fails the
// typecheck if the real binding stops satisfying the structural interface the provider uses.
import type { KvNamespaceLike } from "./binding";

export const kvNamespaceFits = (binding: KVNamespace): KvNamespaceLike => binding;
