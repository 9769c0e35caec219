/**
 * A cluster's one Postgres backend (PGlite is a single session), shared by the Data API
 * and every wire connection. Whoever holds it holds it alone (SessionLock: a statement,
 * or a whole transaction), and each holder — a wire connection, or the Data API as one
 * party — sees its own session settings: when the session changes hands, the previous
 * holder's `SET`s (those whose source is "session") are saved, the backend's settings
 * are reset, and the new holder's are applied. Each step runs only when needed: saving
 * only after the holder ran SQL that may change a setting (`mayChangeSettings`),
 * resetting only when the backend holds someone's settings, applying only when the new
 * holder has some — so turns of parties that never `SET` anything cost nothing extra.
 */
import type { PGlite } from "@electric-sql/pglite";
import { SessionLock } from "./session-lock.js";

/** A party that takes turns on the session, with the settings to restore when it gets it. */
export interface SessionOwner {
  readonly label: string;
  settings: Map<string, string>;
  /** Set when it ran SQL that may have changed a session setting since its settings were last saved. */
  touched?: boolean;
}

/** Whether `sql` may change a session setting (SET, RESET, set_config, DISCARD): a cheap over-approximation. */
export function mayChangeSettings(sql: string): boolean {
  return /\b(?:set|reset|set_config|discard)\b/i.test(sql);
}

/** The settings a Postgres server reports to a client at startup (ParameterStatus). */
export const REPORTED_PARAMETERS = ["server_version", "server_encoding", "client_encoding", "application_name", "DateStyle", "IntervalStyle", "TimeZone", "integer_datetimes", "standard_conforming_strings", "is_superuser", "session_authorization"];

export class ClusterSession {
  private readonly lock = new SessionLock();
  /** Whose settings the backend holds now (undefined: nobody's). */
  private current: SessionOwner | undefined;
  /** The backend may hold settings of a party that is gone (reset before the next one's turn). */
  private orphanSettings = false;

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
    if (this.current !== owner) return;
    this.current = undefined;
    if (owner.touched || owner.settings.size) this.orphanSettings = true;
  }

  private async switchTo(owner: SessionOwner): Promise<void> {
    if (this.current === owner) return;
    const previous = this.current;
    this.current = undefined;
    let backendHasSettings = this.orphanSettings;
    if (previous) {
      if (previous.touched) {
        const saved = await this.pg.query<{ name: string; setting: string }>("SELECT name, setting FROM pg_catalog.pg_settings WHERE source = 'session'");
        previous.settings = new Map(saved.rows.map((r) => [r.name, r.setting]));
        previous.touched = false;
      }
      backendHasSettings = previous.settings.size > 0;
    }
    // Set at once: if what follows fails, the next turn resets again.
    this.orphanSettings = true;
    if (backendHasSettings) await this.pg.exec("RESET ALL");
    if (owner.settings.size) {
      await this.pg.query("SELECT pg_catalog.set_config(n, v, false) FROM unnest($1::text[], $2::text[]) AS s(n, v)", [[...owner.settings.keys()], [...owner.settings.values()]]);
    }
    this.orphanSettings = false;
    this.current = owner;
  }
}
