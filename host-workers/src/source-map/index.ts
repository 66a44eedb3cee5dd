export {
  type DecodedSourceMap,
  decodeSourceMap,
  readSourceMap,
  type SourceMapInput,
  type SourceMapV3,
  type SourcePosition,
} from "./source-map";
export { createStackMapper } from "./stack-mapper";
export { trimSourceMap } from "./trim";
export { decodeMappings, encodeMappings, type Segment } from "./vlq";
