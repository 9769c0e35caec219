/**
 * Benchmark: Live Lambda's round trip through the bridge.
 *
 *   node --import tsx bench/live-lambda.ts [rounds]
 *
 * Two copies of tests/fixtures/live-app run under `sst dev` at once:
 *  - AWS target: `sst local` plays the AWS account (AWS_ENDPOINT_URL + credentials);
 *    its function is a Live Lambda stub, so each invocation goes stub → SQS → `sst dev`
 *    → the handler from source → SQS → stub;
 *  - local target (the baseline): the same function on `sst dev`'s local cloud, run
 *    from source directly by the Lambda service.
 * Both are invoked the same way, with Lambda Invoke from this process, one at a time,
 * the two targets interleaved round by round (default 5 rounds) so machine noise hits
 * both alike. Per payload size (1 KB in and out; 1 MB in and out) it prints the median
 * and p99 latency of each target and their ratio, and the CPU time per invocation of
 * each process involved, read from /proc: `sst dev`, and for the AWS target `sst local`
 * too (the stub and SQS run there; on AWS that share is not spent on the developer's
 * machine).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { copyApp, removeApp, repoRoot } from "../tests/helpers/app-copy.js";
import { SstProcess } from "../tests/helpers/sst-process.js";
import { freePort } from "../tests/helpers/ports.js";
import { readOutputs } from "../tests/helpers/outputs.js";

const rounds = Number(process.argv[2] ?? 5);
const SIZES = [
  { name: "1 KB", bytes: 1024, perRound: 100 },
  { name: "1 MB", bytes: 1024 * 1024, perRound: 6 },
];
const credentials = { accessKeyId: "test", secretAccessKey: "test" };

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

/** CPU time (user + system) of a process so far, in ms. */
function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

interface Target {
  name: string;
  lambda: LambdaClient;
  functionName: string;
  /** The processes whose CPU an invocation costs, by role. */
  pids: { role: string; pid: number }[];
  samples: Record<string, number[]>;
  /** CPU ms by size, then by process role; and the invocation count. */
  cpu: Record<string, { ms: Record<string, number>; n: number }>;
}

async function invoke(t: Target, text: string, answerBytes: number): Promise<number> {
  const t0 = performance.now();
  const out = await t.lambda.send(new InvokeCommand({ FunctionName: t.functionName, Payload: Buffer.from(JSON.stringify({ text, answerBytes })) }));
  const ms = performance.now() - t0;
  if (out.FunctionError) throw new Error(`${t.name}: ${Buffer.from(out.Payload ?? []).toString()}`);
  const answer = JSON.parse(Buffer.from(out.Payload!).toString()) as { got: { length: number }; answer: string };
  if (answer.got.length !== text.length || Buffer.byteLength(answer.answer) < answerBytes - 2) throw new Error(`${t.name}: the payload did not arrive whole`);
  return ms;
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "sst-bench-live-"));
  const fixture = path.join(repoRoot, "tests", "fixtures", "live-app");
  const awsApp = copyApp(fixture, "bench-live-aws");
  const localApp = copyApp(fixture, "bench-live-local");
  const processes: SstProcess[] = [];
  try {
    const awsPort = await freePort();
    const account = new SstProcess(work, ["local", "--port", String(awsPort), "--dir", path.join(work, "aws")]);
    processes.push(account);
    await account.waitFor(/^Ready/, 60_000);
    const awsEndpoint = `http://127.0.0.1:${awsPort}`;
    const awsDev = new SstProcess(awsApp, ["dev", "--stage", "bench"], { AWS_ENDPOINT_URL: awsEndpoint, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_REGION: "us-east-1" });
    processes.push(awsDev);
    const localPort = await freePort();
    const localDev = new SstProcess(localApp, ["dev", "--stage", "bench", "--local", "--port", String(localPort)]);
    processes.push(localDev);
    await Promise.all([awsDev.waitFor(/^Ready in/, 300_000), localDev.waitFor(/^Ready in/, 300_000)]);

    const targets: Target[] = [
      {
        name: "Live Lambda (AWS target, bridge)",
        lambda: new LambdaClient({ endpoint: awsEndpoint, region: "us-east-1", credentials }),
        functionName: readOutputs(awsApp)["bench-live-app-Live"]!.BigFunction!,
        pids: [{ role: "sst dev", pid: awsDev.pid }, { role: "sst local as AWS: stub + SQS", pid: account.pid }],
        samples: {},
        cpu: {},
      },
      {
        name: "local target (baseline)",
        lambda: new LambdaClient({ endpoint: `http://127.0.0.1:${localPort}`, region: "us-east-1", credentials }),
        functionName: readOutputs(localApp)["bench-live-app-Live"]!.BigFunction!,
        pids: [{ role: "sst dev", pid: localDev.pid }],
        samples: {},
        cpu: {},
      },
    ];
    // Warm up: builds, workers, SQS clients, queues.
    for (const t of targets) for (let i = 0; i < 5; i++) await invoke(t, "w", 10);

    for (let round = 0; round < rounds; round++) {
      for (const size of SIZES) {
        const text = "x".repeat(size.bytes);
        for (const t of round % 2 ? [...targets].reverse() : targets) {
          const cpu0 = t.pids.map((p) => cpuMs(p.pid));
          for (let i = 0; i < size.perRound; i++) (t.samples[size.name] ??= []).push(await invoke(t, text, size.bytes));
          const c = (t.cpu[size.name] ??= { ms: {}, n: 0 });
          t.pids.forEach((p, i) => (c.ms[p.role] = (c.ms[p.role] ?? 0) + cpuMs(p.pid) - cpu0[i]!));
          c.n += size.perRound;
        }
      }
      process.stdout.write(`round ${round + 1}/${rounds} done\n`);
    }

    console.log(`\nLive Lambda round trip, Lambda Invoke → handler → answer (${rounds} rounds, interleaved; ${os.cpus().length} cores)\n`);
    for (const size of SIZES) {
      const [live, base] = targets;
      const lm = quantile(live.samples[size.name]!, 0.5);
      const bm = quantile(base.samples[size.name]!, 0.5);
      console.log(`${size.name} in, ${size.name} out (${live.samples[size.name]!.length} invocations each):`);
      for (const t of targets) {
        const s = t.samples[size.name]!;
        const c = t.cpu[size.name]!;
        const cpu = Object.entries(c.ms).map(([role, ms]) => `${role} ${(ms / c.n).toFixed(2)}`).join(", ");
        console.log(`  ${t.name.padEnd(34)} median ${quantile(s, 0.5).toFixed(1).padStart(7)} ms   p99 ${quantile(s, 0.99).toFixed(1).padStart(7)} ms   CPU ms/invocation: ${cpu}`);
      }
      console.log(`  ratio (Live Lambda / baseline): median ${(lm / bm).toFixed(2)}x, p99 ${(quantile(live.samples[size.name]!, 0.99) / quantile(base.samples[size.name]!, 0.99)).toFixed(2)}x\n`);
    }
    for (const t of targets) t.lambda.destroy();
  } finally {
    for (const p of processes.reverse()) await p.stop();
    removeApp(awsApp);
    removeApp(localApp);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
