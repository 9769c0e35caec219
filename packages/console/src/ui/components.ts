/// <reference lib="dom" />
/** Pieces every view uses: headings, error boxes, tables, buttons, formatters. */
import { h } from "./dom.js";
import { ApiError } from "./api.js";

export function pageHeader(title: string, subtitle?: string, ...actions: (Node | null)[]): HTMLElement {
  return h("header", { class: "page-header" }, h("div", null, h("h1", null, title), subtitle ? h("p", { class: "muted" }, subtitle) : null), h("div", { class: "actions" }, ...actions));
}

/** An error as the page shows it: AWS's code and message. */
export function errorBox(err: unknown): HTMLElement {
  const code = err instanceof ApiError ? err.code : "Error";
  const message = err instanceof Error ? err.message : String(err);
  return h("div", { class: "error", role: "alert" }, h("strong", null, code), " ", message);
}

export function notice(text: string): HTMLElement {
  return h("div", { class: "notice", role: "status" }, text);
}

export function button(label: string, onClick: (e: Event) => void, kind: "primary" | "danger" | "plain" = "plain", extra: Record<string, unknown> = {}): HTMLButtonElement {
  return h("button", { type: "button", class: `btn btn-${kind}`, on: { click: onClick }, ...extra }, label);
}

export function table(headers: string[], rows: Node[][], empty = "Nothing here yet."): HTMLElement {
  if (rows.length === 0) return h("p", { class: "empty" }, empty);
  return h(
    "div",
    { class: "table-wrap" },
    h("table", null, h("thead", null, h("tr", null, ...headers.map((t) => h("th", null, t)))), h("tbody", null, ...rows.map((r) => h("tr", null, ...r.map((c) => h("td", null, c)))))),
  );
}

export function td(text: unknown, cls?: string): HTMLElement {
  return h("span", { class: cls }, text === undefined || text === null ? "" : String(text));
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function time(value: unknown): string {
  if (value === undefined || value === null || value === "") return "";
  const d = new Date(value as string);
  return Number.isNaN(d.getTime()) ? String(value) : d.toLocaleString();
}

export function statusBadge(status: string): HTMLElement {
  const tone = /FAILED|ROLLBACK|error|timeout/i.test(status) ? "bad" : /IN_PROGRESS|running/i.test(status) ? "busy" : "good";
  return h("span", { class: `badge badge-${tone}` }, status);
}

/** Runs `task`, disabling `btn` meanwhile and showing any error in `out`. */
export async function busy<T>(btn: HTMLButtonElement | null, out: HTMLElement | null, task: () => Promise<T>): Promise<T | undefined> {
  if (btn) btn.disabled = true;
  out?.replaceChildren();
  try {
    return await task();
  } catch (err) {
    if (out) out.replaceChildren(errorBox(err));
    else console.error(err);
    return undefined;
  } finally {
    if (btn) btn.disabled = false;
  }
}

/** Parse JSON typed in a form, with an error that says where it went wrong. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiError("InvalidJSON", `${what} is not valid JSON: ${(err as Error).message}`, 400);
  }
}
