import { afterEach, describe, expect, it } from "vitest";
import type { LineDispatcher } from "./dispatcher";
import { serveBusOverHttp } from "./http";

const rejections: unknown[] = [];
const record = (reason: unknown) => rejections.push(reason);
afterEach(() => {
  process.off("unhandledRejection", record);
  rejections.length = 0;
});

describe("serveBusOverHttp", () => {
  it("drops the answers of a caller that went away, with no unhandled rejection", async () => {
    process.on("unhandledRejection", record);
    let release = () => {};
    let dispatched = () => {};
    const arrived = new Promise<void>((resolve) => {
      dispatched = resolve;
    });
    const dispatcher: LineDispatcher = {
      respond: (line) =>
        new Promise<string>((resolve) => {
          release = () => resolve(JSON.stringify({ id: (JSON.parse(line) as { id: number }).id, result: "late" }));
          dispatched();
        }),
    };
    const request = new Request("http://bus.flows.internal/", {
      method: "POST",
      body: `${JSON.stringify({ id: 1, method: "kv.get", params: {} })}\n`,
    });
    const response = await serveBusOverHttp(request, dispatcher);
    await arrived;
    // The caller goes away while the handler is still working; then the handler answers.
    await response.body?.cancel();
    release();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(rejections).toEqual([]);
  });
});
