/**
 * Object bodies as files. Every body is written to a temp file and renamed into
 * place, so a crash never leaves a half-written object; a body file is immutable once
 * named, which lets GET stream from an open descriptor while the key is overwritten.
 */
import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { pipeline } from "node:stream/promises";

export class BlobStore {
  private readonly objectsDir: string;
  private readonly tmpDir: string;

  constructor(root: string) {
    this.objectsDir = path.join(root, "objects");
    this.tmpDir = path.join(root, "tmp");
    fs.mkdirSync(this.objectsDir, { recursive: true });
    // Whatever is left in tmp/ was never renamed into place: a write cut short by a crash.
    fs.rmSync(this.tmpDir, { recursive: true, force: true });
    fs.mkdirSync(this.tmpDir, { recursive: true });
  }

  path(name: string): string {
    // Names are ours (uuid + fan-out dir), never user input.
    return path.join(this.objectsDir, name.slice(0, 2), name);
  }

  private newName(): { name: string; target: string; tmp: string } {
    const name = randomUUID().replace(/-/g, "");
    const target = this.path(name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    return { name, target, tmp: path.join(this.tmpDir, name) };
  }

  /** Store `data` durably under a new name. */
  write(data: Uint8Array): string {
    const { name, target, tmp } = this.newName();
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, target);
    return name;
  }

  /** A second name for an existing body (copy): a hard link, or a copy where links fail. */
  duplicate(source: string): string {
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
        await pipeline(fs.createReadStream(this.path(source)), out, { end: false });
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
  open(name: string): number {
    return fs.openSync(this.path(name), "r");
  }

  read(name: string, start = 0, end?: number): Buffer {
    const whole = fs.readFileSync(this.path(name));
    return end === undefined && start === 0 ? whole : whole.subarray(start, end === undefined ? undefined : end + 1);
  }

  remove(name: string | undefined): void {
    if (name) fs.rmSync(this.path(name), { force: true });
  }
}
