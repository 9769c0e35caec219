/** SST v2's `sst/runtime/handlers/dotnet.js`: present so code written against it loads; it does not build (see runtime-handler.ts). */
import { unsupportedHandler } from "./runtime-handler.js";
export const useDotnetHandler = () => unsupportedHandler("dotnet", ["dotnet"]);
