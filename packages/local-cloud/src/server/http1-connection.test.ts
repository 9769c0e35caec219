/**
 * The HTTP layer over real sockets: the fast path (keep-alive, pipelining, HEAD,
 * streaming, errors), the handoff to node:http (chunked uploads, Expect, HTTP/1.0,
 * malformed requests) and shutdown.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { execFile } from "node:child_process";
import { PassThrough, Readable } from "node:stream";
import { createHttpServer, type Http1Server, type RequestDispatcher } from "./http-server.js";
import type { AwsRequest, AwsResponse } from "../types.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Streams the next /_aws/stream request answers with, set by the test. */
let nextStream: Readable | undefined;
const seen: AwsRequest[] = [];

async function route(req: AwsRequest): Promise<AwsResponse> {
  seen.push(req);
  switch (req.path) {
    case "/_aws/echo":
      return {
        status: 200,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ method: req.method, query: req.query.toString(), headers: req.headers, body: req.body.toString("latin1") }),
      };
    case "/_aws/delay":
      await sleep(Number(req.query.get("ms") ?? 0));
      return { status: 200, body: `answer ${req.query.get("id")}` };
    case "/_aws/stream":
      return { status: 200, headers: { "content-type": "text/event-stream" }, body: nextStream! };
    case "/_aws/sized-stream":
      return { status: 200, headers: { "content-length": "6" }, body: Readable.from([Buffer.from("abc"), Buffer.from("def")]) };
    case "/_aws/buffer":
      return { status: 201, headers: { "set-cookie": ["a=1", "b=2"] as unknown as string }, body: Buffer.from("bytes") };
    case "/_aws/big-buffer":
      return { status: 200, body: Buffer.alloc(200_000, 0x62) };
    case "/_aws/utf8":
      return { status: 200, headers: { "x-latin1": "caf\u00e9" }, body: "h\u00e9llo \u2713" };
    case "/_aws/no-content":
      return { status: 204, body: "" };
    case "/_aws/bad-header":
      return { status: 200, headers: { "x-bad": "a\r\nx-injected: 1" }, body: "no" };
    case "/_aws/throws":
      throw new Error("boom (expected by the test)");
    case "/_aws/undefined":
      return undefined as unknown as AwsResponse;
    case "/_aws/hang":
      return new Promise(() => {});
  }
  return { status: 404, body: "no route" };
}

const dispatcher: RequestDispatcher = {
  region: "us-east-1",
  lookupAccessKey: () => undefined,
  serviceFor: () => undefined,
  internalRoute: (req) => (req.path.startsWith("/_aws/") ? route(req) : undefined),
};

