/**
 * The functions a construct makes for its consumers, subscribers or notifications,
 * by name: bindings and permissions given to "all of them" apply to those there now and
 * to those added later, as SST v2's constructs do it.
 */
import { Construct } from "constructs";
import type { Function as Fn } from "../Function.js";
import { functionRef } from "./function-ref.js";
import type { BindingResource } from "./binding.js";
import type { Permissions } from "./permission.js";

export class FunctionGroup {
  private readonly byName: Record<string, Fn> = {};
  private readonly bindings: BindingResource[] = [];
  private readonly permissions: Permissions[] = [];

  /** Adds a function, giving it what was bound and attached to all so far. */
  add(name: string, fn: Fn): Fn {
    this.byName[name] = fn;
    for (const p of this.permissions) fn.attachPermissions(p);
    fn.bind(this.bindings);
    return fn;
  }

  get(name: string): Fn | undefined {
    return this.byName[name];
  }

  has(name: string): boolean {
    return name in this.byName;
  }

  get all(): Record<string, Fn> {
    return { ...this.byName };
  }

  bindAll(constructs: BindingResource[]): void {
    for (const fn of Object.values(this.byName)) fn.bind(constructs);
    this.bindings.push(...constructs);
  }

  attachPermissionsToAll(permissions: Permissions): void {
    for (const fn of Object.values(this.byName)) fn.attachPermissions(permissions);
    this.permissions.push(permissions);
  }
}

/**
 * A construct with named consumer functions (Table, KinesisStream): SST v2's methods
 * for binding and permissions, for all consumers or one.
 */
export abstract class ConstructWithConsumers extends Construct {
  abstract readonly constructType: string;
  protected readonly consumers = new FunctionGroup();

  bind(constructs: BindingResource[]): void {
    this.consumers.bindAll(constructs);
  }

  bindToConsumer(consumerName: string, constructs: BindingResource[]): void {
    this.consumer(consumerName).bind(constructs);
  }

  attachPermissions(permissions: Permissions): void {
    this.consumers.attachPermissionsToAll(permissions);
  }

  attachPermissionsToConsumer(consumerName: string, permissions: Permissions): void {
    this.consumer(consumerName).attachPermissions(permissions);
  }

  getFunction(consumerName: string): Fn | undefined {
    return this.consumers.get(consumerName);
  }

  /** `[{ name, fn }]` as SST v2's metadata lists consumers. */
  protected consumerRefs(): { name: string; fn: ReturnType<typeof functionRef> }[] {
    return Object.entries(this.consumers.all).map(([name, fn]) => ({ name, fn: functionRef(fn) }));
  }

  private consumer(name: string): Fn {
    const fn = this.consumers.get(name);
    if (!fn) throw new Error(`The "${name}" consumer was not found in the "${this.node.id}" ${this.constructType}.`);
    return fn;
  }
}
