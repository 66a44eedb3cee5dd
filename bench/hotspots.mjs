// Summarises a V8 .cpuprofile taken of the bench bundle: self and inclusive time per function,
// with the source file each function came from. Optionally only the samples taken inside a
// given function (e.g. --under validate leaves ajv and valibot's own runs out).
//
//   npm run bench -- --cpu-prof --cpu-prof-dir=bench/.out/profiles validate
//   node bench/hotspots.mjs bench/.out/profiles/<file>.cpuprofile --under validate [--top 25]
import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : args[at + 1];
};
const file = args.find((arg, index) => !arg.startsWith("--") && !args[index - 1]?.startsWith("--"));
if (!file) {
  console.error("usage: node bench/hotspots.mjs <profile.cpuprofile> [--under <function>] [--top <n>]");
  process.exit(2);
}
const under = option("--under", undefined);
const top = Number(option("--top", "25"));
const profile = JSON.parse(readFileSync(file, "utf8"));

// The bundle's linked source map (bench/run.mjs writes one) turns a bundle position back into
// the TypeScript file and line it came from.
const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
function decodeMappings(mappings) {
  const lines = [];
  let source = 0;
  let sourceLine = 0;
  for (const text of mappings.split(";")) {
    const segments = [];
    let column = 0;
    for (const segment of text.split(",")) {
      if (segment === "") continue;
      const values = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = BASE64.indexOf(char);
        value += (digit & 31) << shift;
        if (digit & 32) {
          shift += 5;
          continue;
        }
        values.push(value & 1 ? -(value >>> 1) : value >>> 1);
        value = 0;
        shift = 0;
      }
      column += values[0];
      // [column, source, line, source column, name?]: the source column is not needed here.
      if (values.length >= 4) {
        source += values[1];
        sourceLine += values[2];
        segments.push({ column, source, line: sourceLine });
      }
    }
    lines.push(segments);
  }
  return lines;
}

const maps = new Map();
function sourceOf(url, line, column) {
  if (!url.startsWith("file://")) return url || "(native)";
  if (!maps.has(url)) {
    let map;
    try {
      const path = `${fileURLToPath(url)}.map`;
      const raw = JSON.parse(readFileSync(path, "utf8"));
      // Sources are relative to the map; print them relative to where the tool runs (the repo root).
      const sources = raw.sources.map((source) => relative(process.cwd(), resolve(dirname(path), source)));
      map = { sources, lines: decodeMappings(raw.mappings) };
    } catch {
      // No map next to the bundle (or a profile from elsewhere): report bundle positions.
    }
    maps.set(url, map);
  }
  const map = maps.get(url);
  const bundle = `${url.slice(url.lastIndexOf("/") + 1)}:${line + 1}`;
  if (!map) return bundle;
  let found;
  for (const segment of map.lines[line] ?? []) {
    if (segment.column > column) break;
    found = segment;
  }
  if (!found) return bundle;
  return `${map.sources[found.source]}:${found.line + 1}`;
}

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const label = (node) => {
  const { functionName, url, lineNumber, columnNumber } = node.callFrame;
  return `${functionName || "(anonymous)"}  ${sourceOf(url, lineNumber, columnNumber)}`;
};

const self = new Map();
const inclusive = new Map();
let total = 0;
profile.samples.forEach((id, index) => {
  const delta = profile.timeDeltas[index + 1] ?? 0;
  const stack = [];
  for (let at = id; at !== undefined; at = parent.get(at)) stack.push(byId.get(at));
  if (under && !stack.some((node) => node.callFrame.functionName === under)) return;
  const leaf = stack[0];
  if (["(idle)", "(program)"].includes(leaf.callFrame.functionName)) return;
  total += delta;
  self.set(label(leaf), (self.get(label(leaf)) ?? 0) + delta);
  for (const name of new Set(stack.map(label))) inclusive.set(name, (inclusive.get(name) ?? 0) + delta);
});

const print = (title, map) => {
  console.log(`\n${title}`);
  for (const [name, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    const share = ((micros / total) * 100).toFixed(1).padStart(5);
    console.log(`${share}%  ${(micros / 1000).toFixed(0).padStart(6)} ms  ${name}`);
  }
};
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled${under ? ` inside ${under}()` : ""}`);
print("self time", self);
print("inclusive time", inclusive);
