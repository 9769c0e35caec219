/**
 * One fast-path HTTP/1.1 connection: requests parsed with http1-parser.ts, answers
 * written straight to the socket. node:http spends about twice the CPU per keep-alive
 * request (IncomingMessage and ServerResponse streams, rawHeaders arrays, per-request
 * closures); this keeps the one object a request needs (the Exchange) and writes a small
 * answer with one socket.write of one string.
 *
 * What the parser does not take (chunked uploads, Expect: 100-continue, Upgrade,
 * HTTP/1.0, malformed or oversize heads …) is handed, with the whole socket, to an
 * internal node:http server, which serves it and every later request on that socket
 * exactly as it did before this layer existed. See `Http1Connection.handOff`.
 */
import net from "node:net";
import { STATUS_CODES, validateHeaderName, type Server as NodeHttpServer } from "node:http";
import { Readable } from "node:stream";
import { lendsChunks, type LendsChunks } from "./file-range-stream.js";
import { RequestFramer, hasCloseToken, type RequestHead, type RequestSink } from "./http1-parser.js";

/** Idle keep-alive sockets close after this long, as node:http's keepAliveTimeout did. */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** A request head must arrive whole within this long (node:http's headersTimeout). */
export const HEADERS_TIMEOUT_MS = 60_000;
/** A whole request, body included, must arrive within this long (node:http's requestTimeout). */
export const REQUEST_TIMEOUT_MS = 300_000;
/** After refusing a body, how long the rest of it is read and dropped before the socket closes. */
const LINGER_MS = 2_000;

/** The answer to a client too slow to send its request (node:http's). */
const REQUEST_TIMEOUT_ANSWER = "HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-length: 0\r\n\r\n";
const NO_BODY = Buffer.alloc(0);

/** The answer to a body over its limit, as body-limits.ts gives it. */
export interface BodyLimit {
  readonly limit: number;
  refuse(size: number): HttpAnswer;
}

/** What a connection needs from the server that accepted it (http1-server.ts). */
/** The first bytes of every HTTP/2 connection (RFC 9113 §3.4). */
const HTTP2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");

export interface ConnectionOwner {
  /** Receives each fast-path request; it must call `respond` on it once. */
  readonly handler: (exchange: Exchange) => void;
  /** The node:http server sockets are handed to. */
  readonly fallback: NodeHttpServer;
  /** The server for connections that open with the HTTP/2 preface (h2c with prior knowledge), if any. */
  readonly http2?: { emit(event: "connection", socket: net.Socket): boolean };
  /** Set once the server is closing: answers then end their connections. */
  readonly closing: boolean;
  /** Bodies declared larger than this are checked against `bodyLimit` before they are read. */
  readonly bodyCheckThreshold: number;
  /** The body limit of a request, from its head. */
  bodyLimit(url: string, headers: Record<string, string>): BodyLimit;
  /** Whether the request's body goes to its service as a stream: such requests are handed to node:http, which streams. */
  streamsBody(method: string, url: string, headers: Record<string, string>, contentLength: number): boolean;
  /** The connection closed, or went to node:http. */
  forget(connection: Http1Connection): void;
}

/** The request as the dispatch code sees it, whichever path it came in on. */
export interface HttpRequest {
  readonly method: string;
  /** The request target as sent, query string included. */
  readonly url: string;
  /** Names lower-cased; repeated headers joined with ",". */
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  /** The body still arriving, when it is streamed to the service (streamed-bodies.ts); `body` is then empty. */
  readonly bodyStream?: Readable;
}

/** What a request is answered with (AwsResponse fits). An array value is sent as repeated header lines. */
export interface HttpAnswer {
  status: number;
  headers?: Record<string, string | readonly string[]>;
  body?: string | Uint8Array | Readable;
}

const KEEP_ALIVE_TAIL = `connection: keep-alive\r\nkeep-alive: timeout=${KEEP_ALIVE_TIMEOUT_MS / 1000}\r\n\r\n`;
const CLOSE_TAIL = "connection: close\r\n\r\n";
const LAST_CHUNK = "0\r\n\r\n";
/** How much of a streamed answer may wait in the socket's buffer before its source pauses. */
export const PUMP_AHEAD_MAX = 4 * 1024 * 1024;
/** Buffer bodies up to this size are copied behind the head and sent in one write. */
const COPY_BODY_MAX = 16 * 1024;

/** "HTTP/1.1 200 OK\r\n" and friends, built once per code. */
const STATUS_LINES: (string | undefined)[] = new Array<string | undefined>(1000).fill(undefined);
function statusLine(code: number): string {
  const line = STATUS_LINES[code];
  if (line !== undefined) return line;
  if (!(code >= 100 && code <= 999)) throw new RangeError(`Invalid status code: ${code}`);
  return (STATUS_LINES[code] = `HTTP/1.1 ${code} ${STATUS_CODES[code] ?? "unknown"}\r\n`);
}

/** The Date header changes once a second: format it at most once a second, as node:http does. */
let cachedDate = "";
function resetDate(): void {
  cachedDate = "";
}
function utcDate(): string {
  if (cachedDate === "") {
    const now = new Date();
    cachedDate = now.toUTCString();
    setTimeout(resetDate, 1000 - now.getMilliseconds()).unref();
  }
  return cachedDate;
}

/**
 * Refuses a header value node:http's setHeader refuses (CR, LF and other control
 * characters: a Lambda's response headers must not be able to split the response), so
 * such an answer becomes the same 500 it was before. Returns whether the value has
 * characters 0x80-0xff, which the head must then carry as latin1 bytes.
 */
function checkHeaderValue(name: string, value: string): boolean {
  let high = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c >= 0x20 && c < 0x7f) || c === 9) continue;
    if (c < 0x80 || c > 0xff) throw new TypeError(`Invalid character in header content ["${name}"]`);
    high = true;
  }
  return high;
}

