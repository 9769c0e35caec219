/**
 * The baseline every Api benchmark is measured against: a bare node:http server
 * answering a constant string, in its own process. Prints its port on stdout.
 *
 *   node bench/lib/bare-http.ts      (plain JavaScript-compatible TypeScript, run with --import tsx)
 */
import http from "node:http";

const body = process.argv[2] ?? "hello";
const server = http.createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: (server.address() as import("node:net").AddressInfo).port })));
process.on("disconnect", () => process.exit(0));
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
