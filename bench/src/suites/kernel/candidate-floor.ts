import type { Candidate } from "./candidate";
import { createGate, parkWith } from "./gate";
import { serve } from "./serve";
import { PARKED_AT, PARKED_SHAPE } from "./shapes";

// The floor's process: what running a shape costs with no engine at all, as many `await fn(x)`
// as the shape has nodes (a fan-out's branches through `Promise.all`).

type Step = (value: unknown) => Promise<unknown>;
const identity: Step = async (value) => value;

async function chain(steps: readonly Step[]): Promise<unknown> {
  let value: unknown = 1;
  for (const step of steps) value = await step(value);
  return value;
}

const floorCandidate: Candidate = {
  async prepare(shape) {
    if (shape.kind === "chain") {
      const steps = Array.from({ length: shape.nodes }, () => identity);
      return {
        async run() {
          if ((await chain(steps)) !== 1) throw new Error(`${shape.name}: the floor lost its value`);
        },
      };
    }
    const branches = Array.from({ length: shape.size }, () => identity);
    return {
      async run() {
        const value = await identity(1);
        const joined = await identity(await Promise.all(branches.map((branch) => branch(value))));
        if (!Array.isArray(joined) || joined.length !== shape.size)
          throw new Error(`${shape.name}: the floor lost a branch`);
      },
    };
  },
  async parked() {
    const gate = createGate();
    const steps = Array.from(
      { length: PARKED_SHAPE.nodes },
      (_, index): Step => (index === PARKED_AT ? (value) => gate.park(value) : identity),
    );
    return parkWith(gate, () => chain(steps));
  },
};

serve(floorCandidate);
