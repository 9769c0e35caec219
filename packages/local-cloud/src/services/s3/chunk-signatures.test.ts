/** Chunk signature chaining, checked against the worked example in AWS's SigV4 streaming documentation. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../server/aws-error.js";
import { decodeChunkedBody } from "./chunked.js";
import { verifyChunkSignatures } from "./chunk-signatures.js";
import { EXAMPLE_SECRET, EXAMPLE_SEED, EXAMPLE_SIGNATURES, exampleBody } from "./chunk-signature-example.js";

const SECRET = EXAMPLE_SECRET;
const SEED = EXAMPLE_SEED;
const SIGS = EXAMPLE_SIGNATURES;
const body = exampleBody;

describe("aws-chunked signatures", () => {
  it("accepts the documented example", () => {
    const decoded = decodeChunkedBody(body(SIGS));
    assert.equal(decoded.data.length, 66560);
    verifyChunkSignatures(decoded, SEED, SECRET);
  });

  it("refuses altered data, a wrong key and missing signatures", () => {
    const tampered = Buffer.alloc(65536, "a");
    tampered[10] = 0x62;
    const isMismatch = (e: unknown) => e instanceof AwsError && e.code === "SignatureDoesNotMatch" && e.status === 403;
    assert.throws(() => verifyChunkSignatures(decodeChunkedBody(body(SIGS, tampered)), SEED, SECRET), isMismatch);
    assert.throws(() => verifyChunkSignatures(decodeChunkedBody(body(SIGS)), SEED, "other-secret"), isMismatch);
    assert.throws(() => verifyChunkSignatures(decodeChunkedBody(Buffer.from("3\r\nabc\r\n0\r\n\r\n")), SEED, SECRET), isMismatch);
  });
});
