import { type FlowIR, validate } from "@flows/flow-ir";
import {
  createKernel,
  createMemoryJournal,
  type NodeRegistry,
  readFlowSources,
  silentLogger,
  systemClock,
} from "@flows/kernel";
import { containerCapabilities } from "./caps";
import { ContainerStartError } from "./errors";

/** The app's own HTTP routes: a Worker-style fetch handler. */
export type AppRoutes = (request: Request) => Response | Promise<Response>;

/** What a container runs: Flow IR documents and the implementations of their nodes. */
export interface ContainerApp {
  /** Flow IR documents or defined flows (`@flows/define`), which carry their implementations. */
  readonly flows: readonly unknown[];
  readonly nodes?: NodeRegistry;
  /**
   * Serves every request the flow API does not claim (anything but /ping, /run, /resume, /node
   * and /cancel): the app module's `fetch` export.
   */
  readonly routes?: AppRoutes;
}

export interface PreparedApp {
  readonly flows: readonly FlowIR[];
  readonly nodes: NodeRegistry;
  readonly routes?: AppRoutes;
  /** Validated flows by id and by name. */
  readonly byName: ReadonlyMap<string, FlowIR>;
}

/**
 * Validates every flow once, at start-up, against the capabilities the container offers, and
 * checks each can run here (every identifier implemented). A container that cannot serve its
 * flows refuses to start rather than failing each request.
 */
export function prepareApp(given: ContainerApp): PreparedApp {
  if (
    !Array.isArray(given.flows) ||
    (given.nodes !== undefined && (given.nodes === null || typeof given.nodes !== "object"))
  ) {
    throw new ContainerStartError("APP400", "the app must be { flows: FlowIR[], nodes: { identifier: function } }");
  }
  if (given.routes !== undefined && typeof given.routes !== "function") {
    throw new ContainerStartError("APP400", "the app's fetch must be a function (request) => Response");
  }
  const sources = readFlowSources(given.flows, given.nodes);
  const app = { flows: sources.documents, nodes: sources.nodes };
  const byName = new Map<string, FlowIR>();
  app.flows.forEach((document, index) => {
    const result = validate(document, { registry: containerCapabilities.hints });
    if (!result.ok || result.flow === undefined) {
      const errors = result.diagnostics.filter((d) => d.severity === "error").slice(0, 3);
      throw new ContainerStartError(
        "VALID400",
        `flow #${index} is not valid: ${errors.map((d) => `${d.code} ${d.message} (${d.path})`).join("; ")}`,
      );
    }
    byName.set(result.flow.id, result.flow);
    if (typeof result.flow.name === "string") byName.set(result.flow.name, result.flow);
  });
  const probe = createKernel({
    flows: [...byName.values()],
    nodes: app.nodes,
    host: { journal: createMemoryJournal(), clock: systemClock, newId: () => "probe", logger: silentLogger },
  });
  for (const flow of new Set(byName.values())) {
    const problem = probe.preflight(flow.id);
    if (problem !== undefined) throw new ContainerStartError(problem.code, problem.message);
  }
  return {
    flows: [...new Set(byName.values())],
    nodes: app.nodes,
    byName,
    ...(given.routes === undefined ? {} : { routes: given.routes }),
  };
}
