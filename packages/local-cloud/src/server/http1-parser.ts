/**
 * HTTP/1.1 request framing for the local cloud's fast path: pure code over Buffers, no
 * sockets. It understands only the common case — a request line, headers ending in an
 * empty line, and a body sized by Content-Length (or none) — and says "hand off" for
 * everything else, which then goes to node:http unchanged (chunked uploads, Expect,
 * Upgrade, HTTP/1.0, anything malformed or oversize). Being strict is cheap: a request
 * it refuses is still served, by node:http, exactly as before, only more slowly.
 *
 * The checks mirror what node:http (llhttp, non-lenient) accepts, so that a request the
 * fast path serves is one node:http would have served the same way: a known method,
 * single spaces in the request line, a URL of visible ASCII, `HTTP/1.1`, CRLF line ends,
 * token header names, no control characters in values, a Host header, at most one
 * plain-digits Content-Length.
 *
 * Hot path notes (a signed SDK request has a ~850-byte head of ~11 headers; this parses
 * it in about 2 µs): the head's end is found with Buffer#indexOf, control bytes are
 * rejected four bytes at a time, the head is decoded to one latin1 string (node decodes
 * header bytes as latin1 too) and cut with string indexOf/slice, header names are matched
 * against a cache instead of being sliced and lower-cased. No regexes, no line arrays, no
 * copies when a request arrived in one chunk.
 */
import { maxHeaderSize, METHODS } from "node:http";

declare global {
  interface Buffer {
    /**
     * What `toString("latin1", start, end)` calls after checking its arguments: on
     * Buffer.prototype since node 0.x, missing from @types/node.
     */
    latin1Slice(start: number, end: number): string;
  }
}

/** Heads larger than node:http's limit go to node:http, which answers 431 as before. */
export const MAX_HEAD_BYTES = maxHeaderSize;
/** node:http keeps at most this many headers (server.maxHeadersCount); past it, let it decide. */
const MAX_HEADERS = 2000;

const CR = 13;
const SP = 32;
const HT = 9;
const HEAD_END = Buffer.from("\r\n\r\n", "latin1");

/**
 * Methods the fast path serves: node's list minus CONNECT, which node:http turns into a
 * 'connect' event instead of a request.
 */
const FAST_METHODS = new Set(METHODS.filter((m) => m !== "CONNECT"));

/** RFC 9110 token characters (header names), by byte: 1 when allowed. */
export const TOKEN = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") TOKEN[c.charCodeAt(0)] = 1;

/** Bytes llhttp refuses anywhere in a head: control characters other than HT, CR, LF, and DEL. */
const CONTROL = new Uint8Array(256);
for (let c = 0; c < 0x20; c++) if (c !== HT && c !== CR && c !== 10) CONTROL[c] = 1;
CONTROL[0x7f] = 1;

/**
 * Header names seen so far, by length and first letter (usually one candidate each). A
 * name on the wire that matches one, letter by letter ignoring case, costs that one
 * loop: no slice, no toLowerCase, no token check (a listed name is a token), and above
 * all no Map or property lookup keyed by a fresh string, which makes V8 hash the string
 * in C++, costing as much as all the rest. The lower-case names are literals or live in
 * this table, so they are the same string every time, which keeps the header record's
 * property stores cheap. `seen` marks names already present in the head being parsed, so
 * a repeated header is spotted without a failed property lookup. New names are added up
 * to NAME_CACHE_MAX; past that they are sliced each time.
 */
class KnownName {
  seen = 0;
  readonly codes: Uint8Array;
  constructor(readonly name: string) {
    this.codes = Uint8Array.from(name, (ch) => ch.charCodeAt(0));
  }
}
const NAME_CACHE_MAX = 1024;
const MAX_CACHED_NAME = 63;
const namesByShape: (KnownName[] | undefined)[] = new Array<KnownName[] | undefined>((MAX_CACHED_NAME + 1) << 7).fill(undefined);
let cachedNames = 0;
/** Stamps `KnownName.seen`: one number per parsed head. */
let parseId = 0;

