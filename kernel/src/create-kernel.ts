import { createKernelWith, type Kernel, type KernelOptions } from "./kernel";
import { validatingFlowReader } from "./validating-reader";

/** A kernel that validates each registered document on its first use (VALID400 when invalid). */
export function createKernel(options: KernelOptions): Kernel {
  return createKernelWith(options, validatingFlowReader);
}
