/**
 * The methods of a Workers `Queue` producer and the shape of a delivered `MessageBatch`,
 * declared structurally so this code compiles anywhere; `binding-check.ts` proves the real
 * types satisfy them.
 */
export interface QueueProducerLike {
  send(body: unknown, options?: { contentType?: "json"; delaySeconds?: number }): Promise<unknown>;
  sendBatch(
    messages: Iterable<{ body: unknown; contentType?: "json"; delaySeconds?: number }>,
    options?: { delaySeconds?: number },
  ): Promise<unknown>;
}

export interface MessageLike {
  readonly id: string;
  readonly timestamp: Date;
  readonly body: unknown;
  readonly attempts: number;
  ack(): void;
  retry(options?: { delaySeconds?: number }): void;
}

export interface MessageBatchLike {
  readonly queue: string;
  readonly messages: readonly MessageLike[];
}
