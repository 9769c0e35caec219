/**
 * State integrity at start. A state directory's files refer to each other (CloudFormation
 * lists tables that live in dynamodb.sqlite, S3's rows name blob files, SecureStrings
 * need ssm/secure-string.key), so one missing, emptied or damaged file must stop the
 * start with its name and the way back, never start silently empty beside the rest.
 *
 * `state.json` records what a healthy run left: the databases it opened and the data
 * directories that held files. At start every recorded database must exist, be
 * non-empty and begin with SQLite's header, and every recorded directory must still hold
 * something; as each database opens it must still have tables, and small ones (up to a
 * byte budget, so a start stays fast) pass SQLite's `quick_check`. A directory from
 * before state.json existed is adopted as it is.
 *
 * A clean stop records each database file's identity (inode, size, modification time to
 * the nanosecond) once SQLite closed it, its WAL folded in. The next start skips
 * quick_check for a file that still has that identity and no WAL beside it: it is the
 * file that was checked and then written only by SQLite. Anything that touches it in
 * between (a copy, a truncation, a scribble, a crash mid-run) changes the identity or
 * leaves a WAL, and the check runs as before. The cheap checks (present, non-empty,
 * SQLite's header, tables) run on every start.
 */
import fs from "node:fs";
import path from "node:path";
import type Database from "better-sqlite3";

/** The layout version of a state directory; a newer one is refused rather than misread. */
export const STATE_FORMAT = 1;
const MANIFEST = "state.json";
const SQLITE_HEADER = Buffer.from("SQLite format 3\0", "latin1");
/** Databases are quick_check-ed at start up to this many bytes in all (~10 ms a MB). */
const QUICK_CHECK_BUDGET = 16 * 1024 * 1024;

const HOW_TO_RECOVER =
  "Restore it (and the rest of the directory) from a backup, or start over with `--reset` (`sst dev --reset`, `sst local --reset`), which deletes this stage's local state.";

/** A state file that cannot be trusted; the message names it and the way back. */
export class StateDamagedError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`Local cloud state is damaged: ${file} ${problem}. The local cloud did not start, so nothing was lost or overwritten. ${HOW_TO_RECOVER}`);
    this.name = "StateDamagedError";
  }
}

interface Manifest {
  format: number;
  /** Names of databases (`<name>.sqlite`) a run opened. */
  databases: string[];
  /** Names of data directories (`<dir>/<name>/`) that held files. */
  directories: string[];
  /** Each database's file identity at the last clean stop (see above); absent after a crash-free start until the next stop. */
  closed?: Record<string, string>;
}

export class StateIntegrity {
  private readonly recorded: Manifest;
  private quickCheckBudget = QUICK_CHECK_BUDGET;
  private readonly opened = new Set<string>();
  private readonly dataDirs = new Set<string>();
  private started = false;
  /** Databases whose quick_check ran at this start (the rest were unchanged since a clean stop, or over the budget). */
  readonly quickChecked: string[] = [];

  /** Reads state.json and checks what it records; throws StateDamagedError. */
  constructor(readonly dir: string) {
    this.recorded = this.readManifest();
    for (const name of this.recorded.databases) this.checkDatabaseFile(name);
    for (const name of this.recorded.directories) {
      const d = path.join(dir, name);
      if (!fs.existsSync(d)) throw new StateDamagedError(d, "is missing (it held this stage's data)");
      if (isEmptyDir(d)) throw new StateDamagedError(d, "is empty (it held this stage's data)");
    }
  }

  /** Whether `name` is a database an earlier run left (so it must have kept its tables). */
  private known(name: string): boolean {
    return this.recorded.databases.includes(name);
  }

  /**
   * Opens `<dir>/<name>.sqlite` with `open` and checks it: a file SQLite cannot read is
   * named, a known one must still have tables, and small ones pass quick_check.
   */
  openDatabase(name: string, open: (file: string) => Database.Database): Database.Database {
    const file = path.join(this.dir, `${name}.sqlite`);
    const existed = fs.existsSync(file);
    const unchangedSinceCleanStop = existed && this.recorded.closed?.[name] !== undefined && this.recorded.closed[name] === fileIdentity(file) && !fs.existsSync(`${file}-wal`);
    let db: Database.Database;
    try {
      db = open(file);
    } catch (err) {
      throw damagedBy(file, err) ?? err;
    }
    this.opened.add(name);
    if (!existed) return db;
    try {
      const tables = db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'").pluck().get() as number;
      if (tables === 0 && this.known(name)) throw new StateDamagedError(file, "has lost its tables (it was replaced by an empty database)");
      const size = fs.statSync(file).size;
      if (!unchangedSinceCleanStop && size <= this.quickCheckBudget) {
        this.quickCheckBudget -= size;
        this.quickChecked.push(name);
        const result = db.pragma("quick_check", { simple: true });
        if (result !== "ok") throw new StateDamagedError(file, `fails SQLite's integrity check (${String(result).slice(0, 200)})`);
      }
    } catch (err) {
      db.close();
      throw damagedBy(file, err) ?? err;
    }
    return db;
  }

