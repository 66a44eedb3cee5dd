import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** One Durable Object migration, as wrangler.jsonc lists it. */
export interface Migration {
  readonly tag: string;
  readonly new_sqlite_classes?: readonly string[];
  readonly deleted_classes?: readonly string[];
}

/** The project's publish history, kept beside flows.config.json and committed with it. */
export const HISTORY_FILE = "flows.publish.json";

export class MigrationError extends Error {
  constructor(
    readonly code: "MIGRATE409" | "MIGRATE400",
    message: string,
  ) {
    super(message);
  }
}

const isMigration = (value: unknown): value is Migration => {
  if (typeof value !== "object" || value === null) return false;
  const { tag, new_sqlite_classes: added, deleted_classes: deleted } = value as Record<string, unknown>;
  const names = (list: unknown) =>
    list === undefined || (Array.isArray(list) && list.every((name) => typeof name === "string"));
  return typeof tag === "string" && names(added) && names(deleted);
};

/** The migrations earlier publishes recorded; none for a project never published. */
export function readHistory(projectRoot: string): readonly Migration[] {
  const file = join(projectRoot, HISTORY_FILE);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  let migrations: unknown;
  try {
    migrations = (JSON.parse(text) as { migrations?: unknown }).migrations;
  } catch {
    migrations = undefined;
  }
  if (!Array.isArray(migrations) || !migrations.every(isMigration)) {
    throw new MigrationError(
      "MIGRATE400",
      `${file} is not a publish history ({ "migrations": [{ "tag", "new_sqlite_classes", "deleted_classes" }] }): restore it from version control; it records which Durable Object classes Cloudflare has already created`,
    );
  }
  return migrations;
}

/** Classes the history has created and not deleted, in the order they were introduced. */
function liveClasses(history: readonly Migration[]): string[] {
  const live: string[] = [];
  for (const migration of history) {
    for (const name of migration.new_sqlite_classes ?? []) if (!live.includes(name)) live.push(name);
    for (const name of migration.deleted_classes ?? []) if (live.includes(name)) live.splice(live.indexOf(name), 1);
  }
  return live;
}

/**
 * The migrations for the classes a project exports now: the history as it is, plus one new tag
 * (`v2`, `v3`, …) creating the classes it does not have yet and deleting those the user named.
 * A class the history created that the project no longer exports is refused (MIGRATE409):
 * Cloudflare would keep its objects and data, and deleting them must be asked for.
 */
export function planMigrations(
  history: readonly Migration[],
  classes: readonly string[],
  deletions: readonly string[] = [],
): readonly Migration[] {
  const live = liveClasses(history);
  const unknown = deletions.filter((name) => !live.includes(name));
  if (unknown.length > 0) {
    throw new MigrationError(
      "MIGRATE400",
      `--delete-class ${unknown.join(", ")}: no deployed class has that name (deployed: ${live.join(", ") || "none"})`,
    );
  }
  const kept = deletions.filter((name) => classes.includes(name));
  if (kept.length > 0) {
    throw new MigrationError(
      "MIGRATE400",
      `--delete-class ${kept.join(", ")}: the project still exports it; remove it from the project first`,
    );
  }
  const gone = live.filter((name) => !classes.includes(name) && !deletions.includes(name));
  if (gone.length > 0) {
    throw new MigrationError(
      "MIGRATE409",
      `Durable Object class${gone.length === 1 ? "" : "es"} ${gone.join(", ")} ${gone.length === 1 ? "was" : "were"} deployed by an earlier publish (${HISTORY_FILE}) and ${gone.length === 1 ? "is" : "are"} no longer in the project: put ${gone.length === 1 ? "it" : "them"} back, or pass --delete-class ${gone.join(" --delete-class ")} to delete ${gone.length === 1 ? "it and all its" : "them and all their"} stored data`,
    );
  }
  const added = classes.filter((name) => !live.includes(name));
  if (added.length === 0 && deletions.length === 0) return history;
  const tag = `v${history.length + 1}`;
  return [
    ...history,
    {
      tag,
      ...(added.length === 0 ? {} : { new_sqlite_classes: added }),
      ...(deletions.length === 0 ? {} : { deleted_classes: [...deletions] }),
    },
  ];
}

/** Records the migrations a publish deployed (or wrote for deploying by hand). */
export function writeHistory(projectRoot: string, migrations: readonly Migration[]): void {
  const text = `${JSON.stringify(
    {
      $comment:
        "Written by `flows publish workers`: the Durable Object migrations deployed so far. Commit this file; each publish appends a tag for new classes.",
      migrations,
    },
    null,
    2,
  )}\n`;
  writeFileSync(join(projectRoot, HISTORY_FILE), text);
}
