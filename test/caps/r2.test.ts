import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createR2Api } from "@flows/cap-r2";
import { createOpendalR2Provider, r2OpendalS3Provider } from "@flows/cap-r2/opendal";
import { Operator } from "opendal";
import { afterAll, describe, expect, it } from "vitest";
import { r2Conformance } from "./r2.conformance";

const roots: string[] = [];
const freshRoot = () => {
  const root = mkdtempSync(join(tmpdir(), "flows-r2-"));
  roots.push(root);
  return root;
};
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

r2Conformance("opendal.memory", () => createOpendalR2Provider(new Operator("memory", {})));
r2Conformance("opendal.fs", () => createOpendalR2Provider(new Operator("fs", { root: freshRoot() })));

describe("opendal.s3 against an endpoint nobody listens on", () => {
  const make = () =>
    r2OpendalS3Provider.create({
      capability: "r2",
      kind: "opendal.s3",
      bindingName: undefined,
      binding: undefined,
      secrets: { R2_ID: "id", R2_SECRET: "secret" },
      options: {
        endpoint: "http://127.0.0.1:9",
        bucket: "flows",
        region: "auto",
        accessKeyIdSecret: "R2_ID",
        secretAccessKeySecret: "R2_SECRET",
        timeoutMs: 2000,
      },
    });

  it("fails every operation fast with the retryable CAP503", async () => {
    const r2 = createR2Api(await make());
    const started = Date.now();
    for (const attempt of [
      () => r2.head("k"),
      () => r2.get("k"),
      () => r2.put("k", "v"),
      () => r2.list({ prefix: "p/" }),
      () => r2.delete("k"),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ code: "CAP503", retryable: true });
    }
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("names the secrets it needs, so preflight can require them", () => {
    expect(r2OpendalS3Provider.secretsFor?.({ accessKeyIdSecret: "A", secretAccessKeySecret: "B" })).toEqual([
      "A",
      "B",
    ]);
    expect(r2OpendalS3Provider.checkOptions?.({ endpoint: "http://x" })).toContain('"bucket"');
  });
});
