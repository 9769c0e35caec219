import { test } from "node:test";
import assert from "node:assert/strict";
import {
  MAX_HEAD_BYTES,
  RequestFramer,
  RequestHead,
  findHeadEnd,
  hasCloseToken,
  parseContentLength,
  parseHead,
  scanControlBytes,
  type RequestSink,
} from "./http1-parser.js";

/** Parse one complete head given as a latin1 string. */
function parse(text: string): RequestHead | string {
  const buf = Buffer.from(text, "latin1");
  const end = findHeadEnd(buf, 0);
  assert.ok(end >= 0, "test head must be complete");
  return parseHead(buf, 0, end);
}

function head(text: string): RequestHead {
  const out = parse(text);
  assert.ok(out instanceof RequestHead, `expected a fast-path head, got handoff: ${String(out)}`);
  return out;
}

/** Records what a framer delivers. */
class Recorder implements RequestSink {
  requests: { method: string; url: string; headers: Record<string, string>; body: string }[] = [];
  handoff: { bytes: string; reason: string } | undefined;
  stopAfter = Infinity;
  onRequest(h: RequestHead, body: Buffer): boolean {
    this.requests.push({ method: h.method, url: h.url, headers: h.headers, body: body.toString("latin1") });
    return this.requests.length < this.stopAfter && h.keepAlive;
  }
  onHandoff(bytes: Buffer, reason: string): void {
    this.handoff = { bytes: bytes.toString("latin1"), reason };
  }
  /** Bodies over this many bytes are refused. */
  maxBody = Infinity;
  refused: string[] = [];
  acceptsBody(h: RequestHead): boolean {
    if (h.contentLength <= this.maxBody) return true;
    this.refused.push(h.url);
    return false;
  }
}

function frame(chunks: (string | Buffer)[]): Recorder {
  const framer = new RequestFramer();
  const sink = new Recorder();
  for (const c of chunks) framer.feed(typeof c === "string" ? Buffer.from(c, "latin1") : c, sink);
  return sink;
}

const SIGNED =
  "POST / HTTP/1.1\r\n" +
  "content-type: application/x-amz-json-1.0\r\n" +
  "x-amz-target: DynamoDB_20120810.GetItem\r\n" +
  "content-length: 13\r\n" +
  "host: 127.0.0.1:4570\r\n" +
  "x-amz-date: 20240101T000000Z\r\n" +
  "authorization: AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00\r\n" +
  "Connection: keep-alive\r\n" +
  "\r\n" +
  '{"a":"b c d"}';

test("a signed JSON request: method, url, lower-cased headers, body length, keep-alive", () => {
  const h = head(SIGNED);
  assert.equal(h.method, "POST");
  assert.equal(h.url, "/");
  assert.equal(h.contentLength, 13);
  assert.equal(h.keepAlive, true);
  assert.equal(h.headers["x-amz-target"], "DynamoDB_20120810.GetItem");
  assert.equal(h.headers.host, "127.0.0.1:4570");
  assert.equal(h.headers.connection, "keep-alive");
  assert.deepEqual(Object.keys(h.headers), ["content-type", "x-amz-target", "content-length", "host", "x-amz-date", "authorization", "connection"]);
});

test("header names are case-insensitive and lower-cased; values keep their case, trimmed of OWS", () => {
  const h = head("GET /a?b=C HTTP/1.1\r\nHOST: x\r\nX-Custom-Thing:\t  Mixed Case \t\r\nContent-TYPE: text/Plain\r\nEmpty:\r\n\r\n");
  assert.equal(h.url, "/a?b=C");
  assert.deepEqual(h.headers, { host: "x", "x-custom-thing": "Mixed Case", "content-type": "text/Plain", empty: "" });
  // Learned names are cached; a second parse with another spelling finds the same key.
  assert.deepEqual(head("GET / HTTP/1.1\r\nhost: y\r\nx-CUSTOM-thing: 2\r\n\r\n").headers, { host: "y", "x-custom-thing": "2" });
});

