/** A stack is kept to this many frames: enough to find the line, without journaling a runaway recursion. */
export const MAX_STACK_FRAMES = 50;
/** And to this many characters (UTF-16 units), so one failure never outweighs the entry it sits in. */
export const MAX_STACK_CHARS = 16 * 1024;

/** Turns a raw stack into what a person reads: `.ts` positions instead of the bundle's. */
export type StackMapper = (stack: string) => string;

const FRAME = /^\s+at /;

/**
 * The stack of an error a node threw, bounded in frames and length, through `map` when the host
 * has one. Read only when a node fails: V8 formats `error.stack` on first access, so a run that
 * never fails never pays for it.
 */
export function nodeStack(error: Error, map?: StackMapper): string | undefined {
  let stack: unknown;
  try {
    stack = error.stack;
  } catch {
    // A getter of the node's own that throws: the failure is still reported, without a stack.
    return undefined;
  }
  if (typeof stack !== "string" || stack === "") return undefined;
  const bounded = bound(stack);
  if (map === undefined) return bounded;
  try {
    return bound(map(bounded));
  } catch {
    // A source map that cannot be read must not hide the failure: the unmapped stack is kept.
    return bounded;
  }
}

function bound(stack: string): string {
  const lines = stack.split("\n");
  let frames = 0;
  let end = lines.length;
  for (let index = 0; index < lines.length; index += 1) {
    if (!FRAME.test(lines[index] as string)) continue;
    frames += 1;
    if (frames === MAX_STACK_FRAMES + 1) end = index;
  }
  const kept =
    end === lines.length
      ? stack
      : `${lines.slice(0, end).join("\n")}\n    … ${frames - MAX_STACK_FRAMES} more frame${frames - MAX_STACK_FRAMES === 1 ? "" : "s"}`;
  return kept.length <= MAX_STACK_CHARS ? kept : `${kept.slice(0, MAX_STACK_CHARS - 2)} …`;
}
