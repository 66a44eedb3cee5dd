export { quoteDot, toDot } from "./dot";
export { escapeMermaid, toMermaid } from "./mermaid";
export { type EdgeStyle, type GraphEdge, type GraphModel, type GraphNode, graphModel } from "./model";
export { type SurfaceBranch, type SurfaceMarks, type SurfaceNote, surfaceMarks } from "./surfaces";
