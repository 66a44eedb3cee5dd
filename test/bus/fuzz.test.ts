import { type ChildProcess, spawn } from "node:child_process";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  BusCallError,
  createBusClient,
  createBusDispatcher,
  createLineReader,
  DEFAULT_MAX_FRAME_BYTES,
} from "@flows/caps/bus";
import { serveBusOnStreams } from "@flows/host-container";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

// The host command bus against what a broken or hostile peer can send: property-based inputs
// from fast-check and hand-made frames. Nothing may throw, hang or leak: every line gets a
// coded answer (or none, for a cancel), every call settles with a result or a coded error.

const CODE = /^(BUS|CAP)\d{3}$/;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const handlers = {
  kv: {
    get: (params: unknown) => (params as { key?: unknown } | null)?.key ?? null,
    slow: async (params: unknown) => {
      await sleep((params as { ms: number }).ms);
      return (params as { value: unknown }).value;
    },
    fail: (params: unknown) => {
      throw Object.assign(new Error("refused"), { code: "CAP400", retryable: false, details: { params } });
    },
    bigint: () => 10n,
    cyclic: () => {
      const value: Record<string, unknown> = {};
      value.self = value;
      return value;
    },
    huge: () => "x".repeat(DEFAULT_MAX_FRAME_BYTES),
    throwsNull: () => {
      throw null;
    },
  },
  do: { get: () => 1 },
};
const dispatcher = () => createBusDispatcher({ handlers, allowed: new Set(["kv"]) });

/** One well-formed answer line: JSON, with a result or a coded error, nothing else on it. */
function expectAnswer(answer: string | undefined): { id: unknown; result?: unknown; error?: { code: string } } {
  expect(answer).toBeDefined();
  expect(answer?.endsWith("\n")).toBe(true);
  expect(answer?.indexOf("\n")).toBe((answer?.length ?? 0) - 1);
  const frame = JSON.parse(answer ?? "") as { id: unknown; result?: unknown; error?: { code: string } };
  if ("error" in frame) expect(frame.error?.code).toMatch(CODE);
  else expect("result" in frame).toBe(true);
  return frame;
}

const HAND_MADE = [
  "",
  "{",
  "}",
  "null",
  "[]",
  "42",
  '"text"',
  "true",
  '{"id":1,"method":"kv.get"}',
  '{"id":null,"method":"kv.get"}',
  '{"id":"a"}',
  '{"id":"a","method":5}',
  '{"id":"a","method":"kv.get","params":{"key":"k"}',
  '{"id":"a","method":"kv.get","params":{"key":"k"}}garbage',
  '{"id":"a","method":"kv.get","params":{"key":"\\ud800"}}',
  '{"id":"a","cancel":true}',
  '{"id":"a","cancel":"yes","method":"kv.get"}',
  '{"__proto__":{"id":"x"},"method":"kv.get"}',
  '{"id":"a","method":"kv.get","id":"b"}',
  "\u0000\u0001\u0002",
  "\uFFFD\uFFFD",
  " ".repeat(1000),
];

const PROTOTYPE_METHODS = [
  "kv.constructor",
  "kv.toString",
  "kv.valueOf",
  "kv.hasOwnProperty",
  "kv.__proto__",
  "kv.__defineGetter__",
  "kv.isPrototypeOf",
  "__proto__.constructor",
  "constructor.constructor",
  "toString.call",
  "kv.get.extra",
  "kv.",
  ".get",
  "kv",
  "",
  "KV.GET",
];

