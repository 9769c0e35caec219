/**
 * A site prop the local cloud serves differently from AWS. The template keeps the prop
 * as written; the app records a notice (`sst dev` prints the app's notices once), and a
 * deploy to the local cloud prints it once itself.
 */
import type { IConstruct } from "constructs";
import { App } from "../App.js";
import { addLocalNotice, formatLocalNotice, localNotices } from "../util/local-notice.js";

const printed = new Set<string>();

export function addSiteNotice(scope: IConstruct, construct: string, prop: string, local: string): void {
  addLocalNotice(scope, { construct, prop, local });
  const app = App.of(scope);
  if (app.mode !== "deploy" || app.target !== "local") return;
  const notice = localNotices(scope).find((n) => n.path === scope.node.path && n.prop === prop)!;
  const key = `${notice.path}\u0000${prop}`;
  if (printed.has(key)) return;
  printed.add(key);
  console.log(formatLocalNotice(notice));
}
