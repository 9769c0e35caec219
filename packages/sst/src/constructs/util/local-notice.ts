/**
 * What a construct asks for that the local cloud does not do. The template keeps the
 * prop exactly as written (AWS gets it); the app records one notice per construct and
 * prop, and `sst dev` prints each notice once: which construct, which prop, and what
 * happens locally instead.
 */
import type { IConstruct } from "constructs";

export interface LocalNotice {
  /** `Function "Billing"` */
  construct: string;
  /** Construct path, for de-duplication across synths. */
  path: string;
  prop: string;
  /** What happens locally instead, as a sentence. */
  local: string;
}

const NOTICES = Symbol.for("sst.localNotices");

/** Record that `construct` uses `prop`, which the local cloud treats as `local` says. */
export function addLocalNotice(scope: IConstruct, notice: { construct: string; prop: string; local: string }): void {
  const root = scope.node.root as any;
  const list: LocalNotice[] = (root[NOTICES] ??= []);
  const path = scope.node.path;
  if (list.some((n) => n.path === path && n.prop === notice.prop)) return;
  list.push({ ...notice, path });
}

/** The notices recorded in this app, in the order they were added. */
export function localNotices(root: IConstruct): LocalNotice[] {
  return [...(((root.node.root as any)[NOTICES] as LocalNotice[] | undefined) ?? [])];
}

/** `Function "Billing" uses vpc: locally …` */
export function formatLocalNotice(n: LocalNotice): string {
  return `${n.construct} uses ${n.prop}: ${n.local}`;
}

/** The key under which `sst dev` remembers that a notice was printed. */
export function localNoticeKey(n: LocalNotice): string {
  return `${n.path}\u0000${n.prop}`;
}
