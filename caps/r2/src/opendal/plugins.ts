import type { ProviderPlugin } from "@flows/caps";
import { checkOperatorOptions, createOperator, s3SecretNames } from "@flows/caps/opendal";
import type { R2Provider } from "../api";
import { createOpendalR2Provider } from "./provider";

export const r2OpendalMemoryProvider: ProviderPlugin<R2Provider> = {
  kind: "opendal.memory",
  capability: "r2",
  needsBinding: false,
  create: () => createOpendalR2Provider(createOperator("memory", {})),
};

export const r2OpendalFsProvider: ProviderPlugin<R2Provider> = {
  kind: "opendal.fs",
  capability: "r2",
  needsBinding: false,
  checkOptions: (options) => checkOperatorOptions("fs", options),
  create: ({ options }) => createOpendalR2Provider(createOperator("fs", options)),
};

/**
 * R2 through its S3 API (or any S3 service): `options` names `endpoint`, `bucket`, optionally
 * `region` and `timeoutMs`, and the secrets holding the credentials (`accessKeyIdSecret`,
 * `secretAccessKeySecret`), which preflight then requires.
 */
export const r2OpendalS3Provider: ProviderPlugin<R2Provider> = {
  kind: "opendal.s3",
  capability: "r2",
  needsBinding: false,
  checkOptions: (options) => checkOperatorOptions("s3", options),
  secretsFor: s3SecretNames,
  create: ({ options, secrets }) =>
    createOpendalR2Provider(createOperator("s3", options, secrets), { layout: "native" }),
};
