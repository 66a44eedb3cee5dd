export { toDot } from "./dot";
export { toMermaid } from "./mermaid";
export { type GraphEdge, type GraphModel, type GraphNode, graphModel } from "./model";
