/**
 * The listening side of the local cloud's HTTP layer: a net.Server whose sockets start
 * on the fast path (http1-connection.ts), plus the node:http server that sockets needing
 * more than the fast path are handed to. Offers the part of http.Server's interface the
 * cloud uses: listen, address, close, closeIdleConnections, closeAllConnections, and the
 * 'error' event.
 */
import { EventEmitter } from "node:events";
import net from "node:net";
import type { Server as NodeHttpServer } from "node:http";
import type { Http2Server } from "node:http2";
import { HEADERS_TIMEOUT_MS, Http1Connection, REQUEST_TIMEOUT_MS, type BodyLimit, type ConnectionOwner, type Exchange } from "./http1-connection.js";

export interface Http1ServerOptions {
  /** The body limit of a request, from its head. @default none */
  bodyLimit?: (url: string, headers: Record<string, string>) => BodyLimit;
  /** Whether a request's body is streamed to its service (then handed to node:http). @default never */
  streamsBody?: (method: string, url: string, headers: Record<string, string>, contentLength: number) => boolean;
  /** Bodies up to this size skip the `bodyLimit` check. @default 0 */
  bodyCheckThreshold?: number;
  /** @default HEADERS_TIMEOUT_MS (60 s) */
  headersTimeoutMs?: number;
  /** @default REQUEST_TIMEOUT_MS (300 s) */
  requestTimeoutMs?: number;
  /** Serves connections that open with the HTTP/2 preface. @default none: node:http refuses them */
  http2?: Http2Server;
}

const NO_LIMIT: BodyLimit = { limit: Infinity, refuse: () => ({ status: 413 }) };

export class Http1Server extends EventEmitter implements ConnectionOwner {
  private readonly listener: net.Server;
  private readonly connections = new Set<Http1Connection>();
  closing = false;
  readonly bodyCheckThreshold: number;
  readonly bodyLimit: (url: string, headers: Record<string, string>) => BodyLimit;
  readonly streamsBody: (method: string, url: string, headers: Record<string, string>, contentLength: number) => boolean;
  readonly http2?: Http2Server;
  private readonly sessions = new Set<import("node:http2").Http2Session>();
  private readonly headersTimeout: number;
  private readonly requestTimeout: number;
  /** Looks for slow clients (see Http1Connection.checkTimeouts) while listening. */
  private sweep?: NodeJS.Timeout;

  /**
   * @param handler receives each fast-path request; it must call `respond` on it once.
   * @param fallback serves handed-off sockets; never listens itself.
   */
  constructor(
    readonly handler: (exchange: Exchange) => void,
    readonly fallback: NodeHttpServer,
    opts: Http1ServerOptions = {},
  ) {
    super();
    this.bodyLimit = opts.bodyLimit ?? (() => NO_LIMIT);
    this.streamsBody = opts.streamsBody ?? (() => false);
    this.bodyCheckThreshold = opts.bodyLimit ? (opts.bodyCheckThreshold ?? 0) : Infinity;
    this.headersTimeout = opts.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
    this.requestTimeout = opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    this.http2 = opts.http2;
    // HTTP/2 sessions are tracked here, to be closed with the server.
    this.http2?.on("session", (session) => {
      this.sessions.add(session);
      session.once("close", () => this.sessions.delete(session));
    });
    // The handed-off sockets get node:http's own checks with the same figures.
    fallback.headersTimeout = this.headersTimeout;
    fallback.requestTimeout = this.requestTimeout;
    // allowHalfOpen: a client that shuts down its sending side still gets its answers
    // (node:http creates its server the same way); noDelay: node:http's default.
    this.listener = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.accept(socket));
    this.listener.on("error", (err) => this.emit("error", err));
    // http.Server starts tracking connections (what closeIdleConnections and
    // closeAllConnections act on, and its headers/request timeout checks) on its
    // 'listening' event. The fallback never listens: it only receives sockets through
    // emit("connection"), so start the tracking the same way. Its close() stops it.
    fallback.emit("listening");
  }

  listen(port: number, host: string, callback?: () => void): this {
    this.listener.listen(port, host, callback);
    // One timer for all connections, as node:http's connectionsCheckingInterval: checking
    // costs nothing per request, and a deadline is met within a quarter of its length.
    const every = Math.max(25, Math.min(5_000, this.headersTimeout / 4));
    this.sweep = setInterval(() => {
      const now = Date.now();
      for (const connection of this.connections) connection.checkTimeouts(now, this.headersTimeout, this.requestTimeout);
    }, every).unref();
    return this;
  }

  address(): net.AddressInfo | string | null {
    return this.listener.address();
  }

  /**
   * Stop accepting, close idle sockets; `callback` runs once every socket (fast or
   * handed off) is closed. Busy fast-path sockets end after their last answer, which
   * says `connection: close`.
   */
  close(callback?: (err?: Error) => void): this {
    this.closing = true;
    clearInterval(this.sweep);
    this.listener.close(callback);
    for (const connection of this.connections) connection.closeIfIdle();
    // node:http's close() closes its own idle sockets.
    this.fallback.close();
    for (const session of this.sessions) session.close();
    return this;
  }

  closeIdleConnections(): void {
    for (const connection of this.connections) connection.closeIfIdle();
    this.fallback.closeIdleConnections();
  }

  closeAllConnections(): void {
    for (const connection of this.connections) connection.socket.destroy();
    this.fallback.closeAllConnections();
    for (const session of this.sessions) session.destroy();
  }

  forget(connection: Http1Connection): void {
    this.connections.delete(connection);
  }

  private accept(socket: net.Socket): void {
    this.connections.add(new Http1Connection(this, socket));
  }
}