test("repeated headers are joined with a comma, in order, whatever their case", () => {
  const h = head("GET / HTTP/1.1\r\nHost: x\r\nX-Amz-Meta-A: 1\r\nx-amz-meta-a: 2\r\nAccept: a\r\naccept: b\r\nACCEPT: c\r\n\r\n");
  assert.equal(h.headers["x-amz-meta-a"], "1,2");
  assert.equal(h.headers.accept, "a,b,c");
  // Repeats are per request: the next one starts afresh.
  assert.equal(head("GET / HTTP/1.1\r\nHost: x\r\nAccept: d\r\n\r\n").headers.accept, "d");
});

test("names that are Object.prototype members are ordinary headers", () => {
  const h = head("GET / HTTP/1.1\r\nHost: x\r\nconstructor: a\r\ntoString: b\r\nconstructor: c\r\n__proto__: d\r\n\r\n");
  assert.equal(h.headers.constructor as unknown, "a,c");
  assert.equal(h.headers.tostring, "b");
});

test("Connection: close (any case, among other tokens) ends keep-alive", () => {
  assert.equal(head("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").keepAlive, false);
  assert.equal(head("GET / HTTP/1.1\r\nHost: x\r\nconnection: TE, Close\r\n\r\n").keepAlive, false);
  assert.equal(head("GET / HTTP/1.1\r\nHost: x\r\nconnection: keep-alive\r\n\r\n").keepAlive, true);
  assert.equal(head("GET / HTTP/1.1\r\nHost: x\r\nconnection: closed\r\n\r\n").keepAlive, true);
  assert.equal(hasCloseToken(" close "), true);
  assert.equal(hasCloseToken("keep-alive,upgrade"), false);
});

test("Content-Length: missing means no body; invalid or repeated goes to node:http", () => {
  assert.equal(head("GET / HTTP/1.1\r\nHost: x\r\n\r\n").contentLength, 0);
  assert.equal(head("PUT / HTTP/1.1\r\nHost: x\r\nContent-Length:  0042 \r\n\r\n").contentLength, 42);
  for (const bad of ["", "-1", "+1", "1.0", "0x10", "1 2", "9999999999999999", "abc"]) {
    assert.equal(parse(`PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: ${bad}\r\n\r\n`), "content-length", bad);
  }
  assert.equal(parse("PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\ncontent-length: 1\r\n\r\n"), "duplicate content-length");
  assert.equal(parseContentLength("123456789012345"), 123456789012345);
  assert.equal(parseContentLength("1234567890123456"), -1);
});

test("what node:http must handle is handed off, with a reason", () => {
  const cases: [string, string][] = [
    ["POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", "transfer-encoding"],
    ["PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n", "expect"],
    ["GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", "upgrade"],
    ["GET / HTTP/1.0\r\nHost: x\r\n\r\n", "version"],
    ["GET / HTTP/2.0\r\nHost: x\r\n\r\n", "version"],
    ["GET / HTTP/1.1 \r\nHost: x\r\n\r\n", "version"],
    ["GET /\r\nHost: x\r\n\r\n", "request line"],
    ["GET  / HTTP/1.1\r\nHost: x\r\n\r\n", "request line"],
    [" GET / HTTP/1.1\r\nHost: x\r\n\r\n", "request line"],
    ["get / HTTP/1.1\r\nHost: x\r\n\r\n", "method"],
    ["FOO / HTTP/1.1\r\nHost: x\r\n\r\n", "method"],
    ["CONNECT x:443 HTTP/1.1\r\nHost: x\r\n\r\n", "method"],
    ["GET /\xe9 HTTP/1.1\r\nHost: x\r\n\r\n", "url"],
    ["GET / HTTP/1.1\r\n\r\n", "no host"],
    ["GET / HTTP/1.1\nHost: x\r\n\r\n", "bare LF"],
    ["GET / HTTP/1.1\r\nHost: x\nX: y\r\n\r\n", "bare LF"],
    ["GET / HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n", "bare CR"],
    ["GET / HTTP/1.1\r\nHost: x\r\nX: a\x01b\r\n\r\n", "control character"],
    ["GET / HTTP/1.1\r\nHost: x\r\nX: a\x7fb\r\n\r\n", "control character"],
    ["GET / HTTP/1.1\r\nHost: x\r\nX : y\r\n\r\n", "header name"],
    ["GET / HTTP/1.1\r\nHost: x\r\nX\xe9: y\r\n\r\n", "header name"],
    ["GET / HTTP/1.1\r\nHost: x\r\n\xe8ost: y\r\n\r\n", "header name"],
    ["GET / HTTP/1.1\r\nHost: x\r\n: y\r\n\r\n", "header line"],
    ["GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n", "header line"],
    ["GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n folded\r\n\r\n", "header line"],
    ["\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", "request line"],
  ];
  for (const [text, reason] of cases) assert.equal(parse(text), reason, JSON.stringify(text));
});

