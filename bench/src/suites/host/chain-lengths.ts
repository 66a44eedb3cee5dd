/**
 * The two chain lengths timed, short first. The per-step figure is the slope between them, so
 * what a run pays once (a new Durable Object, a kernel, the request) cancels out; the long one
 * is 8× the short one so the difference is large against the noise of a request.
 */
export const CHAIN_LENGTHS = [25, 200] as const;
