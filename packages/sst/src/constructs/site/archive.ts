/**
 * A site's files as zip archives for the S3 uploader (SST v2 zips them with its
 * base-site archiver): every `from` folder under its `to` prefix, split into parts of
 * at most 200 MB, plus a "filenames" list (what StaticSite's purge keeps). The zips
 * are deterministic and reused while the files are unchanged, so an unchanged site
 * costs no compression and keeps its asset hashes.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { zipSync, type Zippable } from "fflate";

export interface CopySpec {
  /** Absolute folder. */
  from: string;
  /** Key prefix in the bucket ("" for the root). */
  to: string;
}

const PART_LIMIT = 200 * 1024 * 1024;
const EPOCH = new Date("1980-01-01T00:00:00Z");

function listFiles(root: string): { rel: string; full: string; size: number; mtime: number }[] {
  const out: { rel: string; full: string; size: number; mtime: number }[] = [];
  const walk = (dir: string, rel: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      const st = fs.statSync(full); // follows links, as SST's archiver does
      if (st.isDirectory()) walk(full, r);
      else if (st.isFile()) out.push({ rel: r, full, size: st.size, mtime: st.mtimeMs });
    }
  };
  walk(root, "");
  return out;
}

/** One folder as one zip at `outFile` (a function's code); reused while the folder is unchanged. */
export function zipDirectory(dir: string, outFile: string): string {
  if (!fs.existsSync(dir)) throw new Error(`No bundle found at "${dir}"`);
  const files = listFiles(dir);
  const signature = createHash("sha256").update(JSON.stringify(files.map((f) => [f.rel, f.size, f.mtime]))).digest("hex");
  const stamp = `${outFile}.signature`;
  if (fs.existsSync(outFile) && fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === signature) return outFile;
  const zippable: Zippable = {};
  for (const f of files) zippable[f.rel] = [fs.readFileSync(f.full), { mtime: EPOCH }];
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, zipSync(zippable, { level: 6 }));
  fs.writeFileSync(stamp, signature);
  return outFile;
}

/** `partLimit`: the most bytes of files in one zip (SST v2: 200 MB). */
export function createSiteArchive(copy: CopySpec[], outDir: string, partLimit = PART_LIMIT): { parts: string[]; filenames: string } {
  const files = copy.flatMap((c) => {
    if (!fs.existsSync(c.from)) throw new Error(`No build output found at "${c.from}"`);
    return listFiles(c.from).map((f) => ({ ...f, key: c.to ? path.posix.join(c.to, f.rel) : f.rel }));
  });
  const signature = createHash("sha256").update(JSON.stringify([partLimit, files.map((f) => [f.key, f.size, f.mtime])])).digest("hex");
  const stamp = path.join(outDir, "signature");
  const filenames = path.join(outDir, "filenames");
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === signature) {
    const parts = fs.readdirSync(outDir).filter((f) => /^part\d+\.zip$/.test(f)).sort((a, b) => Number(a.slice(4, -4)) - Number(b.slice(4, -4)));
    return { parts: parts.map((p) => path.join(outDir, p)), filenames };
  }
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const parts: string[] = [];
  let current: Zippable = {};
  let size = 0;
  const flush = () => {
    if (Object.keys(current).length === 0 && parts.length > 0) return;
    const file = path.join(outDir, `part${parts.length}.zip`);
    fs.writeFileSync(file, zipSync(current, { level: 6 }));
    parts.push(file);
    current = {};
    size = 0;
  };
  for (const f of files) {
    if (size > 0 && size + f.size > partLimit) flush();
    current[f.key] = [fs.readFileSync(f.full), { mtime: EPOCH }];
    size += f.size;
  }
  flush();
  fs.writeFileSync(filenames, files.map((f) => f.key).join("\n"));
  fs.writeFileSync(stamp, signature);
  return { parts, filenames };
}
