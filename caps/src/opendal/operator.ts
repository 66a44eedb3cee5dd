import { resolve } from "node:path";
import { Operator, TimeoutLayer } from "opendal";
import { CapError } from "../errors";

export type OpendalService = "memory" | "fs" | "s3";

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/** What is wrong with an OpenDAL provider's options, or undefined. Used by preflight. */
export function checkOperatorOptions(service: OpendalService, options: Readonly<Record<string, unknown>>) {
  if (service === "fs" && text(options.root) === undefined) {
    return 'opendal.fs needs "options": { "root": "<folder>" }';
  }
  if (service === "s3") {
    const missing = ["endpoint", "bucket"].filter((field) => text(options[field]) === undefined);
    if (missing.length > 0)
      return `opendal.s3 needs ${missing.map((field) => `"${field}"`).join(" and ")} in "options"`;
  }
  return undefined;
}

/** Secret names an S3 configuration refers to: `accessKeyIdSecret` and `secretAccessKeySecret`. */
export function s3SecretNames(options: Readonly<Record<string, unknown>>): string[] {
  return [text(options.accessKeyIdSecret), text(options.secretAccessKeySecret)].filter(
    (name): name is string => name !== undefined,
  );
}

/**
 * An OpenDAL operator from a manifest entry's options. `fs` writes through a temporary folder
 * and renames, so a killed process never leaves a torn file; `s3` (R2's S3 API) gets a
 * request timeout, so an unreachable endpoint fails with a retryable error instead of hanging.
 */
export function createOperator(
  service: OpendalService,
  options: Readonly<Record<string, unknown>>,
  secrets: Readonly<Record<string, string>> = {},
): Operator {
  const problem = checkOperatorOptions(service, options);
  if (problem !== undefined) throw new CapError("CAP400", problem, { service });
  if (service === "memory") return new Operator("memory", {});
  if (service === "fs") {
    const root = resolve(text(options.root) ?? ".");
    return new Operator("fs", { root, atomic_write_dir: `${root}/.tmp` });
  }
  const config: Record<string, string> = {
    endpoint: text(options.endpoint) ?? "",
    bucket: text(options.bucket) ?? "",
    region: text(options.region) ?? "auto",
  };
  const root = text(options.root);
  if (root !== undefined) config.root = root;
  const [idName, keyName] = [text(options.accessKeyIdSecret), text(options.secretAccessKeySecret)];
  const accessKeyId = idName === undefined ? undefined : secrets[idName];
  const secretAccessKey = keyName === undefined ? undefined : secrets[keyName];
  if (accessKeyId !== undefined && secretAccessKey !== undefined) {
    config.access_key_id = accessKeyId;
    config.secret_access_key = secretAccessKey;
  } else {
    // Without credentials, do not let OpenDAL go looking for ambient ones (files, metadata service).
    config.allow_anonymous = "true";
    config.disable_config_load = "true";
    config.disable_ec2_metadata = "true";
  }
  const timeout = new TimeoutLayer();
  timeout.timeout = typeof options.timeoutMs === "number" ? options.timeoutMs : 10_000;
  return new Operator("s3", config).layer(timeout.build());
}
