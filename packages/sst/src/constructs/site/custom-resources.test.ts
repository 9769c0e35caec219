/**
 * The site custom resources' building blocks (the handler itself runs in the local
 * cloud's Lambda runtime in tests/sites-deploy.slow.test.ts): zips as the site archiver
 * writes them, SST v2's glob patterns, file options (the last match wins), content types.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createSiteArchive } from "./archive.js";
import { readZip, writeZip, globMatcher, contentTypeOf, fileOptionsFor } from "../../custom-resources/site-archive.js";

test("the site archive unzips to the same files under their prefix; an unchanged folder reuses the zip", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "site-"));
  try {
    fs.mkdirSync(path.join(dir, "out", "assets"), { recursive: true });
    fs.writeFileSync(path.join(dir, "out", "index.html"), "<h1>{{ API_URL }}</h1>");
    fs.writeFileSync(path.join(dir, "out", "assets", "app.js"), "x".repeat(10_000));
    const first = createSiteArchive([{ from: path.join(dir, "out"), to: "_assets" }], path.join(dir, "zip"));
    assert.equal(first.parts.length, 1);
    const files = readZip(fs.readFileSync(first.parts[0]!));
    assert.deepEqual([...files.keys()].sort(), ["_assets/assets/app.js", "_assets/index.html"]);
    assert.equal(files.get("_assets/index.html")!.toString(), "<h1>{{ API_URL }}</h1>");
    assert.equal(fs.readFileSync(first.filenames, "utf8"), "_assets/assets/app.js\n_assets/index.html");
    const mtime = fs.statSync(first.parts[0]!).mtimeMs;
    createSiteArchive([{ from: path.join(dir, "out"), to: "_assets" }], path.join(dir, "zip"));
    assert.equal(fs.statSync(first.parts[0]!).mtimeMs, mtime, "not rewritten");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("writeZip round-trips through readZip (stored and deflated entries, UTF-8 names)", () => {
  const files = new Map<string, Buffer>([["a.txt", Buffer.from("a")], ["dir/é.js", Buffer.from("y".repeat(5000))]]);
  const back = readZip(writeZip(files));
  assert.deepEqual([...back.entries()].map(([k, v]: [string, Buffer]) => [k, v.toString()]), [...files.entries()].map(([k, v]) => [k, v.toString()]));
});

test("globs: ** crosses folders, * does not, {a,b} and @(a|b) alternate, dotfiles match", () => {
  assert.ok(globMatcher("**")("a/b/.well-known/x"));
  assert.ok(globMatcher(["**/*.js", "**/*.css"])("index.css"));
  assert.ok(globMatcher("**/*.js")("a/b/c.js"));
  assert.ok(!globMatcher("*.js")("a/b.js"));
  assert.ok(globMatcher("_assets/_next/**")("_assets/_next/static/x.js"));
  assert.ok(globMatcher("**/*.@(*js|json|html)")("server/app/page.mjs"));
  assert.ok(globMatcher("**/*.@(*js|json|html)")("x.json"));
  assert.ok(!globMatcher("**/*.@(*js|json|html)")("x.png"));
  assert.ok(globMatcher("**/*.{png,jpg}")("i/a.jpg"));
});

test("file options: the last matching option wins, ignore excludes; content types carry the charset of text", () => {
  const options = [
    { files: "**", cacheControl: "no-cache" },
    { files: ["**/*.js", "**/*.css"], cacheControl: "immutable" },
    { files: "**", ignore: "_next/**", cacheControl: "short" },
  ];
  assert.equal(fileOptionsFor("index.html", options)?.cacheControl, "short");
  assert.equal(fileOptionsFor("_next/a.js", options)?.cacheControl, "immutable");
  assert.equal(contentTypeOf("a/index.html", "utf-8"), "text/html;charset=utf-8");
  assert.equal(contentTypeOf("logo.png", "utf-8"), "image/png");
  assert.equal(contentTypeOf("app.js", "none"), "text/javascript");
  assert.equal(contentTypeOf("data.bin", "utf-8"), "application/octet-stream");
});
