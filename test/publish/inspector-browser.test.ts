import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFlow } from "../support/flow-builder";
import { launchChromium } from "./browser";
import { buildCli, flows, flowsBin, type Running, repoRoot, start } from "./support";

// The run inspector in a real headless Chromium against `flows dev`: sign in, watch runs appear,
// read a run's graph with each node's state, open a failed node's stack at its .ts line,
// approve a halted run and cancel a running one. Screenshots of the list and of a run's
// detail are written to docs/screenshots/ (linked from the README).

const TOKEN = "inspector-browser-token-5d1e";
const scratch = mkdtempSync(join(tmpdir(), "flows-inspector-"));
const project = join(scratch, "shop");
const screenshots = join(repoRoot, "docs", "screenshots");
let dev: Running | undefined;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let base = "";

const NODES = `// Node code of the inspector's browser test: a chain, a slow chain, a halt and a bug.
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Order {
  readonly id?: string;
  readonly items?: readonly { readonly price: number }[];
}

export default {
  "orders::receive": (input: unknown) => input,
  "orders::price": (input: Order) => ({ ...input, total: (input.items ?? []).reduce((sum, item) => sum + item.price, 0) }),
  "orders::notify": (input: Order & { total: number }) => ({ notified: input.id ?? "anonymous", total: input.total }),
  "orders::archive": (input: Order) => ({ archived: input.id ?? "anonymous" }),
  "slow::start": (input: unknown) => input,
  "slow::first": async (input: unknown) => {
    await pause(1500);
    return input;
  },
  "slow::second": async (input: unknown) => {
    await pause(4000);
    return input;
  },
  "approve::request": (input: unknown) => input,
  "approve::decide": async (input: unknown, ctx: { halt<T>(checkpoint: string, details?: unknown): Promise<T> }) => {
    const decision = await ctx.halt<{ approved: boolean }>("manager", { asked: input });
    return { approved: decision.approved };
  },
  "broken::request": (input: unknown) => input,
  "broken::explode": (input: { settings?: { deep: string } }) => {
    // The bug the page must point at: settings is missing from the input.
    return { value: (input.settings as { deep: string }).deep.toUpperCase() };
  },
};
`;

