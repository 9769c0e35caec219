/**
 * The worked example of AWS's SigV4 streaming documentation (a 65 KiB + 1 KiB signed
 * aws-chunked upload), shared by the tests of whole and streaming chunk decoding.
 */
export const EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
export const EXAMPLE_SEED = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  scope: "20130524/us-east-1/s3/aws4_request",
  amzDate: "20130524T000000Z",
  signature: "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
};
export const EXAMPLE_SIGNATURES = [
  "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
  "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
  "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
];

/** The example's framed body with the given chunk signatures (and first chunk's data: tamper with it). */
export function exampleBody(sigs: string[] = EXAMPLE_SIGNATURES, first: Buffer = Buffer.alloc(65536, "a")): Buffer {
  return Buffer.concat([
    Buffer.from(`10000;chunk-signature=${sigs[0]}\r\n`),
    first,
    Buffer.from(`\r\n400;chunk-signature=${sigs[1]}\r\n`),
    Buffer.alloc(1024, "a"),
    Buffer.from(`\r\n0;chunk-signature=${sigs[2]}\r\n\r\n`),
  ]);
}