/** A header value as it goes on the wire (node:http accepts numbers and the like too). */
function headerString(name: string, value: unknown): string {
  if (value === undefined) throw new TypeError(`Invalid value "undefined" for header "${name}"`);
  return typeof value === "string" ? value : String(value);
}

/**
 * One request on a fast-path connection, from its parse to its answer. It is the
 * request object the dispatch code receives and the slot its response waits in until
 * the answers to every earlier request on the connection are written.
 */
export class Exchange implements HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly keepAlive: boolean;
  /** The next request on the same connection (pipelining queue). */
  next: Exchange | null = null;
  answered = false;
  /** The answer's status line and header lines, without the connection lines and the empty line. */
  responseHead = "";
  /** The head has characters 0x80-0xff and must be written as latin1, apart from a string body. */
  headLatin1 = false;
  /** What follows the head: nothing for HEAD, 204, 304. */
  payload: string | Uint8Array | Readable | null = null;
  chunked = false;
  /** The answer set its own Connection header; it then decides alone whether the connection closes. */
  ownConnection = false;
  closeAfter = false;

  constructor(
    private readonly connection: Http1Connection,
    head: RequestHead,
    body: Buffer,
  ) {
    this.method = head.method;
    this.url = head.url;
    this.headers = head.headers;
    this.body = body;
    this.keepAlive = head.keepAlive;
  }

  /**
   * Answer this request. Throws (before anything is written) when the answer cannot be
   * sent — a bad status or header — so the caller can answer a 500 instead, as
   * node:http's writeHead throwing did. A second answer is ignored.
   */
  respond(answer: HttpAnswer): void {
    if (this.answered) return;
    const body = answer.body;
    const code = answer.status | 0;
    let head = statusLine(code);
    let latin1 = false;
    let contentLength = false;
    let hasDate = false;
    let ownConnection = false;
    let closeAfter = false;
    const headers = answer.headers;
    if (headers != null) {
      for (const name in headers) {
        const value = headers[name];
        validateHeaderName(name); // node:http's own check, and its error
        // Only a few names matter here; lower-case just the ones of their lengths.
        const n = name.length;
        if (n === 4 || n === 10 || n === 14 || n === 17) {
          const lower = name.toLowerCase();
          if (lower === "transfer-encoding") continue; // the body is framed here
          if (lower === "content-length") contentLength = true;
          else if (lower === "date") hasDate = true;
          else if (lower === "connection") {
            ownConnection = true;
            if (hasCloseToken(String(value))) closeAfter = true;
          }
        }
        if (Array.isArray(value)) {
          for (const v of value) {
            const s = headerString(name, v);
            if (checkHeaderValue(name, s)) latin1 = true;
            head += `${name}: ${s}\r\n`;
          }
        } else {
          const s = headerString(name, value);
          if (checkHeaderValue(name, s)) latin1 = true;
          head += `${name}: ${s}\r\n`;
        }
      }
    }
    const bodyless = this.method === "HEAD" || code === 204 || code === 304 || code < 200;
    let chunked = false;
    if (body instanceof Readable) {
      if (!contentLength && !bodyless) {
        head += "transfer-encoding: chunked\r\n";
        chunked = true;
      }
    } else {
      if (body != null && typeof body !== "string" && !(body instanceof Uint8Array)) {
        throw new TypeError(`A response body must be a string, a Buffer or a Readable, not ${typeof body}`);
      }
      if (!contentLength) {
        const length = typeof body === "string" ? Buffer.byteLength(body) : body == null ? 0 : body.byteLength;
        head += `content-length: ${length}\r\n`;
      }
    }
    if (!hasDate) head += `date: ${utcDate()}\r\n`;

    this.answered = true;
    this.responseHead = head;
    this.headLatin1 = latin1;
    this.chunked = chunked;
    this.ownConnection = ownConnection;
    this.closeAfter = closeAfter;
    if (bodyless) {
      // HEAD keeps the content-length the body would have had, and sends no body.
      if (body instanceof Readable) body.destroy();
    } else if (body != null) {
      this.payload = body;
    }
    this.connection.answered(this);
  }
}