function cacheName(name: string): KnownName | undefined {
  if (name.length > MAX_CACHED_NAME || cachedNames >= NAME_CACHE_MAX) return undefined;
  const known = new KnownName(name);
  const shape = (name.length << 7) | name.charCodeAt(0);
  (namesByShape[shape] ??= []).push(known);
  cachedNames++;
  return known;
}
for (const name of [
  "host", "content-type", "content-length", "connection", "user-agent", "accept", "accept-encoding",
  "authorization", "expect", "transfer-encoding", "upgrade", "content-md5", "content-encoding", "range",
  "if-match", "if-none-match", "origin", "referer", "cookie", "accept-language", "cache-control",
  "x-amz-target", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token", "x-amz-user-agent",
  "amz-sdk-invocation-id", "amz-sdk-request", "x-amz-api-version", "x-amz-decoded-content-length",
  "x-amz-sdk-checksum-algorithm", "x-amz-checksum-crc32", "x-amz-checksum-crc32c", "x-amz-trailer",
]) {
  cacheName(name);
}

/** The cached name text[from, to) spells (in any case), else undefined. */
function findName(text: string, from: number, to: number): KnownName | undefined {
  const length = to - from;
  if (length > MAX_CACHED_NAME) return undefined;
  let first = text.charCodeAt(from);
  if (first > 127) return undefined;
  if (first >= 65 && first <= 90) first += 32;
  const candidates = namesByShape[(length << 7) | first];
  if (candidates === undefined) return undefined;
  for (let n = 0; n < candidates.length; n++) {
    const known = candidates[n]!;
    const codes = known.codes;
    let i = 1;
    for (; i < length; i++) {
      let c = text.charCodeAt(from + i);
      if (c >= 65 && c <= 90) c += 32;
      if (c !== codes[i]) break;
    }
    if (i === length) return known;
  }
  return undefined;
}

/** A parsed request head. One class, so every instance has the same shape. */
export class RequestHead {
  constructor(
    readonly method: string,
    /** The request target as sent (still percent-encoded), query string included. */
    readonly url: string,
    /** Names lower-cased; repeated headers joined with ",", as node's rawHeaders gave them before. */
    readonly headers: Record<string, string>,
    /** 0 when the request has no Content-Length. */
    readonly contentLength: number,
    /** HTTP/1.1 keeps the connection unless the client sent `Connection: close`. */
    readonly keepAlive: boolean,
  ) {}
}

/**
 * Index of the "\r\n\r\n" that ends a head starting at or before `from`, or -1. Callers
 * searching a growing buffer pass the old length minus 3, so a terminator split across
 * chunks is still found.
 */
export function findHeadEnd(buf: Buffer, from: number): number {
  return buf.indexOf(HEAD_END, from);
}

/**
 * Parse the head in buf[start, end + 4), where `end` is the index of its "\r\n\r\n".
 * Returns the head, or a short reason (a string) why node:http must take the request.
 *
 * The head is decoded once, as latin1 (what node does with header bytes), and parsed as
 * a string: V8's string indexOf and slice stay inside the engine, while each Buffer
 * indexOf or latin1Slice is a call into C++ (some 50 ns for a slice). Values and the URL
 * are substrings of that one string.
 */
