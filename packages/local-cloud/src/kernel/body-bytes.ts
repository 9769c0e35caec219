/**
 * The bytes of a GetObject answer's `Body`, whichever shape the in-process S3 client gave
 * it (a Buffer, bytes, a string, an SDK stream with `transformToByteArray`, or any async
 * iterable of chunks). Shared by the services that read objects through kernel.clients.
 */
export async function bodyToBuffer(body: unknown): Promise<Buffer> {
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (typeof body === "string") return Buffer.from(body);
  if (body && typeof (body as any).transformToByteArray === "function") return Buffer.from(await (body as any).transformToByteArray());
  if (body && typeof (body as any)[Symbol.asyncIterator] === "function") {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks);
  }
  throw new Error("S3 GetObject returned no body");
}
