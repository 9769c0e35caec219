/**
 * The functions a construct makes for its consumers, subscribers or notifications,
 * by name: bindings and permissions given to "all of them" apply to those there now and
 * to those added later, as SST v2's constructs do it.
 */
import type { Function as Fn } from "../Function.js";
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
