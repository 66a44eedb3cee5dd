import { describe, expect, it } from "vitest";
import { createAbortHub } from "./abort-hub";

describe("createAbortHub", () => {
  it("reaches every subscriber still listening, once, through one listener on the signal", () => {
    const controller = new AbortController();
    let added = 0;
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<typeof add>) => {
      added += 1;
      add(...args);
    }) as typeof signal.addEventListener;
    const hub = createAbortHub(signal);
    const heard: unknown[] = [];
    const stops = Array.from({ length: 100 }, (_, index) => hub.subscribe((reason) => heard.push([index, reason])));
    stops[7]?.();
    controller.abort("stop");
    expect(added).toBe(1);
    expect(heard).toHaveLength(99);
    expect(heard).not.toContainEqual([7, "stop"]);
    expect(heard).toContainEqual([8, "stop"]);
  });

  it("answers at once when the run has already aborted", () => {
    const controller = new AbortController();
    controller.abort("gone");
    const heard: unknown[] = [];
    createAbortHub(controller.signal).subscribe((reason) => heard.push(reason));
    expect(heard).toEqual(["gone"]);
  });
});
