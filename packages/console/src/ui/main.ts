/// <reference lib="dom" />
/**
 * The Console page: a sidebar of views and a hash router (#/functions, #/dynamodb/Users…)
 * so that reloads and the back button keep the place.
 */
import { h, render } from "./dom.js";
import { api } from "./api.js";
import { liveLog } from "./live-log.js";
import { errorBox } from "./components.js";
import { overviewView } from "./views/overview.js";
import { functionsView } from "./views/functions.js";
import { dynamodbView } from "./views/dynamodb.js";
import { s3View } from "./views/s3.js";
import { sqsView } from "./views/sqs.js";
import { secretsView } from "./views/secrets.js";
import { rdsView } from "./views/rds.js";

/** A view renders into its element; it may return a cleanup for when the page leaves it. */
export type View = (el: HTMLElement, params: string[]) => void | (() => void) | Promise<void | (() => void)>;

const VIEWS: { id: string; label: string; view: View }[] = [
  { id: "overview", label: "Overview", view: overviewView },
  { id: "functions", label: "Functions", view: functionsView },
  { id: "dynamodb", label: "DynamoDB", view: dynamodbView },
  { id: "s3", label: "S3", view: s3View },
  { id: "sqs", label: "SQS", view: sqsView },
  { id: "secrets", label: "Secrets", view: secretsView },
  { id: "rds", label: "RDS", view: rdsView },
];

const root = document.getElementById("root")!;
const nav = h("nav", { class: "nav", "aria-label": "Console" });
const main = h("main", { class: "content" });
const live = h("span", { class: "live" });
const appName = h("div", { class: "app-name" }, "…");
render(
  root,
  h("aside", { class: "sidebar" }, h("div", { class: "brand" }, h("span", { class: "logo" }, "SST"), " Console"), appName, nav, h("div", { class: "sidebar-foot" }, live)),
  main,
);

let cleanup: (() => void) | void;

async function route(): Promise<void> {
  const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  const current = VIEWS.find((v) => v.id === parts[0]) ?? VIEWS[0]!;
  render(nav, ...VIEWS.map((v) => h("a", { href: `#/${v.id}`, class: v === current ? "active" : "", "aria-current": v === current ? "page" : false }, v.label)));
  if (typeof cleanup === "function") cleanup();
  cleanup = undefined;
  const el = h("div", { class: "view" });
  render(main, el);
  try {
    cleanup = await current.view(el, parts.slice(1));
  } catch (err) {
    render(el, errorBox(err));
  }
}

function showLive() {
  render(live, h("span", { class: liveLog.connected ? "dot dot-on" : "dot" }), liveLog.connected ? "Live" : "Disconnected");
}

window.addEventListener("hashchange", () => void route());
liveLog.subscribe(showLive);
liveLog.connect();
showLive();
void route();
api("GET", "overview")
  .then((o) => {
    render(appName, h("strong", null, o.app), h("span", { class: "stage" }, o.stage));
    document.title = `${o.app} · ${o.stage} · SST Console`;
  })
  .catch(() => render(appName, "(not connected)"));
