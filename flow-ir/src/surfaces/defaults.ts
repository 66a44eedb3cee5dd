// The values a surface config's optional fields take when left out. In a module of their own,
// without the schemas: a host that trusts its configs reads them with these and no validator.

export const DEFAULT_MAX_RETRIES = 3;
export const DEFAULT_BACKOFF_MS = 100;
export const DEFAULT_MAX_BACKOFF_MS = 30_000;
export const DEFAULT_JITTER = true;
export const DEFAULT_FOR_EACH_CONCURRENCY = 8;
