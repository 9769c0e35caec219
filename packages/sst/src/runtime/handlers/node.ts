/** SST v2's `sst/runtime/handlers/node.js`: builds Node.js functions (see runtime-handler.ts). */
import { nodeHandler } from "./runtime-handler.js";
export const useNodeHandler = nodeHandler;