let server: Http1Server;
let port: number;
before(async () => {
  server = createHttpServer(dispatcher);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as net.AddressInfo).port;
});
after(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

interface Response {
  status: number;
  headers: Record<string, string>;
  /** Header lines as sent, in order. */
  lines: string[];
  body: Buffer;
  chunked: boolean;
}

/** A raw HTTP/1.1 client: writes bytes as given, parses responses as they come. */
class RawClient {
  private buf = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  ended = false;
  readonly closed: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.on("data", (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake?.();
    });
    socket.on("error", () => {});
    this.closed = new Promise((r) =>
      socket.on("close", () => {
        this.ended = true;
        this.wake?.();
        r();
      }),
    );
  }

  static async connect(): Promise<RawClient> {
    const socket = net.connect(port, "127.0.0.1");
    socket.setNoDelay(true);
    await new Promise((r) => socket.once("connect", r));
    return new RawClient(socket);
  }

  write(data: string | Buffer): void {
    this.socket.write(typeof data === "string" ? Buffer.from(data, "latin1") : data);
  }

  /** Resolves with what `parse` returns once it returns something; rejects if the socket closes first. */
  async until<T>(parse: () => T | undefined, what: string): Promise<T> {
    for (;;) {
      const out = parse();
      if (out !== undefined) return out;
      if (this.ended) throw new Error(`connection closed while waiting for ${what}; had ${JSON.stringify(this.buf.toString("latin1"))}`);
      await new Promise<void>((r) => (this.wake = r));
    }
  }

  /** The bytes received so far and not consumed. */
  get pending(): string {
    return this.buf.toString("latin1");
  }

  async expectText(text: string): Promise<void> {
    await this.until(() => (this.buf.length >= text.length ? true : undefined), JSON.stringify(text));
    assert.equal(this.buf.subarray(0, text.length).toString("latin1"), text);
    this.buf = this.buf.subarray(text.length);
  }

  async response(opts: { head?: boolean } = {}): Promise<Response> {
    return this.until(() => {
      const end = this.buf.indexOf("\r\n\r\n");
      if (end < 0) return undefined;
      const [statusLine, ...lines] = this.buf.toString("latin1", 0, end).split("\r\n");
      const status = Number(statusLine!.split(" ")[1]);
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const i = line.indexOf(":");
        const name = line.slice(0, i).toLowerCase();
        const value = line.slice(i + 1).trim();
        headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
      }
      const start = end + 4;
      const chunked = headers["transfer-encoding"] === "chunked";
      let body: Buffer;
      let consumed: number;
      if (opts.head || status === 204 || status === 304) {
        body = Buffer.alloc(0);
        consumed = start;
      } else if (chunked) {
        const parts: Buffer[] = [];
        let at = start;
        for (;;) {
          const eol = this.buf.indexOf("\r\n", at);
          if (eol < 0) return undefined;
          const size = parseInt(this.buf.toString("latin1", at, eol), 16);
          if (this.buf.length < eol + 2 + size + 2) return undefined;
          parts.push(this.buf.subarray(eol + 2, eol + 2 + size));
          at = eol + 2 + size + 2;
          if (size === 0) break;
        }
        body = Buffer.concat(parts);
        consumed = at;
      } else {
        const length = Number(headers["content-length"] ?? 0);
        if (this.buf.length < start + length) return undefined;
        body = this.buf.subarray(start, start + length);
        consumed = start + length;
      }
      this.buf = this.buf.subarray(consumed);
      return { status, headers, lines, body, chunked };
    }, "a response");
  }

  close(): void {
    this.socket.destroy();
  }
}

