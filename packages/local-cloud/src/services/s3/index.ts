/**
 * The local cloud's S3: REST-XML over HTTP (path-style and virtual-hosted), and the
 * same operations in-process through `call()` with AWS SDK v3 shapes. Metadata lives in
 * SQLite (`s3.sqlite`), bodies as files under the `s3` data directory.
 */
import { Readable } from "node:stream";
import { AwsError } from "../../server/aws-error.js";
import { batchClosed } from "../../server/batch-window.js";
import type { Kernel } from "../../kernel/kernel.js";
import type { AwsRequest, AwsResponse, CallContext, Service } from "../../types.js";
import { OperationHost } from "../../wire/host.js";
import s3Model from "../../wire/models/s3.js";
import { BlobStore } from "./blobs.js";
import type { S3CloudDeps, S3Context } from "./context.js";
import { Notifier } from "./notifications.js";
import { s3Operations } from "./operations.js";
import type { ObjectBody } from "./ops/body.js";
import type { StagedUpload } from "./ops/received-body.js";
import { receiveUpload } from "./wire/streamed-upload.js";
import { S3Store } from "./store.js";
import { addRequestIds, S3Codec } from "./wire/codec.js";
import { answerPreflight, actualCorsHeaders } from "./wire/cors-http.js";
import { handlePostObject } from "./wire/post-object.js";

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
  private readonly host: OperationHost<CallContext>;
  private codec!: S3Codec;

  constructor({ kernel }: { kernel: S3CloudDeps & Pick<Kernel, "region"> }) {
    const db = kernel.openDatabase("s3");
    const store = new S3Store(db);
    this.c = {
      cloud: kernel,
      store,
      blobs: new BlobStore(kernel.dataDir("s3"), db),
      notifier: new Notifier(kernel, () => store.committed()),
    };
    this.host = new OperationHost<CallContext>(kernel, {
      signingName: this.signingName,
      models: [s3Model],
      operations: s3Operations(this.c),
      context: (ctx) => ctx,
      // Nothing is answered before the writes it made, or read, are committed (writes are
      // group-committed: see store.ts); over the wire, reads too wait for the end of the
      // batch, so the answers of one turn go out together (see batchClosed: a GET cost
      // more CPU than a PUT, whose answers the group commit batched, without it).
      settle: (via) => store.committed() ?? (via === "wire" ? batchClosed() : undefined),
      errors: {
        validation: (message) => new AwsError("InvalidArgument", message, 400),
        serialization: () => new AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", 400),
        malformedBody: (message) => new AwsError("MalformedXML", message, 400),
        malformedValue: (message) => new AwsError("InvalidArgument", message, 400),
        unknownOperation: (_req, { name }) => new AwsError("NotImplemented", `The local cloud's S3 does not implement ${name}.`, 501),
        internal: () => new AwsError("InternalError", "We encountered an internal error. Please try again.", 500),
      },
      codec: (model, shapes, errors) => (this.codec = new S3Codec(this.c, model, shapes, errors)),
    });
  }

  /**
   * One S3 HTTP request: CORS preflights and browser form uploads (POST Object) are
   * answered here; every other request is an operation of the model.
   */
  async handle(req: AwsRequest): Promise<AwsResponse> {
    let staged: StagedUpload | undefined;
    try {
      if (req.bodyStream) {
        // A large upload still arriving: streamed to a temp file, checked on the way.
        try {
          staged = await receiveUpload(req, req.bodyStream, this.c.blobs, this.codec.secretOf(req));
          this.codec.readStaged(req, staged);
        } catch (err) {
          return this.codec.encodeError(err instanceof AwsError ? err : new AwsError("InternalError", "We encountered an internal error. Please try again.", 500), req);
        }
      }
      return await this.answer(req);
    } finally {
      this.codec.forget(req);
      // Unless the operation stored it, the temp file goes (failed checks, errors).
      staged?.discard();
    }
  }

  private async answer(req: AwsRequest): Promise<AwsResponse> {
    try {
      const w = this.codec.read(req);
      if (w.method === "OPTIONS") {
        const res = answerPreflight(this.c, w);
        return { ...res, headers: addRequestIds({ ...res.headers }, req.requestId) };
      }
      if (w.method === "POST" && this.codec.route(req) === "PostObject") {
        const res = await handlePostObject(this.c, w);
        const pending = this.c.store.committed();
        if (pending) await pending;
        return { ...res, headers: addRequestIds({ ...res.headers, ...actualCorsHeaders(this.c, w) }, req.requestId) };
      }
    } catch (err) {
      return this.codec.encodeError(err instanceof AwsError ? err : new AwsError("InternalError", "We encountered an internal error. Please try again.", 500), req);
    }
    return this.host.handle(req);
  }

  /**
   * Run an operation in-process. GetObject answers `Body` as a Buffer; PutObject and
   * UploadPart accept Buffer, Uint8Array, string or a Readable.
   */
  async call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any> {
    const prepared = input && "Body" in input ? { ...input, Body: await collect(input.Body) } : input;
    const result = await this.host.call(operation, prepared, ctx);
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
