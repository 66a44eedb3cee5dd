// The web-standard APIs that both workerd and Node provide, and nothing else. Portable
// packages (kernel, caps core) compile against this instead of DOM, Node or Workers types,
// so using an API that only one runtime has fails the typecheck.

interface EventListenerOptionsLike {
  readonly once?: boolean;
  readonly signal?: AbortSignal;
}

interface AbortSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  throwIfAborted(): void;
  addEventListener(type: "abort", listener: () => void, options?: EventListenerOptionsLike): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

declare var AbortSignal: {
  prototype: AbortSignal;
  abort(reason?: unknown): AbortSignal;
  timeout(ms: number): AbortSignal;
  any(signals: readonly AbortSignal[]): AbortSignal;
};

interface AbortController {
  readonly signal: AbortSignal;
  abort(reason?: unknown): void;
}

declare var AbortController: {
  prototype: AbortController;
  new (): AbortController;
};

declare function setTimeout(handler: () => void, ms?: number): unknown;
declare function clearTimeout(id: unknown): void;
declare function queueMicrotask(callback: () => void): void;
declare function structuredClone<T>(value: T): T;
declare function btoa(data: string): string;
declare function atob(data: string): string;

interface Crypto {
  randomUUID(): string;
  getRandomValues<T extends Uint8Array | Uint32Array>(array: T): T;
}
declare var crypto: Crypto;

declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string);
  decode(input?: Uint8Array): string;
}

interface Console {
  log(...data: unknown[]): void;
  error(...data: unknown[]): void;
}
declare var console: Console;
