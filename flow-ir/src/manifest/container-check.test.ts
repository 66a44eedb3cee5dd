import { describe, expect, it } from "vitest";
import { checkManifestText } from "./check";

const withContainer = (container: Record<string, unknown>) =>
  checkManifestText(JSON.stringify({ name: "shop", container }, null, 2));

const found = (result: ReturnType<typeof checkManifestText>) =>
  result.diagnostics.map((d) => [d.code, d.severity, d.path, d.message]);

describe("the manifest's container section", () => {
  it("accepts every named instance type and custom sizes inside the documented bounds", () => {
    for (const type of ["lite", "basic", "standard-1", "standard-2", "standard-3", "standard-4"]) {
      expect(withContainer({ instance_type: type }).diagnostics).toEqual([]);
    }
    for (const size of [
      { vcpu: 1, memory_mib: 3072, disk_mb: 6000 },
      { vcpu: 2, memory_mib: 6144, disk_mb: 12_000 },
      { vcpu: 4, memory_mib: 12_288, disk_mb: 20_000 },
    ]) {
      expect(withContainer({ instance_type: size }).diagnostics).toEqual([]);
    }
  });

  it("refuses a name Cloudflare does not have, at the line and column of its member", () => {
    const text =
      '{\n  "name": "shop",\n  "container": {\n    "nodes": ["a::b"],\n    "instance_type": "mega-xl"\n  }\n}\n';
    const result = checkManifestText(text);
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => [d.code, d.path, d.position?.line, d.position?.column])).toEqual([
      ["MANIFEST002", "/container/instance_type", 5, 5],
    ]);
    expect(result.diagnostics[0]?.message).toContain(
      'instance_type "mega-xl" is not a Cloudflare Containers instance type',
    );
    expect(result.diagnostics[0]?.message).toContain("lite, basic, standard-1, standard-2, standard-3, standard-4");
  });

  it("names each documented bound a custom size breaks", () => {
    const messages = (size: Record<string, unknown>) =>
      withContainer({ instance_type: size }).diagnostics.map((d) => d.message);
    expect(messages({ vcpu: 8, memory_mib: 12_288, disk_mb: 20_000 })).toEqual([
      "/container/instance_type: instance_type: vcpu must be between 1 and 4 (for less than 1 vCPU use the named types lite or basic)",
    ]);
    expect(messages({ vcpu: 0.5, memory_mib: 2048, disk_mb: 4000 })[0]).toContain("vcpu must be between 1 and 4");
    expect(messages({ vcpu: 2, memory_mib: 4096, disk_mb: 8000 })).toEqual([
      "/container/instance_type: instance_type: memory_mib must be at least 3 GiB per vCPU: 6144 for 2 vCPU",
    ]);
    expect(messages({ vcpu: 4, memory_mib: 16_384, disk_mb: 20_000 })[0]).toContain("at most 12288 (12 GiB)");
    expect(messages({ vcpu: 1, memory_mib: 4096, disk_mb: 9000 })).toEqual([
      "/container/instance_type: instance_type: disk_mb must be at most 2 GB per GiB of memory: 8000 for 4096 MiB",
    ]);
    expect(messages({ vcpu: 4, memory_mib: 12_288, disk_mb: 24_000 })[0]).toContain("at most 20000 (20 GB)");
    // wrangler refuses other keys in a custom size, so the manifest does too.
    expect(messages({ vcpu: 1, memory_mib: 4096, disk_mb: 4000, gpu: 1 })[0]).toContain(
      "is not a Cloudflare Containers instance type",
    );
  });

  it("warns about a deprecated name and says which replaced it (MANIFEST005)", () => {
    expect(found(withContainer({ instance_type: "dev" }))).toEqual([
      [
        "MANIFEST005",
        "warning",
        "/container/instance_type",
        '/container/instance_type: "dev" is deprecated; use "lite"',
      ],
    ]);
  });

  it("takes container secrets by name, refusing names the runtime owns", () => {
    expect(withContainer({ secrets: ["GIT_TOKEN", "api_key"] }).diagnostics).toEqual([]);
    const bad = withContainer({ secrets: ["GIT TOKEN", "PORT", "FLOWS_BUS_URL"] });
    expect(bad.diagnostics.map((d) => d.path)).toEqual([
      "/container/secrets/0",
      "/container/secrets/1",
      "/container/secrets/2",
    ]);
    expect(bad.diagnostics[1]?.message).toContain("PORT and FLOWS_* are the container runtime's own variables");
  });

  it("takes an image as a registry reference, an extension of ours, or a Dockerfile of the user's", () => {
    expect(withContainer({ image: "registry.cloudflare.com/acct/app:1" }).diagnostics).toEqual([]);
    expect(
      withContainer({ image: { base: "node:20.20.0-bookworm", packages: ["git", "curl=7.88.1-10+deb12u12"] } })
        .diagnostics,
    ).toEqual([]);
    expect(withContainer({ image: { dockerfile: "container.Dockerfile" } }).diagnostics).toEqual([]);
    expect(withContainer({ enable_internet: false }).diagnostics).toEqual([]);
  });

  it("refuses image settings that could not build or would inject into the Dockerfile", () => {
    const paths = (image: unknown) => withContainer({ image }).diagnostics.map((d) => [d.path, d.message]);
    expect(paths({ packages: ["git; rm -rf /"] })).toEqual([
      ["/container/image/packages/0", expect.stringContaining("Debian package name")],
    ]);
    expect(paths({ base: "node:20\nRUN curl evil" })).toEqual([
      ["/container/image/base", expect.stringContaining("image reference")],
    ]);
    expect(paths({ dockerfile: "Dockerfile", packages: ["git"] })).toEqual([
      ["/container/image", expect.stringContaining("a dockerfile is the whole image")],
    ]);
    expect(withContainer({ enable_internet: "yes" }).diagnostics[0]?.path).toBe("/container/enable_internet");
  });
});
