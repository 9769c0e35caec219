/**
 * A cluster's one Postgres backend (PGlite is a single session), shared by the Data API
 * and every wire connection. Whoever holds it holds it alone (SessionLock: a statement,
 * or a whole transaction), and each holder — a wire connection, or the Data API as one
 * party — sees its own session settings: when the session changes hands, the previous
 * holder's `SET`s (those whose source is "session") are saved, the backend's settings
 * are reset, and the new holder's are applied. Consecutive turns of one holder cost
 * nothing extra.
 */
import type { PGlite } from "@electric-sql/pglite";
import { SessionLock } from "./session-lock.js";

/** A party that takes turns on the session, with the settings to restore when it gets it. */
export interface SessionOwner {
  readonly label: string;
  settings: Map<string, string>;
}

/** The settings a Postgres server reports to a client at startup (ParameterStatus). */
export const REPORTED_PARAMETERS = ["server_version", "server_encoding", "client_encoding", "application_name", "DateStyle", "IntervalStyle", "TimeZone", "integer_datetimes", "standard_conforming_strings", "is_superuser", "session_authorization"];

export class ClusterSession {
  private readonly lock = new SessionLock();
  /** Whose settings the backend holds now (undefined: nobody's; reset before the next owner's). */
  private current: SessionOwner | undefined;

  private constructor(
    readonly pg: PGlite,
    /** REPORTED_PARAMETERS as a fresh session has them (a client's startup parameters override them). */
    readonly defaults: ReadonlyMap<string, string>,
  ) {}

  /** The session of a freshly opened backend (read before anyone else can use it). */
  static async open(pg: PGlite): Promise<ClusterSession> {
    const r = await pg.query<Record<string, string>>(`SELECT ${REPORTED_PARAMETERS.map((n, i) => `current_setting('${n}') AS c${i}`).join(", ")}`);
    return new ClusterSession(pg, new Map(REPORTED_PARAMETERS.map((n, i) => [n, r.rows[0]![`c${i}`]!])));
  }

  /** How many parties wait for the session. */
  get waiting(): number {
    return this.lock.waiting;
  }

  /**
   * Resolves with the release function once the session is `owner`'s with its settings
   * applied (undefined `owner`: as is, for cleanup); rejects after `timeoutMs`.
   */
  async acquire(owner: SessionOwner | undefined, timeoutMs: number, onTimeout: () => Error): Promise<() => void> {
    const release = await this.lock.acquire(timeoutMs, onTimeout);
    try {
      if (owner) await this.switchTo(owner);
    } catch (err) {
      release();
      throw err;
    }
    return release;
  }

  /** `owner` is gone: its settings stay in the backend only until the next owner's turn. */
  forget(owner: SessionOwner): void {
    if (this.current === owner) this.current = undefined;
  }

  private async switchTo(owner: SessionOwner): Promise<void> {
    if (this.current === owner) return;
    const previous = this.current;
    this.current = undefined;
    if (previous) {
      const saved = await this.pg.query<{ name: string; setting: string }>("SELECT name, setting FROM pg_catalog.pg_settings WHERE source = 'session'");
      previous.settings = new Map(saved.rows.map((r) => [r.name, r.setting]));
    }
    await this.pg.exec("RESET ALL");
    if (owner.settings.size) {
      await this.pg.query("SELECT pg_catalog.set_config(n, v, false) FROM unnest($1::text[], $2::text[]) AS s(n, v)", [[...owner.settings.keys()], [...owner.settings.values()]]);
    }
    this.current = owner;
  }
}