describe("bus fuzzing: the dispatcher", () => {
  it("answers hand-made broken frames with codes", async () => {
    const bus = dispatcher();
    for (const line of HAND_MADE) {
      const answer = await bus.handle(line);
      if (line.includes('"cancel":true')) expect(answer).toBeUndefined();
      else expectAnswer(answer);
    }
  });

  it("answers any string with one coded line, never throwing", async () => {
    const bus = dispatcher();
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary", maxLength: 300 }), async (line) => {
        const answer = await bus.handle(line);
        if (answer !== undefined) expectAnswer(answer);
      }),
      { numRuns: 2_000 },
    );
  });

  it("answers truncated and mutated frames with codes", async () => {
    const bus = dispatcher();
    const frame = fc.record({
      id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
      method: fc.oneof(fc.constantFrom("kv.get", "kv.fail", "do.get", "kv.nope", ...PROTOTYPE_METHODS), fc.string()),
      params: fc.jsonValue(),
    });
    await fc.assert(
      fc.asyncProperty(frame, fc.nat(), fc.nat(), fc.string(), async (value, cut, at, noise) => {
        const text = JSON.stringify(value);
        for (const line of [text, text.slice(0, cut % (text.length + 1)), text.slice(0, at % text.length) + noise]) {
          const answer = await bus.handle(line);
          if (answer !== undefined) expectAnswer(answer);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it("serves no method it was not given: prototype names and extra segments are BUS404", async () => {
    const bus = dispatcher();
    for (const method of PROTOTYPE_METHODS) {
      const answer = expectAnswer(await bus.handle(JSON.stringify({ id: "m", method, params: { key: "k" } })));
      expect(answer.error?.code, method).toBe("BUS404");
    }
    // A real method of a capability the flow did not declare.
    expect(expectAnswer(await bus.handle('{"id":"d","method":"do.get"}')).error?.code).toBe("CAP403");
  });

  it("answers results it cannot encode with codes instead of throwing", async () => {
    const bus = dispatcher();
    for (const method of ["kv.bigint", "kv.cyclic"]) {
      expect(expectAnswer(await bus.handle(JSON.stringify({ id: "e", method }))).error?.code).toBe("BUS500");
    }
    expect(expectAnswer(await bus.handle('{"id":"h","method":"kv.huge"}')).error?.code).toBe("BUS413");
    expect(expectAnswer(await bus.handle('{"id":"n","method":"kv.throwsNull"}')).error?.code).toBe("BUS500");
    const failed = expectAnswer(await bus.handle('{"id":"f","method":"kv.fail","params":{"a":1}}'));
    expect(failed.error).toMatchObject({ code: "CAP400", details: { params: { a: 1 } } });
  });

  it("refuses a duplicate id while the first call is in flight, and serves the first", async () => {
    const bus = dispatcher();
    const first = bus.handle('{"id":"dup","method":"kv.slow","params":{"ms":30,"value":"first"}}');
    const second = expectAnswer(await bus.handle('{"id":"dup","method":"kv.get","params":{"key":"x"}}'));
    expect(second.error?.code).toBe("BUS409");
    expect(expectAnswer(await first).result).toBe("first");
    // Once answered, the id may be used again.
    expect(expectAnswer(await bus.handle('{"id":"dup","method":"kv.get","params":{"key":"x"}}')).result).toBe("x");
    expect(bus.inFlight).toBe(0);
  });
});

describe("bus fuzzing: the client", () => {
  it("ignores any line that is not an answer to a call in flight", async () => {
    const sent: string[] = [];
    const client = createBusClient({ send: (line) => sent.push(line), timeoutMs: 5_000 });
    const call = client.call("kv.get", { key: "k" });
    await sleep(0);
    const id = (JSON.parse(sent[0] ?? "{}") as { id: string }).id;
    await fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary" }),
          fc.jsonValue().map((value) => JSON.stringify(value)),
          fc.record({ id: fc.string(), result: fc.jsonValue() }).map((value) => JSON.stringify(value)),
          fc.constantFrom(...HAND_MADE),
        ),
        (line) => {
          // Answers to unknown ids, garbage and frames without an id leave the call in flight.
          if (line.includes(`"${id}"`)) return;
          client.receive(line);
          expect(client.inFlight).toBe(1);
        },
      ),
      { numRuns: 2_000 },
    );
    client.receive(JSON.stringify({ id, result: "answered" }));
    expect(await call).toBe("answered");
    expect(client.inFlight).toBe(0);
  });

  it("turns a malformed error or an empty answer into a coded BUS502", async () => {
    for (const answer of [
      { error: null },
      { error: 5 },
      { error: "down" },
      { error: { code: 5 } },
      { error: { message: "no code" } },
      {},
    ]) {
      const sent: string[] = [];
      const client = createBusClient({ send: (line) => sent.push(line), timeoutMs: 5_000 });
      const call = client.call("kv.get", { key: "k" });
      await sleep(0);
      const { id } = JSON.parse(sent[0] ?? "{}") as { id: string };
      client.receive(JSON.stringify({ id, ...answer }));
      const failure = await call.then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure, JSON.stringify(answer)).toBeInstanceOf(BusCallError);
      expect((failure as BusCallError).code).toBe("BUS502");
      expect(client.inFlight).toBe(0);
    }
  });

  it("fails calls with BUS503 when the channel cannot send, and frees their slots", async () => {
    let broken = true;
    const dispatcherSide = dispatcher();
    const client = createBusClient({
      send: (line) => {
        if (broken) throw new Error("write after end");
        void dispatcherSide.handle(line).then((answer) => answer && client.receive(answer));
      },
      maxInFlight: 2,
      timeoutMs: 5_000,
      queueTimeoutMs: 1_000,
    });
    const failures = await Promise.allSettled(Array.from({ length: 5 }, () => client.call("kv.get", { key: "k" })));
    for (const failure of failures) expect(failure).toMatchObject({ status: "rejected", reason: { code: "BUS503" } });
    broken = false;
    expect(await Promise.all([client.call("kv.get", { key: "a" }), client.call("kv.get", { key: "b" })])).toEqual([
      "a",
      "b",
    ]);
    expect(client.inFlight).toBe(0);
  });
});