const get = (path: string, extra = "") => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}\r\n`;

test("keep-alive: several requests on one socket, with node:http's connection headers", async () => {
  const c = await RawClient.connect();
  for (let i = 0; i < 3; i++) {
    c.write(get(`/_aws/echo?i=${i}`));
    const res = await c.response();
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(res.body.toString()).query, `i=${i}`);
    assert.equal(res.headers.connection, "keep-alive");
    assert.equal(res.headers["keep-alive"], "timeout=65");
    assert.match(res.headers.date!, /^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT$/);
    assert.match(res.headers["x-amzn-requestid"]!, /^[0-9a-f-]{36}$/);
    assert.equal(res.lines[0], "content-type: application/json");
  }
  assert.equal(c.ended, false);
  c.close();
});

test("the request reaches serve as before: method, query, lower-cased and joined headers, body", async () => {
  const c = await RawClient.connect();
  c.write("POST /_aws/echo?a=1&b=x%20y HTTP/1.1\r\nHost: localhost\r\nX-One: 1\r\nx-one: 2\r\nContent-Length: 5\r\n\r\nhello");
  const echo = JSON.parse((await c.response()).body.toString());
  assert.equal(echo.method, "POST");
  assert.equal(echo.query, "a=1&b=x+y");
  assert.equal(echo.headers["x-one"], "1,2");
  assert.equal(echo.body, "hello");
  assert.equal(seen.at(-1)!.path, "/_aws/echo");
  c.close();
});

test("pipelined requests are answered in request order though their answers complete out of order", async () => {
  const c = await RawClient.connect();
  // One write: the first answer takes longest, the last is immediate.
  c.write(get("/_aws/delay?ms=120&id=1") + get("/_aws/delay?ms=60&id=2") + get("/_aws/delay?ms=0&id=3") + get("/_aws/echo?id=4"));
  const bodies: string[] = [];
  for (let i = 0; i < 4; i++) bodies.push((await c.response()).body.toString());
  assert.deepEqual(bodies.slice(0, 3), ["answer 1", "answer 2", "answer 3"]);
  assert.equal(JSON.parse(bodies[3]!).query, "id=4");
  c.close();
});

test("Connection: close is answered with connection: close, then the socket closes", async () => {
  const c = await RawClient.connect();
  c.write(get("/_aws/echo", "Connection: close\r\n") + get("/_aws/echo?ignored=1"));
  const res = await c.response();
  assert.equal(res.status, 200);
  assert.equal(res.headers.connection, "close");
  await c.closed;
  assert.equal(c.pending, "", "nothing is answered after the closing request");
});

test("HEAD: the headers (content-length of the body it would have), no body", async () => {
  const c = await RawClient.connect();
  c.write(`HEAD /_aws/utf8 HTTP/1.1\r\nHost: localhost\r\n\r\n`);
  const res = await c.response({ head: true });
  assert.equal(res.status, 200);
  assert.equal(res.headers["content-length"], String(Buffer.byteLength("h\u00e9llo \u2713")));
  // The next response follows directly: no body bytes were sent.
  c.write(get("/_aws/echo"));
  assert.equal((await c.response()).status, 200);
  // HEAD of a stream: headers only, the stream is destroyed.
  nextStream = new PassThrough();
  const stream = nextStream;
  c.write(`HEAD /_aws/stream HTTP/1.1\r\nHost: localhost\r\n\r\n`);
  const streamed = await c.response({ head: true });
  assert.equal(streamed.headers["transfer-encoding"], undefined);
  assert.equal(stream.destroyed, true);
  c.close();
});

test("bodies: UTF-8 string length, latin1 header, Buffer, large Buffer, array headers, 204", async () => {
  const c = await RawClient.connect();
  c.write(get("/_aws/utf8"));
  const utf8 = await c.response();
  assert.equal(utf8.body.toString("utf8"), "h\u00e9llo \u2713");
  assert.equal(utf8.headers["x-latin1"], "caf\u00e9", "header bytes are latin1, as node:http writes them");
  c.write(get("/_aws/buffer"));
  const buf = await c.response();
  assert.equal(buf.status, 201);
  assert.equal(buf.body.toString(), "bytes");
  assert.deepEqual(buf.lines.filter((l) => l.startsWith("set-cookie")), ["set-cookie: a=1", "set-cookie: b=2"]);
  c.write(get("/_aws/big-buffer"));
  const big = await c.response();
  assert.equal(big.body.length, 200_000);
  assert.ok(big.body.every((b) => b === 0x62));
  c.write(get("/_aws/no-content") + get("/_aws/echo"));
  const empty = await c.response();
  assert.equal(empty.status, 204);
  assert.equal((await c.response()).status, 200, "no stray body bytes after a 204");
  c.close();
});

test("a streamed answer without content-length is chunked and arrives as it is produced", async () => {
  const c = await RawClient.connect();
  const stream = new PassThrough();
  nextStream = stream;
  c.write(get("/_aws/stream") + get("/_aws/echo?after=stream"));
  await c.until(() => (c.pending.includes("\r\n\r\n") ? true : undefined), "the head");
  assert.match(c.pending, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(c.pending, /\r\ntransfer-encoding: chunked\r\n/);
  stream.write("event: one\n\n");
  await c.until(() => (c.pending.includes("event: one") ? true : undefined), "the first event");
  assert.ok(!c.pending.includes("0\r\n\r\n"), "the response is not finished");
  assert.ok(!c.pending.includes("after=stream"), "the pipelined answer waits for the stream");
  stream.write("");
  stream.end("event: two\n\n");
  const res = await c.response();
  assert.equal(res.chunked, true);
  assert.equal(res.body.toString(), "event: one\n\nevent: two\n\n");
  assert.equal(JSON.parse((await c.response()).body.toString()).query, "after=stream");
  c.close();
});

test("a stream with content-length is sent raw", async () => {
  const c = await RawClient.connect();
  c.write(get("/_aws/sized-stream") + get("/_aws/echo"));
  const res = await c.response();
  assert.equal(res.chunked, false);
  assert.equal(res.body.toString(), "abcdef");
  assert.equal((await c.response()).status, 200);
  c.close();
});

test("a stream that errors cuts the connection; the server carries on", async () => {
  const c = await RawClient.connect();
  const stream = new PassThrough();
  nextStream = stream;
  c.write(get("/_aws/stream"));
  stream.write("partial");
  await c.until(() => (c.pending.includes("partial") ? true : undefined), "the first chunk");
  stream.destroy(new Error("disk gone (expected by the test)"));
  await c.closed;
  assert.ok(!c.pending.includes("0\r\n\r\n"), "the response must not look complete");
  const d = await RawClient.connect();
  d.write(get("/_aws/echo"));
  assert.equal((await d.response()).status, 200);
  d.close();
});

test("a client that goes away ends the stream it was reading", async () => {
  const c = await RawClient.connect();
  const stream = new PassThrough();
  nextStream = stream;
  c.write(get("/_aws/stream"));
  stream.write("x");
  await c.until(() => (c.pending.includes("x\r\n") ? true : undefined), "the first chunk");
  c.close();
  for (let i = 0; i < 50 && !stream.destroyed; i++) await sleep(10);
  assert.equal(stream.destroyed, true);
});

test("an answer node:http would refuse (header injection) is a 500; a throwing dispatch is a 500", async () => {
  const errors: unknown[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => errors.push(args);
  try {
    const c = await RawClient.connect();
    c.write(get("/_aws/bad-header") + get("/_aws/throws") + get("/_aws/undefined") + get("/_aws/echo"));
    const bad = await c.response();
    assert.equal(bad.status, 500);
    assert.equal(bad.headers["x-injected"], undefined);
    assert.deepEqual(JSON.parse(bad.body.toString()), { message: "InternalFailure" });
    assert.equal((await c.response()).status, 500);
    assert.equal((await c.response()).status, 500);
    assert.equal((await c.response()).status, 200, "the connection survives");
    c.close();
  } finally {
    console.error = original;
  }
  assert.equal(errors.length, 3);
});

test("a client that pipelines without reading is paused, then served in full and in order", async () => {
  const c = await RawClient.connect();
  c.socket.pause(); // read nothing for now
  const before = seen.length;
  const total = 400;
  // In batches: requests that arrive in one chunk are all dispatched (node:http does the
  // same); it is further reads that stop once the socket's write buffer is full.
  for (let b = 0; b < total; b += 20) {
    let batch = "";
    for (let i = b; i < b + 20; i++) batch += get(`/_aws/big-buffer?i=${i}`);
    c.write(batch);
    await sleep(15);
  }
  await sleep(100);
  const dispatched = seen.length - before;
  // 400 answers of 200 KB would be 80 MB queued in the server; it stops reading instead.
  assert.ok(dispatched < total / 2, `dispatched ${dispatched} of ${total} while the client read nothing`);
  c.socket.resume();
  for (let i = 0; i < total; i++) {
    const res = await c.response();
    assert.equal(res.body.length, 200_000);
  }
  assert.deepEqual(
    seen.slice(before).map((r) => r.query.get("i")),
    Array.from({ length: total }, (_, i) => String(i)),
  );
  c.close();
});

test("a chunked upload goes through node:http and reaches the same dispatch with the whole body", async () => {
  const c = await RawClient.connect();
  c.write(get("/_aws/echo?first=fast"));
  assert.equal((await c.response()).status, 200);
  c.write("PUT /_aws/echo?up=1 HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nX-Amz-Meta: m\r\n\r\n5\r\nhello\r\n");
  await sleep(20);
  c.write("6\r\n world\r\n0\r\n\r\n");
  const res = await c.response();
  const echo = JSON.parse(res.body.toString());
  assert.equal(echo.method, "PUT");
  assert.equal(echo.query, "up=1");
  assert.equal(echo.body, "hello world");
  assert.equal(echo.headers["x-amz-meta"], "m");
  assert.equal(echo.headers["transfer-encoding"], "chunked");
  assert.match(res.headers["x-amzn-requestid"]!, /^[0-9a-f-]{36}$/);
  // node:http serves the rest of the socket's life, keep-alive included.
  assert.equal(res.headers["keep-alive"], "timeout=65");
  c.write(get("/_aws/echo?after=handoff"));
  assert.equal(JSON.parse((await c.response()).body.toString()).query, "after=handoff");
  c.close();
});

test("a handoff waits for the fast answers before it, pipelined in one write", async () => {
  const c = await RawClient.connect();
  c.write(
    get("/_aws/delay?ms=80&id=slow") +
      "POST /_aws/echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" +
      get("/_aws/delay?ms=0&id=last"),
  );
  assert.equal((await c.response()).body.toString(), "answer slow");
  assert.equal(JSON.parse((await c.response()).body.toString()).body, "abc");
  assert.equal((await c.response()).body.toString(), "answer last");
  c.close();
});

test("Expect: 100-continue, as curl sends it: node:http answers 100, then the request", async () => {
  const c = await RawClient.connect();
  c.write("PUT /_aws/echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  await c.expectText("HTTP/1.1 100 Continue\r\n\r\n");
  c.write("12345");
  const echo = JSON.parse((await c.response()).body.toString());
  assert.equal(echo.body, "12345");
  c.close();
});

test("curl itself: an upload with Expect: 100-continue, and a chunked one", async () => {
  const body = "y".repeat(900_000); // several socket reads, under the 1 MiB the local planes take
  const child = execFile("curl", ["-sS", "--max-time", "20", "-X", "PUT", "-H", "Expect: 100-continue", "--data-binary", "@-", `http://127.0.0.1:${port}/_aws/echo?curl=2`], { maxBuffer: 10_000_000 });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stdin!.end(body);
  await new Promise((r) => child.on("close", r));
  const echo = JSON.parse(out);
  assert.equal(echo.headers.expect, "100-continue");
  assert.equal(echo.body.length, body.length);
  const chunked = execFile("curl", ["-sS", "--max-time", "20", "-X", "POST", "-H", "Transfer-Encoding: chunked", "--data-binary", "@-", `http://127.0.0.1:${port}/_aws/echo?curl=3`]);
  let out2 = "";
  chunked.stdout!.on("data", (d) => (out2 += d));
  chunked.stdin!.end("chunky");
  await new Promise((r) => chunked.on("close", r));
  assert.equal(JSON.parse(out2).body, "chunky");
});

