import type { Operator } from "opendal";
import type { TableStore } from "../store/table-store";
import { isNotFound } from "./errors";
import { fileNameFor, folderFor, keyForFileName, SIDECAR_SUFFIX } from "./names";

const decoder = new TextDecoder();

const nothing = (): undefined => undefined;

function missing(error: unknown): undefined {
  if (isNotFound(error)) return undefined;
  throw error;
}

/**
 * A TableStore on an OpenDAL operator: table "kv" is folder "kv/", each key one file named by
 * `fileNameFor`, so no key can address a path outside the operator's root.
 */
export function createOpendalTableStore(operator: Operator): TableStore {
  const folders = new Map<string, string>();
  const folderOf = (table: string) => {
    let folder = folders.get(table);
    if (folder === undefined) {
      folder = folderFor(table);
      folders.set(table, folder);
    }
    return folder;
  };
  // Plain promise chains, not async functions: this sits on every local read and write.
  const read = (path: string): Promise<Buffer | undefined> => operator.read(path).then(undefined, missing);
  const asBytes = (bytes: Buffer) => new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    get: (table, key) => operator.read(folderOf(table) + fileNameFor(key).name).then(asBytes, missing),
    read: <T>(table: string, key: string, map: (value: Uint8Array | undefined) => T | Promise<T>) =>
      operator.read(folderOf(table) + fileNameFor(key).name).then(
        (bytes) => map(asBytes(bytes)),
        (error: unknown) => map(missing(error)),
      ),
    put(table, key, value) {
      const { name, hashed } = fileNameFor(key);
      const path = folderOf(table) + name;
      // Buffer.from encodes text faster than OpenDAL's own string conversion does.
      const bytes =
        typeof value === "string" ? Buffer.from(value) : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      if (!hashed) return operator.write(path, bytes).then(nothing);
      // The sidecar goes first: a listing that finds the value can always name its key.
      return operator
        .write(path + SIDECAR_SUFFIX, key)
        .then(() => operator.write(path, bytes))
        .then(nothing);
    },
    async delete(table, key) {
      const { name, hashed } = fileNameFor(key);
      const folder = folderOf(table);
      await operator.delete(folder + name);
      if (hashed) await operator.delete(folder + name + SIDECAR_SUFFIX);
    },
    async keys(table) {
      const folder = folderOf(table);
      const entries = await operator.list(folder);
      const keys: string[] = [];
      for (const entry of entries) {
        const path = entry.path();
        // File-system listings include the folder itself and any sub-folders.
        if (path.endsWith("/")) continue;
        const name = path.slice(path.lastIndexOf("/") + 1);
        if (name.endsWith(SIDECAR_SUFFIX)) continue;
        if (!name.startsWith("~")) {
          keys.push(keyForFileName(name));
          continue;
        }
        const sidecar = await read(folder + name + SIDECAR_SUFFIX);
        if (sidecar !== undefined) keys.push(decoder.decode(sidecar));
      }
      return keys;
    },
  };
}
