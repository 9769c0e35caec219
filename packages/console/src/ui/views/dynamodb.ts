/// <reference lib="dom" />
/**
 * DynamoDB: the tables, then one table's items a page at a time (Scan, or Query on the
 * partition key), with a JSON editor to create, edit and delete items.
 */
import { h, render } from "../dom.js";
import { api, q } from "../api.js";
import { busy, button, errorBox, pageHeader, parseJson, table } from "../components.js";

export async function dynamodbView(el: HTMLElement, params: string[]): Promise<void> {
  const tableName = params[0];
  if (!tableName) return tablesList(el);
  return itemsView(el, tableName);
}

async function tablesList(el: HTMLElement): Promise<void> {
  const { tables } = await api("GET", "dynamodb/tables");
  render(
    el,
    pageHeader("DynamoDB", `${tables.length} tables`),
    table(
      ["Table", "Key", "Items", "Status"],
      tables.map((t: any) => [
        h("a", { href: `#/dynamodb/${encodeURIComponent(t.name)}` }, t.name),
        h("span", { class: "mono" }, t.key.map((k: any) => `${k.name} (${k.role === "HASH" ? "partition" : "sort"}, ${k.type})`).join(", ")),
        h("span", { class: "num" }, t.itemCount ?? ""),
        h("span", null, t.status),
      ]),
      "No tables.",
    ),
  );
}

async function itemsView(el: HTMLElement, tableName: string): Promise<void> {
  // Page starts we have visited, so "Previous" can go back.
  const starts: (string | null)[] = [null];
  let page = 0;
  let next: string | null = null;
  let pk = "";

  const grid = h("div");
  const out = h("div");
  const editor = h("div");
  const pkInput = h("input", { name: "pk", placeholder: "partition key value", "aria-label": "Partition key value", autocomplete: "off" });
  const prev = button("← Previous", () => {
    if (page > 0) page--;
    void load();
  });
  const nextBtn = button("Next →", () => {
    if (!next) return;
    starts[page + 1] = next;
    page++;
    void load();
  });
  const pageLabel = h("span", { class: "muted" });
  let keyLabel = "";

  async function load() {
    await busy(null, out, async () => {
      const res = await api("GET", q("dynamodb/items", { table: tableName, limit: 25, start: starts[page], pk: pk || undefined }));
      next = res.next;
      keyLabel = res.table.key.map((k: any) => k.name).join(" + ");
      const hash = res.table.key.find((k: any) => k.role === "HASH");
      pkInput.placeholder = hash ? `${hash.name} = …` : "partition key value";
      prev.disabled = page === 0;
      nextBtn.disabled = !next;
      pageLabel.textContent = `Page ${page + 1} · ${res.items.length} items${pk ? ` with ${hash?.name} = ${pk}` : ""}`;
      const keyNames: string[] = res.table.key.map((k: any) => k.name);
      // One column per attribute (key first, then as they first appear), like AWS's item explorer.
      const columns = [...keyNames];
      for (const it of res.items) for (const name of Object.keys(it.plain ?? it.typed)) if (!columns.includes(name)) columns.push(name);
      const shown = columns.slice(0, 12);
      render(
        grid,
        table(
          ["", ...shown],
          res.items.map((it: any) => {
            const keyText = Object.values(it.key)
              .map((v: any) => String(Object.values(v)[0]))
              .join(" / ");
            const edit = button("Edit", () => openEditor(it));
            const del: HTMLButtonElement = button(
              "Delete",
              () => {
                if (!confirm(`Delete the item ${keyText}?`)) return;
                void busy(del, out, async () => {
                  await api("POST", q("dynamodb/delete", { table: tableName }), { key: it.key });
                  await load();
                });
              },
              "danger",
            );
            const values = it.plain ?? it.typed;
            // Actions first: wide items scroll sideways, and the buttons must stay in reach.
            return [h("span", { class: "row nowrap" }, edit, del), ...shown.map((c) => cell(values[c], keyNames.includes(c)))];
          }),
          pk ? "No items with that partition key." : "This table is empty.",
        ),
        columns.length > shown.length ? h("p", { class: "muted" }, `${columns.length - shown.length} more attributes: open an item to see them all.`) : null,
      );
    });
  }

  /** The editor: plain JSON by default; typed DynamoDB JSON for items plain JSON can't hold (sets, binary). */
  function openEditor(item?: { plain: any; typed: any }) {
    const typedOnly = !!item && item.plain === null;
    const typed = h("input", { type: "checkbox", name: "typed", checked: typedOnly, disabled: typedOnly });
    const text = h("textarea", { class: "code", rows: 12, spellcheck: "false", "aria-label": "Item (JSON)", name: "item" });
    const fill = () => (text.value = JSON.stringify(item ? (typed.checked ? item.typed : item.plain) : typed.checked ? {} : {}, null, 2));
    fill();
    typed.addEventListener("change", () => item && fill());
    const msg = h("div");
    const save = button(
      "Save item",
      () =>
        void busy(save, msg, async () => {
          const value = parseJson(text.value, "The item");
          await api("POST", q("dynamodb/put", { table: tableName }), { item: value, typed: typed.checked });
          render(editor);
          await load();
        }),
      "primary",
    );
    render(
      editor,
      h(
        "section",
        { class: "card editor" },
        h("h2", null, item ? "Edit item" : "New item"),
        h("p", { class: "muted" }, `Saving replaces the whole item with key ${keyLabel}.`),
        text,
        h("label", { class: "check" }, typed, " DynamoDB JSON (typed: {\"S\": \"…\"})"),
        h("div", { class: "row" }, save, button("Cancel", () => render(editor))),
        msg,
      ),
    );
    text.focus();
  }

  render(
    el,
    pageHeader(tableName, "DynamoDB table", h("a", { href: "#/dynamodb", class: "btn btn-plain" }, "All tables"), button("New item", () => openEditor(), "primary")),
    h(
      "form",
      { class: "row toolbar", on: { submit: (e: Event) => (e.preventDefault(), (pk = pkInput.value.trim()), (page = 0), starts.splice(1), void load()) } },
      pkInput,
      h("button", { type: "submit", class: "btn btn-plain" }, "Query"),
      button("Scan all", () => {
        pk = "";
        pkInput.value = "";
        page = 0;
        starts.splice(1);
        void load();
      }),
      h("span", { class: "spacer" }),
      pageLabel,
      prev,
      nextBtn,
    ),
    out,
    editor,
    grid,
  );
  try {
    await load();
  } catch (err) {
    render(out, errorBox(err));
  }
}

/** One attribute in the grid: strings as they are, anything else as JSON, cut short (the editor shows it whole). */
function cell(value: unknown, isKey: boolean): HTMLElement {
  if (value === undefined) return h("span", { class: "muted" }, "—");
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const short = text.length > 48 ? text.slice(0, 45) + "…" : text;
  return h("span", { class: `cell ${isKey ? "key" : ""} ${typeof value === "string" ? "" : "mono"}`, title: text }, short);
}
