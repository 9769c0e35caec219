/** SST v2's `sst/runtime/handlers/java.js`: present so code written against it loads; it does not build (see runtime-handler.ts). */
import { unsupportedHandler } from "./runtime-handler.js";
export const useJavaHandler = () => unsupportedHandler("java", ["java"]);