/**
 * Streams a Readable answer: raw when the answer gave a content-length, else with
 * chunked framing. Each chunk is written as it comes (the Console's live log is
 * text/event-stream), the stream pauses while the socket's buffer is full, a stream
 * error destroys the socket (the client sees a cut response, not a wrong one), and a
 * socket that closes destroys the stream.
 */
class StreamPump {
  private waitingForDrain = false;
  private done = false;
  /** The source lends its chunks (file-range-stream.ts): each goes back once written. */
  private readonly lender: LendsChunks | undefined;
  /** A file's head waits for its first block, so both go out in one writev. */
  private heldHead: string | null = null;

  constructor(
    private readonly connection: Http1Connection,
    private readonly socket: net.Socket,
    private readonly body: Readable,
    private readonly chunked: boolean,
    readonly keepAlive: boolean,
  ) {
    this.onData = this.onData.bind(this);
    this.onEnd = this.onEnd.bind(this);
    this.onError = this.onError.bind(this);
    this.lender = lendsChunks(body) ? body : undefined;
  }

  start(head: string): void {
    // A file's first block comes within a read; any other stream (a live log) may take
    // its time, and its client must see the head at once.
    if (this.lender !== undefined) this.heldHead = head;
    else this.socket.write(head, "latin1");
    // The error listener stays for good: a stream that errors after we are done must not
    // become an uncaught 'error' event.
    this.body.on("error", this.onError);
    if (this.body.destroyed && !this.body.readableEnded) {
      this.onError(); // it already failed, or was cut off: it will never end
      return;
    }
    if (this.body.readableEnded) {
      this.onEnd();
      return;
    }
    this.body.on("data", this.onData);
    this.body.on("end", this.onEnd);
  }

  private onData(chunk: Buffer | string): void {
    const size = typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
    if (size === 0) return; // an empty chunk would read as the last one
    const socket = this.socket;
    let ok: boolean;
    const head = this.heldHead;
    if (head !== null) {
      this.heldHead = null;
      socket.cork();
      socket.write(head, "latin1");
    }
    if (this.chunked) {
      socket.cork();
      socket.write(`${size.toString(16)}\r\n`, "latin1");
      this.writeChunk(chunk);
      ok = socket.write("\r\n", "latin1");
      socket.uncork();
    } else {
      ok = this.writeChunk(chunk);
    }
    if (head !== null) socket.uncork();
    // A full socket (write() said so) pauses the source only once a few MiB wait in
    // it: a large file read a MiB at a time then keeps its next read overlapping the
    // socket's writes, instead of reading only when the socket has drained.
    if (!ok && socket.writableLength >= PUMP_AHEAD_MAX) {
      this.waitingForDrain = true;
      this.body.pause();
    }
  }