export function parseHead(buf: Buffer, start: number, end: number): RequestHead | string {
  if (end + 4 - start > MAX_HEAD_BYTES) return "head too large";
  const crs = scanControlBytes(buf, start, end);
  if (crs < 0) return "control character";
  const stamp = ++parseId;
  // Up to and including the CRLF of the last header line: every line ends in "\r\n".
  const text = buf.latin1Slice(start, end + 2);

  // Request line: METHOD SP request-target SP HTTP/1.1 CRLF
  const lineLf = text.indexOf("\n");
  if (text.charCodeAt(lineLf - 1) !== CR) return "bare LF";
  const lineEnd = lineLf - 1;
  const sp1 = text.indexOf(" ");
  if (sp1 <= 0 || sp1 > lineEnd) return "request line";
  const method = text.slice(0, sp1);
  if (!FAST_METHODS.has(method)) return "method";
  const sp2 = text.indexOf(" ", sp1 + 1);
  if (sp2 <= sp1 + 1 || sp2 > lineEnd) return "request line";
  // HTTP/1.0 (no keep-alive by default, other framing rules) and anything else: node:http.
  if (lineEnd - sp2 !== 9 || !text.startsWith("HTTP/1.1", sp2 + 1)) return "version";
  for (let i = sp1 + 1; i < sp2; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return "url"; // node:http refuses non-ASCII bytes in the URL
  }
  const url = text.slice(sp1 + 1, sp2);

  // Header lines: name ":" OWS value OWS CRLF.
  const headers: Record<string, string> = {};
  let contentLength = -1;
  let keepAlive = true;
  let hasHost = false;
  let count = 0;
  const last = text.length;
  let pos = lineLf + 1;
  while (pos < last) {
    if (++count > MAX_HEADERS) return "too many headers";
    const lf = text.indexOf("\n", pos);
    const eol = lf - 1;
    if (text.charCodeAt(eol) !== CR) return "bare LF";
    const colon = text.indexOf(":", pos);
    // No colon on this line, or an empty name (also catches obs-fold continuation lines,
    // whose leading space is not a token character).
    if (colon <= pos || colon > eol) return "header line";
    let known = findName(text, pos, colon);
    let name: string;
    if (known !== undefined) {
      name = known.name;
    } else {
      for (let i = pos; i < colon; i++) {
        const c = text.charCodeAt(i);
        if (c > 127 || TOKEN[c] === 0) return "header name";
      }
      name = text.slice(pos, colon).toLowerCase();
      known = cacheName(name);
    }
    let vs = colon + 1;
    let c = text.charCodeAt(vs);
    while (vs < eol && (c === SP || c === HT)) c = text.charCodeAt(++vs);
    let ve = eol;
    c = text.charCodeAt(ve - 1);
    while (ve > vs && (c === SP || c === HT)) c = text.charCodeAt(--ve - 1);
    const value = text.slice(vs, ve);
    pos = lf + 1;

    switch (name) {
      case "content-length":
        if (contentLength !== -1) return "duplicate content-length";
        contentLength = parseContentLength(value);
        if (contentLength < 0) return "content-length";
        break;
      case "transfer-encoding":
      case "expect":
      case "upgrade":
        return name;
      case "connection":
        if (value !== "keep-alive" && hasCloseToken(value)) keepAlive = false;
        break;
      case "host":
        hasHost = true;
        break;
    }
    if (known === undefined) {
      // Not cached (the cache is full, or the name is very long). `typeof` rather than
      // `in`: a name such as "constructor" finds Object.prototype's member, not a header.
      const prev = headers[name];
      headers[name] = typeof prev === "string" ? `${prev},${value}` : value;
    } else if (known.seen !== stamp) {
      known.seen = stamp;
      headers[name] = value;
    } else {
      headers[name] = `${headers[name]},${value}`; // a repeated header
    }
  }
  // Every line but the last ends in a CR inside [start, end) (the last one's is at `end`);
  // any other CR is a bare one inside a name or value, which node:http refuses.
  if (crs !== count) return "bare CR";
  if (!hasHost) return "no host"; // node:http answers 400 for an HTTP/1.1 request without Host
  return new RequestHead(method, url, headers, contentLength === -1 ? 0 : contentLength, keepAlive);
}

/**
 * Scans buf[start, end) for bytes in CONTROL: -1 when there is one, else the number of
 * CR bytes (the caller checks each belongs to a line end). Four bytes at a time: a word
 * with no byte below 0x20 and none equal to 0x7f is clean (the "has less than" and "has
 * zero byte" bit tricks); only words holding CR, LF, HT or a suspect are looked at byte
 * by byte. About twice as fast as a byte loop over a signed request's 850-byte head.
 */
export function scanControlBytes(buf: Buffer, start: number, end: number): number {
  const base = buf.byteOffset;
  let crs = 0;
  let i = start;
  for (; i < end && ((base + i) & 3) !== 0; i++) {
    const b = buf[i]!;
    if (CONTROL[b] === 1) return -1;
    if (b === CR) crs++;
  }
  const words = (end - i) >> 2;
  if (words > 0) {
    const u32 = new Uint32Array(buf.buffer, base + i, words);
    for (let w = 0; w < words; w++) {
      const x = u32[w]!;
      const y = x ^ 0x7f7f7f7f;
      if ((((x - 0x20202020) & ~x) | ((y - 0x01010101) & ~y)) & 0x80808080) {
        for (let p = i + (w << 2), q = p + 4; p < q; p++) {
          const b = buf[p]!;
          if (CONTROL[b] === 1) return -1;
          if (b === CR) crs++;
        }
      }
    }
    i += words << 2;
  }
  for (; i < end; i++) {
    const b = buf[i]!;
    if (CONTROL[b] === 1) return -1;
    if (b === CR) crs++;
  }
  return crs;
}

/** Plain decimal digits (at most 15, so the number stays exact); -1 otherwise. */
export function parseContentLength(value: string): number {
  const n = value.length;
  if (n === 0 || n > 15) return -1;
  let out = 0;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    out = out * 10 + c;
  }
  return out;
}

