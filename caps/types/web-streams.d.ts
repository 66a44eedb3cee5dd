// The part of the WHATWG streams API that both workerd and Node provide and the capability
// packages use, for portable code compiled without DOM, Node or Workers types.

interface ReadableStreamDefaultReader<R = unknown> {
  read(): Promise<{ done: false; value: R } | { done: true; value?: undefined }>;
  releaseLock(): void;
  cancel(reason?: unknown): Promise<void>;
}

interface ReadableStreamDefaultController<R = unknown> {
  readonly desiredSize: number | null;
  enqueue(chunk: R): void;
  close(): void;
  error(reason?: unknown): void;
}

interface UnderlyingDefaultSource<R = unknown> {
  start?(controller: ReadableStreamDefaultController<R>): void | Promise<void>;
  pull?(controller: ReadableStreamDefaultController<R>): void | Promise<void>;
  cancel?(reason?: unknown): void | Promise<void>;
}

interface ReadableStream<R = unknown> {
  readonly locked: boolean;
  getReader(): ReadableStreamDefaultReader<R>;
  cancel(reason?: unknown): Promise<void>;
}

declare var ReadableStream: {
  prototype: ReadableStream;
  new <R = unknown>(source?: UnderlyingDefaultSource<R>, strategy?: { highWaterMark?: number }): ReadableStream<R>;
};
