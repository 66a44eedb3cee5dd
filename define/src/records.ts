import type { ControlSurfaceKind, NodeKind } from "@flows/flow-ir";
import type { NodeImplementation } from "@flows/kernel";
import type { Checkpoint } from "./checkpoint";
import type { SourceLocation } from "./location";
import type { AnyCommonOptions } from "./options";
import type { Port } from "./ports";
import type { EdgeOptions } from "./refs";
import type { AnyUse } from "./use";

/** What the builder records per node; the emitter turns it into a Flow IR node. */
export interface NodeRecord {
  readonly alias: string;
  readonly kind: NodeKind;
  readonly options: AnyCommonOptions & { readonly kind?: NodeKind };
  readonly uses: readonly AnyUse[];
  readonly input: Port;
  /** No input schema: the in port is what every predecessor's out port names, when they agree. */
  readonly inputFromPredecessors: boolean;
  readonly output: Port;
  /** Undefined when the implementation lives elsewhere (a registry passed to the host). */
  readonly implementation: NodeImplementation | undefined;
  /** The flow a subflow node runs. */
  readonly subflow?: { readonly id: string };
  readonly location: SourceLocation | undefined;
}

export interface EdgeRecord {
  readonly from: string;
  readonly to: string;
  readonly options: EdgeOptions;
  readonly location: SourceLocation | undefined;
}

export interface RouterRecord {
  readonly kind: "if" | "switch";
  readonly id: string;
  readonly source: string;
  readonly pointer: string;
  then?: string;
  else?: string;
  readonly cases: Map<string, string>;
  otherwise?: string;
  readonly location: SourceLocation | undefined;
}

export interface SurfaceRecord {
  readonly id: string;
  readonly kind: ControlSurfaceKind;
  /** Built at emit time: routers learn their branches as nodes attach to them. */
  readonly build: () => { readonly targets: readonly string[]; readonly config: unknown };
  readonly location: SourceLocation | undefined;
}

export interface FlowRecord {
  readonly nodes: NodeRecord[];
  readonly edges: EdgeRecord[];
  readonly surfaces: SurfaceRecord[];
  readonly routers: Map<string, RouterRecord>;
  readonly checkpoints: readonly Checkpoint[];
  readonly subflows: unknown[];
}
