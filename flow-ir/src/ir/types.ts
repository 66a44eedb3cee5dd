import type * as v from "valibot";
import type {
  BufferPolicySchema,
  CheckpointSchema,
  ControlSurfaceSchema,
  EdgeSchema,
  FlowSchema,
  IdempotencySpecSchema,
  NodeSchema,
  SchemaRefSchema,
} from "./schema";

export type FlowIR = v.InferOutput<typeof FlowSchema>;
export type NodeIR = v.InferOutput<typeof NodeSchema>;
export type EdgeIR = v.InferOutput<typeof EdgeSchema>;
export type BufferPolicy = v.InferOutput<typeof BufferPolicySchema>;
export type ControlSurfaceIR = v.InferOutput<typeof ControlSurfaceSchema>;
export type CheckpointIR = v.InferOutput<typeof CheckpointSchema>;
export type IdempotencySpec = v.InferOutput<typeof IdempotencySpecSchema>;
export type SchemaRef = v.InferOutput<typeof SchemaRefSchema>;
/** What a flow author writes: defaults not yet applied. */
export type FlowIRInput = v.InferInput<typeof FlowSchema>;
