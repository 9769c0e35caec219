/**
 * Warms the AWS SDK of a standby environment (sst dev hot reload) before it is given
 * the function's code.
 *
 * A standby has the SDK packages the function imports loaded already, but code that
 * never ran is cold in V8: a client's first `send` compiles the middleware stack,
 * credential and endpoint resolution, signing, the protocol's serializer and the HTTP
 * handler function by function as it first calls them, and measured 30–80 ms on this
 * machine against 3–10 ms for the second one. That first `send` was most of the time
 * from a save to the new code's first answer. So the standby makes one request with
 * each client package the function imports, to a sink it serves itself on the loopback
 * (never the local cloud: nothing outside this process sees it). The function's own
 * code is not loaded yet and none of it runs: what stays behind is compiled SDK code
 * and its module-level caches, as after any earlier request of the same process.
 *
 * The one observable trace would be the SDK's once-per-process warnings (the Node
 * version notice): they are held back and emitted again when the function's code
 * loads, where its own first client would have emitted them.
 */
import http from "node:http";

/** A warm-up never holds the standby longer than this. */
const WARMUP_LIMIT_MS = 2000;

/**
 * Runs the warm-up over `modules` (the exports of SDK client packages). Resolves with
 * how many requests reached the sink and `emitHeldWarnings`, which emits again the
 * warnings held back meanwhile.
 * @param {unknown[]} modules
 * @returns {Promise<{ requests: number; emitHeldWarnings: () => void }>}
 */
export async function warmUpSdk(modules) {
  const sink = await startSink();
  const held = [];
  const emitWarning = process.emitWarning;
  process.emitWarning = (...args) => void held.push(args);
  try {
    // One package after another: each knows whether its own request reached the sink.
    const all = (async () => {
      for (const m of modules) await requestWith(m, sink);
    })();
    await Promise.race([all, new Promise((r) => setTimeout(r, WARMUP_LIMIT_MS).unref())]);
  } finally {
    process.emitWarning = emitWarning;
    sink.close();
  }
  return {
    requests: sink.requests(),
    emitHeldWarnings: () => {
      for (const args of held.splice(0)) process.emitWarning(...args);
    },
  };
}

/**
 * One request with the package's client: commands are tried in turn (a List…, else
 * Describe…/Get…, the shortest names first) until one reaches the sink — one that
 * needs input fails in the client, before any request. Whatever fails is left alone.
 */
async function requestWith(mod, sink) {
  if (!mod || typeof mod !== "object") return;
  const names = Object.keys(mod);
  const clientName = names.find((n) => /^[A-Z]\w*Client$/.test(n) && typeof mod[n]?.prototype?.send === "function" && !/Document/.test(n));
  const commandNames = names
    .filter((n) => /^(List|Describe|Get)\w*Command$/.test(n) && typeof mod[n] === "function")
    .sort((a, b) => rank(a) - rank(b) || a.length - b.length)
    .slice(0, MAX_TRIES);
  if (!clientName) return;
  let client;
  try {
    // Credentials from the environment as the function's clients get them (its role's);
    // static ones only where there are none, so no provider looks any further (IMDS).
    const credentials = process.env.AWS_ACCESS_KEY_ID ? undefined : { accessKeyId: "warmup", secretAccessKey: "warmup" };
    client = new mod[clientName]({ endpoint: sink.url, maxAttempts: 1, region: process.env.AWS_REGION || "us-east-1", credentials });
    for (const name of commandNames) {
      const before = sink.requests();
      try {
        await client.send(new mod[name]({}));
      } catch {
        // The sink's answer need not fit the command: the code on the way there and back ran.
      }
      if (sink.requests() > before) return;
    }
  } catch {
    // A client that cannot be made here is warmed by the function's first request instead.
  } finally {
    try {
      client?.destroy?.();
    } catch {}
  }
}

/** Commands tried per package before giving up on finding one that needs no input. */
const MAX_TRIES = 8;

const rank = (name) => (name.startsWith("List") ? 0 : name.startsWith("Describe") ? 1 : 2);

/** An HTTP server on the loopback that answers every request with an empty document of the request's protocol. */
function startSink() {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    req.resume();
    req.on("end", () => {
      const json = /json/.test(req.headers["content-type"] ?? "") || "x-amz-target" in req.headers;
      res.writeHead(200, { "content-type": json ? "application/x-amz-json-1.0" : "text/xml", "x-amzn-requestid": "warmup" });
      res.end(json ? "{}" : '<?xml version="1.0" encoding="UTF-8"?><WarmUp/>');
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.unref();
      resolve({ url: `http://127.0.0.1:${server.address().port}`, requests: () => requests, close: () => server.close() });
    });
  });
}
