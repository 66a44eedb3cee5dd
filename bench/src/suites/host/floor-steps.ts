/**
 * The part of a Durable Object's SQL storage the floor touches. Structural rather than
 * `SqlStorage`, because the Node-side test config includes every file under bench/ and has no
 * Workers types; `ctx.storage.sql` satisfies it.
 */
export interface SqlExec {
  exec(query: string, ...bindings: (string | number)[]): { readonly rowsWritten: number };
}

const step = async (value: number) => value + 1;

/**
 * The least a durable chain of `steps` nodes can do in a run's Durable Object: per step, await
 * a trivial function and journal its output as one small row, one INSERT each, as our SQLite
 * journal does. No kernel, no flow, no validation: what is left is SQLite and the object itself.
 */
export async function journalChain(
  sql: SqlExec,
  runId: string,
  steps: number,
): Promise<{ output: number; rowsWritten: number }> {
  // A fresh object per request, as each of our runs gets one: the table is created every time.
  sql.exec(
    "CREATE TABLE IF NOT EXISTS journal (run_id TEXT NOT NULL, seq INTEGER NOT NULL, entry TEXT NOT NULL, PRIMARY KEY (run_id, seq))",
  );
  let value = 0;
  let rowsWritten = 0;
  for (let seq = 1; seq <= steps; seq += 1) {
    value = await step(value);
    const entry = JSON.stringify({ type: "node_completed", node: `n${seq}`, output: value });
    rowsWritten += sql.exec("INSERT INTO journal (run_id, seq, entry) VALUES (?, ?, ?)", runId, seq, entry).rowsWritten;
  }
  return { output: value, rowsWritten };
}
