/**
 * The page: ui/main.ts bundled for the browser with esbuild on the first request and
 * kept in memory, and a static HTML shell. Everything is served from the dev process:
 * the Console works with no network (no CDN fonts or scripts).
 */
import fs from "node:fs";
import { fileURLToPath } from "node:url";

const UI_DIR = fileURLToPath(new URL("./ui/", import.meta.url));

let bundle: Promise<{ js: string; css: string }> | undefined;

/** The bundled script and stylesheet; built once per process. A failed build is retried on the next request. */
export function uiBundle(): Promise<{ js: string; css: string }> {
  bundle ??= build().catch((err) => {
    bundle = undefined;
    throw err;
  });
  return bundle;
}

async function build(): Promise<{ js: string; css: string }> {
  const esbuild = await import("esbuild");
  const out = await esbuild.build({
    entryPoints: [UI_DIR + "main.ts"],
    bundle: true,
    write: false,
    format: "esm",
    target: "es2020",
    minify: true,
    sourcemap: false,
    logLevel: "silent",
  });
  return { js: out.outputFiles[0]!.text, css: fs.readFileSync(UI_DIR + "styles.css", "utf8") };
}

export function pageHtml(prefix: string, title: string): string {
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<link rel="stylesheet" href="${esc(prefix)}app.css">
<link rel="icon" href="data:,">
</head>
<body>
<div id="root" data-base="${esc(prefix)}"></div>
<script type="module" src="${esc(prefix)}app.js"></script>
</body>
</html>
`;
}