test("HTTP/1.0 and malformed requests get node:http's answers", async () => {
  const old = await RawClient.connect();
  old.write("GET /_aws/echo HTTP/1.0\r\nHost: localhost\r\n\r\n");
  const res = await old.response();
  assert.equal(res.status, 200);
  await old.closed; // HTTP/1.0 without keep-alive: node closes
  const bad = await RawClient.connect();
  bad.write("GET /_aws/echo HTTP/1.1\r\nHost: localhost\r\nX: a\x01b\r\n\r\n");
  assert.equal((await bad.response()).status, 400);
  await bad.closed;
  const noHost = await RawClient.connect();
  noHost.write("GET /_aws/echo HTTP/1.1\r\n\r\n");
  assert.equal((await noHost.response()).status, 400);
  noHost.close();
  const huge = await RawClient.connect();
  huge.write(`GET /_aws/echo HTTP/1.1\r\nHost: localhost\r\nX-Big: ${"a".repeat(20_000)}`);
  assert.equal((await huge.response()).status, 431);
  huge.close();
});

test("a client that half-closes after its request still gets the answer", async () => {
  const c = await RawClient.connect();
  c.write(get("/_aws/delay?ms=30&id=half"));
  c.socket.end();
  assert.equal((await c.response()).body.toString(), "answer half");
  await c.closed;
});

