/**
 * One S3 server under test, in its own process: `local` (the local cloud), `s3rver`
 * (from npm, on disk), or `files` — no S3 at all: bare node:http storing each PUT body in
 * a file (a write stream) and answering a GET with a read stream of it, 1 MiB chunks,
 * the floor under any HTTP object store that writes objects to files in Node. Prints `{"port":N,"accessKeyId":…,"secretAccessKey":…}` once
 * listening, with bucket "bench" created. Stops on SIGTERM or when stdin closes.
 *
 *   node --import tsx bench/s3/server.ts local|s3rver
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { LocalCloud } from "../../packages/local-cloud/src/cloud.js";

const kind = process.argv[2];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), `s3-bench-${kind}-`));
let stop: () => Promise<void>;
if (kind === "local") {
  const cloud = await LocalCloud.start({ dir, port: 0 });
  await cloud.s3.call("CreateBucket", { Bucket: "bench" });
  stop = () => cloud.stop();
  console.log(JSON.stringify({ port: cloud.port, accessKeyId: "test", secretAccessKey: "test" }));
} else if (kind === "s3rver") {
  const { default: S3rver } = await import("s3rver");
  const server = new S3rver({ port: 0, address: "127.0.0.1", directory: dir, silent: true, configureBuckets: [{ name: "bench", configs: [] }] });
  const { port } = (await server.run()) as { port: number };
  stop = () => server.close();
  console.log(JSON.stringify({ port, accessKeyId: "S3RVER", secretAccessKey: "S3RVER" }));
} else if (kind === "files") {
  const http = await import("node:http");
  const { pipeline } = await import("node:stream/promises");
  const fileOf = (url: string) => path.join(dir, Buffer.from(new URL(url, "http://x").pathname).toString("hex"));
  const server = http.createServer(async (req, res) => {
    try {
      if (req.method === "PUT") {
        await pipeline(req, fs.createWriteStream(fileOf(req.url!), { highWaterMark: 1024 * 1024 }));
        res.end();
      } else {
        const file = fileOf(req.url!);
        res.writeHead(200, { "content-length": fs.statSync(file).size });
        await pipeline(fs.createReadStream(file, { highWaterMark: 1024 * 1024 }), res);
      }
    } catch {
      res.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  stop = () => new Promise((resolve) => server.close(() => resolve()));
  console.log(JSON.stringify({ port: (server.address() as { port: number }).port, accessKeyId: "files", secretAccessKey: "files" }));
} else throw new Error(`usage: server.ts local|s3rver|files (got ${kind})`);

const end = async () => {
  await stop().catch(() => undefined);
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
process.on("SIGTERM", end);
process.stdin.on("end", end);
process.stdin.resume();
