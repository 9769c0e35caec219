/**
 * The local cloud's S3: REST-XML over HTTP (path-style and virtual-hosted), and the
 * same operations in-process through `call()` with AWS SDK v3 shapes. Metadata lives in
 * SQLite (`s3.sqlite`), bodies as files under the `s3` data directory.
 */
import { Readable } from "node:stream";
import type { AwsRequest, AwsResponse, CallContext, Service } from "../../types.js";
import { ADMIN_ACCESS_KEY_ID, ACCOUNT_ID } from "../../types.js";
import { BlobStore } from "./blobs.js";
import type { S3CloudDeps, S3Context } from "./context.js";
import { Notifier } from "./notifications.js";
import { runOperation } from "./operations.js";
import type { ObjectBody } from "./ops/body.js";
import { S3Store } from "./store.js";
import { handleS3Request } from "./wire/handler.js";

export type { S3CloudDeps } from "./context.js";

async function collect(body: unknown): Promise<unknown> {
  if (body instanceof Readable || (body && typeof (body as any)[Symbol.asyncIterator] === "function" && !Buffer.isBuffer(body))) {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Buffer | string>) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    return Buffer.concat(chunks);
  }
  return body;
}

export class S3Service implements Service {
  readonly signingName = "s3";
  private readonly c: S3Context;

  constructor({ cloud }: { cloud: S3CloudDeps }) {
    const db = cloud.openDatabase("s3");
    const store = new S3Store(db);
    this.c = {
      cloud,
      store,
      blobs: new BlobStore(cloud.dataDir("s3"), db),
      notifier: new Notifier(cloud, () => store.committed()),
    };
  }

  handle(req: AwsRequest): Promise<AwsResponse> {
    return handleS3Request(this.c, req);
  }

  /**
   * Run an operation in-process. GetObject answers `Body` as a Buffer; PutObject and
   * UploadPart accept Buffer, Uint8Array, string or a Readable.
   */
  async call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any> {
    const full: CallContext = {
      region: ctx?.region ?? this.c.cloud.region,
      requestId: ctx?.requestId ?? crypto.randomUUID(),
      principal: ctx?.principal ?? { accessKeyId: ADMIN_ACCESS_KEY_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:root`, admin: true },
    };
    const prepared = input && "Body" in input ? { ...input, Body: await collect(input.Body) } : input;
    const result = await runOperation(this.c, full, operation, prepared, { sourceIp: "127.0.0.1" });
    // Answered once committed (writes are group-committed: see store.ts).
    await this.c.store.committed();
    if (operation === "GetObject") {
      const { output, body } = result as { output: Record<string, unknown>; body: ObjectBody };
      return { ...output, Body: body.buffer() };
    }
    return result;
  }

  /** Resolves once every queued bucket notification has been delivered (or failed). */
  flushNotifications(): Promise<void> {
    return this.c.notifier.drain();
  }

  async close(): Promise<void> {
    await this.c.notifier.drain();
    this.c.store.flush();
  }
}
