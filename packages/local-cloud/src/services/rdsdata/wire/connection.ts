/**
 * One client connection to a local cluster over the Postgres wire protocol.
 *
 * The connection itself answers the startup phase (SSL refused with "N", a SCRAM-SHA-256
 * password exchange against the cluster's master credentials, the database check); after
 * it, the client's messages go to the cluster's PGlite backend as they are, in the
 * batches they arrive in, while the connection holds the cluster's session. It takes the
 * session for its first message and gives it back when the backend answers
 * ReadyForQuery "idle" to a Sync or a simple Query: a transaction (or an unfinished
 * extended-query sequence) keeps it, so other connections and the Data API wait for its
 * end and never see its uncommitted rows or interleave with it.
 *
 * Per connection: session settings (cluster-session.ts) and protocol-level prepared
 * statements and portals, whose names get a per-connection prefix so two clients' "s1"
 * never collide (closed when the connection ends). Shared by the cluster's connections
 * (one backend): temporary tables, SQL-level PREPARE names, LISTEN/NOTIFY.
 */
import { randomBytes } from "node:crypto";
import type { Socket } from "node:net";
import type { ClusterRow } from "../clusters.js";
import { REPORTED_PARAMETERS, mayChangeSettings, type ClusterSession, type SessionOwner } from "../cluster-session.js";
import {
  CANCEL_REQUEST, GSSENC_REQUEST, MessageReader, PROTOCOL_V3, ProtocolViolation, SSL_REQUEST, authentication, cstring, errorResponse, frame,
  int32, lastReadyStatus, parameterStatus, readCStrings, readyForQuery, startupParameters, type Message,
} from "./protocol.js";
import { ScramExchange, ScramFailure, scramKeys, type ScramKeys } from "./scram.js";

/** How long a connection may sit idle in a transaction while others wait for the session (then it is ended, as `idle_in_transaction_session_timeout` ends it). */
export const IDLE_IN_TRANSACTION_MS = 3 * 60_000;
const FOREVER = 2 ** 31 - 1;

/** Startup parameters that are not settings. */
const NOT_SETTINGS = new Set(["user", "database", "options", "replication"]);

export interface WireConnectionDeps {
  /** The cluster as it is now (its credentials may have changed since the listener started). */
  cluster(): ClusterRow | undefined;
  /** The cluster's session, opening its Postgres on first use. */
  session(): Promise<ClusterSession>;
  /** SCRAM keys of a password (cached by the server: PBKDF2 costs milliseconds). */
  keys(password: string): ScramKeys;
  /** How long it may sit idle in a transaction while others wait (default IDLE_IN_TRANSACTION_MS). */
  idleInTransactionMs?: number;
}

type Phase = "startup" | "sasl-initial" | "sasl-continue" | "ready" | "closed";

let nextConnectionId = 1;

export class WireConnection {
  private readonly id = nextConnectionId++;
  private readonly reader = new MessageReader();
  private readonly queue: Message[] = [];
  private phase: Phase = "startup";
  /** The messages being worked through (at most one drain at a time: the backend takes one exchange at a time). */
  private draining?: Promise<void>;
  private user = "";
  private database = "";
  private scram?: ScramExchange;
  private authenticated = false;
  private session?: ClusterSession;
  private release?: () => void;
  private readonly owner: SessionOwner;
  private readonly statements = new Set<string>();
  private idleTimer?: NodeJS.Timeout;
  /** The backend's transaction status after our last batch. */
  private status: "I" | "T" | "E" = "I";

  constructor(private readonly socket: Socket, private readonly deps: WireConnectionDeps) {
    this.owner = { label: `connection ${this.id}`, settings: new Map() };
    socket.setNoDelay(true);
    socket.on("data", (chunk) => this.receive(chunk));
    socket.on("error", () => void this.end());
    socket.on("close", () => void this.end());
  }

  private receive(chunk: Buffer): void {
    if (this.phase === "closed") return;
    try {
      this.queue.push(...this.reader.push(chunk));
    } catch (err) {
      this.fatal("08P01", (err as Error).message);
      return;
    }
    this.drain();
  }

  private drain(): void {
    this.draining ??= (async () => {
      try {
        while (this.queue.length && this.phase !== "closed") {
          if (this.phase === "ready") await this.runBatch(this.queue.splice(0));
          else await this.startupMessage(this.queue.shift()!);
        }
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        this.fatal(err instanceof ProtocolViolation ? "08P01" : typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : "XX000", (err as Error).message);
      } finally {
        this.draining = undefined;
      }
    })();
  }

  // ---- startup and authentication ----

