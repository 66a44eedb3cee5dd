import { queueHandler } from "@flows/cap-queue/workers";
import { validate } from "@flows/flow-ir";
import { sinkTrigger } from "../caps/queue-sink";

// The Durable Object class behind the cloudflare.do capability, exported so the test
// configuration can bind it (FLOW_STATE).
export { FlowStateObject } from "@flows/cap-do/durable-object";

// An empty SQLite-backed Durable Object: the host-workers journal runs on its storage in tests.
export { JournalObject } from "./journal-object";

// A minimal Worker that proves the portable packages load in workerd unchanged.
export default {
  async fetch(request: Request): Promise<Response> {
    const result = validate(await request.text());
    return Response.json({ ok: result.ok, codes: result.diagnostics.map((d) => d.code) });
  },
  // The queue conformance suite's consumer: the same trigger the local queues run, recording
  // each delivery in QUEUE_SINK for the test to read.
  async queue(batch, env) {
    await queueHandler(
      sinkTrigger((delivery) =>
        env.QUEUE_SINK.put(`${delivery.ns}${delivery.n}/${delivery.attempts}`, JSON.stringify(delivery)),
      ),
    )(batch);
  },
} satisfies ExportedHandler<Cloudflare.Env>;
