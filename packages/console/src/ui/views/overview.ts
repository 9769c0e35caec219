/// <reference lib="dom" />
/** Overview: app, stage, region, endpoint; stacks with status and outputs; API URLs. */
import { h, render } from "../dom.js";
import { api } from "../api.js";
import { pageHeader, statusBadge, table, time } from "../components.js";

const link = (url: string) => h("a", { href: url, target: "_blank", rel: "noreferrer" }, url);

/** CDK's cross-stack exports (ExportsOutput…): real outputs, but plumbing; folded away. */
const isExport = (key: string) => key.startsWith("ExportsOutput");

function outputsTable(outputs: any[], empty: string): HTMLElement {
  // Only http(s) values become links: an output is user data and could be `javascript:`.
  return table(["Output", "Value"], outputs.map((out) => [h("code", null, out.key), /^https?:\/\//.test(out.value ?? "") ? link(out.value) : h("span", { class: "mono" }, out.value)]), empty);
}

function exportsOf(outputs: any[]): HTMLElement | null {
  const exports = outputs.filter((out) => isExport(out.key));
  if (!exports.length) return null;
  return h("details", { class: "exports" }, h("summary", { class: "muted" }, `${exports.length} cross-stack export${exports.length === 1 ? "" : "s"}`), outputsTable(exports, ""));
}

export async function overviewView(el: HTMLElement): Promise<void> {
  const o = await api("GET", "overview");
  render(
    el,
    pageHeader(o.app, `Stage ${o.stage}, running on the local cloud`),
    h(
      "dl",
      { class: "facts" },
      h("div", null, h("dt", null, "App"), h("dd", null, o.app)),
      h("div", null, h("dt", null, "Stage"), h("dd", null, o.stage)),
      h("div", null, h("dt", null, "Region"), h("dd", null, o.region)),
      h("div", null, h("dt", null, "Endpoint"), h("dd", null, h("code", null, o.endpoint))),
    ),
    o.apis.length ? h("section", null, h("h2", null, "APIs"), table(["Name", "URL"], o.apis.map((a: any) => [h("span", null, a.name), link(a.url)]))) : null,
    h("section", null, h("h2", null, `Stacks (${o.stacks.length})`), o.stacks.length === 0 ? h("p", { class: "empty" }, "No stacks deployed yet.") : null),
    ...o.stacks.map((s: any) =>
      h(
        "section",
        { class: "card stack", "data-stack": s.name },
        h("div", { class: "card-head" }, h("h3", null, s.name), statusBadge(s.status), h("span", { class: "muted" }, time(s.updatedAt))),
        s.reason ? h("p", { class: "muted" }, s.reason) : null,
        outputsTable(s.outputs.filter((out: any) => !isExport(out.key)), "No outputs."),
        exportsOf(s.outputs),
      ),
    ),
  );
}
