import { readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { locate } from "@flows/define";
import {
  checkManifestText,
  type Diagnostic,
  type FlowIR,
  type HintRegistry,
  type ProjectManifest,
} from "@flows/flow-ir";
import { UsageError } from "../exit";
import { DefinitionFailure, isFlowModule, loadFlowModule, scratchCache } from "../flow-module/load";
import { checkDefinedFlow, definitionReport } from "../flow-module/reports";
import { type FileReport, locate as locateDiagnostic, reportFor } from "../format/report";
import { checkText } from "../validate/check-file";
import { bundledRegistry } from "../validate/registry";
import { checkProjectReferences, manifestProblem } from "./references";

export interface ProjectFlow {
  /** Absolute path of the flow file. */
  readonly file: string;
  /** The document as written (unknown fields kept), embedded in the Worker as is. */
  readonly document: unknown;
  readonly flow: FlowIR;
  /** A module's flow: where in its TypeScript a JSON Pointer of the document was declared. */
  readonly locate?: (
    pointer: string,
  ) => { readonly file: string; readonly line: number; readonly column: number } | undefined;
}

/** A project whose manifest, flows and bindings all passed every check. */
export interface Project {
  readonly root: string;
  readonly manifestFile: string;
  readonly manifest: ProjectManifest & { readonly name: string };
  readonly flows: readonly ProjectFlow[];
  /** Absolute paths of the node implementation modules. */
  readonly nodes: readonly string[];
  /** Absolute paths of the manifest's flow modules (their defined flows carry implementations). */
  readonly flowModules: readonly string[];
}

export type ProjectCheck =
  | { readonly ok: true; readonly project: Project; readonly reports: readonly FileReport[] }
  | { readonly ok: false; readonly reports: readonly FileReport[] };

const errorCode = (error: unknown) => (error instanceof Error && "code" in error ? error.code : undefined);

/** The manifest's text; what to do instead when there is none. */
function readManifestText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = errorCode(error);
    const hint =
      code === "ENOENT"
        ? `no such file: create a project with "flows init", or name the manifest with --manifest`
        : code === "EISDIR"
          ? `it is a directory: name the manifest file, e.g. --manifest ${join(path, "flows.config.json")}`
          : `unreadable (${String(code)})`;
    throw new UsageError("MANIFEST404", `cannot read manifest ${path}: ${hint}`);
  }
}

const isFile = (path: string) => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/**
 * Reads and checks a whole project before anything is generated: the manifest against its
 * schema (MANIFEST001/002), what it names (MANIFEST003: flow files, node modules, a container Dockerfile, flows of
 * triggers and the container), every flow with the bundled capabilities' rules and the
 * manifest's bindings and secrets (DAG203), and that every capability a flow uses has a
 * Cloudflare binding to be served from (CAP101).
 */
/** The flows of one module, checked like flow files; a definition mistake is an error at its line. */
async function checkFlowModule(
  file: string,
  name: string,
  options: { readonly registry: HintRegistry; readonly manifest: ProjectManifest },
  stateDir: string,
): Promise<{ reports: FileReport[]; flows: ProjectFlow[] }> {
  try {
    const defined = await loadFlowModule(file, { stateDir }, { cacheDir: scratchCache() });
    const reports: FileReport[] = [];
    const flows: ProjectFlow[] = [];
    for (const flow of defined) {
      const checked = checkDefinedFlow(name, flow, options);
      reports.push(...checked.reports);
      if (checked.flow !== undefined && checked.reports.every((r) => r.ok)) {
        const sourceMap = flow.sourceMap();
        flows.push({
          file,
          document: flow.toFlowIR(),
          flow: checked.flow,
          locate: (pointer) => locate(sourceMap, pointer),
        });
      }
    }
    return { reports, flows };
  } catch (error) {
    if (error instanceof DefinitionFailure) return { reports: [definitionReport(error)], flows: [] };
    throw error;
  }
}

export async function checkProject(manifestPath: string): Promise<ProjectCheck> {
  const manifestFile = resolve(manifestPath);
  const root = dirname(manifestFile);
  const shown = (path: string) => relative(process.cwd(), path) || path;
  const manifestText = readManifestText(manifestFile);
  const checked = checkManifestText(manifestText);
  if (!checked.ok) return { ok: false, reports: [reportFor(shown(manifestFile), manifestText, checked.diagnostics)] };
  const manifest = checked.manifest;

  const registry = bundledRegistry();
  const reports: FileReport[] = [];
  const flows: ProjectFlow[] = [];
  const missing: Diagnostic[] = [];
  const flowModules: string[] = [];
  for (const [index, entry] of (manifest.flows ?? []).entries()) {
    const file = resolve(root, entry);
    if (!isFile(file)) {
      missing.push(
        manifestProblem(`/flows/${index}`, `flow file "${entry}" does not exist (relative to ${shown(root)})`),
      );
      continue;
    }
    if (isFlowModule(file)) {
      flowModules.push(file);
      const found = await checkFlowModule(file, shown(file), { registry, manifest }, join(root, ".flows"));
      reports.push(...found.reports.filter((report) => report.diagnostics.length > 0));
      flows.push(...found.flows);
      continue;
    }
    const text = readFileSync(file, "utf8");
    const result = checkText(shown(file), text, { registry, manifest });
    if (result.report.diagnostics.length > 0) reports.push(result.report);
    if (result.flow !== undefined && result.report.ok) {
      flows.push({ file, document: JSON.parse(text.replace(/^\uFEFF/, "")), flow: result.flow });
    }
  }
  (manifest.nodes ?? []).forEach((entry, index) => {
    if (!isFile(resolve(root, entry))) {
      missing.push(
        manifestProblem(`/nodes/${index}`, `node module "${entry}" does not exist (relative to ${shown(root)})`),
      );
    }
  });
  const image = manifest.container?.image;
  if (typeof image === "object" && image.dockerfile !== undefined && !isFile(resolve(root, image.dockerfile))) {
    missing.push(
      manifestProblem(
        "/container/image/dockerfile",
        `Dockerfile "${image.dockerfile}" does not exist (relative to ${shown(root)})`,
      ),
    );
  }
  const references = checkProjectReferences(manifest, flows, registry, flowModules.length > 0);
  const manifestDiagnostics = [...checked.diagnostics, ...missing, ...references.manifest];
  if (manifestDiagnostics.length > 0)
    reports.unshift(reportFor(shown(manifestFile), manifestText, manifestDiagnostics));
  for (const [index, diagnostics] of references.flows) {
    const flow = flows[index];
    if (flow === undefined || diagnostics.length === 0) continue;
    if (flow.locate === undefined) {
      reports.push(reportFor(shown(flow.file), readFileSync(flow.file, "utf8"), diagnostics));
      continue;
    }
    // A module's flow has no JSON text: each finding goes to the TypeScript line it concerns.
    for (const diagnostic of diagnostics) {
      const where = flow.locate(diagnostic.path);
      reports.push({
        file: shown(where?.file ?? flow.file),
        ok: diagnostic.severity !== "error",
        diagnostics: [locateDiagnostic(diagnostic, { line: where?.line ?? 1, column: where?.column ?? 1 })],
      });
    }
  }
  const ok = !reports.some((report) => !report.ok) && manifest.name !== undefined;
  if (!ok || manifest.name === undefined) return { ok: false, reports };
  return {
    ok: true,
    reports,
    project: {
      root,
      manifestFile,
      manifest: { ...manifest, name: manifest.name },
      flows,
      nodes: (manifest.nodes ?? []).map((entry) => resolve(root, entry)),
      flowModules,
    },
  };
}
