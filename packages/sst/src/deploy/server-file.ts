/**
 * `server.json` in a stage's state directory says which process serves that state:
 * `sst dev` writes it on start and removes it on exit, so other commands (secrets,
 * bind, deploy) talk to the running server instead of opening the same files.
 */
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

export interface ServerInfo {
  pid: number;
  port: number;
  endpoint: string;
  app?: string;
  stage?: string;
  startedAt?: string;
  /** The Console's URL with this run's token (a secret: the file is readable by its owner only). */
  consoleUrl?: string;
}

export function serverFilePath(stateDir: string): string {
  return path.join(stateDir, "server.json");
}

export function writeServerInfo(stateDir: string, info: ServerInfo): void {
  fs.mkdirSync(stateDir, { recursive: true });
  // Write then rename so a reader never sees half a file.
  const file = serverFilePath(stateDir);
  // Owner-only: it holds the Console's token.
  fs.writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(info, null, 2), { mode: 0o600 });
  fs.renameSync(`${file}.${process.pid}.tmp`, file);
}

export function readServerInfo(stateDir: string): ServerInfo | undefined {
  try {
    const info = JSON.parse(fs.readFileSync(serverFilePath(stateDir), "utf8"));
    if (typeof info?.pid === "number" && typeof info?.port === "number" && typeof info?.endpoint === "string") return info;
  } catch {
    // Missing or unreadable: no server.
  }
  return undefined;
}

/** Removes server.json, but only if it still names `pid` (a newer server may have replaced it). */
export function removeServerInfo(stateDir: string, pid = process.pid): void {
  const info = readServerInfo(stateDir);
  if (info && info.pid !== pid) return;
  fs.rmSync(serverFilePath(stateDir), { force: true });
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function portAcceptsConnections(port: number, host = "127.0.0.1", timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** The server named by server.json if its process is alive and its port answers; else undefined (stale file). */
export async function findLiveServer(stateDir: string): Promise<ServerInfo | undefined> {
  const info = readServerInfo(stateDir);
  if (!info || !processAlive(info.pid)) return undefined;
  return (await portAcceptsConnections(info.port)) ? info : undefined;
}

/** Whether the port can be bound on host right now. */
export function portFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A live server of another stage of the same app (`<sstDir>/local/*`) listening on `port`, if any. */
export async function findSiblingServerOnPort(localDir: string, port: number): Promise<ServerInfo | undefined> {
  let stages: string[];
  try {
    stages = fs.readdirSync(localDir);
  } catch {
    return undefined;
  }
  for (const stage of stages) {
    const info = readServerInfo(path.join(localDir, stage));
    if (info?.port === port && processAlive(info.pid)) return info;
  }
  return undefined;
}