  private async startupMessage(m: Message): Promise<void> {
    if (this.phase === "startup") {
      const code = m.body.length >= 4 ? m.body.readInt32BE(0) : 0;
      if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
        this.socket.write("N");
        return;
      }
      if (code === CANCEL_REQUEST) {
        // PGlite cannot interrupt a running statement: the request is dropped, as the protocol allows.
        this.socket.end();
        return;
      }
      if (code >> 16 !== PROTOCOL_V3 >> 16) return this.fatal("0A000", `unsupported frontend protocol ${code >> 16}.${code & 0xffff}: server supports 3.0 to 3.0`);
      const params = startupParameters(m.body);
      this.user = params.get("user") ?? "";
      if (!this.user) return this.fatal("28000", "no PostgreSQL user name specified in startup packet");
      if (params.get("replication") && params.get("replication") !== "false") return this.fatal("0A000", "the local cluster does not serve replication connections");
      this.database = params.get("database") || this.user;
      for (const [name, value] of params) if (!NOT_SETTINGS.has(name)) this.owner.settings.set(name, value);
      for (const [name, value] of commandLineOptions(params.get("options") ?? "")) this.owner.settings.set(name, value);
      this.reader.typed = true;
      this.phase = "sasl-initial";
      this.socket.write(authentication(10, Buffer.concat([cstring("SCRAM-SHA-256"), Buffer.from([0])])));
      return;
    }
    if (m.type !== "p") return this.fatal("08P01", `expected SASL response, got message type ${m.type}`);
    const cluster = this.deps.cluster();
    if (!cluster) return this.fatal("57P01", "terminating connection: the cluster was deleted");
    // An unknown user goes through the same exchange and fails the same way (as Postgres does: no user enumeration).
    const known = this.user === cluster.master_username;
    try {
      if (this.phase === "sasl-initial") {
        const [mechanism] = readCStrings(m.body);
        if (mechanism !== "SCRAM-SHA-256") return this.fatal("28000", "client selected an invalid SASL authentication mechanism");
        const offset = Buffer.byteLength(mechanism, "utf8") + 1;
        const data = m.body.subarray(offset + 4, offset + 4 + m.body.readInt32BE(offset)).toString("utf8");
        this.scram = new ScramExchange(this.deps.keys(known ? cluster.master_password : randomBytes(24).toString("hex")));
        this.socket.write(authentication(11, Buffer.from(this.scram.first(data), "utf8")));
        this.phase = "sasl-continue";
        return;
      }
      const final = this.scram!.final(m.body.toString("utf8"));
      if (!known) throw new ScramFailure("unknown user");
      this.socket.write(authentication(12, Buffer.from(final, "utf8")));
    } catch (err) {
      if (!(err instanceof ScramFailure)) throw err;
      return this.fatal("28P01", `password authentication failed for user "${this.user}"`);
    }
    this.authenticated = true;
    if (this.database !== cluster.database) return this.fatal("3D000", `database "${this.database}" does not exist`);
    await this.welcome();
  }

  /**
   * AuthenticationOk, the server's parameters (a fresh session's, with the client's startup
   * settings over them), its key, ReadyForQuery. Logging in does not wait for the session:
   * the startup settings are applied on the connection's first turn (a bad one then ends
   * the connection with Postgres' error).
   */
  private async welcome(): Promise<void> {
    this.session = await this.deps.session();
    if (this.phase === "closed") return;
    // Startup settings that are the defaults anyway (pg's client_encoding UTF8 …) need no applying on each turn.
    for (const [name, value] of [...this.owner.settings]) if (this.session.defaults.get(REPORTED_PARAMETERS.find((n) => n.toLowerCase() === name.toLowerCase()) ?? "") === value) this.owner.settings.delete(name);
    const given = new Map([...this.owner.settings].map(([name, value]) => [name.toLowerCase(), value]));
    this.socket.write(Buffer.concat([
      authentication(0),
      ...REPORTED_PARAMETERS.map((name) => parameterStatus(name, given.get(name.toLowerCase()) ?? this.session!.defaults.get(name)!)),
      frame("K", Buffer.concat([int32(process.pid), int32(randomBytes(4).readInt32BE())])),
      readyForQuery("I"),
    ]));
    this.phase = "ready";
  }

  // ---- queries ----

  /** Runs the messages that have arrived, as one exchange with the backend, holding the session. */
  private async runBatch(messages: Message[]): Promise<void> {
    const terminate = messages.findIndex((m) => m.type === "X");
    if (terminate >= 0) messages = messages.slice(0, terminate);
    if (messages.length) {
      if (!this.release) {
        const release = await this.session!.acquire(this.owner, FOREVER, () => new Error("unreachable"));
        if (this.phase === "closed") return release();
        this.release = release;
      }
      this.stopIdleTimer();
      const answer = await this.session!.pg.execProtocolRaw(Buffer.concat(messages.map((m) => this.forBackend(m))));
      if (this.phase === "closed") return;
      this.socket.write(answer);
      const status = lastReadyStatus(answer);
      if (status) this.status = status;
      const last = messages[messages.length - 1]!.type;
      if (status === "I" && (last === "S" || last === "Q")) this.giveBack();
      else if (status === "T" || status === "E") this.startIdleTimer();
    }
    if (terminate >= 0) await this.end();
  }

  /**
   * The message as the backend gets it: prepared statement and portal names prefixed with
   * this connection's, and COPY FROM STDIN refused (PGlite cannot take COPY data over its
   * protocol entry point: it would abort).
   */
  private forBackend(m: Message): Buffer {
    switch (m.type) {
      case "Q": {
        const [sql = ""] = readCStrings(m.body);
        if (mayChangeSettings(sql)) this.owner.touched = true;
        if (isCopyFromStdin(sql)) return frame("Q", cstring(COPY_REFUSAL));
        return m.bytes;
      }
      case "P": {
        const [name = "", sql = ""] = readCStrings(m.body);
        const rest = m.body.subarray(Buffer.byteLength(name) + Buffer.byteLength(sql) + 2);
        if (name) this.statements.add(this.prefixed(name));
        if (mayChangeSettings(sql)) this.owner.touched = true;
        return frame("P", Buffer.concat([cstring(this.prefixed(name)), cstring(isCopyFromStdin(sql) ? COPY_REFUSAL : sql), rest]));
      }
      case "B": {
        const [portal = "", statement = ""] = readCStrings(m.body);
        const rest = m.body.subarray(Buffer.byteLength(portal) + Buffer.byteLength(statement) + 2);
        return frame("B", Buffer.concat([cstring(this.prefixed(portal)), cstring(this.prefixed(statement)), rest]));
      }
      case "D":
      case "C": {
        const kind = m.body.subarray(0, 1);
        const [name = ""] = readCStrings(m.body, 1);
        if (m.type === "C" && kind.toString() === "S") this.statements.delete(this.prefixed(name));
        return frame(m.type, Buffer.concat([kind, cstring(this.prefixed(name))]));
      }
      case "E": {
        const [portal = ""] = readCStrings(m.body);
        return frame("E", Buffer.concat([cstring(this.prefixed(portal)), m.body.subarray(Buffer.byteLength(portal) + 1)]));
      }
      default:
        return m.bytes;
    }
  }

  private prefixed(name: string): string {
    return name ? `c${this.id}_${name}` : "";
  }

  private giveBack(): void {
    const release = this.release;
    this.release = undefined;
    release?.();
  }

  private startIdleTimer(): void {
    this.idleTimer = setTimeout(() => {
      if (this.session && this.session.waiting > 0) this.fatal("25P03", "terminating connection due to idle-in-transaction timeout");
      else this.startIdleTimer();
    }, this.deps.idleInTransactionMs ?? IDLE_IN_TRANSACTION_MS);
    this.idleTimer.unref?.();
  }

  private stopIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  // ---- the end ----

  private fatal(code: string, message: string): void {
    if (this.phase === "closed") return;
    this.socket.end(errorResponse("FATAL", code, message));
    void this.end();
  }

  /**
   * The connection is over: an unfinished exchange is synced, an open transaction rolled
   * back, its prepared statements closed, and the session given back.
   */
  async end(): Promise<void> {
    if (this.phase === "closed") return;
    this.phase = "closed";
    this.stopIdleTimer();
    if (!this.socket.destroyed) this.socket.end();
    // A batch under way finishes first (the backend takes one exchange at a time).
    await this.draining;
    const session = this.session;
    if (!session || !this.authenticated) return;
    try {
      if (!this.release && this.statements.size === 0) return;
      this.release ??= await session.acquire(undefined, FOREVER, () => new Error("unreachable"));
      let status = this.status;
      status = lastReadyStatus(await session.pg.execProtocolRaw(frame("S"))) ?? status;
      if (status !== "I") await session.pg.execProtocolRaw(frame("Q", cstring("ROLLBACK")));
      if (this.statements.size) {
        const closes = [...this.statements].map((name) => frame("C", Buffer.concat([Buffer.from("S"), cstring(name)])));
        await session.pg.execProtocolRaw(Buffer.concat([...closes, frame("S")]));
      }
    } catch {
      // The cluster is closing: nothing left to clean.
    } finally {
      session.forget(this.owner);
      this.giveBack();
    }
  }
}

const COPY_REFUSAL = `DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = 'feature_not_supported', MESSAGE = 'COPY FROM STDIN is not supported by the local cluster (PGlite cannot take COPY data over the wire protocol); use INSERT, or COPY FROM a server file'; END $$`;

function isCopyFromStdin(sql: string): boolean {
  return /\bcopy\b[\s\S]*\bfrom\s+stdin\b/i.test(sql);
}

/** `-c name=value` and `--name=value` pairs of the startup `options` parameter (backslash escapes a space). */
function commandLineOptions(options: string): Array<[string, string]> {
  const words = options.match(/(?:\\.|[^\s\\])+/g)?.map((w) => w.replace(/\\(.)/g, "$1")) ?? [];
  const out: Array<[string, string]> = [];
  for (let i = 0; i < words.length; i++) {
    let setting: string | undefined;
    if (words[i] === "-c") setting = words[++i];
    else if (words[i]!.startsWith("--")) setting = words[i]!.slice(2);
    else if (words[i]!.startsWith("-c")) setting = words[i]!.slice(2);
    const eq = setting?.indexOf("=") ?? -1;
    if (setting && eq > 0) out.push([setting.slice(0, eq).replace(/-/g, "_"), setting.slice(eq + 1)]);
  }
  return out;
}
