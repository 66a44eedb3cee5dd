import { DurableObject } from "cloudflare:workers";

/** Storage only: tests reach its SQLite through runInDurableObject. */
export class JournalObject extends DurableObject {}
