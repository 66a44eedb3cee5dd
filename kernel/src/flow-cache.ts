import type { FlowIR } from "@flows/flow-ir";
import type { FlowError } from "./errors";
import type { FlowReader, TextParse } from "./flow-reader";
import { flowVersion } from "./flow-version";

type Read = { flow: FlowIR } | { error: FlowError };

/**
 * What reading a document costs (validation, its content hash) is paid once per isolate, not
 * once per kernel: a Worker builds a kernel in every run object, each from the same documents.
 * Keyed by the document object and the reader, so nothing is shared between documents that
 * merely look alike, and entries go when the documents do.
 */
const reads = new WeakMap<object, Map<FlowReader, Read>>();
const versions = new WeakMap<FlowIR, string>();

/** The reader's verdict on `document`, remembered for as long as the document lives. */
export function readOnce(reader: FlowReader, document: unknown, read: () => Read): Read {
  if (document === null || typeof document !== "object") return read();
  let byReader = reads.get(document);
  if (byReader === undefined) {
    byReader = new Map();
    reads.set(document, byReader);
  }
  let result = byReader.get(reader);
  if (result === undefined) {
    result = read();
    byReader.set(reader, result);
  }
  return result;
}

/** The flow's content hash (`flowVersion`), computed once per flow. */
export function versionOnce(flow: FlowIR): string {
  let version = versions.get(flow);
  if (version === undefined) {
    version = flowVersion(flow);
    versions.set(flow, version);
  }
  return version;
}

/**
 * Documents given as text, parsed once per parser: the parsed object is then the key of
 * `readOnce`. By parser, because parsers differ in what their FLOW001 message says.
 */
const parsed = new WeakMap<TextParse, Map<string, ReturnType<TextParse>>>();
/** Texts kept at most; an isolate serves a handful of flows, so this bounds only misuse. */
const MAX_TEXTS = 256;

export function parseOnce(text: string, parse: TextParse): ReturnType<TextParse> {
  let texts = parsed.get(parse);
  if (texts === undefined) {
    texts = new Map();
    parsed.set(parse, texts);
  }
  let result = texts.get(text);
  if (result === undefined) {
    result = parse(text);
    if (texts.size >= MAX_TEXTS) texts.clear();
    texts.set(text, result);
  }
  return result;
}
