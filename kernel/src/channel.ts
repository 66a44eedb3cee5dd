/**
 * A bounded single-consumer channel: the producer waits when `capacity` items are queued,
 * so a slow consumer slows the producer instead of growing memory. Closing it from the
 * consumer side (return()) tells the producer to stop.
 */
export interface Channel<T> extends AsyncIterable<T> {
  /** Resolves once the item is queued; false when the consumer has gone away. */
  push(item: T): Promise<boolean>;
  close(): void;
  fail(error: unknown): void;
  readonly cancelled: boolean;
  onCancel(listener: () => void): void;
}

export function createChannel<T>(capacity: number): Channel<T> {
  const queue: T[] = [];
  let closed = false;
  let failure: { error: unknown } | undefined;
  let cancelled = false;
  let wakeConsumer: (() => void) | undefined;
  let wakeProducer: (() => void) | undefined;
  const cancelListeners: (() => void)[] = [];

  const notifyConsumer = () => {
    wakeConsumer?.();
    wakeConsumer = undefined;
  };
  const notifyProducer = () => {
    wakeProducer?.();
    wakeProducer = undefined;
  };

  return {
    get cancelled() {
      return cancelled;
    },
    onCancel(listener) {
      if (cancelled) listener();
      else cancelListeners.push(listener);
    },
    async push(item) {
      while (!cancelled && queue.length >= capacity) {
        await new Promise<void>((resolve) => {
          wakeProducer = resolve;
        });
      }
      if (cancelled || closed) return false;
      queue.push(item);
      notifyConsumer();
      return true;
    },
    close() {
      closed = true;
      notifyConsumer();
    },
    fail(error) {
      failure = { error };
      closed = true;
      notifyConsumer();
    },
    [Symbol.asyncIterator](): AsyncIterator<T> {
      return {
        async next(): Promise<IteratorResult<T>> {
          for (;;) {
            if (queue.length > 0) {
              const value = queue.shift() as T;
              notifyProducer();
              return { done: false, value };
            }
            if (failure) throw failure.error;
            if (closed || cancelled) return { done: true, value: undefined };
            await new Promise<void>((resolve) => {
              wakeConsumer = resolve;
            });
          }
        },
        async return(): Promise<IteratorResult<T>> {
          if (!cancelled) {
            cancelled = true;
            queue.length = 0;
            notifyProducer();
            for (const listener of cancelListeners.splice(0)) listener();
          }
          return { done: true, value: undefined };
        },
      };
    },
  };
}
