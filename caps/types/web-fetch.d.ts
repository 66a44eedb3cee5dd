// The part of the Fetch API that both workerd and Node provide and the bus's HTTP transport
// uses, for portable code compiled without DOM, Node or Workers types.

interface Headers {
  get(name: string): string | null;
  set(name: string, value: string): void;
}

interface RequestInit {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | ReadableStream<Uint8Array> | null;
  readonly signal?: AbortSignal;
}

interface ResponseInit {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

interface Request {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  readonly body: ReadableStream<Uint8Array> | null;
}

declare var Request: {
  prototype: Request;
  new (input: string, init?: RequestInit): Request;
};

interface Response {
  readonly ok: boolean;
  readonly status: number;
  readonly headers: Headers;
  readonly body: ReadableStream<Uint8Array> | null;
  text(): Promise<string>;
}

declare var Response: {
  prototype: Response;
  new (body?: string | ReadableStream<Uint8Array> | null, init?: ResponseInit): Response;
};

declare function fetch(input: string | Request, init?: RequestInit): Promise<Response>;
