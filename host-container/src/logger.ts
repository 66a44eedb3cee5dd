import type { Logger } from "@flows/kernel";

/**
 * One JSON line per record on stderr: stdout may carry the bus (FLOWS_BUS_URL=stdio), and the
 * container platform collects stderr either way.
 */
export function stderrLogger(fields: Readonly<Record<string, unknown>> = {}): Logger {
  return (record) => {
    if (record.level === "debug" && process.env.FLOWS_LOG_LEVEL !== "debug") return;
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...fields, ...record })}\n`);
  };
}
