import type { JsonValue } from "@flows/caps";

export interface QueueSendOptions {
  /** Seconds before the message may be delivered: 0–43200 (12 hours). */
  readonly delaySeconds?: number;
}

export interface QueueMessageInput {
  readonly body: JsonValue;
  readonly delaySeconds?: number;
}

/**
 * What a node calls. Bodies are JSON values on every provider (the local queue stores them as
 * JSON text, and Cloudflare delivers them as JSON), at most 128 KB each.
 */
export interface QueueApi {
  send(body: JsonValue, options?: QueueSendOptions): Promise<void>;
  /** Up to 100 messages and 256 KB together; `options.delaySeconds` applies to those without their own. */
  sendBatch(messages: readonly QueueMessageInput[], options?: QueueSendOptions): Promise<void>;
}

/** What a provider implements; bodies arrive checked and already as JSON text. */
export interface QueueProvider {
  send(bodyJson: string, delaySeconds: number | undefined): Promise<void>;
  sendBatch(messages: readonly { readonly bodyJson: string; readonly delaySeconds?: number }[]): Promise<void>;
}
