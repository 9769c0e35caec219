/// <reference lib="dom" />
/** S3: buckets, then a bucket's objects by "folder" (prefix up to "/"), download, upload, delete. */
import { h, render } from "../dom.js";
import { api, q, BASE } from "../api.js";
import { busy, button, bytes, pageHeader, table, time } from "../components.js";

export async function s3View(el: HTMLElement, params: string[]): Promise<void> {
  const [bucket, ...rest] = params;
  if (!bucket) return bucketsList(el);
  return objectsView(el, bucket, rest.join("/"));
}

async function bucketsList(el: HTMLElement): Promise<void> {
  const { buckets } = await api("GET", "s3/buckets");
  render(
    el,
    pageHeader("S3", `${buckets.length} buckets`),
    table(["Bucket", "Created"], buckets.map((b: any) => [h("a", { href: `#/s3/${encodeURIComponent(b.name)}` }, b.name), h("span", { class: "muted" }, time(b.createdAt))]), "No buckets."),
  );
}

function href(bucket: string, prefix: string): string {
  return `#/s3/${[bucket, ...prefix.split("/")].map(encodeURIComponent).join("/")}`;
}

async function objectsView(el: HTMLElement, bucket: string, prefix: string): Promise<void> {
  const listEl = h("div");
  const out = h("div");
  const tokens: string[] = [];

  async function load(token?: string) {
    await busy(null, out, async () => {
      const res = await api("GET", q("s3/objects", { bucket, prefix, token }));
      const rows: Node[][] = [
        ...res.folders.map((f: string) => [h("a", { href: href(bucket, f), class: "folder" }, f.slice(prefix.length)), h("span"), h("span"), h("span")]),
        ...res.objects.map((o: any) => {
          const del: HTMLButtonElement = button(
            "Delete",
            () => {
              if (!confirm(`Delete ${o.key}?`)) return;
              void busy(del, out, async () => {
                await api("DELETE", q("s3/object", { bucket, key: o.key }));
                await load();
              });
            },
            "danger",
          );
          return [
            h("a", { href: BASE + "api/" + q("s3/object", { bucket, key: o.key }), download: o.key.slice(o.key.lastIndexOf("/") + 1), title: "Download" }, o.key.slice(prefix.length)),
            h("span", { class: "num" }, bytes(o.size)),
            h("span", { class: "muted" }, time(o.modifiedAt)),
            del,
          ];
        }),
      ];
      render(
        listEl,
        table(["Name", "Size", "Modified", ""], rows, "This folder is empty."),
        res.next ? button("More…", () => (tokens.push(res.next), void load(res.next))) : null,
      );
    });
  }

  const file = h("input", { type: "file", name: "file", "aria-label": "File to upload" });
  const uploadBtn = button(
    "Upload",
    () =>
      void busy(uploadBtn, out, async () => {
        const f = file.files?.[0];
        if (!f) throw new Error("Choose a file first");
        await api("PUT", q("s3/object", { bucket, key: prefix + f.name }), undefined, { body: f, type: f.type });
        file.value = "";
        // Reload first: a reload clears the message area.
        await load();
        render(out, h("div", { class: "ok", role: "status" }, `Uploaded ${prefix + f.name} (${bytes(f.size)})`));
      }),
    "primary",
  );

  // Breadcrumbs: the bucket, then each folder of the prefix.
  const parts = prefix.split("/").filter(Boolean);
  const crumbs = [h("a", { href: "#/s3" }, "S3"), " / ", h("a", { href: href(bucket, "") }, bucket)];
  parts.forEach((p, i) => crumbs.push(" / ", h("a", { href: href(bucket, parts.slice(0, i + 1).join("/") + "/") }, p)));

  render(el, pageHeader(bucket, prefix ? `in ${prefix}` : "S3 bucket"), h("p", { class: "crumbs" }, ...crumbs), h("div", { class: "row toolbar" }, file, uploadBtn), out, listEl);
  await load();
}
