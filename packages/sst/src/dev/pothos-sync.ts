/**
 * What a dev session (local or AWS target) does for Pothos schemas: after each deploy,
 * hand the Api graphql routes with `pothos` settings to the regenerator, and pass it the
 * files that change. Templates that hold no graphql route are not parsed, and the
 * regenerator (and esbuild's schema bundling with it) is not loaded for apps without one.
 */
import fs from "node:fs/promises";
import type { Ui } from "../cli/ui.js";
import type { PothosRegenerator } from "./pothos-regenerator.js";

export class PothosSync {
  private regenerator?: PothosRegenerator;

  constructor(private readonly root: string, private readonly ui: Ui) {}

  /** The stacks just deployed (their synthesized templates). */
  async deployed(stacks: { templateFile?: string }[]): Promise<void> {
    const templates: unknown[] = [];
    for (const stack of stacks) {
      const text = stack.templateFile ? await fs.readFile(stack.templateFile, "utf8").catch(() => undefined) : undefined;
      if (text?.includes("graphql")) templates.push(JSON.parse(text));
    }
    if (!templates.length && !this.regenerator) return;
    const { PothosRegenerator, pothosRoutesOf } = await import("./pothos-regenerator.js");
    this.regenerator ??= new PothosRegenerator(this.root, this.ui);
    this.regenerator.setRoutes(pothosRoutesOf(templates));
  }

  filesChanged(files: string[]): void {
    this.regenerator?.filesChanged(files);
  }

  /** Resolves when the generations under way are done (tests, tools). */
  async idle(): Promise<void> {
    await this.regenerator?.idle();
  }
}