  /** Notes a data directory in use (recorded once it holds files). */
  noteDataDir(name: string): void {
    this.dataDirs.add(name);
  }

  /** After a successful start: records what this run uses, for the next start to check. */
  record(): void {
    const databases = [...new Set([...this.recorded.databases, ...this.opened])].sort();
    const directories = [...new Set([...this.recorded.directories, ...[...this.dataDirs].filter((d) => !isEmptyDir(path.join(this.dir, d)))])].sort();
    this.started = true;
    // The identities are those of the last stop; files opened since may change under them (the identity check catches it either way).
    this.write({ format: STATE_FORMAT, databases, directories, ...(this.recorded.closed ? { closed: this.recorded.closed } : {}) });
  }

  /**
   * After a clean stop, every database closed (its WAL checkpointed and removed): records
   * their identities so the next start can skip re-checking unchanged files. Only for a
   * cloud whose start completed; a database left with a WAL is not recorded.
   */
  recordCleanStop(): void {
    if (!this.started) return;
    const closed: Record<string, string> = {};
    for (const name of this.opened) {
      const file = path.join(this.dir, `${name}.sqlite`);
      if (fs.existsSync(`${file}-wal`)) continue;
      const id = fileIdentity(file);
      if (id) closed[name] = id;
    }
    this.write({ ...this.recorded, closed });
  }

  private write(next: Manifest): void {
    if (JSON.stringify(next) === JSON.stringify(this.recorded)) return;
    const file = path.join(this.dir, MANIFEST);
    fs.writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(next, null, 2) + "\n");
    fs.renameSync(`${file}.${process.pid}.tmp`, file);
    Object.assign(this.recorded, next);
  }

  private readManifest(): Manifest {
    const file = path.join(this.dir, MANIFEST);
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      // None yet (a new directory, or one from before state.json): adopt what is there.
      return { format: STATE_FORMAT, databases: adoptDatabases(this.dir), directories: [] };
    }
    let m: Partial<Manifest>;
    try {
      m = JSON.parse(text);
    } catch {
      throw new StateDamagedError(file, "is not valid JSON");
    }
    if (typeof m?.format !== "number" || !Array.isArray(m.databases) || !Array.isArray(m.directories)) throw new StateDamagedError(file, "is not a state manifest");
    if (m.format > STATE_FORMAT) {
      throw new StateDamagedError(file, `was written by a newer local cloud (state format ${m.format}; this one reads ${STATE_FORMAT})`);
    }
    const closed = m.closed && typeof m.closed === "object" && !Array.isArray(m.closed) ? Object.fromEntries(Object.entries(m.closed).map(([k, v]) => [k, String(v)])) : undefined;
    return { format: m.format, databases: m.databases.map(String), directories: m.directories.map(String), ...(closed ? { closed } : {}) };
  }

  private checkDatabaseFile(name: string): void {
    const file = path.join(this.dir, `${name}.sqlite`);
    let fd: number;
    try {
      fd = fs.openSync(file, "r");
    } catch {
      throw new StateDamagedError(file, "is missing (other state of this stage refers to what it held)");
    }
    try {
      const head = Buffer.alloc(SQLITE_HEADER.length);
      const n = fs.readSync(fd, head, 0, head.length, 0);
      if (n === 0) throw new StateDamagedError(file, "is empty (other state of this stage refers to what it held)");
      if (n < head.length || !head.equals(SQLITE_HEADER)) throw new StateDamagedError(file, "is not a SQLite database (its header is damaged)");
    } finally {
      fs.closeSync(fd);
    }
  }
}

/** The `<name>.sqlite` files of a directory that has no state.json yet. */
function adoptDatabases(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".sqlite"))
      .map((f) => f.slice(0, -".sqlite".length))
      .sort();
  } catch {
    return [];
  }
}

/** "inode:size:mtime-ns" of a file, or undefined when it is gone. */
function fileIdentity(file: string): string | undefined {
  const st = fs.statSync(file, { bigint: true, throwIfNoEntry: false });
  return st ? `${st.ino}:${st.size}:${st.mtimeNs}` : undefined;
}

function isEmptyDir(dir: string): boolean {
  let handle: fs.Dir | undefined;
  try {
    handle = fs.opendirSync(dir);
    return handle.readSync() === null;
  } catch {
    return true;
  } finally {
    handle?.closeSync();
  }
}

/** SQLite's own errors for a file it cannot read, as a StateDamagedError naming the file. */
function damagedBy(file: string, err: unknown): StateDamagedError | undefined {
  if (err instanceof StateDamagedError) return err;
  const code = (err as { code?: string })?.code ?? "";
  if (code === "SQLITE_NOTADB") return new StateDamagedError(file, "is not a SQLite database");
  if (code.startsWith("SQLITE_CORRUPT")) return new StateDamagedError(file, `is corrupt (${(err as Error).message})`);
  return undefined;
}