describe("bus fuzzing: the line reader", () => {
  it("gives back the same lines however the bytes are split, dropping only oversized ones", () => {
    const max = 64;
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: "grapheme", maxLength: 40 }).map((line) => line.replace(/[\r\n]/g, "")),
          {
            maxLength: 30,
          },
        ),
        fc.array(fc.nat(), { maxLength: 40 }),
        (lines, cuts) => {
          const encoder = new TextEncoder();
          const bytes = encoder.encode(lines.map((line) => `${line}\n`).join(""));
          const got: string[] = [];
          let oversize = 0;
          const reader = createLineReader({
            maxLineBytes: max,
            onLine: (line) => got.push(line),
            onOversize: () => {
              oversize += 1;
            },
          });
          const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
          let from = 0;
          for (const point of [...points, bytes.length]) {
            reader.push(bytes.subarray(from, point));
            from = point;
          }
          const kept = lines.filter((line) => encoder.encode(line).length <= max && line.trim() !== "");
          expect(got).toEqual(kept);
          expect(oversize).toBe(lines.filter((line) => encoder.encode(line).length > max).length);
          expect(reader.buffered).toBe(0);
        },
      ),
      { numRuns: 1_000 },
    );
  });
});

/**
 * A child process that writes one line of `mib` MiB in 64 KiB chunks, honouring backpressure,
 * then a valid request; it exits when the host writes anything back.
 */
function longLineWriter(mib: number) {
  const script = `
    const chunk = Buffer.alloc(65536, 120);
    let left = ${mib * 16};
    const write = () => {
      while (left > 0) {
        left -= 1;
        if (!process.stdout.write(chunk)) return process.stdout.once("drain", write);
      }
      process.stdout.write('\\n{"id":"after","method":"kv.get","params":{"key":"still here"}}\\n');
      process.stdin.once("data", () => process.exit(0));
    };
    write();
  `;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["pipe", "pipe", "inherit"] });
  if (child.stdout === null || child.stdin === null) throw new Error("no pipes");
  // The child exits on the first byte back; later writes to it fail, harmlessly.
  child.stdin.on("error", () => {});
  return { child, stdout: child.stdout, stdin: child.stdin };
}

// A full collection on demand: without it the read buffers of a fast pipe pile up as garbage
// (tens of MiB, bus or not) and the peak says more about the collector's timing than about
// what the reader holds.
setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as () => void;

/**
 * Peak RSS growth while `run` goes, sampled every 5 ms; garbage is collected every 50 ms, so
 * what grows is mostly what is still held.
 */
