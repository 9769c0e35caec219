/// <reference lib="dom" />
/**
 * Functions: every Lambda function of the app with its source handler, an Invoke form,
 * and the live log of invocations (newest first), filtered by function on a click.
 */
import { h, render } from "../dom.js";
import { api } from "../api.js";
import { liveLog, type Invocation } from "../live-log.js";
import { busy, button, pageHeader, parseJson, statusBadge } from "../components.js";

interface Fn {
  name: string;
  handler: string;
  fromSource: boolean;
  runtime: string;
}

export async function functionsView(el: HTMLElement, params: string[]): Promise<() => void> {
  const { functions } = (await api("GET", "functions")) as { functions: Fn[] };
  const labels = new Map(functions.map((f) => [f.name, f.handler || f.name]));
  let filter = params[0] && labels.has(params[0]) ? params[0] : "";

  const list = h("div", { class: "fn-list" });
  const logEl = h("div", { class: "log", "aria-live": "polite" });
  const logTitle = h("h2", null);

  const select = h("select", { "aria-label": "Function to invoke", name: "function" }, ...functions.map((f) => h("option", { value: f.name }, labels.get(f.name)!)));
  const payload = h("textarea", { class: "code", rows: 5, spellcheck: "false", "aria-label": "Payload (JSON)", name: "payload" });
  payload.value = "{}";
  const result = h("div", { class: "invoke-result" });
  const invokeBtn = button(
    "Invoke",
    () =>
      void busy(invokeBtn, result, async () => {
        const body = payload.value.trim() === "" ? "{}" : payload.value;
        parseJson(body, "The payload");
        const out = await api("POST", "functions/invoke", { functionName: select.value, payload: body });
        let pretty = out.payload;
        try {
          pretty = JSON.stringify(JSON.parse(out.payload), null, 2);
        } catch {
          // Not JSON: show as is.
        }
        render(
          result,
          h(
            "div",
            { class: out.functionError ? "error" : "ok", role: "status" },
            h("strong", null, out.functionError ? `Function error (${out.functionError})` : `Status ${out.statusCode}`),
          ),
          h("pre", { class: "code" }, pretty),
        );
      }),
    "primary",
  );

  function drawList() {
    render(
      list,
      h("button", { type: "button", class: `fn-item ${filter === "" ? "active" : ""}`, on: { click: () => setFilter("") } }, h("strong", null, "All functions"), h("span", { class: "muted" }, `${functions.length}`)),
      ...functions.map((f) =>
        h(
          "button",
          { type: "button", class: `fn-item ${filter === f.name ? "active" : ""}`, title: f.name, on: { click: () => setFilter(f.name) } },
          h("strong", null, labels.get(f.name)!),
          h("span", { class: "muted mono" }, f.name),
        ),
      ),
    );
  }

  function setFilter(name: string) {
    filter = name;
    if (name) select.value = name;
    history.replaceState(null, "", name ? `#/functions/${encodeURIComponent(name)}` : "#/functions");
    drawList();
    drawLog();
  }

  function drawLog() {
    const items = liveLog.list(filter || undefined);
    render(logTitle, filter ? `Invocations of ${labels.get(filter)}` : "Invocations", " ", h("span", { class: "muted" }, `(${items.length})`));
    if (items.length === 0) {
      render(logEl, h("p", { class: "empty" }, "No invocations yet. Call your API or use Invoke; they appear here as they happen."));
      return;
    }
    render(logEl, ...items.slice(0, 100).map((inv) => invocationCard(inv, labels)));
  }

  render(
    el,
    pageHeader("Functions", `${functions.length} functions, ${functions.filter((f) => f.fromSource).length} running from source`),
    h(
      "div",
      { class: "split" },
      h("div", null, list),
      h(
        "div",
        null,
        h(
          "section",
          { class: "card" },
          h("h2", null, "Invoke"),
          h("label", null, "Function", select),
          h("label", null, "Payload (JSON)", payload),
          h("div", { class: "row" }, invokeBtn),
          result,
        ),
        h("section", null, logTitle, logEl),
      ),
    ),
  );
  if (filter) select.value = filter;
  drawList();
  drawLog();
  return liveLog.subscribe(drawLog);
}

function invocationCard(inv: Invocation, labels: Map<string, string>): HTMLElement {
  const err = inv.error;
  return h(
    "article",
    { class: `invocation status-${inv.status}`, "data-request-id": inv.requestId },
    h(
      "div",
      { class: "inv-head" },
      statusBadge(inv.status),
      h("strong", null, labels.get(inv.functionName) ?? inv.functionName),
      h("span", { class: "muted" }, inv.durationMs !== undefined ? `${inv.durationMs.toFixed(1)} ms` : "…"),
      h("span", { class: "muted" }, new Date(inv.startedAt).toLocaleTimeString()),
      h("code", { class: "muted request-id" }, inv.requestId),
    ),
    err ? h("div", { class: "error" }, h("strong", null, err.errorType ?? "Error"), " ", err.errorMessage ?? "") : null,
    inv.lines.length
      ? h(
          "pre",
          { class: "lines" },
          // START/END/REPORT are the runtime's, dimmed: the function's own lines are what people look for.
          inv.lines.map((l) => h("span", { class: /^(START|END|REPORT) RequestId:/.test(l.message) ? "runtime-line" : "" }, l.message.replace(/\n$/, "") + "\n")),
        )
      : null,
    err?.stack ? h("pre", { class: "lines stack" }, Array.isArray(err.stack) ? err.stack.join("\n") : String(err.stack)) : null,
  );
}
