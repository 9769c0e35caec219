/** SST v2's `sst/runtime/handlers/rust.js`: present so code written against it loads; it does not build (see runtime-handler.ts). */
import { unsupportedHandler } from "./runtime-handler.js";
export const useRustHandler = () => unsupportedHandler("rust", ["rust"]);
