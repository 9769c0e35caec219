/**
 * `sst dev`'s schema generation for Api `graphql` routes with `pothos: { schema, output,
 * commands }`, as SST v2 does it: once the app is deployed, and again whenever a file
 * under the schema's folder changes, the schema is extracted (pothos-schema.ts), written
 * to `output`, and `commands` run (all at once, from the app's root; genql and friends).
 * A route's extractions never overlap: a change during one runs one more afterwards.
 * Failures are printed and wait for the next change; they never stop `sst dev`.
 */
import { exec } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { Ui } from "../cli/ui.js";
import { extractPothosSchema, POTHOS_TEMP_PREFIX, type PothosExtractOptions } from "./pothos-schema.js";

const execAsync = promisify(exec);

/** A graphql route's `pothos` settings, as its Api writes them in the stack's SSTMetadata. */
export interface PothosRoute {
  schema: string;
  output: string;
  commands?: string[];
  internalPackages?: string[];
}

/** The pothos routes of the Apis in synthesized templates (each stack's SSTMetadata output). */
export function pothosRoutesOf(templates: unknown[]): PothosRoute[] {
  const routes: PothosRoute[] = [];
  for (const template of templates) {
    const raw = metadataText((template as any)?.Outputs?.SSTMetadata?.Value);
    if (raw === undefined) continue;
    let metadata: any[];
    try {
      metadata = JSON.parse(raw).metadata ?? [];
    } catch {
      continue;
    }
    for (const construct of metadata) {
      if (construct?.type !== "Api") continue;
      for (const r of construct.data?.routes ?? []) {
        if ((r.type === "graphql" || r.type === "pothos") && typeof r.schema === "string" && typeof r.output === "string") {
          routes.push({ schema: r.schema, output: r.output, commands: r.commands, internalPackages: r.internalPackages });
        }
      }
    }
  }
  return routes;
}

/**
 * The SSTMetadata output as text. With tokens in it (an Api's url) it is a Fn::Join of
 * its pieces; the tokens stand inside JSON strings, so leaving them out keeps it JSON.
 */
function metadataText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  const join = (value as any)?.["Fn::Join"];
  if (!Array.isArray(join) || join[0] !== "" || !Array.isArray(join[1])) return undefined;
  return join[1].map((part: unknown) => (typeof part === "string" ? part : "")).join("");
}

interface RouteState {
  route: PothosRoute;
  running?: Promise<void>;
  again: boolean;
}

export class PothosRegenerator {
  private states = new Map<string, RouteState>();

  constructor(
    private readonly root: string,
    private readonly ui: Ui,
    private readonly extract: (opts: PothosExtractOptions) => Promise<string> = extractPothosSchema,
  ) {}

  /** The routes of the latest deploy; new or changed ones are generated now. */
  setRoutes(routes: PothosRoute[]): void {
    const next = new Map<string, RouteState>();
    for (const route of routes) {
      const key = JSON.stringify(route);
      const known = this.states.get(key);
      if (known) next.set(key, known);
      else {
        const state: RouteState = { route, again: false };
        next.set(key, state);
        this.generate(state);
      }
    }
    this.states = next;
  }

  /** Files changed: every route whose schema folder holds one of them is generated again. */
  filesChanged(files: string[]): void {
    for (const state of this.states.values()) {
      const dir = path.dirname(path.resolve(this.root, state.route.schema));
      const output = path.resolve(this.root, state.route.output);
      const touches = files.some((f) => {
        if (f === output || path.basename(f).startsWith(POTHOS_TEMP_PREFIX)) return false;
        const rel = path.relative(dir, f);
        return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
      });
      if (touches) this.generate(state);
    }
  }

  /** Resolves when every generation under way (and any queued after it) is done. */
  async idle(): Promise<void> {
    while ([...this.states.values()].some((s) => s.running)) await Promise.all([...this.states.values()].map((s) => s.running));
  }

  private generate(state: RouteState): void {
    if (state.running) {
      state.again = true;
      return;
    }
    state.running = this.once(state.route).finally(() => {
      state.running = undefined;
      if (state.again) {
        state.again = false;
        this.generate(state);
      }
    });
  }

  private async once(route: PothosRoute): Promise<void> {
    try {
      const sdl = await this.extract({ schema: path.resolve(this.root, route.schema), internalPackages: route.internalPackages });
      const output = path.resolve(this.root, route.output);
      await fs.mkdir(path.dirname(output), { recursive: true });
      await fs.writeFile(output, sdl);
      if (route.commands?.length) await Promise.all(route.commands.map((cmd) => execAsync(cmd, { cwd: this.root })));
      this.ui.success(`Pothos: Extracted pothos schema (${route.output})`);
    } catch (err) {
      this.ui.error(`Pothos: Failed to extract schema from ${route.schema}:`);
      for (const line of String((err as Error)?.message ?? err).split("\n")) this.ui.line(`   ${line}`);
    }
  }
}
