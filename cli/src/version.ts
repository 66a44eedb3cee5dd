export const VERSION = "0.1.0";

/** The wrangler release the CLI drives (its own dependency), and what `flows init` projects pin. */
export const WRANGLER_VERSION = "4.86.0";

/** The valibot release flows' schemas are built with, and what TypeScript `flows init` projects pin. */
export const VALIBOT_VERSION = "1.5.0";
