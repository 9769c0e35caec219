/// <reference lib="dom" />
/** Secrets: the app's Config secrets for this stage; set and remove a value. */
import { h, render } from "../dom.js";
import { api, q } from "../api.js";
import { busy, button, errorBox, pageHeader, table, time } from "../components.js";

export async function secretsView(el: HTMLElement): Promise<void> {
  const listEl = h("div");
  const out = h("div");
  const name = h("input", { name: "name", placeholder: "STRIPE_KEY", "aria-label": "Secret name", autocomplete: "off", pattern: "[A-Za-z][A-Za-z0-9_]*" });
  const value = h("input", { name: "value", placeholder: "value", "aria-label": "Secret value", autocomplete: "off" });
  const setBtn = button(
    "Set secret",
    () =>
      void busy(setBtn, out, async () => {
        await api("PUT", "secrets", { name: name.value.trim(), value: value.value });
        render(out, h("div", { class: "ok", role: "status" }, `${name.value.trim()} is set. Functions use it from their next invocation.`));
        value.value = "";
        await load();
      }),
    "primary",
  );

  async function load() {
    try {
      const { prefix, secrets } = await api("GET", "secrets");
      render(
        listEl,
        h("p", { class: "muted" }, "Stored in SSM under ", h("code", null, prefix)),
        table(
          ["Name", "Value", "Updated", ""],
          secrets.map((s: any) => {
            const shown = h("code", { class: "secret-value" }, "••••••••");
            let visible = false;
            const toggle = button("Show", () => {
              visible = !visible;
              shown.textContent = visible ? s.value : "••••••••";
              toggle.textContent = visible ? "Hide" : "Show";
            });
            const del: HTMLButtonElement = button(
              "Remove",
              () => {
                if (!confirm(`Remove the secret ${s.name}?`)) return;
                void busy(del, out, async () => {
                  await api("DELETE", q("secrets", { name: s.name }));
                  await load();
                });
              },
              "danger",
            );
            return [h("strong", null, s.name), h("span", null, shown, " ", toggle), h("span", { class: "muted" }, time(s.updatedAt)), del];
          }),
          "No secrets set for this stage. Set one below, or with `sst secrets set NAME value`.",
        ),
      );
    } catch (err) {
      render(listEl, errorBox(err));
    }
  }

  render(
    el,
    pageHeader("Secrets", "Config.Secret values for this stage"),
    listEl,
    h(
      "form",
      { class: "card inline-form", on: { submit: (e: Event) => (e.preventDefault(), setBtn.click()) } },
      h("h2", null, "Set a secret"),
      h("div", { class: "row" }, name, value, setBtn),
      out,
    ),
  );
  await load();
}
