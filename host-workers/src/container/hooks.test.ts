import { afterEach, describe, expect, it, vi } from "vitest";
import { CONTAINER_ERROR_CODES, containerFailure } from "./errors";
import { createHookRunner } from "./hooks";

describe("container hooks", () => {
  afterEach(() => vi.restoreAllMocks());

  const runner = (hooks: Parameters<typeof createHookRunner<{ who: string }>>[0]) => {
    const pending: Promise<unknown>[] = [];
    const run = createHookRunner(
      hooks,
      () => ({ who: "env" }),
      (promise) => pending.push(promise),
    );
    return { run, settled: () => Promise.all(pending) };
  };

  it("hands each hook its event and the Worker's env, beside the caller", async () => {
    const seen: unknown[] = [];
    const { run, settled } = runner({
      onStart: (event, env) => {
        seen.push(["start", event, env.who]);
      },
      onError: async (event) => {
        seen.push(["error", event]);
      },
    });
    run.started({ instance: "a", at: "2026-12-04T00:00:00.000Z", starts_total: 1 });
    run.stopped({ instance: "a", at: "x", exit_code: 0, crash: false, requested: true, restart: false });
    run.failed("a", containerFailure(CONTAINER_ERROR_CODES.environment, "no secret", { secrets: ["K"] }));
    await settled();
    expect(seen).toEqual([
      ["start", { instance: "a", at: "2026-12-04T00:00:00.000Z", starts_total: 1 }, "env"],
      [
        "error",
        {
          instance: "a",
          at: expect.any(String),
          code: "CONTAINER_ENV",
          message: "no secret",
          details: { secrets: ["K"] },
          retryable: false,
        },
      ],
    ]);
  });

  it("a hook that throws is logged, never rethrown", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => lines.push(line));
    const { run, settled } = runner({
      onStart: () => {
        throw new Error("pager is down");
      },
    });
    expect(() => run.started({ instance: "b", at: "x", starts_total: 1 })).not.toThrow();
    await settled();
    expect(lines.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({
        message: "container hook failed",
        hook: "onStart",
        instance: "b",
        error: "pager is down",
      }),
    );
  });
});
