/** Surface kinds Flow IR defines that this kernel does not run: such a flow fails with CTRL901. */
export const UNSUPPORTED_SURFACES: ReadonlySet<string> = new Set(["loop", "window", "partition"]);
