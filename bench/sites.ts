/**
 * Benchmark: deployed sites.
 *
 *   node --import tsx bench/sites.ts [rounds]
 *
 * On a copy of tests/fixtures/sites-deploy with its StaticSite (the Vite app) and API:
 *
 *  1. Deploy of an unchanged site: `sst deploy`'s work in-process (load the config,
 *     synth with the site's build skipped, deploy the assembly to a running local
 *     cloud), medians over `rounds` (default 5). Target ≤ 1 s. Baseline beside it: the
 *     same for the app without its Web stack (only the API), so the ratio is what the
 *     site adds.
 *  2. A page through the local CDN from S3 (index.html: the distribution's viewer-
 *     request function, the behaviour, the S3 origin) against a plain static file
 *     server (node:http reading the same file from disk per request), each in its own
 *     process, rounds interleaved, one keep-alive connection and eight. Target: the
 *     CDN within 2× of the static server. Requests per second, p50 latency and the
 *     server's CPU µs per request.
 */
import { fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { copyApp, removeApp, repoRoot } from "../tests/helpers/app-copy.js";
import { runSst } from "../tests/helpers/sst-process.js";
import { freePort } from "../tests/helpers/ports.js";
import { output } from "../tests/helpers/outputs.js";
import { load } from "./dynamodb/load.js";
import { median } from "./lib/stats.js";

process.env.CDK_VALIDATION = "false";
const rounds = Number(process.argv[2] ?? 5);

const STATIC_ONLY = `import { StackContext, StaticSite, use } from "sst/constructs";
import { API } from "./API";

export function Web({ stack }: StackContext) {
  const { api } = use(API);
  const web = new StaticSite(stack, "Web", {
    path: "packages/vite",
    buildCommand: "npm run build",
    buildOutput: "dist",
    environment: { VITE_API_URL: api.url, VITE_TITLE: "Notes" },
  });
  stack.addOutputs({ WebUrl: web.url });
}
`;

/** `sst deploy`'s work in-process: load, synth (mode deploy, local), deploy to the running cloud. */
async function deployOnce(app: string, cloud: any, stacks?: string[]): Promise<number> {
  const { loadProject, synth } = await import("../packages/sst/src/project/index.js");
  const { deployToLocal } = await import("../packages/sst/src/deploy/local.js");
  const started = performance.now();
  const project = await loadProject({ cwd: app, stage: "bench" });
  const result = await synth(project, { mode: "deploy", target: "local", outdir: project.paths.dist });
  await deployToLocal(cloud, result, { stacks });
  return performance.now() - started;
}

async function unchangedDeploy(app: string, port: number): Promise<void> {
  const { LocalCloud } = await import("../packages/local-cloud/src/cloud.js");
  const cloud = await LocalCloud.start({ dir: path.join(app, ".sst", "local", "bench"), port });
  try {
    const log = console.log;
    console.log = () => {}; // the constructs' build messages
    const site: number[] = [], api: number[] = [];
    try {
      await deployOnce(app, cloud); // builds, first deploy
      for (let i = 0; i < rounds; i++) {
        site.push(await deployOnce(app, cloud));
        api.push(await deployOnce(app, cloud, ["bench-sites-deploy-API"]));
      }
    } finally {
      console.log = log;
    }
    const s = median(site), a = median(api);
    console.log(`unchanged site deploy   ${s.toFixed(0)} ms (target ≤ 1000 ms: ${s <= 1000 ? "met" : "missed"}) | baseline: the API stack alone ${a.toFixed(0)} ms | ratio ${(s / a).toFixed(2)}x`);
    console.log(`  samples (ms): site [${site.map((x) => x.toFixed(0)).join(", ")}]  api [${api.map((x) => x.toFixed(0)).join(", ")}]`);
  } finally {
    await cloud.stop();
  }
}

interface Started { child: ChildProcess; port: number }

function startServer(kind: "cdn" | "static", arg: string): Promise<Started> {
  const child = fork(path.join(repoRoot, "bench", "sites-server.ts"), [kind, arg], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  return new Promise((resolve, reject) => {
    child.once("message", (m: any) => resolve({ child, port: m.port }));
    child.once("exit", (code) => reject(new Error(`${kind} server exited (${code})`)));
  });
}

function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once("message", (m: any) => resolve(m.cpuMicros));
    child.send({ cmd: "cpu" });
  });
}

async function measure(server: Started, host: string, connections: number, seconds: number) {
  const request = Buffer.from(`GET / HTTP/1.1\r\nHost: ${host}\r\nAccept: text/html\r\nUser-Agent: bench\r\n\r\n`);
  const before = await cpuOf(server.child);
  const r = await load(server.port, [request], seconds, connections);
  const after = await cpuOf(server.child);
  const requests = r.rps * seconds;
  return { ...r, cpuPerRequest: requests > 0 ? (after - before) / requests : NaN };
}

async function cdnVersusStatic(app: string, port: number): Promise<void> {
  const webUrl = output(app, "WebUrl");
  const host = new URL(webUrl).host;
  const cdn = await startServer("cdn", path.join(app, ".sst", "local", "bench") + `#${port}`);
  const plain = await startServer("static", path.join(app, "packages", "vite", "dist"));
  try {
    const seconds = Number(process.env.BENCH_SECONDS ?? 3);
    for (const connections of [1, 8]) {
      const c: any[] = [], p: any[] = [];
      for (let i = 0; i < rounds; i++) {
        c.push(await measure(cdn, host, connections, seconds));
        p.push(await measure(plain, "localhost", connections, seconds));
      }
      const m = (xs: any[], k: string) => median(xs.map((x) => x[k]));
      const ratio = median(c.map((x, i) => p[i].rps / x.rps));
      const errors = c.reduce((n, x) => n + x.errors, 0) + p.reduce((n, x) => n + x.errors, 0);
      console.log(
        `page via CDN from S3, ${connections} conn: ${m(c, "rps").toFixed(0)} req/s (p50 ${m(c, "p50").toFixed(2)} ms, ${m(c, "cpuPerRequest").toFixed(0)} µs CPU/req)` +
          ` | static file server ${m(p, "rps").toFixed(0)} req/s (p50 ${m(p, "p50").toFixed(2)} ms, ${m(p, "cpuPerRequest").toFixed(0)} µs CPU/req)` +
          ` | static/CDN ${ratio.toFixed(2)}x (target ≤ 2x: ${ratio <= 2 ? "met" : "missed"})${errors ? ` | ${errors} errors` : ""}`,
      );
    }
  } finally {
    cdn.child.kill();
    plain.child.kill();
  }
}

const app = copyApp(path.join(repoRoot, "tests", "fixtures", "sites-deploy"), "bench-sites");
try {
  fs.rmSync(path.join(app, "packages", "next"), { recursive: true, force: true });
  fs.writeFileSync(path.join(app, "stacks", "Web.ts"), STATIC_ONLY);
  const port = await freePort();
  console.log(`sites on a copy of tests/fixtures/sites-deploy (StaticSite + API), ${rounds} round(s), medians`);
  await unchangedDeploy(app, port);
  // Outputs for the CDN part (and a check that the CLI path deploys the same).
  const res = runSst(app, ["deploy", "--stage", "bench", "--port", String(port)], {}, 300_000);
  if (res.code !== 0) throw new Error(res.output);
  await cdnVersusStatic(app, port);
} finally {
  removeApp(app);
}
