import { DEFAULT_COMPATIBILITY_DATE } from "../publish/names";
import { VALIBOT_VERSION, VERSION, WRANGLER_VERSION } from "../version";

// The project `flows init` writes: one flow that greets and counts visits in KV, its nodes, and
// everything needed to validate, run, serve and publish it. Local secrets live in .dev.vars
// (read by `flows dev` and `wrangler dev`, never published).

const node = (
  alias: string,
  kind: string,
  options: { effects: string; determinism: string; key?: string; hints?: readonly string[]; summary: string },
) => ({
  id: `hello::${alias}`,
  alias,
  identifier: `hello::${alias}`,
  name: alias,
  kind,
  summary: options.summary,
  in_schema: { kind: "opaque" },
  out_schema: { kind: "opaque" },
  effects: options.effects,
  determinism: options.determinism,
  idempotency: options.key === undefined ? {} : { key: options.key, scope: "node", ttlMs: 600000 },
  effectHints: options.hints ?? [],
  determinismHints: [],
});

const edge = (from: string, to: string) => ({ from, to, delivery: "at_least_once", ordering: "ordered", buffer: {} });

export const helloFlow = {
  id: "hello",
  name: "hello",
  version: "1.0.0",
  profile: "web",
  summary: "Greet a visitor by name and count their visits in KV.",
  nodes: [
    node("request", "trigger", { effects: "read_only", determinism: "strict", summary: "HTTP request: { name }" }),
    node("greet", "inline", { effects: "pure", determinism: "strict", summary: "Build the greeting" }),
    node("count", "activity", {
      effects: "effectful",
      determinism: "best_effort",
      key: "name",
      hints: ["resource::kv::read", "resource::kv::write"],
      summary: "Count this visitor's visits in KV",
    }),
  ],
  edges: [edge("request", "greet"), edge("greet", "count")],
  control_surfaces: [],
  checkpoints: [],
};

export const manifest = (name: string, flavour: "ts" | "json" = "ts") => ({
  name,
  ...(flavour === "ts" ? { flows: ["hello.flow.ts"] } : { flows: ["hello.flow.json"], nodes: ["nodes.ts"] }),
  compatibility_date: DEFAULT_COMPATIBILITY_DATE,
  // Locally (`flows run`) KV lives on disk under .flows/; in a Worker it is the HELLO_KV binding.
  capabilities: { kv: { provider: "opendal.fs", binding: "HELLO_KV" } },
  secrets: [],
  vars: { GREETING_STYLE: "friendly" },
});

export const NODES_TS = `// Node implementations of hello.flow.json: identifier → (input, ctx) => output.
// ctx.caps holds the capabilities a node declared through its hints (here: kv for "count").
import type { KvApi } from "@flows/cap-kv";
import type { NodeRegistry } from "@flows/kernel";

interface Greeting {
  readonly name: string;
  readonly greeting: string;
}

const nodes: NodeRegistry = {
  "hello::request": (input) => input ?? {},
  "hello::greet": (input): Greeting => {
    const given = (input as { name?: unknown } | null)?.name;
    const name = typeof given === "string" && given !== "" ? given : "world";
    return { name, greeting: \`Hello, \${name}!\` };
  },
  "hello::count": async (input, ctx) => {
    const kv = ctx.caps.kv as KvApi | undefined;
    if (kv === undefined) throw new Error("the kv capability is not bound");
    const greeting = input as Greeting;
    const key = \`visits:\${greeting.name}\`;
    // KV is eventually consistent and last-write-wins: this read-then-write is fine for a
    // greeting, but two visits at the same moment can both read 4 and both write 5, so one is
    // lost. For a count that must be exact (stock, balances), use the \`do\` capability's
    // \`update\` (or \`next\`): no other writer of the key comes between its read and its write.
    const visits = Number((await kv.get(key)) ?? "0") + 1;
    await kv.put(key, String(visits));
    return { ...greeting, visits };
  },
};

export default nodes;
`;

