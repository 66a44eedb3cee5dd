import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createBusClient,
  createBusDispatcher,
  createBusJournal,
  createHttpBusChannel,
  journalBusHandlers,
  serveBusOverHttp,
} from "@flows/caps/bus";
import { type ServedFetch, serveFetch } from "@flows/host-container";
import { createMemoryJournal } from "@flows/kernel";
import { afterAll, describe, expect, it } from "vitest";
import { createFsJournal } from "../../cli/src/local/journal";
import { openLocalStore } from "../../cli/src/local/store";
import { journalConformance } from "../support/conformance/journal";
import { busPair } from "./bus-pair";

// The journal a container keeps through the bus, against the host's real stores: memory over
// an in-process bus pair, and OpenDAL fs served over HTTP on loopback.

const roots: string[] = [];
const servers: ServedFetch[] = [];
afterAll(async () => {
  for (const server of servers) await server.close();
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

journalConformance("bus → memory", () =>
  createBusJournal(busPair("journal", journalBusHandlers(createMemoryJournal({ keepFinished: true })))),
);

journalConformance("bus over HTTP → OpenDAL fs", async () => {
  const root = mkdtempSync(join(tmpdir(), "flows-bus-journal-"));
  roots.push(root);
  const dispatcher = createBusDispatcher({
    handlers: { journal: journalBusHandlers(createFsJournal(openLocalStore(root))) },
    allowed: new Set(["journal"]),
  });
  const served = await serveFetch((request) => serveBusOverHttp(request, dispatcher), { port: 0 });
  servers.push(served);
  let receive: (line: string) => void = () => {};
  const channel = createHttpBusChannel({ url: `http://127.0.0.1:${served.port}/bus` }, (line) => receive(line));
  const bus = createBusClient({ send: (line) => channel.send(line) });
  receive = (line) => bus.receive(line);
  return createBusJournal(bus);
});

describe("journal bus handlers", () => {
  it("refuse malformed calls with JOURNAL400 and write nothing", async () => {
    const host = createMemoryJournal({ keepFinished: true });
    const bus = busPair("journal", journalBusHandlers(host));
    await expect(bus.call("journal.read", {})).rejects.toMatchObject({ code: "JOURNAL400" });
    await expect(bus.call("journal.append", { run_id: "r", entries: "nope" })).rejects.toMatchObject({
      code: "JOURNAL400",
    });
    await expect(bus.call("journal.append", { run_id: "r", entries: [{ type: "skipped" }, 3] })).rejects.toMatchObject({
      code: "JOURNAL400",
    });
    expect(await host.list()).toEqual([]);
  });
});
