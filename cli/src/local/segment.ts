/** Run ids and dedupe keys become single path segments, so nothing lands outside its folder. */
export function segment(name: string): string {
  return encodeURIComponent(name).replaceAll(".", "%2E");
}

export function unsegment(name: string): string {
  return decodeURIComponent(name);
}