  private writeChunk(chunk: Buffer | string): boolean {
    const lender = this.lender;
    if (lender === undefined || typeof chunk === "string") return this.socket.write(chunk);
    // Handed back only once the socket is done with it: written, or failed and dropped.
    return this.socket.write(chunk, (err) => {
      if (!err) lender.takeBack(chunk);
    });
  }

  onDrain(): void {
    if (this.waitingForDrain && !this.done) {
      this.waitingForDrain = false;
      this.body.resume();
    }
  }

  private onEnd(): void {
    if (this.done) return;
    if (this.heldHead !== null) this.socket.write(this.heldHead, "latin1");
    this.heldHead = null;
    this.detach();
    this.connection.streamEnded(this, this.chunked ? LAST_CHUNK : undefined);
  }

  private onError(): void {
    if (this.done) return;
    this.detach();
    this.socket.destroy();
  }

  /** The socket went away: stop reading the source (closes a file, ends a live log). */
  abort(): void {
    if (this.done) return;
    this.detach();
    this.body.destroy();
  }

  private detach(): void {
    this.done = true;
    this.body.off("data", this.onData);
    this.body.off("end", this.onEnd);
  }
}

/**
 * One accepted socket. Requests are dispatched as soon as they are parsed, pipelined
 * ones concurrently; their answers are written strictly in request order (a queue of
 * Exchanges), a streamed answer holding back the ones behind it until it ends.
 */
export class Http1Connection implements RequestSink {
  private readonly framer = new RequestFramer();
  /** Requests whose answers are not yet written, oldest first. */
  private first: Exchange | null = null;
  private last: Exchange | null = null;
  private streaming: StreamPump | null = null;
  /** Bytes of the request node:http must take, waiting for the answers before it. */
  private handoffBytes: Buffer | null = null;
  /** Reading paused because the client does not read its answers fast enough. */
  private readPaused = false;
  private peerEnded = false;
  /** The last answer is written (or the socket is gone): nothing more is sent. */
  private ended = false;
  /** A body was refused: on closing, the rest of it is read and dropped for a while. */
  private lingering = false;
  /** When the request now partly received began arriving (0: none is): see checkTimeouts. */
  private partialSince = 0;

  constructor(
    private readonly server: ConnectionOwner,
    readonly socket: net.Socket,
  ) {
    this.onData = this.onData.bind(this);
    this.onEnd = this.onEnd.bind(this);
    this.onError = this.onError.bind(this);
    this.onClose = this.onClose.bind(this);
    this.onTimeout = this.onTimeout.bind(this);
    this.onDrain = this.onDrain.bind(this);
    socket.on("data", this.onData);
    socket.on("end", this.onEnd);
    socket.on("error", this.onError);
    socket.on("close", this.onClose);
    socket.on("timeout", this.onTimeout);
    socket.on("drain", this.onDrain);
    // One timer for the connection's life. net refreshes it on every read and write, so
    // it fires only after 65 s of silence; onTimeout ignores it while an answer is due
    // (a 15-minute Lambda invoke), and the write of that answer re-arms it.
    socket.setTimeout(KEEP_ALIVE_TIMEOUT_MS);
    this.framer.bodyCheckThreshold = server.bodyCheckThreshold;
  }

  /** No request in flight or partly received: what closeIdleConnections may close. */
  get idle(): boolean {
    return this.first === null && this.streaming === null && this.handoffBytes === null && this.framer.idle;
  }

  private onData(chunk: Buffer): void {
    try {
      this.framer.feed(chunk, this);
    } catch (err) {
      // A bug here must cost one connection, never the process.
      console.error("[local-cloud] http: closing a connection after an internal error", err);
      this.socket.destroy();
      return;
    }
    // A request left partly received starts its clock (requests that arrive whole, nearly
    // all of them, never touch it).
    if (this.partialSince === 0 && !this.framer.idle && !this.framer.stopped) this.partialSince = Date.now();
    // Like node:http: stop reading more requests while the client is not reading answers.
    if (this.socket.writableNeedDrain && this.handoffBytes === null && !this.readPaused && !this.ended) {
      this.readPaused = true;
      this.socket.pause();
    }
  }

  onRequest(head: RequestHead, body: Buffer): boolean {
    this.partialSince = 0;
    const exchange = new Exchange(this, head, body);
    if (this.last === null) this.first = exchange;
    else this.last.next = exchange;
    this.last = exchange;
    this.server.handler(exchange);
    // After `Connection: close` nothing more is read; the answer ends the connection.
    return head.keepAlive && !this.ended;
  }

