/** SST v2's `sst/runtime/handlers/python.js`: present so code written against it loads; it does not build (see runtime-handler.ts). */
import { unsupportedHandler } from "./runtime-handler.js";
export const usePythonHandler = () => unsupportedHandler("python", ["python"]);
