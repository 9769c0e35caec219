/**
 * A minimal Chrome DevTools Protocol client over a WebSocket (RFC 6455, text frames),
 * enough for a test to drive the Node.js inspector the way a debugger does. Node 20
 * has no WebSocket client of its own, and a dependency for this would be all weight.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { Socket } from "node:net";
import { EventEmitter } from "node:events";

export class CdpClient extends EventEmitter {
  private nextId = 1;
  private readonly pending = new Map<number, (msg: any) => void>();
  private buffer = Buffer.alloc(0);

  private constructor(private readonly socket: Socket) {
    super();
    socket.on("data", (chunk) => this.onData(chunk));
  }

  static connect(url: string): Promise<CdpClient> {
    const u = new URL(url);
    return new Promise((resolve, reject) => {
      const req = http.request({
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        headers: { Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": randomBytes(16).toString("base64") },
      });
      req.once("upgrade", (_res, socket) => resolve(new CdpClient(socket)));
      req.once("response", (res) => reject(new Error(`no WebSocket upgrade: HTTP ${res.statusCode}`)));
      req.once("error", reject);
      req.end();
    });
  }

  /** Sends a command and resolves with its result (rejects with its error). */
  send(method: string, params: Record<string, unknown> = {}): Promise<any> {
    const id = this.nextId++;
    this.write(JSON.stringify({ id, method, params }));
    return new Promise((resolve, reject) => this.pending.set(id, (msg) => (msg.error ? reject(new Error(msg.error.message)) : resolve(msg.result))));
  }

  close(): void {
    this.socket.destroy();
  }

  private write(text: string): void {
    const payload = Buffer.from(text);
    const mask = randomBytes(4);
    const len = payload.length;
    const head = len < 126 ? Buffer.from([0x81, 0x80 | len]) : len < 65536 ? Buffer.from([0x81, 0x80 | 126, len >> 8, len & 255]) : Buffer.concat([Buffer.from([0x81, 0x80 | 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(len)); return b; })()]);
    const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
    this.socket.write(Buffer.concat([head, mask, masked]));
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.buffer.length < 2) return;
      let len = this.buffer[1]! & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (this.buffer.length < 4) return;
        len = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (this.buffer.length < 10) return;
        len = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buffer.length < offset + len) return;
      const opcode = this.buffer[0]! & 0x0f;
      const payload = this.buffer.subarray(offset, offset + len).toString("utf8");
      this.buffer = this.buffer.subarray(offset + len);
      if (opcode !== 1) continue; // the inspector sends whole text frames; pings and closes are not needed here
      const msg = JSON.parse(payload);
      if (msg.id !== undefined && this.pending.has(msg.id)) {
        this.pending.get(msg.id)!(msg);
        this.pending.delete(msg.id);
      } else if (msg.method) this.emit(msg.method, msg.params);
    }
  }
}
