/**
 * The storage the local providers (KV, Durable Object state, the dedupe ledger, the local
 * queue) are written against: named tables of opaque byte values under string keys. One
 * implementation keeps them in memory; `@flows/caps/opendal` keeps them in an OpenDAL operator
 * (memory, fs, s3), mapping every key to a file name that cannot leave its table.
 */
export interface TableStore {
  get(table: string, key: string): Promise<Uint8Array | undefined>;
  /**
   * `get` and `map` in one step. Hot paths use it: over OpenDAL every extra promise between
   * the native read and the caller costs about a microsecond.
   */
  read<T>(table: string, key: string, map: (value: Uint8Array | undefined) => T | Promise<T>): Promise<T>;
  /** Text is stored as its UTF-8 bytes; handing it over as a string lets the store encode it its fastest way. */
  put(table: string, key: string, value: Uint8Array | string): Promise<void>;
  delete(table: string, key: string): Promise<void>;
  /** Every key in the table, in no particular order. */
  keys(table: string): Promise<string[]>;
}
