/**
 * Serialises work per key inside one process: each call waits for the previous holder of the
 * same key. Local providers use it to give a key a single writer, the way a Durable Object does.
 */
export interface KeyedLock {
  run<T>(key: string, work: () => Promise<T> | T): Promise<T>;
}

export function createKeyedLock(): KeyedLock {
  const tails = new Map<string, Promise<unknown>>();
  const start = <T>(work: () => Promise<T> | T): Promise<T> => {
    try {
      // Promise.resolve hands a native promise back as is: an idle key adds no promise to the caller's chain.
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(error);
    }
  };
  return {
    run<T>(key: string, work: () => Promise<T> | T): Promise<T> {
      const previous = tails.get(key);
      const result = previous === undefined ? start(work) : previous.then(() => work());
      const release = () => {
        if (tails.get(key) === tail) tails.delete(key);
      };
      // The tail never rejects, so one failed holder does not poison the key for the next.
      const tail: Promise<unknown> = result.then(release, release);
      tails.set(key, tail);
      return result;
    },
  };
}