// The TypeScript flow: each node declared once; ids, ports, hints, effects and determinism
// are derived, and ctx.caps.kv has exactly the operations "count" declared.
export const HELLO_FLOW_TS = `import { kvCapability } from "@flows/cap-kv";
import { defineFlow, use } from "@flows/define";
import * as v from "valibot";

const Request = v.pipe(v.nullish(v.object({ name: v.optional(v.string()) }), {}), v.title("HelloRequest"));

export const hello = defineFlow(
  { id: "hello", summary: "Greet a visitor by name and count their visits in KV." },
  (f) => {
    const request = f.trigger("request", { summary: "HTTP request: { name }", input: Request });

    const greet = f.node("greet", {
      summary: "Build the greeting",
      after: request,
      run: (input) => {
        const name = input.name !== undefined && input.name !== "" ? input.name : "world";
        return { name, greeting: \`Hello, \${name}!\` };
      },
    });

    f.node("count", {
      summary: "Count this visitor's visits in KV",
      after: greet,
      uses: [use(kvCapability, "read", "write")],
      idempotency: { key: "name", scope: "node", ttlMs: 600_000 },
      run: async (input, ctx) => {
        const key = \`visits:\${input.name}\`;
        // KV is eventually consistent and last-write-wins: this read-then-write is fine for a
        // greeting, but two visits at the same moment can both read 4 and both write 5, so one
        // is lost. For a count that must be exact (stock, balances), use the \`do\` capability's
        // \`update\` (or \`next\`): no other writer of the key comes between its read and its write.
        const visits = Number((await ctx.caps.kv.get(key)) ?? "0") + 1;
        await ctx.caps.kv.put(key, String(visits));
        return { ...input, visits };
      },
    });
  },
);
`;

/** For tools that take Flow IR and a registry (hello.flow.json is built from hello.flow.ts). */
export const NODES_FROM_FLOW_TS = `import { hello } from "./hello.flow";

// The implementations hello.flow.ts carries, for \`flows run hello.flow.json --nodes nodes.ts\`.
export default hello.nodeRegistry();
`;

/**
 * A project of its own: the flows packages its Worker imports (at this CLI's version), the CLI
 * and wrangler, so `npm install && npx flows dev` works anywhere.
 */
export const packageJson = (name: string, flavour: "ts" | "json" = "ts") => ({
  name,
  version: "0.1.0",
  private: true,
  type: "module",
  scripts:
    flavour === "ts"
      ? {
          validate: "flows validate --manifest flows.config.json hello.flow.ts",
          hello: 'flows run hello.flow.ts --input \'{"name":"Ada"}\'',
          build: "flows build hello.flow.ts",
          dev: "flows dev",
          check: "flows publish workers --dry-run",
          deploy: "flows publish workers",
        }
      : {
          validate: "flows validate --manifest flows.config.json hello.flow.json",
          hello: 'flows run hello.flow.json --nodes nodes.ts --input \'{"name":"Ada"}\'',
          dev: "flows dev",
          check: "flows publish workers --dry-run",
          deploy: "flows publish workers",
        },
  dependencies: {
    "@flows/cap-kv": VERSION,
    "@flows/caps": VERSION,
    ...(flavour === "ts" ? { "@flows/define": VERSION } : {}),
    "@flows/host-workers": VERSION,
    "@flows/kernel": VERSION,
    ...(flavour === "ts" ? { valibot: VALIBOT_VERSION } : {}),
  },
  devDependencies: {
    "@flows/cli": VERSION,
    wrangler: WRANGLER_VERSION,
  },
});

export const DEV_VARS = `# Local secrets for \`flows dev\` and \`wrangler dev\`; never published or committed.
# In production set each with \`wrangler secret put <NAME>\`.
FLOWS_API_TOKEN=dev-token
FLOWS_RESUME_SECRET=dev-resume-secret
`;

export const GITIGNORE = `.flows/
dist/
.dev.vars
node_modules/
`;

export const readme = (name: string) => `# ${name}

A **flows** project: Flow IR workflows served by a Cloudflare Worker.

| file | what |
|---|---|
| \`flows.config.json\` | the manifest: Worker name, flow files, node modules, bindings, secrets, triggers |
| \`hello.flow.json\` | the flow (Flow IR 0.1): request → greet → count |
| \`nodes.ts\` | its node implementations |
| \`.dev.vars\` | local secrets for \`flows dev\` (not committed) |

\`\`\`sh
flows validate --manifest flows.config.json hello.flow.json   # check the flow and its bindings
flows run hello.flow.json --nodes nodes.ts --input '{"name":"Ada"}'   # run once, state in .flows/
flows dev                                    # a local Worker on http://127.0.0.1:8787, reloads on change
flows publish workers --dry-run              # dist/: wrangler.jsonc, bundle; checked by wrangler, offline
flows publish workers                        # deploy (needs a Cloudflare account)
\`\`\`

Calling the Worker (the token is \`FLOWS_API_TOKEN\` from \`.dev.vars\`):

\`\`\`sh
curl -X POST http://127.0.0.1:8787/flows/hello/invoke -H 'authorization: Bearer dev-token' \\
  -H 'content-type: application/json' -d '{"name":"Ada"}'
\`\`\`

Before the first deploy set the secrets: \`wrangler secret put FLOWS_API_TOKEN\` and
\`wrangler secret put FLOWS_RESUME_SECRET\` (in \`dist/\`).
`;
