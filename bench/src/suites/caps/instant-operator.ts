import type { Operator } from "opendal";

interface InstantMetadata {
  readonly contentLength: bigint;
  readonly lastModified: null;
}

/**
 * A stand-in for an OpenDAL operator that keeps files in a Map and answers at once. Not a
 * provider anyone runs: the bench times the API and the raw calls on it to see what the
 * JavaScript around each call costs without the native call and its thread hand-off, a figure
 * that a shared, noisy machine barely moves. Only what the local providers call is here.
 */
export function createInstantOperator(): Operator {
  const files = new Map<string, Buffer>();
  const meta = (bytes: Buffer): InstantMetadata => ({ contentLength: BigInt(bytes.byteLength), lastModified: null });
  const missing = (path: string) =>
    Promise.reject(new Error(`NotFound (permanent) at read, context: { path: ${path} }`));
  const operator = {
    read(path: string, options?: { readonly offset: bigint; readonly size: bigint }) {
      const bytes = files.get(path);
      if (bytes === undefined) return missing(path);
      const start = Number(options?.offset ?? 0n);
      const end = options === undefined ? bytes.byteLength : start + Number(options.size);
      return Promise.resolve(Buffer.from(bytes.subarray(start, end)));
    },
    write(path: string, content: Buffer | string) {
      const bytes = Buffer.from(content);
      files.set(path, bytes);
      return Promise.resolve(meta(bytes));
    },
    stat(path: string) {
      const bytes = files.get(path);
      return bytes === undefined ? missing(path) : Promise.resolve(meta(bytes));
    },
    delete(path: string) {
      files.delete(path);
      return Promise.resolve();
    },
    list(folder: string) {
      return Promise.resolve(
        [...files.keys()].filter((path) => path.startsWith(folder)).map((path) => ({ path: () => path })),
      );
    },
  };
  return operator as unknown as Operator;
}
