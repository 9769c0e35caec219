// Remix's fetch globals (Request, Response, Headers, …), installed before the server
// build runs: RemixSite injects this file at the top of the bundle. Remix apps declare
// "sideEffects": false, which lets esbuild drop a bare call; assigning the result to a
// global is a side effect it must keep.
import { installGlobals } from "@remix-run/node";

globalThis.__sstRemixGlobalsInstalled = installGlobals() ?? true;
