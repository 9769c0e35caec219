/// <reference lib="dom" />
/** RDS: each database's migrations (apply all, or migrate to one) and a SQL box over the Data API. */
import { h, render } from "../dom.js";
import { api, q } from "../api.js";
import { busy, button, errorBox, pageHeader, table, time } from "../components.js";

export async function rdsView(el: HTMLElement): Promise<void> {
  const { databases } = await api("GET", "rds/databases");
  render(el, pageHeader("RDS", "Migrations and queries, through the Data API"), ...(databases.length ? databases.map(databaseCard) : [h("p", { class: "empty" }, "No RDS databases in this stage.")]));
}

function databaseCard(db: any): HTMLElement {
  const migrationsEl = h("div");
  const out = h("div");
  const sqlBox = h("textarea", { rows: 4, "aria-label": `SQL for ${db.id}`, placeholder: "SELECT * FROM …" }) as HTMLTextAreaElement;
  const rowsEl = h("div");

  async function loadMigrations() {
    if (!db.migrator) return render(migrationsEl, h("p", { class: "muted" }, "No migrations configured."));
    try {
      const { migrations } = await api("GET", q("rds/migrations", { id: db.id }));
      render(migrationsEl, table(["Migration", "Applied", ""], migrations.map((m: any) => {
        const to: HTMLButtonElement = button(m.executedAt ? "Revert to here" : "Apply up to here", () => void busy(to, out, async () => {
          await api("POST", "rds/migrate", { id: db.id, to: m.name });
          await loadMigrations();
        }));
        return [h("code", null, m.name), h("span", { class: "muted" }, m.executedAt ? time(m.executedAt) : "pending"), to];
      }), "No migration files."));
    } catch (err) {
      render(migrationsEl, errorBox(err));
    }
  }

  const applyAll: HTMLButtonElement = button("Apply all pending", () => void busy(applyAll, out, async () => {
    await api("POST", "rds/migrate", { id: db.id });
    await loadMigrations();
  }), "primary");
  const run: HTMLButtonElement = button("Run", () => void busy(run, rowsEl, async () => {
    const { rows, updated } = await api("POST", "rds/query", { id: db.id, sql: sqlBox.value });
    const columns = rows.length ? Object.keys(rows[0]) : [];
    render(rowsEl, rows.length ? table(columns, rows.map((r: any) => columns.map((c) => h("span", null, r[c] === null ? "NULL" : typeof r[c] === "object" ? JSON.stringify(r[c]) : String(r[c]))))) : h("p", { class: "muted" }, `${updated} rows updated.`));
  }), "primary");

  void loadMigrations();
  return h("section", { class: "card" },
    h("h2", null, db.id, " ", h("span", { class: "muted" }, `${db.engine} · ${db.defaultDatabaseName}`)),
    h("h3", null, "Migrations"), migrationsEl, db.migrator ? h("div", { class: "row" }, applyAll) : null, out,
    h("h3", null, "Query"), sqlBox, h("div", { class: "row" }, run), rowsEl);
}
