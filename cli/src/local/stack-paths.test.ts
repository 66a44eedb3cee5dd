import { describe, expect, it } from "vitest";
import { projectRelativeStack } from "./stack-paths";

describe("a local run's stack", () => {
  it("names the project's files from the project, and others in full", () => {
    const relative = projectRelativeStack("/home/ada/shop");
    const stack = [
      "TypeError: boom",
      "    at total (/home/ada/shop/src/nodes.ts:12:7)",
      "    at file:///home/ada/shop/flows/order.flow.ts:3:1",
      "    at lib (/home/ada/shop/node_modules/lib/index.js:1:2)",
      "    at other (/home/ada/shopping/x.ts:1:1)",
      "    at run (file:///usr/lib/flows/cli.mjs:9:9)",
    ].join("\n");
    expect(relative(stack).split("\n")).toEqual([
      "TypeError: boom",
      "    at total (src/nodes.ts:12:7)",
      "    at flows/order.flow.ts:3:1",
      "    at lib (/home/ada/shop/node_modules/lib/index.js:1:2)",
      "    at other (/home/ada/shopping/x.ts:1:1)",
      "    at run (file:///usr/lib/flows/cli.mjs:9:9)",
    ]);
  });
});