test("a request split in two writes at every byte boundary is served the same", async () => {
  const request = "POST /_aws/echo?split=1 HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\n\r\nbody";
  const c = await RawClient.connect();
  for (let cut = 1; cut < request.length; cut++) {
    c.write(request.slice(0, cut));
    await sleep(1);
    c.write(request.slice(cut));
    const echo = JSON.parse((await c.response()).body.toString());
    assert.equal(echo.body, "body", `cut at ${cut}`);
    assert.equal(echo.query, "split=1");
  }
  c.close();
});

test("stop as the cloud does it: idle sockets close at once, busy ones within ~200 ms", async () => {
  const own = createHttpServer(dispatcher);
  await new Promise<void>((r) => own.listen(0, "127.0.0.1", r));
  const ownPort = (own.address() as net.AddressInfo).port;
  const connect = async () => {
    const socket = net.connect(ownPort, "127.0.0.1");
    await new Promise((r) => socket.once("connect", r));
    let data = "";
    socket.on("data", (d) => (data += d));
    socket.on("error", () => {});
    const closed = new Promise<number>((r) => socket.on("close", () => r(Date.now())));
    return { socket, closed, data: () => data };
  };
  const waitFor = async (f: () => boolean) => {
    for (let i = 0; i < 200 && !f(); i++) await sleep(5);
  };
  const idleFast = await connect();
  idleFast.socket.write(get("/_aws/echo"));
  const idleHanded = await connect();
  idleHanded.socket.write("POST /_aws/echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
  await waitFor(() => idleFast.data().includes("\r\n\r\n") && idleHanded.data().includes("\r\n\r\n"));
  const busyFast = await connect();
  busyFast.socket.write(get("/_aws/hang"));
  const busyHanded = await connect();
  busyHanded.socket.write("POST /_aws/hang HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
  await sleep(50);

  const start = Date.now();
  own.closeIdleConnections();
  const closed = new Promise<number>((resolve) => {
    own.close(() => resolve(Date.now()));
    setTimeout(() => own.closeAllConnections(), 200).unref();
  });
  const [fastIdleAt, handedIdleAt, fastBusyAt, handedBusyAt, closedAt] = await Promise.all([
    idleFast.closed,
    idleHanded.closed,
    busyFast.closed,
    busyHanded.closed,
    closed,
  ]);
  assert.ok(fastIdleAt - start < 100, `idle fast-path socket closed after ${fastIdleAt - start} ms`);
  assert.ok(handedIdleAt - start < 100, `idle handed-off socket closed after ${handedIdleAt - start} ms`);
  assert.ok(fastBusyAt - start >= 150 && fastBusyAt - start < 500, `busy fast-path socket closed after ${fastBusyAt - start} ms`);
  assert.ok(handedBusyAt - start >= 150 && handedBusyAt - start < 500, `busy handed-off socket closed after ${handedBusyAt - start} ms`);
  assert.ok(closedAt - start < 600, `close callback after ${closedAt - start} ms`);
  // Not listening any more.
  await assert.rejects(
    new Promise((resolve, reject) => net.connect(ownPort, "127.0.0.1").on("connect", resolve).on("error", reject)),
    { code: "ECONNREFUSED" },
  );
});

test("after close(), a busy keep-alive socket's answer says connection: close and the socket ends", async () => {
  const own = createHttpServer(dispatcher);
  await new Promise<void>((r) => own.listen(0, "127.0.0.1", r));
  const socket = net.connect((own.address() as net.AddressInfo).port, "127.0.0.1");
  await new Promise((r) => socket.once("connect", r));
  let data = "";
  socket.on("data", (d) => (data += d));
  const closed = new Promise((r) => socket.on("close", r));
  socket.write(get("/_aws/delay?ms=60&id=late"));
  await sleep(20);
  const serverClosed = new Promise((r) => own.close(r));
  await closed;
  assert.match(data, /\r\nconnection: close\r\n/);
  assert.ok(data.endsWith("answer late"));
  await serverClosed;
});
