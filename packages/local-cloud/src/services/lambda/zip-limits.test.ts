/**
 * Deployment packages that try to exhaust memory or CPU: a zip declaring more than
 * Lambda's 250 MB unzipped, and a 2 MB zip whose entry claims 10 bytes but inflates to
 * 2 GB. Both are refused with Lambda's InvalidParameterValueException without being
 * inflated; an honest package (zipped by fflate, and by this file's own writer) works.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { constants, deflateRawSync } from "node:zlib";
import { zipSync, strToU8 } from "fflate";
import { LambdaClient, CreateFunctionCommand, InvokeCommand } from "@aws-sdk/client-lambda";
import { S3Client, CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { createPollerRole, startTestCloud, type TestCloud } from "../../testing.js";

const ROLE = "arn:aws:iam::000000000000:role/zip-role";
let tc: TestCloud;
let lambda: LambdaClient;

before(async () => {
  tc = await startTestCloud();
  await createPollerRole(tc.cloud, "zip-role");
  lambda = new LambdaClient({ ...tc.clientConfig, maxAttempts: 1 });
});
after(async () => {
  lambda.destroy();
  await tc.stop();
});

/** `copies` × 64 MiB of zeros as raw deflate, in about `copies` × 64 KiB: one flushed block repeated. */
function zerosDeflated(copies: number): Buffer {
  const block = deflateRawSync(Buffer.alloc(64 * 1024 * 1024), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  // A full flush ends byte-aligned with the window reset, so the block can simply repeat;
  // 0x03 0x00 is an empty final block.
  return Buffer.concat([...Array(copies).fill(block), Buffer.from([0x03, 0x00])]);
}

/** A one-entry zip (deflated) whose central directory declares `declaredSize`. */
function craftZip(name: string, deflated: Buffer, declaredSize: number): Buffer {
  const nameBytes = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(deflated.length, 18);
  local.writeUInt32LE(declaredSize, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(deflated.length, 20);
  central.writeUInt32LE(declaredSize, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  central.writeUInt32LE(0, 42);
  const cdOffset = local.length + nameBytes.length + deflated.length;
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(central.length + nameBytes.length, 12);
  eocd.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, nameBytes, deflated, central, nameBytes, eocd]);
}

const create = (name: string, ZipFile: Uint8Array) =>
  lambda.send(new CreateFunctionCommand({ FunctionName: name, Role: ROLE, Runtime: "nodejs20.x", Handler: "index.handler", Timeout: 30, Code: { ZipFile } }));

test("a zip declaring more than 250 MB unzipped is refused before anything is inflated", async () => {
  const zip = craftZip("zeros.bin", zerosDeflated(5), 5 * 64 * 1024 * 1024);
  assert.ok(zip.length < 1024 * 1024);
  await assert.rejects(create("declared-huge", zip), (err: any) => {
    assert.equal(err.name, "InvalidParameterValueException");
    assert.equal(err.message, "Unzipped size must be smaller than 262144000 bytes");
    return true;
  });
});

test("a 2 MB zip whose entry claims 10 bytes and inflates to 2 GB is refused, inflating no more than 10 bytes", async () => {
  const zip = craftZip("index.js", zerosDeflated(32), 10);
  assert.ok(zip.length < 3 * 1024 * 1024);
  const rss = process.memoryUsage().rss;
  const started = performance.now();
  await assert.rejects(create("liar", zip), (err: any) => {
    assert.equal(err.name, "InvalidParameterValueException");
    assert.match(err.message, /^Could not unzip uploaded file/);
    return true;
  });
  // Inflating 2 GB takes seconds and (held) gigabytes; stopping at 10 bytes takes neither.
  assert.ok(process.memoryUsage().rss - rss < 200 * 1024 * 1024, "memory grew by hundreds of MB");
  assert.ok(performance.now() - started < 10_000);
});

test("the same limits hold for a package in S3, which is sized before it is read", async () => {
  const s3 = new S3Client(tc.clientConfig);
  await s3.send(new CreateBucketCommand({ Bucket: "code" }));
  await s3.send(new PutObjectCommand({ Bucket: "code", Key: "liar.zip", Body: craftZip("index.js", zerosDeflated(4), 10) }));
  await assert.rejects(
    lambda.send(new CreateFunctionCommand({ FunctionName: "s3-liar", Role: ROLE, Runtime: "nodejs20.x", Handler: "index.handler", Code: { S3Bucket: "code", S3Key: "liar.zip" } })),
    { name: "InvalidParameterValueException" },
  );
});

test("honest packages install and run: fflate's, and a crafted one whose sizes are true", async () => {
  await create("honest", zipSync({ "index.js": strToU8("exports.handler = async (e) => ({ got: e.n * 2 });") }));
  const out = await lambda.send(new InvokeCommand({ FunctionName: "honest", Payload: JSON.stringify({ n: 21 }) }));
  assert.deepEqual(JSON.parse(Buffer.from(out.Payload!).toString()), { got: 42 });
  const source = Buffer.from("exports.handler = async () => 'crafted';");
  await create("crafted", craftZip("index.js", deflateRawSync(source), source.length));
  const crafted = await lambda.send(new InvokeCommand({ FunctionName: "crafted" }));
  assert.equal(JSON.parse(Buffer.from(crafted.Payload!).toString()), "crafted");
});
