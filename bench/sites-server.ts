/**
 * One server for bench/sites.ts, in its own process: `cdn <stateDir>#<port>` (the local
 * cloud serving the deployed stage, CDN included) or `static <dir>` (node:http reading
 * the requested file from disk on every request, with its content type: a plain static
 * file server). Sends { port } once listening; answers { cmd: "cpu" } with its CPU time.
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { LocalCloud } from "../packages/local-cloud/src/cloud.js";

const [kind, arg] = process.argv.slice(2) as [string, string];
const TYPES: Record<string, string> = { ".html": "text/html;charset=utf-8", ".js": "text/javascript;charset=utf-8", ".css": "text/css;charset=utf-8" };

process.on("message", (m: any) => {
  if (m?.cmd !== "cpu") return;
  const u = process.cpuUsage();
  process.send!({ cpuMicros: u.user + u.system });
});

if (kind === "cdn") {
  const [dir, port] = arg.split("#");
  const cloud = await LocalCloud.start({ dir: dir!, port: Number(port) });
  process.send!({ port: cloud.port });
} else {
  const root = path.resolve(arg);
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent((req.url ?? "/").split("?")[0]!);
    const file = path.join(root, rel.endsWith("/") ? `${rel}index.html` : rel);
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    fs.readFile(file, (err, data) => {
      if (err) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream", "content-length": data.length, "cache-control": "no-cache" });
      res.end(data);
    });
  });
  server.listen(0, "127.0.0.1", () => process.send!({ port: (server.address() as any).port }));
}
