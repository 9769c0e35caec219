/**
 * The least a server can do while its handler runs in another process (the isolation
 * the local cloud keeps: a handler must not be able to take the server down): a bare
 * node:http server that hands each request, as a small JSON event, to one child process
 * over a pipe and answers with what the child sends back. Frames are newline-delimited
 * JSON; each side writes what one event-loop turn produced in one write, as the local
 * cloud's execution environments do under load. No routing, no logs, no limits: the
 * floor under what `sst dev`'s Api route can reach, measured beside it.
 *
 *   node --import tsx bench/lib/bare-isolated.ts      # prints {"port":N}
 */
import { spawn } from "node:child_process";
import http from "node:http";
import { fileURLToPath } from "node:url";

/** Collects strings written in one turn and writes them at once, at the turn's end. */
function batchedWriter(write: (text: string) => void): (text: string) => void {
  let pending = "";
  const flush = () => {
    const text = pending;
    pending = "";
    write(text);
  };
  return (text) => {
    if (pending === "") setImmediate(flush);
    pending += text;
  };
}

/** Calls `onFrame` with each complete line of a stream. */
function onLines(stream: NodeJS.ReadableStream, onFrame: (line: string) => void): void {
  let rest = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    const text = rest + chunk;
    let start = 0;
    for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
      onFrame(text.slice(start, nl));
      start = nl + 1;
    }
    rest = text.slice(start);
  });
}

if (process.argv[2] === "child") {
  // The "execution environment": a handler returning a constant string.
  const handler = async (_event: unknown) => "hello";
  const send = batchedWriter((text) => process.stdout.write(text));
  onLines(process.stdin, (line) => {
    const { id, event } = JSON.parse(line);
    handler(event).then((result) => send(JSON.stringify({ id, result }) + "\n"));
  });
} else {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "child"], { stdio: ["pipe", "pipe", "inherit"] });
  const waiting = new Map<number, http.ServerResponse>();
  let nextId = 1;
  const send = batchedWriter((text) => child.stdin!.write(text));
  onLines(child.stdout!, (line) => {
    const { id, result } = JSON.parse(line) as { id: number; result: string };
    const res = waiting.get(id)!;
    waiting.delete(id);
    res.writeHead(200, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(result) });
    res.end(result);
  });
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const id = nextId++;
      waiting.set(id, res);
      const event = { version: "2.0", rawPath: req.url, headers: req.headers, requestContext: { http: { method: req.method, path: req.url } } };
      send(JSON.stringify({ id, event }) + "\n");
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: (server.address() as import("node:net").AddressInfo).port })));
  const stop = () => {
    child.kill();
    process.exit(0);
  };
  process.on("disconnect", stop);
  process.stdin.on("end", stop);
  process.stdin.resume();
}
