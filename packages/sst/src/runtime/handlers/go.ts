/** SST v2's `sst/runtime/handlers/go.js`: present so code written against it loads; it does not build (see runtime-handler.ts). */
import { unsupportedHandler } from "./runtime-handler.js";
export const useGoHandler = () => unsupportedHandler("go", ["go"]);
