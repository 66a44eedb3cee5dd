/**
 * UTF-16 units per stored piece of a journal entry. A Durable Object's SQLite refuses a string
 * or row over 2 MB; a unit is at most 3 bytes of UTF-8 (a surrogate pair, 2 units, is 4), so a
 * piece is at most 1.5 MB whatever the text.
 */
export const PIECE_UNITS = 500_000;

/** `text` in pieces of at most `units` UTF-16 units, never cutting a surrogate pair in two. */
export function splitPieces(text: string, units = PIECE_UNITS): string[] {
  if (text.length <= units) return [text];
  const pieces: string[] = [];
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + units);
    const last = text.charCodeAt(end - 1);
    // A high surrogate at the cut belongs with the low one after it: SQLite would store half a
    // pair as U+FFFD and the entry would come back changed.
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}
