import { Operator } from "opendal";

/** The directory behind `flows run`: journal, dedupe ledger and state, through OpenDAL's fs service. */
export function openLocalStore(root: string): Operator {
  return new Operator("fs", { root });
}

/** Run ids and dedupe keys become single path segments, so nothing lands outside its folder. */
export function segment(name: string): string {
  return encodeURIComponent(name).replaceAll(".", "%2E");
}

export function unsegment(name: string): string {
  return decodeURIComponent(name);
}

export function isNotFound(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("NotFound");
}
