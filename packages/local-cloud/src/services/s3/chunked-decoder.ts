/**
 * aws-chunked framing removed as the bytes arrive (a large upload streamed to disk):
 * the same format and errors as decodeChunkedBody in chunked.ts, fed piece by piece,
 * holding at most one chunk-size line and the trailers in memory.
 */
import { AwsError } from "../../server/aws-error.js";

export interface ChunkedSink {
  /** Bytes of the current chunk's data, in order. */
  data(bytes: Buffer): void;
  /** A chunk (the final empty one included) is complete; its chunk-signature, when signed. */
  chunkEnd(signature: string | undefined): void;
}

/** A chunk-size line or the trailers longer than this is not aws-chunked framing. */
const MAX_LINE = 4096;
const MAX_TRAILERS = 16 * 1024;

const incomplete = () => new AwsError("IncompleteBody", "The request body terminated unexpectedly", 400);
const badSize = () => new AwsError("InvalidChunkSizeError", "Only the last chunk is allowed to have a size less than 8192 bytes", 400);

export class ChunkedDecoder {
  private state: "line" | "data" | "crlf" | "trailers" = "line";
  private line = "";
  private remaining = 0;
  private signature: string | undefined;
  private crlfSeen = 0;
  private trailerText = "";
  /** Bytes of decoded data so far. */
  decodedLength = 0;

  constructor(private readonly sink: ChunkedSink) {}

  /** Throws S3's error for bad framing. */
  push(buf: Buffer): void {
    let pos = 0;
    while (pos < buf.length) {
      switch (this.state) {
        case "line": {
          const lf = buf.indexOf(0x0a, pos);
          const end = lf < 0 ? buf.length : lf + 1;
          this.line += buf.toString("latin1", pos, end);
          pos = end;
          if (lf < 0) {
            if (this.line.length > MAX_LINE) throw badSize();
            break;
          }
          if (!this.line.endsWith("\r\n")) throw incomplete();
          this.startChunk(this.line.slice(0, -2));
          this.line = "";
          break;
        }
        case "data": {
          const take = Math.min(this.remaining, buf.length - pos);
          this.sink.data(buf.subarray(pos, pos + take));
          this.decodedLength += take;
          this.remaining -= take;
          pos += take;
          if (this.remaining === 0) this.state = "crlf";
          break;
        }
        case "crlf": {
          // Each chunk's data is followed by CRLF.
          if (buf[pos] !== (this.crlfSeen === 0 ? 0x0d : 0x0a)) throw incomplete();
          pos++;
          if (++this.crlfSeen === 2) {
            this.crlfSeen = 0;
            this.sink.chunkEnd(this.signature);
            this.state = "line";
          }
          break;
        }
        case "trailers": {
          this.trailerText += buf.toString("utf8", pos);
          if (this.trailerText.length > MAX_TRAILERS) throw incomplete();
          pos = buf.length;
          break;
        }
      }
    }
  }

  /** The body ended: the trailers (names lower-cased); throws IncompleteBody when the framing is cut short. */
  end(): Record<string, string> {
    if (this.state !== "trailers") throw incomplete();
    const trailers: Record<string, string> = {};
    for (const line of this.trailerText.split(/\r?\n/)) {
      const colon = line.indexOf(":");
      if (colon <= 0) continue;
      trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    return trailers;
  }

  private startChunk(header: string): void {
    const sizeText = header.split(";")[0]!.trim();
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw badSize();
    this.remaining = parseInt(sizeText, 16);
    this.signature = /;\s*chunk-signature=([0-9a-fA-F]+)/.exec(header)?.[1];
    if (this.remaining === 0) {
      this.sink.chunkEnd(this.signature);
      this.state = "trailers";
    } else this.state = "data";
  }
}