test("obs-text (0x80-0xff) in a value is kept, decoded as latin1 like node:http", () => {
  assert.equal(head("GET / HTTP/1.1\r\nHost: x\r\nX: caf\xe9\r\n\r\n").headers.x, "caf\xe9");
});

test("an oversize head is handed off, found or not", () => {
  const big = `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(MAX_HEAD_BYTES)}\r\n\r\n`;
  assert.equal(parse(big), "head too large");
  const noEnd = frame([`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(MAX_HEAD_BYTES)}`]);
  assert.equal(noEnd.handoff?.reason, "head too large");
  assert.equal(noEnd.requests.length, 0);
  // Arriving in pieces: handed off as soon as the buffered head passes the limit.
  const pieces = frame(["GET / HTTP/1.1\r\nHost: x\r\n", ...Array.from({ length: 20 }, () => `X-A: ${"b".repeat(1000)}\r\n`)]);
  assert.equal(pieces.handoff?.reason, "head too large");
  assert.ok(pieces.handoff!.bytes.startsWith("GET / HTTP/1.1\r\n"), "the handed-off bytes start at the request");
});

test("too many headers go to node:http", () => {
  const many = `GET / HTTP/1.1\r\nHost: x\r\n${"a:b\r\n".repeat(2000)}\r\n`;
  assert.equal(parse(many), "too many headers");
});

test("scanControlBytes counts CRs and spots control bytes at any alignment", () => {
  for (let offset = 0; offset < 8; offset++) {
    for (let at = 0; at < 24; at++) {
      const bytes = Buffer.alloc(offset + 24, 0x61);
      const view = bytes.subarray(offset);
      assert.equal(scanControlBytes(view, 0, view.length), 0);
      view[at] = 0x0d;
      assert.equal(scanControlBytes(view, 0, view.length), 1);
      view[at] = 0x09;
      assert.equal(scanControlBytes(view, 0, view.length), 0);
      for (const bad of [0x00, 0x01, 0x0b, 0x1f, 0x7f]) {
        view[at] = bad;
        assert.equal(scanControlBytes(view, 0, view.length), -1, `byte ${bad} at ${at}+${offset}`);
      }
      view[at] = 0xff;
      assert.equal(scanControlBytes(view, 0, view.length), 0);
    }
  }
});

test("framer: pipelined requests in one chunk, bodies as subarrays of it", () => {
  const two = `${SIGNED}GET /x HTTP/1.1\r\nHost: h\r\n\r\nPUT /y HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc`;
  const rec = frame([two]);
  assert.deepEqual(
    rec.requests.map((r) => [r.method, r.url, r.body]),
    [["POST", "/", '{"a":"b c d"}'], ["GET", "/x", ""], ["PUT", "/y", "abc"]],
  );
  assert.equal(rec.handoff, undefined);
});

test("framer: a request split across two chunks at every byte boundary parses the same", () => {
  const stream = `${SIGNED}GET /next HTTP/1.1\r\nHost: h\r\n\r\n`;
  const whole = frame([stream]).requests;
  assert.equal(whole.length, 2);
  for (let cut = 1; cut < stream.length; cut++) {
    const rec = frame([stream.slice(0, cut), stream.slice(cut)]);
    assert.deepEqual(rec.requests, whole, `cut at ${cut}`);
    assert.equal(rec.handoff, undefined);
  }
});

