import { describe, expect, it } from "vitest";
import { UsageError } from "../exit";
import { formatLogEntry } from "./log-entry";
import { formatRunList } from "./run-list";
import { readRunQuery, readTime } from "./run-query";

const NOW = Date.parse("2026-12-04T12:00:00.000Z");

describe("run query flags", () => {
  it("reads times as ISO 8601, epoch ms or an age", () => {
    expect(readTime("2026-12-04T11:00:00Z", "since", NOW)).toBe(NOW - 3_600_000);
    expect(readTime("1764830000000", "since", NOW)).toBe(1764830000000);
    expect(readTime("30m", "since", NOW)).toBe(NOW - 1_800_000);
    expect(readTime("7d", "since", NOW)).toBe(NOW - 7 * 86_400_000);
    expect(() => readTime("soon", "until", NOW)).toThrow(/--until "soon" is not a time/);
  });

  it("checks limits and statuses before anything is read", () => {
    expect(readRunQuery({ status: "halted,failed", limit: "10" }, NOW)).toEqual({
      status: ["halted", "failed"],
      limit: 10,
    });
    expect(readRunQuery({}, NOW)).toEqual({ limit: 50 });
    for (const flags of [{ limit: "0" }, { limit: "201" }, { limit: "2.5" }, { status: "paused" }]) {
      expect(() => readRunQuery(flags, NOW)).toThrow(UsageError);
    }
  });
});

describe("formatters", () => {
  it("prints a run list as a table or the array, the next page on stderr", () => {
    const run = {
      run_id: "r1",
      flow: "hello",
      status: "halted",
      trigger: "http",
      started_at: NOW,
      updated_at: NOW,
      finished_at: null,
      checkpoint: "approve",
      wake_at: null,
      error_code: null,
    } as const;
    const text = formatRunList({ runs: [run], next_cursor: "c1" }, "text");
    expect(text.stdout).toBe(
      "RUN  FLOW   STATUS  STARTED                   CHECKPOINT\nr1   hello  halted  2026-12-04T12:00:00.000Z  approve\n",
    );
    expect(text.stderr).toContain("--cursor c1");
    expect(formatRunList({ runs: [run], next_cursor: null }, "json")).toEqual({
      stdout: `${JSON.stringify([run])}\n`,
      stderr: "",
    });
  });

  it("prints one line per journal entry, and the entry itself as JSON", () => {
    const failed = {
      type: "finished" as const,
      status: "failed",
      error: { code: "NODE500", message: "boom", details: {}, retryable: false },
      at: NOW,
    };
    expect(formatLogEntry(12, failed, "text")).toBe(
      " 12  2026-12-04T12:00:00.000Z  finished   failed — NODE500: boom\n",
    );
    expect(formatLogEntry(12, failed, "json")).toBe(`${JSON.stringify(failed)}\n`);
    const retry = {
      type: "retrying" as const,
      node: "pay",
      attempt: 1,
      error: { code: "UP503", message: "busy" },
      retry_at: NOW,
      at: NOW,
    };
    expect(formatLogEntry(3, retry, "text")).toContain(
      "retrying   node pay attempt 1 — UP503: busy; next at 2026-12-04T12:00:00.000Z",
    );
    // A halt's token is left to flows inspect.
    const halted = {
      type: "halted" as const,
      node: "gate",
      checkpoint: "approve",
      token: "secret-halt",
      details: {},
      at: NOW,
    };
    expect(formatLogEntry(4, halted, "text")).not.toContain("secret-halt");
    expect(formatLogEntry(5, { type: "skipped", node: "x" }, "text")).toBe(
      "  5  -                         skipped    node x\n",
    );
  });
});
