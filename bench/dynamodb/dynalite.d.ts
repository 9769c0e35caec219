/** dynalite ships no types; the benchmark uses only its server factory. */
declare module "dynalite" {
  import type { Server } from "node:http";
  export default function dynalite(options?: { path?: string; createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }): Server;
}
