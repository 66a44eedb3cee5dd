import { pathToFileURL } from "node:url";

/**
 * A local run's stacks name the project's files relative to the project (`src/nodes.ts:12:7`),
 * as a published Worker's do; Node has already mapped them to the `.ts` sources (the flow
 * module's bundle is loaded with source maps enabled). Files elsewhere keep their full path.
 */
export function projectRelativeStack(projectDir: string): (stack: string) => string {
  const dir = projectDir.endsWith("/") ? projectDir : `${projectDir}/`;
  const prefixes = [`(${pathToFileURL(dir).href}`, `(${dir}`, `at ${pathToFileURL(dir).href}`, `at ${dir}`];
  return (stack) =>
    stack
      .split("\n")
      .map((line) => {
        for (const prefix of prefixes) {
          const at = line.indexOf(prefix);
          if (at < 0) continue;
          const rest = line.slice(at + prefix.length);
          // Dependencies stay named in full: they are not the project's code.
          if (rest.startsWith("node_modules/")) return line;
          return `${line.slice(0, at)}${prefix.startsWith("(") ? "(" : "at "}${rest}`;
        }
        return line;
      })
      .join("\n");
}
