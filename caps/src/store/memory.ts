import { encodeText } from "./codec";
import type { TableStore } from "./table-store";

/** A TableStore in a Map: no I/O, values copied in and out so callers cannot alias them. */
export function createMemoryTableStore(): TableStore {
  const tables = new Map<string, Map<string, Uint8Array>>();
  const table = (name: string) => {
    let found = tables.get(name);
    if (!found) {
      found = new Map();
      tables.set(name, found);
    }
    return found;
  };
  return {
    async get(name, key) {
      const value = tables.get(name)?.get(key);
      return value === undefined ? undefined : value.slice();
    },
    async read(name, key, map) {
      const value = tables.get(name)?.get(key);
      return map(value === undefined ? undefined : value.slice());
    },
    async put(name, key, value) {
      table(name).set(key, typeof value === "string" ? encodeText(value) : value.slice());
    },
    async delete(name, key) {
      tables.get(name)?.delete(key);
    },
    async keys(name) {
      return [...(tables.get(name)?.keys() ?? [])];
    },
  };
}
