import { CapError, fitsUtf8, utf8Length } from "@flows/caps";

/** Cloudflare Queues' documented limits; every provider enforces them. */
export const QUEUE_LIMITS = {
  messageBytes: 128_000,
  batchMessages: 100,
  batchBytes: 256_000,
  maxDelaySeconds: 43_200,
} as const;

export function checkDelay(delaySeconds: unknown): number | undefined {
  if (delaySeconds === undefined) return undefined;
  if (
    typeof delaySeconds !== "number" ||
    !Number.isInteger(delaySeconds) ||
    delaySeconds < 0 ||
    delaySeconds > QUEUE_LIMITS.maxDelaySeconds
  ) {
    throw new CapError("CAP400", `delaySeconds must be a whole number from 0 to ${QUEUE_LIMITS.maxDelaySeconds}`, {
      delaySeconds,
    });
  }
  return delaySeconds;
}

/** The body as JSON text, refusing what JSON cannot hold and what is over the size limit. */
export function bodyJson(body: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(body);
  } catch (error) {
    throw new CapError("CAP400", `a message body must be a JSON value: ${String(error)}`, {});
  }
  if (json === undefined) throw new CapError("CAP400", `a message body must be a JSON value, got ${typeof body}`, {});
  if (fitsUtf8(json, QUEUE_LIMITS.messageBytes)) return json;
  const bytes = utf8Length(json);
  throw new CapError("CAP413", `a message body is ${bytes} bytes of JSON; the limit is ${QUEUE_LIMITS.messageBytes}`, {
    bytes,
    limit: QUEUE_LIMITS.messageBytes,
  });
}