async function peakRssGrowth(run: () => Promise<void>): Promise<number> {
  collect();
  const before = process.memoryUsage().rss;
  let peak = before;
  let samples = 0;
  const sampler = setInterval(() => {
    // A full collection costs milliseconds: one every ten samples keeps garbage from piling up.
    samples += 1;
    if (samples % 10 === 0) collect();
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  try {
    await run();
  } finally {
    clearInterval(sampler);
  }
  return Math.max(peak, process.memoryUsage().rss) - before;
}

const MiB = 1024 * 1024;

describe("bus fuzzing: a 64 MiB line through the stream transport", () => {
  it("never holds more than the cap of a long line, whatever its length", () => {
    const max = DEFAULT_MAX_FRAME_BYTES;
    const lines: string[] = [];
    const dropped: number[] = [];
    const reader = createLineReader({ onLine: (line) => lines.push(line), onOversize: (n) => dropped.push(n) });
    const chunk = new Uint8Array(64 * 1024).fill(0x78);
    let most = 0;
    for (let sent = 0; sent < 64 * MiB; sent += chunk.length) {
      reader.push(chunk);
      most = Math.max(most, reader.buffered);
    }
    reader.push(new TextEncoder().encode('\n{"id":"after"}\n'));
    expect(most).toBeLessThanOrEqual(max);
    expect(reader.buffered).toBe(0);
    expect(dropped).toEqual([64 * MiB]);
    expect(lines).toEqual(['{"id":"after"}']);
  });

  it("drops it as it streams in, answers BUS413, and keeps serving; memory stays bounded", async () => {
    const answers: string[] = [];
    let oversized = 0;
    const writers: ChildProcess[] = [];
    try {
      // The floor: the same bytes read from the same kind of pipe and thrown away. Node keeps
      // tens of MiB of read buffers alive until the collector runs, bus or not; the first pass
      // warms that up, so the two measured ones start alike.
      const floorRun = () =>
        new Promise<void>((done) => {
          const { child, stdout, stdin } = longLineWriter(64);
          writers.push(child);
          stdout.on("data", (chunk: Buffer) => {
            if (chunk.includes(0x7d)) {
              stdin.write("\n");
              done();
            }
          });
        });
      await floorRun();
      // The bus: the host reads the pipe with the bounded reader and answers with the dispatcher.
      const bus = await peakRssGrowth(
        () =>
          new Promise<void>((done) => {
            const { child, stdout, stdin } = longLineWriter(64);
            writers.push(child);
            serveBusOnStreams(stdout, stdin, dispatcher(), {
              onOversize: () => {
                oversized += 1;
              },
              onAnswer: (line) => {
                answers.push(line);
                if (line.includes('"after"')) done();
              },
            });
          }),
      );
      const floor = await peakRssGrowth(floorRun);
      console.log(
        `64 MiB line: peak RSS growth ${(bus / MiB).toFixed(1)} MiB through the bus, ` +
          `${(floor / MiB).toFixed(1)} MiB reading the same pipe and discarding`,
      );
      expect(oversized).toBe(1);
      expect(expectAnswer(answers[0]).error?.code).toBe("BUS413");
      expect(expectAnswer(answers[1])).toEqual({ id: "after", result: "still here" });
      // Holding the line would cost 64 MiB; what remains is pipe buffers and the collector's timing.
      expect(bus).toBeLessThan(48 * MiB);
      expect(bus).toBeLessThan(floor + 40 * MiB);
    } finally {
      for (const child of writers) child.kill();
    }
  });
});

describe("bus fuzzing: 5,000 interleaved calls", () => {
  it("settles every call with its result or a code, out of order, and leaks nothing", async () => {
    const bus = dispatcher();
    const channel: string[] = [];
    const client = createBusClient({
      send: (line) => channel.push(line),
      maxInFlight: 512,
      queueTimeoutMs: 60_000,
      timeoutMs: 60_000,
      idempotent: new Set(["kv.get"]),
    });
    // The peer takes lines in random batches and answers each after a random delay.
    const pump = setInterval(() => {
      for (const line of channel.splice(0, 1 + Math.floor(Math.random() * 200))) {
        setTimeout(
          () => {
            void bus.handle(line.trimEnd()).then((answer) => {
              if (answer !== undefined) client.receive(answer);
            });
          },
          Math.floor(Math.random() * 10),
        );
      }
    }, 1);
    try {
      const expected: unknown[] = [];
      const calls: Promise<unknown>[] = [];
      for (let index = 0; index < 5_000; index += 1) {
        const kind = index % 5;
        if (kind === 0) {
          expected.push(`v${index}`);
          calls.push(client.call("kv.slow", { ms: Math.floor(Math.random() * 20), value: `v${index}` }));
        } else if (kind === 1) {
          expected.push("CAP400");
          calls.push(client.call("kv.fail", { index }));
        } else if (kind === 2) {
          // Cancelled at a random moment: before sending, in flight, or after the answer.
          const abort = new AbortController();
          setTimeout(() => abort.abort(), Math.floor(Math.random() * 15));
          expected.push(["BUS499", index]);
          calls.push(client.call("kv.slow", { ms: 5, value: index }, { signal: abort.signal }));
        } else if (kind === 3) {
          // Times out while the handler still runs; its late answer must be ignored.
          expected.push("BUS408");
          calls.push(client.call("kv.slow", { ms: 200, value: index }, { timeoutMs: 20 }));
        } else {
          expected.push(`k${index}`);
          calls.push(client.call("kv.get", { key: `k${index}` }));
        }
      }
      const settled = await Promise.allSettled(calls);
      for (const [index, outcome] of settled.entries()) {
        const want = expected[index];
        if (outcome.status === "fulfilled") {
          expect(Array.isArray(want) ? want[1] : want, `call ${index}`).toEqual(outcome.value);
        } else {
          const code = (outcome.reason as BusCallError).code;
          expect(code, `call ${index}`).toMatch(CODE);
          expect(code).toBe(Array.isArray(want) ? want[0] : want);
        }
      }
      expect(client.inFlight).toBe(0);
      // Late answers to timed-out calls arrive after their handlers finish.
      await sleep(250);
      expect(bus.inFlight).toBe(0);
      // No slot leaked: the full width is usable at once.
      const again = await Promise.all(Array.from({ length: 512 }, (_, i) => client.call("kv.get", { key: i })));
      expect(again).toEqual(Array.from({ length: 512 }, (_, i) => i));
    } finally {
      clearInterval(pump);
    }
  }, 120_000);
});
