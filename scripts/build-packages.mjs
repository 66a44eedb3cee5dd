// Builds every library package to what `npm pack` publishes: JavaScript and `.d.ts` under
// `dist/`, one file per source file, from the package's own tsconfig(s) (one per runtime where
// a package has Node and Workers entries). Packages build in dependency order, each against the
// `.d.ts` of the ones before it (never their sources), so a declaration that only type-checks
// inside this repository fails here.
//
// TypeScript leaves relative specifiers as written (`./config`); Node's ESM loader and
// TypeScript's node16 resolution need the file name (`./config.js`), so the emitted files get it.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");

/** Package folder → the tsconfig files whose sources it publishes, in dependency order. */
export const LIBRARY_PACKAGES = [
  ["flow-ir", ["tsconfig.json"]],
  ["kernel", ["tsconfig.json"]],
  ["caps", ["tsconfig.json", "tsconfig.opendal.json"]],
  ["caps/kv", ["tsconfig.json", "tsconfig.opendal.json", "tsconfig.workers.json"]],
  ["caps/r2", ["tsconfig.json", "tsconfig.opendal.json", "tsconfig.workers.json"]],
  ["caps/queue", ["tsconfig.json", "tsconfig.opendal.json", "tsconfig.workers.json"]],
  ["caps/do", ["tsconfig.json", "tsconfig.opendal.json", "tsconfig.workers.json"]],
  ["define", ["tsconfig.json"]],
  ["host-workers", ["tsconfig.json"]],
  ["host-container", ["tsconfig.json"]],
];

const RELATIVE = /((?:\bfrom|\bimport)\s*\(?\s*)(["'])(\.{1,2}\/[^"']*)\2/g;

/** `./config` → `./config.js`, `./container` → `./container/index.js`, as the emitted files are laid out. */
function withFileNames(file) {
  const text = readFileSync(file, "utf8");
  const declaration = file.endsWith(".d.ts");
  const rewritten = text.replace(RELATIVE, (whole, head, quote, specifier) => {
    if (/\.(m?js|json)$/.test(specifier)) return whole;
    const base = join(dirname(file), specifier);
    const ext = declaration ? ".d.ts" : ".js";
    const suffix = existsSync(`${base}${ext}`) ? ".js" : existsSync(join(base, `index${ext}`)) ? "/index.js" : "";
    if (suffix === "") throw new Error(`${relative(root, file)}: cannot resolve "${specifier}" in the build output`);
    return `${head}${quote}${specifier}${suffix}${quote}`;
  });
  if (rewritten !== text) writeFileSync(file, rewritten);
}

function* filesUnder(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* filesUnder(path);
    else yield path;
  }
}

export function buildPackage(folder, configs) {
  const dir = join(root, folder);
  if (!existsSync(dir)) return false;
  const out = join(dir, "dist");
  rmSync(out, { recursive: true, force: true });
  for (const config of configs) {
    // A build config beside the package's own: same sources and checks, plus emit, and packages
    // it depends on resolved through their published `exports` (no source condition).
    const buildConfig = join(dir, `.build.${config}`);
    writeFileSync(
      buildConfig,
      JSON.stringify({
        extends: `./${config}`,
        compilerOptions: {
          noEmit: false,
          declaration: true,
          declarationMap: false,
          sourceMap: false,
          outDir: "./dist",
          rootDir: "./src",
          customConditions: null,
        },
      }),
    );
    const result = spawnSync(process.execPath, [tsc, "-p", buildConfig], { stdio: "inherit" });
    rmSync(buildConfig, { force: true });
    if (result.status !== 0) throw new Error(`build failed: ${folder} (${config})`);
  }
  for (const file of filesUnder(out)) {
    if (/\.test\.(js|d\.ts)$/.test(file)) rmSync(file);
    else if (file.endsWith(".js") || file.endsWith(".d.ts")) withFileNames(file);
  }
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const only = process.argv.slice(2);
  const started = performance.now();
  let built = 0;
  for (const [folder, configs] of LIBRARY_PACKAGES) {
    if (only.length > 0 && !only.includes(folder)) continue;
    if (buildPackage(folder, configs)) built += 1;
  }
  console.log(`built ${built} packages in ${Math.round(performance.now() - started)} ms`);
}
