/**
 * Each local cluster's Postgres endpoint: a TCP listener on 127.0.0.1 speaking the wire
 * protocol (connection.ts). A cluster keeps its port across restarts when it is free (the
 * port is in the deployed template's attributes and the secret); PGlite itself is loaded
 * only when a client has authenticated.
 */
import net from "node:net";
import type { ClusterRow } from "../clusters.js";
import type { ClusterSession } from "../cluster-session.js";
import { WireConnection } from "./connection.js";
import { scramKeys, type ScramKeys } from "./scram.js";

export const WIRE_HOST = "127.0.0.1";

export interface WireListenerDeps {
  cluster(arn: string): ClusterRow | undefined;
  session(arn: string): Promise<ClusterSession>;
  /** How long a connection may sit idle in a transaction while others wait (connection.ts' default otherwise). */
  idleInTransactionMs?: number;
}

interface Listener {
  server: net.Server;
  port: number;
  connections: Set<WireConnection>;
}

export class WireListeners {
  private readonly listeners = new Map<string, Listener>();
  private readonly keys = new Map<string, ScramKeys>();

  constructor(private readonly deps: WireListenerDeps) {}

  /** Listens for `arn` (on `preferredPort` when it is free) and returns the port; already listening: its port. */
  async listen(arn: string, preferredPort?: number): Promise<number> {
    const existing = this.listeners.get(arn);
    if (existing) return existing.port;
    const connections = new Set<WireConnection>();
    const server = net.createServer((socket) => {
      const connection = new WireConnection(socket, {
        cluster: () => this.deps.cluster(arn),
        session: () => this.deps.session(arn),
        keys: (password) => this.keysOf(password),
        idleInTransactionMs: this.deps.idleInTransactionMs,
      });
      connections.add(connection);
      socket.once("close", () => connections.delete(connection));
    });
    let port: number;
    try {
      port = await listenOn(server, preferredPort ?? 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE" || !preferredPort) throw err;
      port = await listenOn(server, 0);
    }
    this.listeners.set(arn, { server, port, connections });
    return port;
  }

  port(arn: string): number | undefined {
    return this.listeners.get(arn)?.port;
  }

  /** Stops listening for `arn` and ends its connections (each rolls back what it had open). */
  async stop(arn: string): Promise<void> {
    const listener = this.listeners.get(arn);
    if (!listener) return;
    this.listeners.delete(arn);
    await Promise.all([...listener.connections].map((c) => c.end()));
    await new Promise<void>((resolve) => listener.server.close(() => resolve()));
  }

  async close(): Promise<void> {
    await Promise.all([...this.listeners.keys()].map((arn) => this.stop(arn)));
  }

  private keysOf(password: string): ScramKeys {
    let keys = this.keys.get(password);
    if (!keys) this.keys.set(password, (keys = scramKeys(password)));
    return keys;
  }
}

function listenOn(server: net.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, WIRE_HOST, () => {
      server.off("error", reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}
