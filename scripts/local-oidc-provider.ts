/**
 * A local OpenID provider to sign in to examples/my-app's GoogleAdapter with no Google
 * account and no internet, plus a small page standing in for the app's site (SITE_URL)
 * that shows what the Api's `GET /session` answers with the session token.
 *
 *   node --import tsx scripts/local-oidc-provider.ts [--port 4600] [--site-port 4601]
 *        [--client local-google] [--api <ApiEndpoint>] [--app examples/my-app]
 *
 * The Api URL defaults to the ApiEndpoint in the app's .sst/outputs.json (written by
 * `sst dev`). See examples/my-app/README.md.
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { parseArgs } from "node:util";
import { startOidcProvider, idTokenClient } from "../tests/helpers/oidc-provider.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "4600" },
    "site-port": { type: "string", default: "4601" },
    client: { type: "string", default: "local-google" },
    api: { type: "string" },
    app: { type: "string", default: "examples/my-app" },
  },
});

function apiFromOutputs(appDir: string): string {
  const file = path.resolve(appDir, ".sst/outputs.json");
  if (!fs.existsSync(file)) throw new Error(`No ${file}: start \`sst dev\` in ${appDir} first, or pass --api <ApiEndpoint>`);
  const outputs = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, Record<string, string>>;
  const found = Object.values(outputs).map((o) => o.ApiEndpoint).find(Boolean);
  if (!found) throw new Error(`${file} has no ApiEndpoint output; pass --api <ApiEndpoint>`);
  return found;
}

const api = (values.api ?? apiFromOutputs(values.app!)).replace(/\/$/, "");
const callback = `${api}/auth/google/callback`;
const idp = await startOidcProvider({ port: Number(values.port) });
idp.register([idTokenClient(values.client!, callback)]);

const site = http.createServer((_req, res) => {
  res.setHeader("content-type", "text/html; charset=utf-8");
  res.end(`<!doctype html><title>Signed in</title><h1>GET /session</h1><pre id="s">…</pre><script>
    const token = new URLSearchParams(location.search).get("token");
    fetch(${JSON.stringify(api)} + "/session", { headers: token ? { authorization: "Bearer " + token } : {} })
      .then(async (r) => { document.getElementById("s").textContent = r.status + "\\n" + await r.text(); });
  </script>`);
});
await new Promise<void>((r) => site.listen(Number(values["site-port"]), "127.0.0.1", r));

console.log(`OpenID provider: ${idp.issuer}  (client "${values.client}", redirect ${callback})`);
console.log(`Site page:       http://127.0.0.1:${values["site-port"]}/`);
console.log(`Sign in at:      ${api}/auth/google/authorize   (any email and password)`);

const stop = async () => {
  await idp.stop();
  site.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
