/** Chunk signature chaining, checked against the worked example in AWS's SigV4 streaming documentation. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../server/aws-error.js";
import { decodeChunkedBody } from "./chunked.js";
import { verifyChunkSignatures } from "./chunk-signatures.js";

const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const SEED = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  scope: "20130524/us-east-1/s3/aws4_request",
  amzDate: "20130524T000000Z",
  signature: "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
};
const SIGS = [
  "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
  "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
  "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
];

function body(sigs: string[], first = Buffer.alloc(65536, "a")): Buffer {
  return Buffer.concat([
    Buffer.from(`10000;chunk-signature=${sigs[0]}\r\n`),
    first,
    Buffer.from(`\r\n400;chunk-signature=${sigs[1]}\r\n`),
    Buffer.alloc(1024, "a"),
    Buffer.from(`\r\n0;chunk-signature=${sigs[2]}\r\n\r\n`),
  ]);
}

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