test("framer: one byte at a time", () => {
  const stream = `${SIGNED}${SIGNED}`;
  const rec = frame([...stream]);
  assert.equal(rec.requests.length, 2);
  assert.equal(rec.requests[1]!.body, '{"a":"b c d"}');
});

test("framer: a body in many chunks is joined once complete", () => {
  const body = "x".repeat(100_000);
  const head = `PUT /big HTTP/1.1\r\nHost: h\r\nContent-Length: ${body.length}\r\n\r\n`;
  const chunks = [head + body.slice(0, 10)];
  for (let i = 10; i < body.length; i += 7_000) chunks.push(body.slice(i, i + 7_000) + (i + 7_000 >= body.length ? "GET / HTTP/1.1\r\nHost: h\r\n\r\n" : ""));
  const rec = frame(chunks);
  assert.equal(rec.requests.length, 2);
  assert.equal(rec.requests[0]!.body, body);
  assert.equal(rec.requests[1]!.url, "/");
});

test("framer: a handoff carries every byte from the start of the refused request", () => {
  const chunked = "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
  for (let cut = 1; cut < SIGNED.length + chunked.length; cut++) {
    const stream = SIGNED + chunked;
    const rec = frame([stream.slice(0, cut), stream.slice(cut)]);
    assert.equal(rec.requests.length, 1, `cut at ${cut}`);
    assert.equal(rec.handoff?.reason, "transfer-encoding");
    // What the framer had of the refused request (all of it, once the head is complete).
    assert.ok(chunked.startsWith(rec.handoff!.bytes) || rec.handoff!.bytes === chunked, `cut at ${cut}`);
    if (cut <= SIGNED.length + chunked.indexOf("\r\n\r\n")) assert.equal(rec.handoff!.bytes, chunked, `cut at ${cut}`);
  }
  // Nothing is read after a handoff.
  const framer = new RequestFramer();
  const sink = new Recorder();
  framer.feed(Buffer.from(chunked), sink);
  framer.feed(Buffer.from("GET / HTTP/1.1\r\nHost: h\r\n\r\n"), sink);
  assert.equal(sink.requests.length, 0);
});

test("framer: after Connection: close nothing more is read", () => {
  const rec = frame(["GET /a HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n"]);
  assert.deepEqual(rec.requests.map((r) => r.url), ["/a"]);
});

test("framer: idle only between requests", () => {
  const framer = new RequestFramer();
  const sink = new Recorder();
  assert.equal(framer.idle, true);
  framer.feed(Buffer.from("GET / HTTP/1.1\r\nHo"), sink);
  assert.equal(framer.idle, false);
  framer.feed(Buffer.from("st: h\r\nContent-Length: 2\r\n\r\na"), sink);
  assert.equal(framer.idle, false);
  framer.feed(Buffer.from("b"), sink);
  assert.equal(framer.idle, true);
  assert.equal(sink.requests[0]!.body, "ab");
});

test("a body declared over the limit is put to the sink before any of it is buffered, and refused", () => {
  const framer = new RequestFramer();
  framer.bodyCheckThreshold = 10;
  const sink = new Recorder();
  sink.maxBody = 100;
  framer.feed(Buffer.from("PUT /small HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n" + "s".repeat(50)), sink);
  framer.feed(Buffer.from("PUT /big HTTP/1.1\r\nHost: x\r\nContent-Length: 300000000\r\n\r\n" + "b".repeat(1000)), sink);
  assert.deepEqual(sink.requests.map((r) => r.url), ["/small"]);
  assert.deepEqual(sink.refused, ["/big"]);
  assert.equal(framer.stopped, true);
  // Nothing more is read (the rest of the big body would otherwise be taken for a request).
  framer.feed(Buffer.from("GET /after HTTP/1.1\r\nHost: x\r\n\r\n"), sink);
  assert.equal(sink.requests.length, 1);
});
