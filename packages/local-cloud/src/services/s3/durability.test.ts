/**
 * kill -9 while concurrent PUTs are in flight over HTTP: every object a client saw
 * acknowledged is there after restart with its bytes (writes are group-committed and
 * answered only after their COMMIT; small bodies live in the database, larger ones are
 * files renamed into place before it).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { S3Client, PutObjectCommand } from "@aws-sdk/client-s3";
import { LocalCloud } from "../../cloud.js";
import { ADMIN_ACCESS_KEY_ID, ADMIN_SECRET_ACCESS_KEY } from "../../types.js";

test("kill -9 under concurrent HTTP PUTs loses no acknowledged object", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "s3-kill-"));
  const script = `
    import { LocalCloud } from ${JSON.stringify(new URL("../../cloud.ts", import.meta.url).href)};
    const cloud = await LocalCloud.start({ dir: ${JSON.stringify(dir)}, port: 0 });
    await cloud.s3.call("CreateBucket", { Bucket: "kill" });
    console.log("PORT " + cloud.port);
  `;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: process.cwd(), stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
  // Small bodies (database rows) and larger ones (files), each one's content its key.
  const bodyOf = (key: string) => (Number(key.slice(1)) % 5 === 0 ? key.padEnd(40_000, "#") : key.padEnd(300, "."));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (c) => {
        out += c;
        const m = /PORT (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once("exit", () => reject(new Error(`server exited early: ${out}`)));
    });
    const client = new S3Client({ endpoint: `http://127.0.0.1:${port}`, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: ADMIN_ACCESS_KEY_ID, secretAccessKey: ADMIN_SECRET_ACCESS_KEY }, maxAttempts: 1 });
    const acked = new Set<string>();
    let stop = false;
    let next = 0;
    const writer = async () => {
      while (!stop) {
        const key = `k${next++}`;
        try {
          await client.send(new PutObjectCommand({ Bucket: "kill", Key: key, Body: bodyOf(key) }));
          acked.add(key);
        } catch {
          return; // the server is gone
        }
      }
    };
    const writers = Array.from({ length: 32 }, writer);
    while (acked.size < 300) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGKILL");
    stop = true;
    await Promise.all(writers);
    assert.equal(await exited, "SIGKILL");
    client.destroy();

    const cloud = await LocalCloud.start({ dir, port: 0 });
    try {
      const lost: string[] = [];
      for (const key of acked) {
        const got = await cloud.s3.call("GetObject", { Bucket: "kill", Key: key }).catch(() => undefined);
        if (!got || got.Body.toString() !== bodyOf(key)) lost.push(key);
      }
      assert.deepEqual(lost, [], `${lost.length} of ${acked.size} acknowledged objects lost or damaged`);
    } finally {
      await cloud.stop();
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
