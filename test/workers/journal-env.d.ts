// The binding of the JournalStore conformance test; vitest.config.ts's workers project declares it.
declare namespace Cloudflare {
  interface Env {
    JOURNAL: DurableObjectNamespace<import("./journal-object").JournalObject>;
  }
}
