import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { main } from "./main.js";
import { createUi } from "./ui.js";

function capture() {
  let out = "";
  let err = "";
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, cb) {
        append(String(chunk));
        cb();
      },
    });
  const ui = createUi({ stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)) });
  return { ui, out: () => out, err: () => err };
}

describe("sst main", () => {
  it("prints the command list for `sst` and `sst --help`", async () => {
    for (const argv of [[], ["--help"]]) {
      const c = capture();
      assert.equal(await main(argv, c.ui), 0);
      for (const cmd of ["dev", "build", "deploy", "remove", "bootstrap", "secrets set", "bind", "local", "types", "version"])
        assert.match(c.out(), new RegExp(`sst ${cmd}\\b`));
    }
  });

  it("prints each command's help", async () => {
    for (const argv of [["dev", "--help"], ["secrets", "list", "-h"], ["--stage", "x", "deploy", "--help"]]) {
      const c = capture();
      assert.equal(await main(argv, c.ui), 0, argv.join(" "));
      assert.match(c.out(), new RegExp(`^sst ${argv.filter((a) => !a.startsWith("-") && a !== "x").join(" ")}`));
    }
  });

  it("unknown commands and flags exit 1 with a clear message", async () => {
    let c = capture();
    assert.equal(await main(["deploi"], c.ui), 1);
    assert.match(c.err(), /Unknown command "deploi"/);
    c = capture();
    assert.equal(await main(["dev", "--prot", "1"], c.ui), 1);
    assert.match(c.err(), /Unknown option --prot for "sst dev"/);
    c = capture();
    assert.equal(await main(["secrets", "sett"], c.ui), 1);
    assert.match(c.err(), /Unknown command "sst secrets sett"/);
    c = capture();
    assert.equal(await main(["dev", "--port", "abc"], c.ui), 1);
    assert.match(c.err(), /Invalid --port "abc"/);
  });

  it("sst start is sst dev, with SST v2's warning (the launch.json of every generated app runs it)", async () => {
    const c = capture();
    assert.equal(await main(["start", "--increase-timeout", "--help"], c.ui), 0);
    assert.match(c.out(), /^sst dev/);
    assert.match(c.err(), /Warning: sst start has been renamed to sst dev/);
  });

  it("prints the version", async () => {
    const c = capture();
    assert.equal(await main(["version"], c.ui), 0);
    assert.match(c.out(), /^SST v\d+\.\d+\.\d+/);
  });

  it("deploy --to aws outside an app says what is missing (tests/aws-target.test.ts deploys one)", async () => {
    const c = capture();
    const os = await import("node:os");
    const cwd = process.cwd();
    process.chdir(os.tmpdir());
    try {
      assert.equal(await main(["deploy", "--to", "aws"], c.ui), 1);
    } finally {
      process.chdir(cwd);
    }
    assert.match(c.err(), /Could not find a config file/);
  });
});
