import { readFileSync } from "node:fs";
import type { FlowError, RunOutcome } from "@flows/kernel";
import { EXIT_FAILED, EXIT_OK, UsageError } from "../exit";
import type { CliIo } from "../io";

export type RunIo = CliIo;

/** `--timeout <ms>`: a positive whole number of milliseconds, or absent. */
export function readTimeout(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const timeoutMs = Number(raw);
  if (!(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
    throw new UsageError("USAGE", "--timeout must be a positive whole number of milliseconds");
  }
  return timeoutMs;
}

/** `--input` takes inline JSON or `@file`. */
export function readJsonInput(raw: string | undefined, what: string): unknown {
  if (raw === undefined) return null;
  let text = raw;
  if (raw.startsWith("@")) {
    try {
      text = readFileSync(raw.slice(1), "utf8");
    } catch {
      throw new UsageError("INPUT404", `cannot read ${what} file ${raw.slice(1)}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      "INPUT400",
      `${what} is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

export function describeError(error: FlowError): string {
  const node = typeof error.details.node === "string" ? ` in node ${error.details.node}` : "";
  return `${error.code}${node}: ${error.message}`;
}

/** A node's bug: the frames of its stack (the first line repeats the message), one a line. */
function stackFrames(error: FlowError): string {
  const stack = error.details.stack;
  if (typeof stack !== "string") return "";
  const frames = stack.split("\n").filter((line) => /^\s+at /.test(line));
  return frames.length === 0 ? "" : `${frames.join("\n")}\n`;
}

/** Prints a run's outcome: the status line on stderr, the halt record as JSON on stdout. */
export function reportOutcome(outcome: RunOutcome, io: RunIo): number {
  switch (outcome.status) {
    case "completed":
      io.stderr(`run ${outcome.runId} completed\n`);
      return EXIT_OK;
    case "halted": {
      const deadline = outcome.deadline === undefined ? undefined : new Date(outcome.deadline).toISOString();
      io.stdout(
        `${JSON.stringify({ status: "halted", run_id: outcome.runId, node: outcome.node, ...(outcome.event === undefined ? { checkpoint: outcome.checkpoint, token: outcome.token } : { event: outcome.event }), ...(outcome.deadline === undefined ? {} : { deadline_at: outcome.deadline }), details: outcome.details })}\n`,
      );
      const until = deadline === undefined ? "" : ` until ${deadline} (then "flows wake" expires it)`;
      io.stderr(
        outcome.event === undefined
          ? `run ${outcome.runId} halted at checkpoint "${outcome.checkpoint}" (node ${outcome.node})${until}\n` +
              `resume it with: flows resume ${outcome.runId} --checkpoint ${outcome.checkpoint} --input '<json>'\n`
          : `run ${outcome.runId} waits for event "${outcome.event}" (node ${outcome.node})${until}\n` +
              `send it with: flows event ${outcome.runId} ${outcome.event} --input '<json>'\n`,
      );
      return EXIT_OK;
    }
    case "suspended":
      io.stderr(
        `run ${outcome.runId} suspended until ${new Date(outcome.wakeAt).toISOString()}: "flows wake" continues it then\n`,
      );
      return EXIT_OK;
    default:
      io.stderr(
        `run ${outcome.runId} ${outcome.status}: ${describeError(outcome.error)}\n${stackFrames(outcome.error)}`,
      );
      return EXIT_FAILED;
  }
}