/** Whether a Connection header's comma-separated tokens include "close" (any case). */
export function hasCloseToken(value: string): boolean {
  const lower = value.toLowerCase();
  let from = 0;
  while (from <= lower.length) {
    let comma = lower.indexOf(",", from);
    if (comma < 0) comma = lower.length;
    if (lower.slice(from, comma).trim() === "close") return true;
    from = comma + 1;
  }
  return false;
}

/** Where the framer delivers what it finds. The connection implements it. */
export interface RequestSink {
  /** A complete request. `body` may share memory with the chunk it came in. Return false to read no further. */
  onRequest(head: RequestHead, body: Buffer): boolean;
  /**
   * Asked, before any of its body is buffered, about a request whose Content-Length is
   * over the framer's `bodyCheckThreshold`: false refuses it (the sink answers it), and
   * the framer reads no further; "hand off" passes the request, body unread, to
   * node:http (a body the service takes as a stream).
   */
  acceptsBody(head: RequestHead): boolean | "hand off";
  /** The request starting `bytes` is not for the fast path; the framer stops. */
  onHandoff(bytes: Buffer, reason: string): void;
}

/**
 * Cuts a connection's byte stream into requests. A request that arrived whole in one
 * chunk (the common case, several when pipelined) costs no copy: its body is a subarray
 * of the chunk. A head split across chunks is re-joined (heads are small); a body split
 * across chunks is collected and joined once, when complete.
 */
export class RequestFramer {
  /** Bytes of an incomplete head (from its first byte). */
  private pending: Buffer | null = null;
  /** A parsed head still waiting for body bytes, and the body bytes so far. */
  private head: RequestHead | null = null;
  private parts: Buffer[] = [];
  private received = 0;
  /** After a handoff or a request that closes the connection, nothing more is read. */
  stopped = false;
  /** Bodies declared larger than this are put to `RequestSink.acceptsBody` first. */
  bodyCheckThreshold = Infinity;

  /** True when no partial request is buffered. */
  get idle(): boolean {
    return this.pending === null && this.head === null;
  }

  /** A head was read and its body is still arriving. */
  get awaitingBody(): boolean {
    return this.head !== null;
  }

  feed(chunk: Buffer, sink: RequestSink): void {
    if (this.stopped) return;
    let buf = chunk;
    let pos = 0;
    let scanFrom = 0;
    if (this.head !== null) {
      const head = this.head;
      const need = head.contentLength - this.received;
      if (chunk.length < need) {
        this.parts.push(chunk);
        this.received += chunk.length;
        return;
      }
      this.parts.push(need === chunk.length ? chunk : chunk.subarray(0, need));
      const body = Buffer.concat(this.parts, head.contentLength);
      this.head = null;
      this.parts = [];
      this.received = 0;
      if (!sink.onRequest(head, body)) {
        this.stopped = true;
        return;
      }
      pos = need;
      scanFrom = need;
    } else if (this.pending !== null) {
      // Resume the search 3 bytes back: the terminator may straddle the two chunks.
      scanFrom = Math.max(0, this.pending.length - 3);
      buf = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }

    while (!this.stopped && pos < buf.length) {
      const end = findHeadEnd(buf, scanFrom);
      if (end < 0) {
        if (buf.length - pos > MAX_HEAD_BYTES) {
          this.stopped = true;
          sink.onHandoff(pos === 0 ? buf : buf.subarray(pos), "head too large");
          return;
        }
        this.pending = pos === 0 ? buf : buf.subarray(pos);
        return;
      }
      const head = parseHead(buf, pos, end);
      if (typeof head === "string") {
        this.stopped = true;
        sink.onHandoff(pos === 0 ? buf : buf.subarray(pos), head);
        return;
      }
      if (head.contentLength > this.bodyCheckThreshold) {
        const accepted = sink.acceptsBody(head);
        if (accepted === "hand off") {
          this.stopped = true;
          sink.onHandoff(pos === 0 ? buf : buf.subarray(pos), "streamed body");
          return;
        }
        if (!accepted) {
          this.stopped = true;
          return;
        }
      }
      const bodyStart = end + 4;
      const bodyEnd = bodyStart + head.contentLength;
      if (bodyEnd > buf.length) {
        this.head = head;
        if (bodyStart < buf.length) {
          this.parts.push(buf.subarray(bodyStart));
          this.received = buf.length - bodyStart;
        }
        return;
      }
      pos = bodyEnd;
      scanFrom = bodyEnd;
      if (!sink.onRequest(head, buf.subarray(bodyStart, bodyEnd))) {
        this.stopped = true;
        return;
      }
    }
  }
}
