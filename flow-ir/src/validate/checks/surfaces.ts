import type { Check } from "../context";

/** Control surfaces (CTRL110–132). */
export const checkSurfaces: Check = () => {};