  /**
   * A body over the service's limit is refused before it is read: answered (in order
   * behind earlier requests) with `connection: close`, and the rest of it dropped.
   */
  acceptsBody(head: RequestHead): boolean | "hand off" {
    const limit = this.server.bodyLimit(head.url, head.headers);
    if (head.contentLength <= limit.limit) return this.server.streamsBody(head.method, head.url, head.headers, head.contentLength) ? "hand off" : true;
    this.partialSince = 0;
    this.lingering = true;
    const exchange = new Exchange(this, head, NO_BODY);
    if (this.last === null) this.first = exchange;
    else this.last.next = exchange;
    this.last = exchange;
    const answer = limit.refuse(head.contentLength);
    exchange.respond({ ...answer, headers: { ...answer.headers, connection: "close" } });
    return false;
  }

  /**
   * Slow clients (slowloris): a request whose head has not arrived whole within
   * `headersTimeout`, or which is not complete within `requestTimeout`, is answered 408
   * and its connection closed, as node:http does. Called by the server's sweep.
   */
  checkTimeouts(now: number, headersTimeout: number, requestTimeout: number): void {
    if (this.partialSince === 0 || this.ended) return;
    const allowed = this.framer.awaitingBody ? requestTimeout : headersTimeout;
    if (now - this.partialSince <= allowed) return;
    this.partialSince = 0;
    if (this.first === null && this.streaming === null) this.finish(REQUEST_TIMEOUT_ANSWER);
    else this.socket.destroy();
  }

  onHandoff(bytes: Buffer, _reason: string): void {
    this.handoffBytes = bytes;
    this.socket.pause();
    if (this.first === null && this.streaming === null) this.handOff();
  }

  /** Called by an Exchange once it holds its answer. */
  answered(exchange: Exchange): void {
    if (this.ended) {
      // The socket is gone or closing: the answer has nowhere to go.
      if (exchange.payload instanceof Readable) exchange.payload.destroy();
      return;
    }
    if (exchange === this.first) this.flush();
  }

  /** Write every answer that is ready, in order. */
  private flush(): void {
    let exchange = this.first;
    while (exchange !== null && exchange.answered && this.streaming === null && !this.ended) {
      this.first = exchange.next;
      if (this.first === null) this.last = null;
      this.write(exchange);
      exchange = this.first;
    }
    if (this.first === null && this.streaming === null && !this.ended) this.drained();
  }

  /** Nothing left to answer: hand the socket over, or end it if it has no future. */
  private drained(): void {
    if (this.handoffBytes !== null) this.handOff();
    else if (this.peerEnded || this.server.closing) this.finish();
  }

  private write(exchange: Exchange): void {
    const socket = this.socket;
    const keepAlive = exchange.keepAlive && !exchange.closeAfter && !this.server.closing;
    const head = exchange.responseHead + (exchange.ownConnection ? "\r\n" : keepAlive ? KEEP_ALIVE_TAIL : CLOSE_TAIL);
    const payload = exchange.payload;
    if (typeof payload === "string") {
      if (!exchange.headLatin1) {
        // The common case: head and body in one string, one write (cheaper than a
        // writev of two buffers).
        if (keepAlive) socket.write(head + payload);
        else this.finish(head + payload);
        return;
      }
      socket.cork();
      socket.write(head, "latin1");
      if (keepAlive) socket.write(payload);
      else this.finish(payload);
      socket.uncork();
    } else if (payload === null) {
      if (keepAlive) socket.write(head, "latin1");
      else this.finish(Buffer.from(head, "latin1"));
    } else if (payload instanceof Uint8Array) {
      if (payload.length <= COPY_BODY_MAX) {
        const out = Buffer.allocUnsafe(head.length + payload.length);
        out.write(head, 0, "latin1");
        out.set(payload, head.length);
        if (keepAlive) socket.write(out);
        else this.finish(out);
        return;
      }
      socket.cork();
      socket.write(head, "latin1");
      if (keepAlive) socket.write(payload);
      else this.finish(payload);
      socket.uncork();
    } else {
      const pump = new StreamPump(this, socket, payload, exchange.chunked, keepAlive);
      this.streaming = pump;
      pump.start(head);
    }
  }