beforeAll(async () => {
  buildCli();
  const init = flows(["init", "shop"], scratch);
  if (init.status !== 0) throw new Error(init.stderr);
  const documents = {
    orders: buildFlow("orders", {
      nodes: { receive: { kind: "trigger" }, price: {}, notify: {}, archive: {} },
      edges: [
        ["receive", "price"],
        ["price", "notify"],
        ["receive", "archive"],
      ],
    }),
    slow: buildFlow("slow", {
      nodes: { start: {}, first: {}, second: {} },
      edges: [
        ["start", "first"],
        ["first", "second"],
      ],
    }),
    approve: buildFlow("approve", {
      nodes: { request: { kind: "trigger" }, decide: {} },
      edges: [["request", "decide"]],
      checkpoints: ["manager"],
    }),
    broken: buildFlow("broken", {
      nodes: { request: { kind: "trigger" }, explode: {} },
      edges: [["request", "explode"]],
    }),
  };
  const manifestFile = join(project, "flows.config.json");
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as { flows: string[]; nodes?: string[] };
  for (const [name, document] of Object.entries(documents)) {
    writeFileSync(join(project, `${name}.flow.json`), JSON.stringify(document, null, 2));
    manifest.flows.push(`${name}.flow.json`);
  }
  writeFileSync(join(project, "shop-nodes.ts"), NODES);
  manifest.nodes = [...(manifest.nodes ?? []), "shop-nodes.ts"];
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
  writeFileSync(join(project, ".dev.vars"), `FLOWS_API_TOKEN=${TOKEN}\nFLOWS_RESUME_SECRET=${TOKEN}-resume\n`);

  dev = start(process.execPath, [flowsBin, "dev", "--port", "0"], project);
  const output = await dev.waitFor(/curl http:\S+\/health\n/, 90_000);
  base = (/run inspector on (http:\/\/127\.0\.0\.1:\d+)\/_flows\//.exec(output) as RegExpExecArray)[1] as string;
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  page = await context.newPage();
  // A locator waits at most this long per attempt; the polls around it wait longer.
  page.setDefaultTimeout(10_000);
  mkdirSync(screenshots, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await dev?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const api = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = (await response.json()) as Record<string, unknown>;
  // A failed run answers 500 with its error; a 4xx is the test's mistake.
  if (response.status >= 400 && response.status < 500)
    throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
};

const runStatus = (page: Page) => page.locator("#run-status");

/** Polls until the expectation holds: generous, for a machine busy with the rest of the suite. */
const eventually = <T>(probe: () => T | Promise<T>, timeout = 15_000) => expect.poll(probe, { timeout, interval: 100 });

describe("the run inspector in Chromium", () => {
  it("asks for the token, refuses a wrong one, and signs in with the right one", async () => {
    await page.goto(`${base}/_flows/`);
    await page.getByLabel("API token").fill("wrong-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await eventually(() => page.getByRole("alert").textContent()).toContain("not the Worker's API token");
    expect(page.url()).not.toContain("wrong-token");

    await page.getByLabel("API token").fill(TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Runs" }).waitFor();
    expect(page.url()).toBe(`${base}/_flows/`);
    const [cookie, ...others] = await context.cookies();
    expect(others).toEqual([]);
    expect(cookie).toMatchObject({ name: "__Host-flows_session", httpOnly: true, secure: true, sameSite: "Strict" });
    expect(cookie?.value).not.toContain(TOKEN);
  });

  it("shows runs as they start, with live status, and filters them", async () => {
    const ids = ["order-1", "order-2", "order-3"];
    for (const id of ids)
      await api("POST", `/flows/orders/invoke?run_id=${id}&capture=notify`, {
        id,
        items: [{ price: 12 }, { price: 30 }],
      });
    await api("POST", "/flows/broken/invoke?run_id=broken-1", {});
    for (const id of [...ids, "broken-1"]) await page.locator(`tr[data-run="${id}"]`).waitFor({ timeout: 10_000 });
    await eventually(() => page.locator('tr[data-run="order-2"]').getAttribute("data-status")).toBe("completed");
    await eventually(() => page.locator('tr[data-run="broken-1"]').getAttribute("data-status")).toBe("failed");

    // A slow run shows up running, then completed, without a reload.
    await api("POST", "/flows/slow/runs?run_id=slow-1", {});
    await eventually(() => page.locator('tr[data-run="slow-1"]').getAttribute("data-status"), 10_000).toBe("running");
    await page.screenshot({ path: join(screenshots, "runs-list.png"), fullPage: true });
    await eventually(() => page.locator('tr[data-run="slow-1"]').getAttribute("data-status"), 15_000).toBe("completed");

    await page.locator("#filter-status").selectOption("failed");
    await eventually(() => page.locator("tbody tr").count()).toBe(1);
    await eventually(() => page.url()).toContain("#/?status=failed");
    await page.locator("#filter-status").selectOption("");
    await page.locator("#filter-flow").selectOption("orders");
    await eventually(() => page.locator("tbody tr").count()).toBe(3);

    // Pages of two: the newest two, then the older one on request.
    await page.goto(`${base}/_flows/#/?flow=orders&limit=2`);
    await eventually(() => page.locator("tbody tr").count()).toBe(2);
    await page.getByRole("button", { name: "Older runs" }).click();
    await eventually(() => page.locator("tbody tr").count()).toBe(3);
    expect(
      await page.locator("tbody tr").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-run"))),
    ).toEqual(["order-3", "order-2", "order-1"]);
    await eventually(() => page.locator("#older-runs").isHidden()).toBe(true);
  });

  it("draws a run's graph with each node's state, its timeline and a node's input and output", async () => {
    await page.goto(`${base}/_flows/#/runs/order-1`);
    await eventually(() => runStatus(page).textContent()).toBe("completed");
    const nodes = page.locator("svg.graph g.node");
    await eventually(() => nodes.count()).toBe(4);
    for (const alias of ["receive", "price", "notify", "archive"]) {
      expect(await page.locator(`svg.graph g.node[data-node="orders::${alias}"]`).getAttribute("data-state")).toBe(
        "completed",
      );
    }
    expect(await page.locator("svg.graph path.edge").count()).toBe(3);
    expect(await page.locator(".timeline-row").count()).toBe(4);
    await page.locator('svg.graph g.node[data-node="orders::price"]').click();
    await eventually(() => page.locator(".node-panel").textContent()).toContain('"total": 42');
    await page.screenshot({ path: join(screenshots, "run-detail.png"), fullPage: true });
  });

  it("opens a failed node and shows its stack at the .ts line", async () => {
    await page.goto(`${base}/_flows/#/runs/broken-1`);
    await eventually(() => runStatus(page).textContent()).toBe("failed");
    const failed = page.locator('svg.graph g.node[data-node="broken::explode"]');
    await eventually(() => failed.getAttribute("data-state")).toBe("failed");
    await failed.click();
    const stack = page.locator(".node-panel pre.stack");
    await stack.waitFor();
    // The line of the bug in the node module, as written.
    const line = NODES.split("\n").findIndex((text) => text.includes(".deep.toUpperCase()")) + 1;
    expect(await stack.textContent()).toContain(`shop-nodes.ts:${line}:`);
    expect(await page.locator(".node-panel").textContent()).toContain("NODE500");
    await page.screenshot({ path: join(screenshots, "failed-node.png"), fullPage: true });
  });

  it("approves a halted run with a payload and watches it complete", async () => {
    const halted = await api("POST", "/flows/approve/invoke?run_id=approve-1", { amount: 900 });
    expect(halted).toMatchObject({ status: "halted" });
    await page.goto(`${base}/_flows/#/runs/approve-1`);
    await eventually(() => runStatus(page).textContent()).toBe("halted");
    expect(await page.locator('svg.graph g.node[data-node="approve::decide"]').getAttribute("data-state")).toBe(
      "halted",
    );
    expect(await page.locator(".approve").textContent()).toContain('"amount": 900');
    await page.screenshot({ path: join(screenshots, "run-halted.png"), fullPage: true });
    await page.getByLabel("Payload (JSON) for the halted node").fill('{"approved": true}');
    await page.getByRole("button", { name: "Approve and resume" }).click();
    await eventually(() => runStatus(page).textContent(), 10_000).toBe("completed");
    const detail = await api("GET", "/runs/approve-1");
    expect(detail).toMatchObject({ status: "completed", output: { approved: true } });
  });

  it("refuses a cancel posted by another site's page, and by another origin of the same site", async () => {
    await api("POST", "/flows/slow/runs?run_id=slow-victim", {});
    const target = `${base}/runs/slow-victim/cancel`;
    // A page elsewhere that posts a form to the Worker as soon as it loads, with the signed-in browser.
    const evil = createServer((_, response) => {
      response.writeHead(200, { "content-type": "text/html" });
      response.end(
        `<form id="f" method="post" action="${target}"></form><script>document.getElementById("f").submit()</script>`,
      );
    });
    await new Promise<void>((ready) => evil.listen(0, "127.0.0.1", ready));
    const port = (evil.address() as AddressInfo).port;
    try {
      // localhost is another site than 127.0.0.1: SameSite=Strict keeps the cookie home.
      const other = await context.newPage();
      await other.goto(`http://localhost:${port}/`);
      await other.waitForURL(target);
      expect(JSON.parse((await other.textContent("body")) ?? "")).toMatchObject({ code: "AUTH401" });
      // 127.0.0.1 on another port is the same site but another origin: the cookie goes, the Worker refuses.
      await other.goto(`http://127.0.0.1:${port}/`);
      await other.waitForURL(target);
      expect(JSON.parse((await other.textContent("body")) ?? "")).toMatchObject({ code: "AUTH403" });
      await other.close();
    } finally {
      evil.close();
    }
    expect(await api("GET", "/runs/slow-victim")).toMatchObject({ status: "running" });
  });

  it("refuses an API token in the URL", async () => {
    const other = await context.newPage();
    const answer = await other.goto(`${base}/_flows/?token=${TOKEN}`);
    expect(answer?.status()).toBe(400);
    expect(JSON.parse((await other.textContent("body")) ?? "")).toMatchObject({ code: "AUTH400" });
    expect(await other.textContent("body")).not.toContain(TOKEN);
    await other.close();
  });

  it("cancels a running run", async () => {
    await api("POST", "/flows/slow/runs?run_id=slow-cancel", {});
    await page.goto(`${base}/_flows/#/runs/slow-cancel`);
    await eventually(() => runStatus(page).textContent()).toBe("running");
    await page.getByRole("button", { name: "Cancel run" }).click();
    await eventually(() => runStatus(page).textContent(), 10_000).toBe("cancelled");
  });

  it("says so when the browser does not keep the Secure cookie (plain HTTP off localhost)", async () => {
    // inspector.test resolves to the loopback, but is neither HTTPS nor localhost.
    const plain = await launchChromium(["--host-resolver-rules=MAP inspector.test 127.0.0.1"]);
    try {
      const other = await plain.newPage();
      await other.goto(`${base.replace("127.0.0.1", "inspector.test")}/_flows/`);
      await other.getByLabel("API token").fill(TOKEN);
      await other.getByRole("button", { name: "Sign in" }).click();
      await eventually(() => other.getByRole("alert").textContent()).toContain("did not keep the session cookie");
      expect(await other.context().cookies()).toEqual([]);
    } finally {
      await plain.close();
    }
  });

  it("signs out: the cookie is gone and the API answers 401 again", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("API token").waitFor();
    expect(await context.cookies()).toEqual([]);
    const answer = await page.evaluate(async () => (await fetch("/flows")).status);
    expect(answer).toBe(401);
  });

  it("logged the token nowhere", () => {
    // stdout carries the ready-to-paste curl commands; the log stream is stderr.
    const stderr =
      dev
        ?.output()
        .split("\n")
        .filter((line) => !line.startsWith("curl ")) ?? [];
    expect(stderr.join("\n")).toContain("/_flows/login");
    for (const line of stderr) expect(line).not.toContain(TOKEN);
  });
});
