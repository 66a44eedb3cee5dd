import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { basename } from "node:path";

// STAND-IN for the npm registry's copy of the @flows packages, which cannot be published from
// here: a loopback server that answers npm's two requests (a package's metadata, then its
// tarball) for exactly the tarballs `npm pack` produced. npm is pointed at it for the @flows
// scope only (`@flows:registry=` in .npmrc); every other package comes from the real registry.

export interface PackedPackage {
  readonly name: string;
  readonly version: string;
  /** The tarball `npm pack` wrote. */
  readonly file: string;
  /** The package.json inside it (what npm resolves dependencies from). */
  readonly manifest: Record<string, unknown>;
}

export interface ScopedRegistry {
  readonly url: string;
  /** Requests served, by path: what npm asked for. */
  readonly requests: readonly string[];
  close(): Promise<void>;
}

export async function startScopedRegistry(packages: readonly PackedPackage[]): Promise<ScopedRegistry> {
  const requests: string[] = [];
  let base = "";
  const tarballs = new Map(packages.map((pkg) => [basename(pkg.file), pkg.file]));
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://registry").pathname);
    requests.push(path);
    const tarball = tarballs.get(path.replace(/^\/-\//, ""));
    if (tarball !== undefined) {
      response.writeHead(200, { "content-type": "application/octet-stream" });
      response.end(readFileSync(tarball));
      return;
    }
    const name = path.slice(1);
    const versions = packages.filter((pkg) => pkg.name === name);
    if (versions.length === 0) {
      response.writeHead(404, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: "not found" }));
      return;
    }
    const packument = {
      name,
      "dist-tags": { latest: versions.at(-1)?.version },
      versions: Object.fromEntries(
        versions.map((pkg) => {
          const bytes = readFileSync(pkg.file);
          return [
            pkg.version,
            {
              ...pkg.manifest,
              dist: {
                tarball: `${base}/-/${basename(pkg.file)}`,
                shasum: createHash("sha1").update(bytes).digest("hex"),
                integrity: `sha512-${createHash("sha512").update(bytes).digest("base64")}`,
              },
            },
          ];
        }),
      ),
    };
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify(packument));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
