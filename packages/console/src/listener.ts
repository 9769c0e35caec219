/**
 * The Console's own HTTP listener on 127.0.0.1: a node:http server (the Console is no
 * hot path) that reads each request into a ConsoleRequest, with its body capped, and
 * writes the handler's answer, streaming a Readable one (the live log).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import type { AwsResponse } from "local-cloud";
import type { ConsoleRequest } from "./context.js";

/** Larger uploads belong in `aws s3 cp`: the Console holds a request body in memory. */
export const MAX_CONSOLE_BODY = 64 * 1024 * 1024;

export interface ConsoleListener {
  readonly port: number;
  close(): Promise<void>;
}

export async function listenConsole(port: number, handle: (req: ConsoleRequest) => Promise<AwsResponse>): Promise<ConsoleListener> {
  const server = http.createServer((req, res) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > MAX_CONSOLE_BODY) return tooLarge(res);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_CONSOLE_BODY) {
        req.removeAllListeners("data");
        tooLarge(res);
        return;
      }
      chunks.push(chunk);
    });
    req.on("error", () => res.destroy());
    req.on("end", () => {
      if (res.headersSent) return;
      const url = req.url ?? "/";
      const q = url.indexOf("?");
      const request: ConsoleRequest = {
        method: req.method ?? "GET",
        path: q < 0 ? url : url.slice(0, q),
        query: new URLSearchParams(q < 0 ? "" : url.slice(q + 1)),
        headers: flatHeaders(req),
        body: Buffer.concat(chunks),
      };
      handle(request)
        .then((answer) => send(res, request.method, answer))
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function tooLarge(res: http.ServerResponse): void {
  res.writeHead(413, { "content-type": "application/json; charset=utf-8", connection: "close" });
  res.end(JSON.stringify({ error: { code: "EntityTooLarge", message: `The Console takes request bodies up to ${MAX_CONSOLE_BODY} bytes.` } }));
}

function flatHeaders(req: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(",") : value;
  }
  return out;
}

function send(res: http.ServerResponse, method: string, answer: AwsResponse): void {
  const body = answer.body;
  res.writeHead(answer.status, answer.headers ?? {});
  if (body instanceof Readable) {
    if (method === "HEAD") {
      body.destroy();
      res.end();
      return;
    }
    res.on("close", () => body.destroy());
    body.on("error", () => res.destroy());
    body.pipe(res);
    return;
  }
  res.end(method === "HEAD" ? undefined : body);
}