  /** A streamed answer ended: send its last chunk, then go on with the answers behind it. */
  streamEnded(pump: StreamPump, lastChunk: string | undefined): void {
    if (this.streaming !== pump) return;
    this.streaming = null;
    if (!pump.keepAlive) {
      this.finish(lastChunk);
      return;
    }
    if (lastChunk !== undefined) this.socket.write(lastChunk, "latin1");
    this.flush();
  }

  /** Send `data` as the last bytes, then close (node:http's destroySoon). */
  private finish(data?: string | Uint8Array): void {
    if (this.ended) return;
    this.ended = true;
    this.framer.stopped = true;
    const socket = this.socket;
    if (this.lingering) {
      // The client may still be sending the body we refused. Closing with its bytes unread
      // would reset the connection, and a reset can lose the answer on its way: so only
      // our side closes, and what still comes is read and dropped until the client closes
      // too, or for LINGER_MS.
      if (data === undefined) socket.end();
      else socket.end(data);
      setTimeout(() => socket.destroy(), LINGER_MS).unref();
      return;
    }
    if (data === undefined) socket.end(() => socket.destroy());
    else socket.end(data, () => socket.destroy());
  }

  /**
   * Give the socket to node:http for the request in `handoffBytes` and all after it.
   * Every fast answer before it is written (queued on the socket in order), so node's
   * answers follow them.
   *
   * Checked on node 20: node:http's connection listener has its native parser consume
   * the socket's handle, so bytes that arrive from then on skip the JS stream entirely,
   * while bytes put back with unshift() sit in the stream's buffer and only reach the
   * parser through its 'data' listener. resume() right after emit("connection")
   * delivers the buffered bytes within the same tick (resume runs on nextTick), before
   * the event loop can read anything new from the handle, so node sees the bytes in
   * their order. Without the resume() the stream stays paused (we paused it), new bytes
   * go straight to the parser and the unshifted ones are never read — node answers 400.
   */
  private handOff(): void {
    const socket = this.socket;
    const bytes = this.handoffBytes!;
    this.handoffBytes = null;
    this.ended = true;
    socket.setTimeout(0); // node:http runs its own keep-alive timer from here
    socket.off("data", this.onData);
    socket.off("end", this.onEnd);
    socket.off("error", this.onError);
    socket.off("close", this.onClose);
    socket.off("timeout", this.onTimeout);
    socket.off("drain", this.onDrain);
    this.server.forget(this);
    socket.unshift(bytes);
    // HTTP/2 with prior knowledge (what the AWS SDK's Kinesis client speaks to an http://
    // endpoint): the preface goes to the HTTP/2 server, whose session reads the
    // unshifted bytes itself on setup.
    if (this.server.http2 && bytes.subarray(0, HTTP2_PREFACE.length).equals(HTTP2_PREFACE)) {
      this.server.http2.emit("connection", socket);
      return;
    }
    this.server.fallback.emit("connection", socket);
    socket.resume();
  }

  private onEnd(): void {
    // The client sent everything it will send. Unlike node:http (which ends the socket
    // at once and drops answers still due), answer what was asked, then close. A stream
    // being sent is the exception: it may never end (a live log), and a client that
    // closes while reading one has usually gone for good, so it ends here.
    this.peerEnded = true;
    this.framer.stopped = true;
    if (this.streaming !== null || (this.ended && this.lingering)) this.socket.destroy();
    else if (this.first === null) this.finish();
  }

  private onError(): void {
    // Resets and the like: the socket is done; 'close' follows and cleans up.
    this.socket.destroy();
  }

  private onClose(): void {
    this.ended = true;
    this.framer.stopped = true;
    this.server.forget(this);
    if (this.streaming !== null) {
      this.streaming.abort();
      this.streaming = null;
    }
    this.first = this.last = null;
  }

  private onTimeout(): void {
    if (this.first === null && this.streaming === null) this.socket.destroy();
  }

  private onDrain(): void {
    if (this.streaming !== null) this.streaming.onDrain();
    if (this.readPaused && this.handoffBytes === null && !this.ended) {
      this.readPaused = false;
      this.socket.resume();
    }
  }

  closeIfIdle(): void {
    if (this.idle) this.socket.destroy();
  }
}
