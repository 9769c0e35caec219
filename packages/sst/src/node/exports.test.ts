/**
 * Every public import path of SST v2's runtime surface resolves from an app, the way
 * an app's function is built (esbuild, ESM, from the app's folder), and exports what
 * SST v2's module exports.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import * as esbuild from "esbuild";
import { fallbackNodePaths } from "../build/node-paths.js";

const EXPECTED: Record<string, string[]> = {
  "sst/context": ["Context", "Handler", "useEvent", "useLambdaContext", "useContextType"],
  // Deep paths, as SST v2's "./*" export allowed.
  "sst/context/context.js": ["Context", "createContext", "memo"],
  "sst/node/api": ["Api", "AppSyncApi", "ApiGatewayV1Api", "ApiHandler", "Response", "useResponse", "useBody", "useJsonBody", "useFormData",
    "useFormValue", "useCookies", "useCookie", "usePath", "useDomainName", "useMethod", "useHeaders", "useHeader", "useQueryParams",
    "useQueryParam", "usePathParams", "usePathParam"],
  "sst/node/event-bus": ["EventBus", "createEventBuilder", "ZodValidator", "EventHandler"],
  "sst/node/graphql": ["GraphQLHandler"],
  "sst/node/job": ["Job", "JobHandler"],
  "sst/node/websocket-api": ["WebSocketApi", "WebSocketApiHandler", "useRequestContext", "useConnectionId", "useEventType"],
  "sst/node/site": ["StaticSite", "NextjsSite", "AstroSite", "RemixSite", "SolidStartSite", "SvelteKitSite"],
  "sst/node/actor": ["createActors"],
  "sst/node/kinesis-stream": ["KinesisStream"],
  "sst/node/rds": ["RDS"],
  "sst/node/service": ["Service"],
  "sst/node/table": ["Table"],
  "sst/node/bucket": ["Bucket"],
  "sst/node/queue": ["Queue"],
  "sst/node/topic": ["Topic"],
  "sst/node/function": ["Function"],
  "sst/node/config": ["Config"],
};

describe("public import paths", () => {
  it("each resolves from an app folder and exports SST v2's names", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sst-exports-"));
    try {
      const mods = Object.keys(EXPECTED);
      const entry = mods.map((m, i) => `import * as m${i} from "${m}";`).join("\n") +
        `\nexport const names = { ${mods.map((m, i) => `${JSON.stringify(m)}: Object.keys(m${i})`).join(", ")} };`;
      const outfile = path.join(dir, "out.mjs");
      await esbuild.build({
        stdin: { contents: entry, resolveDir: dir, loader: "ts" },
        bundle: true, platform: "node", format: "esm", outfile, nodePaths: fallbackNodePaths(),
        external: ["@aws-sdk/*"], logLevel: "silent",
        banner: { js: `import { createRequire } from "node:module"; const require = createRequire(import.meta.url);` },
      });
      // The bundle lives outside the repo, so let its external @aws-sdk imports resolve here.
      const withSdk = fallbackNodePaths().find((p) => fs.existsSync(path.join(p, "@aws-sdk", "client-eventbridge")))!;
      fs.symlinkSync(withSdk, path.join(dir, "node_modules"));
      const { names } = await import(pathToFileURL(outfile).href);
      for (const [mod, expected] of Object.entries(EXPECTED)) {
        for (const name of expected) assert.ok(names[mod].includes(name), `${mod} exports ${name} (has ${names[mod].join(", ")})`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
