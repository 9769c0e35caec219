/**
 * An error AWS would answer with. Services throw it; the protocol serializer of the
 * service turns it into the wire shape (JSON `__type`, query/REST XML `<Code>`).
 */
export class AwsError extends Error {
  constructor(
    /** AWS error code, e.g. "ResourceNotFoundException", "NoSuchKey". */
    readonly code: string,
    message: string,
    /** HTTP status AWS uses for this error. */
    readonly status = 400,
    /** Extra fields some errors carry (e.g. CancellationReasons, Item, BucketName). */
    readonly extra: Record<string, unknown> = {},
    /** "Sender" or "Receiver" for query-protocol errors. */
    readonly fault: "Sender" | "Receiver" = status >= 500 ? "Receiver" : "Sender",
  ) {
    super(message);
    this.name = code;
  }
}
