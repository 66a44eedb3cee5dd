import { compareUtf8 } from "@flows/caps";

export type ListingItem =
  | { readonly kind: "object"; readonly key: string }
  | { readonly kind: "prefix"; readonly prefix: string };

export interface ListingPage {
  readonly items: readonly ListingItem[];
  readonly truncated: boolean;
  readonly cursor?: string;
}

const toCursor = (last: string) => `c:${encodeURIComponent(last)}`;
const fromCursor = (cursor: string | undefined) =>
  cursor?.startsWith("c:") ? decodeURIComponent(cursor.slice(2)) : undefined;

/**
 * One page of an R2-style listing over a set of keys: sorted by UTF-8 bytes; with a delimiter,
 * keys that continue past the prefix up to the delimiter fold into one delimited prefix; objects
 * and prefixes both count toward the limit. The cursor is the last item returned, so a prefix
 * already returned (and every key under it) is skipped on the next page.
 */
export function pageListing(
  keys: readonly string[],
  options: { readonly prefix?: string; readonly delimiter?: string; readonly cursor?: string; readonly limit: number },
): ListingPage {
  const prefix = options.prefix ?? "";
  const after = fromCursor(options.cursor);
  const sorted = keys.filter((key) => key.startsWith(prefix)).sort(compareUtf8);
  const items: ListingItem[] = [];
  let lastName: string | undefined;
  for (const key of sorted) {
    let name = key;
    let item: ListingItem = { kind: "object", key };
    if (options.delimiter !== undefined) {
      const cut = key.indexOf(options.delimiter, prefix.length);
      if (cut >= 0) {
        name = key.slice(0, cut + options.delimiter.length);
        item = { kind: "prefix", prefix: name };
      }
    }
    if (name === lastName || (after !== undefined && compareUtf8(name, after) <= 0)) continue;
    if (items.length === options.limit) return { items, truncated: true, cursor: toCursor(lastName ?? "") };
    items.push(item);
    lastName = name;
  }
  return { items, truncated: false };
}
