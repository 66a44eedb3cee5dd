import { base64ToBytes, bytesToBase64 } from "./base64";
import { busError } from "./frames";
import { partLength, partsOf, STAGE_PART_BYTES, STAGE_WINDOW, type StagedRef } from "./staging";

/** One control call on the bus (`bus.stage`, `bus.unstage`, `bus.drop`), through the client's slots. */
export type PartCall = (method: string, params: unknown) => Promise<unknown>;

/** Runs `count` numbered steps, at most `window` at once; the first failure ends it. */
async function windowed(count: number, window: number, step: (seq: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const seq = next;
      next += 1;
      await step(seq);
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, count) }, lane));
}

/**
 * Sends a request's params (their JSON as UTF-8) in parts to the serving side's staging table,
 * at most `STAGE_WINDOW` unanswered, each part encoded only when its turn comes: the sender holds
 * the message once plus a window of parts. On failure the serving side is told to let go.
 */
export async function uploadStaged(call: PartCall, stage: string, method: string, bytes: Uint8Array): Promise<void> {
  const parts = partsOf(bytes.byteLength, STAGE_PART_BYTES);
  try {
    await windowed(parts, STAGE_WINDOW, async (seq) => {
      const start = seq * STAGE_PART_BYTES;
      const data = bytesToBase64(bytes.subarray(start, start + partLength(bytes.byteLength, STAGE_PART_BYTES, seq)));
      await call("bus.stage", {
        stage,
        method,
        bytes: bytes.byteLength,
        part_bytes: STAGE_PART_BYTES,
        seq,
        data,
      });
    });
  } catch (error) {
    void call("bus.drop", { stage }).catch(() => {});
    throw error;
  }
}

/** Reads a staged answer into one buffer of its size, at most `STAGE_WINDOW` reads in flight. */
export async function downloadStaged(call: PartCall, ref: StagedRef): Promise<Uint8Array> {
  const buffer = new Uint8Array(ref.bytes);
  const parts = partsOf(ref.bytes, ref.part_bytes);
  try {
    await windowed(parts, STAGE_WINDOW, async (seq) => {
      const answer = (await call("bus.unstage", { stage: ref.stage, seq })) as { data?: unknown } | null;
      const data = typeof answer?.data === "string" ? base64ToBytes(answer.data) : undefined;
      if (data === undefined || data.byteLength !== partLength(ref.bytes, ref.part_bytes, seq)) {
        throw busError("BUS502", `part ${seq} of staged answer ${ref.stage} came back malformed`);
      }
      buffer.set(data, seq * ref.part_bytes);
    });
  } catch (error) {
    void call("bus.drop", { stage: ref.stage }).catch(() => {});
    throw error;
  }
  return buffer;
}

/** A staged answer's reference, when the frame is one. */
export function stagedRefOf(value: unknown): StagedRef | undefined {
  const ref = value as Partial<StagedRef> | null;
  if (ref === null || typeof ref !== "object") return undefined;
  const whole = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 0;
  if (typeof ref.stage !== "string" || !whole(ref.bytes) || !whole(ref.part_bytes) || ref.part_bytes === 0) {
    return undefined;
  }
  return { stage: ref.stage, bytes: ref.bytes, part_bytes: ref.part_bytes };
}
