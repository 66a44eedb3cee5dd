import { describe, expect, it } from "vitest";
import { RunAbort } from "./run-abort";

describe("RunAbort", () => {
  it("reaches every subscriber still listening, once, with the first reason", () => {
    const run = new RunAbort();
    const heard: unknown[] = [];
    const listeners = Array.from({ length: 100 }, (_, index) => ({
      abort: (reason: unknown) => heard.push([index, reason]),
    }));
    for (const listener of listeners) run.listen(listener);
    run.unlisten(listeners[7] as (typeof listeners)[number]);
    run.abort("stop");
    run.abort("again");
    expect(heard).toHaveLength(99);
    expect(heard).not.toContainEqual([7, "stop"]);
    expect(heard).toContainEqual([8, "stop"]);
    expect(run.reason).toBe("stop");
    expect(() => run.throwIfAborted()).toThrow("stop");
  });

  it("answers at once when the run has already aborted, and its signal is born aborted", () => {
    const run = new RunAbort();
    run.abort("gone");
    const heard: unknown[] = [];
    run.listen({ abort: (reason) => heard.push(reason) });
    expect(heard).toEqual(["gone"]);
    expect(run.signal.aborted).toBe(true);
    expect(run.signal.reason).toBe("gone");
  });

  it("aborts a signal made before the run stops", () => {
    const run = new RunAbort();
    const signal = run.signal;
    expect(signal.aborted).toBe(false);
    run.abort("late");
    expect(signal.reason).toBe("late");
  });
});
