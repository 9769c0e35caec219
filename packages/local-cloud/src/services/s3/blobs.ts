/**
 * Object bodies. Small ones (up to INLINE_MAX bytes, the common upload of an app:
 * thumbnails, JSON, avatars) are rows of the S3 database: writing one costs an INSERT,
 * reading one a SELECT, no file to create, open or close. Larger ones are files, each
 * written to a temp file and renamed into place, so a crash never leaves a half-written
 * object; a body file is immutable once named, which lets GET stream from an open
 * descriptor while the key is overwritten. Inline names start with "~", file names are
 * 32 hex characters.
 */
import fs from "node:fs";
import path from "node:path";
import { createHash, randomUUID } from "node:crypto";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type Database from "better-sqlite3";

/** Bodies up to this size live in the database. */
export const INLINE_MAX = 16 * 1024;
/** File bodies up to this size are read at once (one read, no stream) when served. */
export const READ_AT_ONCE_MAX = 64 * 1024;

/** An opened body: an inline body's bytes, or a file's descriptor. */
export type OpenedBlob = { bytes: Buffer } | { fd: number };

const ignoreError = () => {};

/** Whether a body lives in the database (removing it is then part of a transaction). */
export const isInlineBlob = (name: string) => name.startsWith("~");
const isInline = isInlineBlob;

export class BlobStore {
  private readonly objectsDir: string;
  private readonly tmpDir: string;
  /** Fan-out directories known to exist (a mkdir per write costs a system call). */
  private readonly dirs = new Set<string>();
  private readonly inline;

  constructor(root: string, db: Database.Database) {
    this.objectsDir = path.join(root, "objects");
    this.tmpDir = path.join(root, "tmp");
    fs.mkdirSync(this.objectsDir, { recursive: true });
    // Whatever is left in tmp/ was never renamed into place: a write cut short by a crash.
    fs.rmSync(this.tmpDir, { recursive: true, force: true });
    fs.mkdirSync(this.tmpDir, { recursive: true });
    db.exec("CREATE TABLE IF NOT EXISTS inline_bodies (name TEXT PRIMARY KEY, data BLOB NOT NULL)");
    this.inline = {
      get: db.prepare("SELECT data FROM inline_bodies WHERE name = ?").pluck(),
      put: db.prepare("INSERT INTO inline_bodies (name, data) VALUES (?, ?)"),
      remove: db.prepare("DELETE FROM inline_bodies WHERE name = ?"),
    };
  }

  path(name: string): string {
    // Names are ours (uuid + fan-out dir), never user input.
    return path.join(this.objectsDir, name.slice(0, 2), name);
  }

  private newName(): { name: string; target: string; tmp: string } {
    const name = randomUUID().replace(/-/g, "");
    const target = this.path(name);
    const dir = path.dirname(target);
    if (!this.dirs.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      this.dirs.add(dir);
    }
    return { name, target, tmp: path.join(this.tmpDir, name) };
  }

  /** Store `data` durably under a new name. */
  write(data: Uint8Array): string {
    if (data.length <= INLINE_MAX) {
      const name = `~${randomUUID()}`;
      this.inline.put.run(name, data);
      return name;
    }
    const { name, target, tmp } = this.newName();
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, target);
    return name;
  }

  /** A fresh path in the temp directory, for a body streamed to disk before it is adopted or discarded. */
  stagingPath(): string {
    return path.join(this.tmpDir, `staged-${randomUUID()}`);
  }

  /**
   * Take a staged file (stagingPath) as a body under a new name: renamed into place, no
   * copy; a body small enough to be inline becomes a row and the file goes.
   */
  adopt(staged: string, length: number): string {
    if (length <= INLINE_MAX) {
      const name = this.write(fs.readFileSync(staged));
      fs.rmSync(staged, { force: true });
      return name;
    }
    const { name, target } = this.newName();
    fs.renameSync(staged, target);
    return name;
  }

  /** A second name for an existing body (copy): a hard link, or a copy where links fail. */
  duplicate(source: string): string {
    if (isInline(source)) return this.write(this.inlineBytes(source));
    const { name, target, tmp } = this.newName();
    try {
      fs.linkSync(this.path(source), tmp);
    } catch {
      fs.copyFileSync(this.path(source), tmp);
    }
    fs.renameSync(tmp, target);
    return name;
  }

  /** Concatenate bodies in order into a new one (multipart completion), streaming. */
  async concat(sources: string[]): Promise<string> {
    const { name, target, tmp } = this.newName();
    const out = fs.createWriteStream(tmp);
    try {
      for (const source of sources) {
        const from = isInline(source) ? Readable.from([this.inlineBytes(source)]) : fs.createReadStream(this.path(source));
        await pipeline(from, out, { end: false });
      }
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
      fs.renameSync(tmp, target);
    } catch (err) {
      out.destroy();
      fs.rmSync(tmp, { force: true });
      throw err;
    }
    return name;
  }

  /** Open for reading now, so a later overwrite or delete cannot pull the body away. */
  open(name: string): OpenedBlob {
    if (isInline(name)) return { bytes: this.inlineBytes(name) };
    return { fd: fs.openSync(this.path(name), "r") };
  }

  /** The bytes from `start` to `end` (inclusive) as a stream: a large body is never read whole. */
  readStream(name: string, start = 0, end?: number): Readable {
    if (isInline(name)) {
      const bytes = this.inlineBytes(name);
      return Readable.from([bytes.subarray(start, end === undefined ? undefined : end + 1)]);
    }
    if (end !== undefined && end < start) return Readable.from([]);
    return fs.createReadStream(this.path(name), { start, end, highWaterMark: 1024 * 1024 });
  }

  /** The MD5 of a body, read a MiB at a time. */
  async md5(name: string): Promise<Buffer> {
    const hash = createHash("md5");
    for await (const chunk of this.readStream(name)) hash.update(chunk as Buffer);
    return hash.digest();
  }

  /**
   * Copy a byte range (inclusive) of a body into a staged file (stagingPath), a MiB at a
   * time, hashing it on the way: what UploadPartCopy stores as its part.
   */
  async copyRangeToStaging(name: string, start: number, end: number | undefined): Promise<{ file: string; length: number; md5: Buffer }> {
    const file = this.stagingPath();
    const hash = createHash("md5");
    let length = 0;
    const hashing = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        length += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(this.readStream(name, start, end), hashing, fs.createWriteStream(file));
    } catch (err) {
      fs.rmSync(file, { force: true });
      throw err;
    }
    return { file, length, md5: hash.digest() };
  }

  /**
   * A body file goes in the background: nothing names it any more (the object that did
   * is committed away), and freeing a large file's blocks took a large overwrite's main
   * thread several milliseconds. A crash before it is gone leaves an orphan file, as a
   * crash between the commit and a synchronous removal did.
   */
  remove(name: string | undefined): void {
    if (!name) return;
    if (isInline(name)) this.inline.remove.run(name);
    else fs.rm(this.path(name), { force: true }, ignoreError);
  }

  private inlineBytes(name: string): Buffer {
    const data = this.inline.get.get(name) as Buffer | undefined;
    if (!data) throw new Error(`object body ${name} is missing`);
    return data;
  }
}
