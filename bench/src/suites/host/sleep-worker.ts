import { createFlowWorker } from "@flows/host-workers";
import { type Clock, systemClock } from "@flows/kernel";
import { chainNodes } from "./chain-flow";

// The bench Worker behind the sleeping-run figures: a flow whose middle node sleeps 30 days.
// Its run object has a bench-only door: `/__bench/size` (the object's SQLite size and its
// journal's bytes), `/__bench/touch` (a request that reaches the object and does nothing: the
// floor) and `/__bench/wake` (move the clock past the wake time, then run the alarm handler).

const DAY = 24 * 60 * 60 * 1000;
let offsetMs = 0;
const clock: Clock = { now: () => systemClock.now() + offsetMs, sleep: systemClock.sleep };

const node = (alias: string, identifier: string, kind = "inline") => ({
  id: `nap::${alias}`,
  alias,
  identifier,
  name: alias,
  kind,
  in_schema: { kind: "opaque" },
  out_schema: { kind: "opaque" },
  effects: "pure",
  determinism: alias === "wait" ? "nondeterministic" : "strict",
});
const edge = (from: string, to: string) => ({ from, to, delivery: "at_least_once", ordering: "ordered", buffer: {} });
const nap = {
  id: "nap",
  name: "nap",
  version: "1.0.0",
  profile: "dev",
  nodes: [node("start", "chain::start", "trigger"), node("wait", "nap::wait"), node("after", "chain::step")],
  edges: [edge("start", "wait"), edge("wait", "after")],
};

const app = createFlowWorker({
  flows: [nap],
  clock,
  nodes: {
    ...chainNodes,
    "nap::wait": async (input, ctx) => {
      await ctx.sleep(30 * DAY);
      return input;
    },
  },
});

export class FlowRunObject extends app.FlowRunObject {
  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/__bench/size") {
      const sql = this.ctx.storage.sql;
      const journal = sql.exec<{ bytes: number }>("SELECT SUM(LENGTH(entry)) AS bytes FROM flows_journal").one().bytes;
      return Response.json({ database_bytes: sql.databaseSize, journal_bytes: journal });
    }
    if (url.pathname === "/__bench/touch") return Response.json({ ok: true });
    if (url.pathname === "/__bench/wake") {
      offsetMs = 31 * DAY;
      await this.alarm?.();
      offsetMs = 0;
      return Response.json({ ok: true });
    }
    return (await super.fetch?.(request)) ?? new Response("no fetch handler", { status: 500 });
  }
}

interface Env extends Record<string, unknown> {
  FLOW_RUNS: DurableObjectNamespace;
}

export default {
  fetch(request: Request, env: Env): Promise<Response> | Response {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/__bench/")) {
      return env.FLOW_RUNS.get(env.FLOW_RUNS.idFromName(url.searchParams.get("run") ?? "")).fetch(request);
    }
    return app.fetch(request, env);
  },
};
