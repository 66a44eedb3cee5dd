import { type Candidate, gates } from "./candidates";

/** The floor: a hand-written loop of `await fn(x)`, as many functions as the shape has nodes. */
export const floorCandidate: Candidate = {
  async prepare(shape) {
    const steps = Array.from({ length: shape.nodes }, () => async (value: unknown) => value);
    if (shape.kind === "chain") {
      return {
        async run() {
          let value: unknown = 1;
          for (const step of steps) value = await step(value);
          if (value !== 1) throw new Error("the floor lost its value");
        },
      };
    }
    // The fan-out: the middle steps at once, then the join.
    const [start, ...rest] = steps;
    const join = rest.pop();
    return {
      async run() {
        const value = await start?.(1);
        const outputs = await Promise.all(rest.map((step) => step(value)));
        await join?.(outputs);
      },
    };
  },
  async parked() {
    const gate = gates();
    const steps = Array.from({ length: 10 }, (_, index) =>
      index === 5 ? (value: unknown) => gate.park(value) : async (value: unknown) => value,
    );
    const pending: Promise<unknown>[] = [];
    const chain = async () => {
      let value: unknown = 1;
      for (const step of steps) value = await step(value);
      return value;
    };
    return {
      async start(count) {
        for (let index = 0; index < count; index += 1) pending.push(chain());
        await gate.parkedAt(count);
      },
      async release() {
        gate.openAll();
        await Promise.all(pending.splice(0));
      },
    };
  },
};
