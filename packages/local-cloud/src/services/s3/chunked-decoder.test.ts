/**
 * aws-chunked framing removed piece by piece: the same data, trailers, signatures and
 * errors as decoding the body whole (AWS's documented signed example).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../server/aws-error.js";
import { decodeChunkedBody } from "./chunked.js";
import { ChunkedDecoder } from "./chunked-decoder.js";
import { ChunkSignatureChain } from "./chunk-signatures.js";
import { EXAMPLE_SECRET, EXAMPLE_SEED, EXAMPLE_SIGNATURES, exampleBody } from "./chunk-signature-example.js";

const signedBody = (first?: Buffer) => exampleBody(EXAMPLE_SIGNATURES, first);

/** Feed `body` in pieces of `size` bytes; the decoded data, trailers and signature chain. */
function decodeInPieces(body: Buffer, size: number) {
  const parts: Buffer[] = [];
  const chain = new ChunkSignatureChain(EXAMPLE_SEED, EXAMPLE_SECRET);
  const decoder = new ChunkedDecoder({
    data: (bytes) => {
      parts.push(Buffer.from(bytes));
      chain.data(bytes);
    },
    chunkEnd: (signature) => chain.chunkEnd(signature),
  });
  for (let at = 0; at < body.length; at += size) decoder.push(body.subarray(at, at + size));
  const trailers = decoder.end();
  return { data: Buffer.concat(parts), trailers, chain, length: decoder.decodedLength };
}

const isCode = (code: string) => (e: unknown) => e instanceof AwsError && e.code === code;

describe("ChunkedDecoder", () => {
  it("decodes the documented signed example split anywhere, and its signatures chain", () => {
    const whole = decodeChunkedBody(signedBody());
    for (const size of [1, 2, 3, 7, 100, 8191, 65536, 1 << 20]) {
      const got = decodeInPieces(signedBody(), size);
      assert.ok(got.data.equals(whole.data), `piece size ${size}`);
      assert.equal(got.length, 66560);
      got.chain.finish(got.trailers);
    }
  });

  it("finds altered data through the chain, after reading the whole body", () => {
    const tampered = Buffer.alloc(65536, "a");
    tampered[10] = 0x62;
    for (const size of [5, 4096]) {
      const got = decodeInPieces(signedBody(tampered), size);
      assert.equal(got.chain.valid, false);
      assert.throws(() => got.chain.finish(got.trailers), isCode("SignatureDoesNotMatch"));
    }
  });

  it("lifts trailers and answers S3's errors for bad framing", () => {
    const withTrailer = Buffer.from("3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n");
    for (const size of [1, 4, 100]) {
      const got = decodeInPieces(withTrailer, size);
      assert.equal(got.data.toString(), "abc");
      assert.deepEqual(got.trailers, decodeChunkedBody(withTrailer).trailers);
      assert.equal(got.chain.valid, false, "unsigned chunks never pass a signature check");
    }
    const sink = { data: () => {}, chunkEnd: () => {} };
    assert.throws(() => new ChunkedDecoder(sink).push(Buffer.from("zz\r\nabc")), isCode("InvalidChunkSizeError"));
    assert.throws(() => new ChunkedDecoder(sink).push(Buffer.from("3\r\nabcX\r\n")), isCode("IncompleteBody"));
    const cut = new ChunkedDecoder(sink);
    cut.push(Buffer.from("3\r\nab"));
    assert.throws(() => cut.end(), isCode("IncompleteBody"));
  });
});
