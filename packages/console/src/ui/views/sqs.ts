/// <reference lib="dom" />
/** SQS: queues with their approximate counts; send a message; peek (receive with visibility 0). */
import { h, render } from "../dom.js";
import { api } from "../api.js";
import { busy, button, errorBox, pageHeader, table, time } from "../components.js";

export async function sqsView(el: HTMLElement): Promise<void> {
  const listEl = h("div");
  const detail = h("div");
  let selected = "";
  let drawnFor = "";

  async function load() {
    try {
      const { queues } = await api("GET", "sqs/queues");
      if (!selected && queues[0]) selected = queues[0].url;
      render(
        listEl,
        table(
          ["Queue", "Available", "In flight", "Delayed", ""],
          queues.map((qu: any) => [
            h("strong", null, qu.name),
            h("span", { class: "num", "data-count": "visible" }, qu.visible),
            h("span", { class: "num" }, qu.inFlight),
            h("span", { class: "num" }, qu.delayed),
            button(selected === qu.url ? "Selected" : "Open", () => {
              selected = qu.url;
              void load();
            }, selected === qu.url ? "primary" : "plain"),
          ]),
          "No queues.",
        ),
      );
      // Redraw the form only for another queue: a refresh must not wipe what was typed or sent.
      if (drawnFor !== selected) drawDetail(queues.find((qu: any) => qu.url === selected));
    } catch (err) {
      render(listEl, errorBox(err));
    }
  }

  function drawDetail(queue: any) {
    drawnFor = queue?.url ?? "";
    if (!queue) return render(detail);
    const body = h("textarea", { class: "code", rows: 4, spellcheck: "false", "aria-label": "Message body", name: "body" });
    const out = h("div");
    const peekOut = h("div");
    const sendBtn = button(
      "Send message",
      () =>
        void busy(sendBtn, out, async () => {
          const { messageId } = await api("POST", "sqs/send", { queueUrl: queue.url, body: body.value });
          render(out, h("div", { class: "ok", role: "status" }, `Sent message ${messageId}`));
          body.value = "";
          await load();
        }),
      "primary",
    );
    const peekBtn = button("Peek messages", () =>
      void busy(peekBtn, peekOut, async () => {
        const { messages } = await api("POST", "sqs/peek", { queueUrl: queue.url });
        render(
          peekOut,
          table(
            ["Message", "Body", "Sent", "Receives"],
            messages.map((m: any) => [h("code", { class: "muted" }, m.messageId), h("pre", { class: "code small" }, m.body), h("span", null, time(m.sentAt)), h("span", null, m.receiveCount ?? "")]),
            "No messages available right now (a consumer may have taken them).",
          ),
        );
      }),
    );
    render(
      detail,
      h(
        "section",
        { class: "card" },
        h("h2", null, queue.name),
        h("p", { class: "muted mono" }, queue.url),
        h("label", null, "Message body", body),
        h("div", { class: "row" }, sendBtn, peekBtn),
        out,
        peekOut,
      ),
    );
  }

  render(el, pageHeader("SQS", "Queues of the local cloud", button("Refresh", () => void load())), listEl, detail);
  await load();
}
