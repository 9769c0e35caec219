/**
 * What the site custom resources need to read and write: zip archives (as the site
 * archiver writes them, stored or deflated, UTF-8 names), SST v2's glob patterns for
 * `files` options, and content types by extension.
 */
import { inflateRawSync, deflateRawSync, crc32 } from "node:zlib";

/** The files of a zip archive by name; folders are skipped, paths leaving the root refused. */
export function readZip(zip: Buffer): Map<string, Buffer> {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65557); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error("The site archive is not a zip file");
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const files = new Map<string, Buffer>();
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error("The site archive's central directory is damaged");
    const method = zip.readUInt16LE(p + 10);
    const compressed = zip.readUInt32LE(p + 20);
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const name = zip.toString("utf8", p + 46, p + 46 + nameLength);
    p += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith("/")) continue;
    if (name.split("/").includes("..") || name.startsWith("/")) throw new Error(`Refusing the archive entry ${name}`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + compressed);
    if (method === 0) files.set(name, Buffer.from(raw));
    else if (method === 8) files.set(name, inflateRawSync(raw));
    else throw new Error(`Unsupported zip compression method ${method} for ${name}`);
  }
  return files;
}

/** A zip archive of these files (deflated where that is smaller), as readZip reads it. */
export function writeZip(files: Map<string, Buffer>): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of files) {
    const nameBytes = Buffer.from(name, "utf8");
    const deflated = deflateRawSync(data);
    const deflate = deflated.length < data.length;
    const body = deflate ? deflated : data;
    const crc = crc32(data);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(0x0800, 6); // UTF-8 names
    header.writeUInt16LE(deflate ? 8 : 0, 8);
    header.writeUInt16LE(0x21, 12); // 1980-01-01
    header.writeUInt32LE(crc, 14);
    header.writeUInt32LE(body.length, 18);
    header.writeUInt32LE(data.length, 22);
    header.writeUInt16LE(nameBytes.length, 26);
    locals.push(header, nameBytes, body);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(deflate ? 8 : 0, 10);
    entry.writeUInt16LE(0x21, 14);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(body.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, nameBytes);
    offset += 30 + nameBytes.length + body.length;
  }
  const centralSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.size, 8);
  end.writeUInt16LE(files.size, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...central, end]);
}

const matchers = new Map<string, (name: string) => boolean>();

/** A glob (or list): `**` crosses folders, `*` and `?` do not, `{a,b}` and `@(a|b)` alternate; dotfiles match. */
export function globMatcher(patterns: string | string[]): (name: string) => boolean {
  const list = Array.isArray(patterns) ? patterns : [patterns];
  const key = JSON.stringify(list);
  let m = matchers.get(key);
  if (!m) {
    const res = list.map((p) => new RegExp(`^${globSource(String(p).replace(/^\.?\//, ""))}$`));
    m = (name) => res.some((re) => re.test(name));
    matchers.set(key, m);
  }
  return m;
}

function globSource(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") {
      if (glob[i + 1] === "*") {
        const slash = glob[i + 2] === "/";
        out += slash ? "(?:.*/)?" : ".*";
        i += slash ? 2 : 1;
      } else out += "[^/]*";
    } else if (c === "@" && glob[i + 1] === "(") {
      const end = glob.indexOf(")", i);
      out += `(?:${glob.slice(i + 2, end).split("|").map(globSource).join("|")})`;
      i = end;
    } else if (c === "?") out += "[^/]";
    else if (c === "{") {
      const end = glob.indexOf("}", i);
      if (end < 0) out += "\\{";
      else {
        out += `(?:${glob.slice(i + 1, end).split(",").map(globSource).join("|")})`;
        i = end;
      }
    } else out += /[.+^$()|[\]\\]/.test(c) ? `\\${c}` : c;
  }
  return out;
}

const TYPES: Record<string, [string, boolean]> = {
  ".txt": ["text/plain", true], ".htm": ["text/html", true], ".html": ["text/html", true], ".xhtml": ["application/xhtml+xml", true],
  ".css": ["text/css", true], ".js": ["text/javascript", true], ".mjs": ["text/javascript", true], ".map": ["application/json", true],
  ".json": ["application/json", true], ".jsonld": ["application/ld+json", true], ".xml": ["application/xml", true], ".svg": ["image/svg+xml", true],
  ".webmanifest": ["application/manifest+json", true], ".apng": ["image/apng", false], ".avif": ["image/avif", false], ".gif": ["image/gif", false],
  ".jpeg": ["image/jpeg", false], ".jpg": ["image/jpeg", false], ".png": ["image/png", false], ".bmp": ["image/bmp", false],
  ".tiff": ["image/tiff", false], ".webp": ["image/webp", false], ".ico": ["image/vnd.microsoft.icon", false], ".eot": ["application/vnd.ms-fontobject", false],
  ".ttf": ["font/ttf", false], ".otf": ["font/otf", false], ".woff": ["font/woff", false], ".woff2": ["font/woff2", false],
  ".pdf": ["application/pdf", false], ".zip": ["application/zip", false], ".wasm": ["application/wasm", false],
};

/** The Content-Type of an uploaded file; text types carry the charset unless it is "none". */
export function contentTypeOf(name: string, textEncoding: string): string {
  const ext = name.endsWith(".well-known/site-association-json") ? ".json" : (/\.[^./]+$/.exec(name)?.[0] ?? "").toLowerCase();
  const [mime, text] = TYPES[ext] ?? ["application/octet-stream", false];
  return text && textEncoding !== "none" ? `${mime};charset=${textEncoding}` : mime;
}

export interface FileOptions {
  files: string | string[];
  ignore?: string | string[];
  cacheControl?: string;
  contentType?: string;
}

/** The last matching file option wins (and an `ignore` match excludes), as in SST v2. */
export function fileOptionsFor(name: string, options: FileOptions[]): FileOptions | undefined {
  for (let i = options.length - 1; i >= 0; i--) {
    const o = options[i]!;
    if (globMatcher(o.files)(name) && !(o.ignore && globMatcher(o.ignore)(name))) return o;
  }
  return undefined;
}

/** Replace `search` by `replace` in the text files matching `files`; returns whether any changed. */
export function replaceInFiles(files: Map<string, Buffer>, rule: { files: string | string[]; search: string; replace: string }): boolean {
  const matches = globMatcher(rule.files);
  let changed = false;
  for (const [name, data] of files) {
    if (!matches(name)) continue;
    const text = data.toString("utf8");
    if (!text.includes(rule.search)) continue;
    files.set(name, Buffer.from(text.split(rule.search).join(rule.replace)));
    changed = true;
  }
  return changed;
}
