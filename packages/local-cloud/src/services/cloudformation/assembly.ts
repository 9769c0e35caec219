/**
 * Deploying a CDK cloud assembly in-process (the fast path `sst dev` uses): read
 * manifest.json, bootstrap the local cloud like `cdk bootstrap`, publish file assets
 * into the bootstrap bucket, then deploy the stacks in dependency order through the
 * same engine the API uses.
 */
import fs from "node:fs";
import path from "node:path";
import { zipSync, type Zippable } from "fflate";
import type { CloudLike } from "../../cloudformation/provider.js";
import type { StackEngine } from "../../cloudformation/engine.js";
import type { StackStore, StackEvent, StackState } from "../../cloudformation/store.js";
import type { CloudFormationApi } from "./operations.js";

export const BOOTSTRAP_QUALIFIER = "hnb659fds";
export const BOOTSTRAP_VERSION = "30";
export const BOOTSTRAP_VERSION_PARAMETER = `/cdk-bootstrap/${BOOTSTRAP_QUALIFIER}/version`;

export interface AssemblyEvent { stackName: string; logicalId: string; type: string; status: string; reason?: string }
export interface DeployAssemblyOptions { stacks?: string[]; onEvent?: (e: AssemblyEvent) => void }
export interface DeployAssemblyResult { stacks: Record<string, { status: string; outputs: Record<string, string> }> }

interface StackArtifact { id: string; stackName: string; templateFile: string; parameters: Record<string, string>; dependencies: string[]; assetManifests: string[] }

export function readAssembly(dir: string): StackArtifact[] {
  const manifestPath = path.join(dir, "manifest.json");
  if (!fs.existsSync(manifestPath)) throw new Error(`No cloud assembly at ${dir}: manifest.json is missing`);
  const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
  const artifacts: Record<string, any> = manifest.artifacts ?? {};
  const stacks: StackArtifact[] = [];
  for (const [id, a] of Object.entries(artifacts)) {
    if (a.type !== "aws:cloudformation:stack") continue;
    const deps: string[] = a.dependencies ?? [];
    stacks.push({
      id,
      stackName: a.properties?.stackName ?? id,
      templateFile: a.properties?.templateFile,
      parameters: a.properties?.parameters ?? {},
      dependencies: deps.filter((d) => artifacts[d]?.type === "aws:cloudformation:stack"),
      assetManifests: deps.filter((d) => artifacts[d]?.type === "cdk:asset-manifest").map((d) => artifacts[d].properties.file),
    });
  }
  return stacks;
}

/** Stacks in dependency order, limited to the selection and what it depends on. */
export function orderStacks(all: StackArtifact[], selection?: string[]): StackArtifact[] {
  const byId = new Map(all.map((s) => [s.id, s]));
  const wanted = new Set<string>();
  const add = (s: StackArtifact) => {
    if (wanted.has(s.id)) return;
    wanted.add(s.id);
    for (const d of s.dependencies) if (byId.has(d)) add(byId.get(d)!);
  };
  if (!selection) all.forEach(add);
  else {
    for (const name of selection) {
      const s = all.find((x) => x.stackName === name || x.id === name);
      if (!s) throw new Error(`Stack ${name} is not in the cloud assembly (stacks: ${all.map((x) => x.stackName).join(", ")})`);
      add(s);
    }
  }
  const order: StackArtifact[] = [];
  const done = new Set<string>();
  const visit = (s: StackArtifact, trail: string[]) => {
    if (done.has(s.id)) return;
    if (trail.includes(s.id)) throw new Error(`Circular dependency between stacks: ${[...trail, s.id].join(" -> ")}`);
    for (const d of s.dependencies) if (byId.has(d)) visit(byId.get(d)!, [...trail, s.id]);
    done.add(s.id);
    if (wanted.has(s.id)) order.push(s);
  };
  for (const s of all) visit(s, []);
  return order;
}

/** What `cdk bootstrap` leaves behind that templates and the toolkit look for. */
export async function bootstrap(cloud: CloudLike): Promise<void> {
  const bucket = `cdk-${BOOTSTRAP_QUALIFIER}-assets-${cloud.accountId}-${cloud.region}`;
  try {
    await cloud.s3.call("HeadBucket", { Bucket: bucket });
  } catch {
    try {
      await cloud.s3.call("CreateBucket", { Bucket: bucket });
    } catch (e: any) {
      if (e?.code !== "BucketAlreadyOwnedByYou" && e?.code !== "BucketAlreadyExists") throw e;
    }
  }
  let current: string | undefined;
  try {
    current = (await cloud.ssm.call("GetParameter", { Name: BOOTSTRAP_VERSION_PARAMETER }))?.Parameter?.Value;
  } catch { /* not bootstrapped yet */ }
  if (current === undefined || Number(current) < Number(BOOTSTRAP_VERSION)) {
    await cloud.ssm.call("PutParameter", { Name: BOOTSTRAP_VERSION_PARAMETER, Value: BOOTSTRAP_VERSION, Type: "String", Overwrite: true });
  }
}

function substitute(text: string, cloud: CloudLike): string {
  return text.replace(/\$\{AWS::AccountId\}/g, cloud.accountId).replace(/\$\{AWS::Region\}/g, cloud.region).replace(/\$\{AWS::Partition\}/g, "aws");
}

function zipDirectory(dir: string): Uint8Array {
  const files: Zippable = {};
  const walk = (d: string, prefix: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(full, rel);
      else if (entry.isFile() || entry.isSymbolicLink()) files[rel] = [fs.readFileSync(full), { mtime: new Date("1980-01-01T00:00:00Z") }];
    }
  };
  walk(dir, "");
  return zipSync(files);
}

/** Publish the file assets of one asset manifest; objects already there are skipped (keys are content hashes). */
export async function publishAssets(cloud: CloudLike, assemblyDir: string, manifestFile: string): Promise<void> {
  const manifest = JSON.parse(fs.readFileSync(path.join(assemblyDir, manifestFile), "utf8"));
  for (const [hash, asset] of Object.entries<any>(manifest.files ?? {})) {
    const source = asset.source ?? {};
    if (!source.path) throw new Error(`Asset ${hash} in ${manifestFile} has no source path (executable assets are not supported locally)`);
    for (const dest of Object.values<any>(asset.destinations ?? {})) {
      const Bucket = substitute(dest.bucketName, cloud);
      const Key = substitute(dest.objectKey, cloud);
      try {
        await cloud.s3.call("HeadObject", { Bucket, Key });
        continue;
      } catch { /* not published yet */ }
      const full = path.resolve(assemblyDir, source.path);
      const body = source.packaging === "zip" && fs.statSync(full).isDirectory() ? zipDirectory(full) : fs.readFileSync(full);
      await cloud.s3.call("PutObject", { Bucket, Key, Body: Buffer.from(body) });
    }
  }
  // Container images (a Service's) are neither built nor pushed: the local cloud has no
  // Docker and runs no containers, and the ECS resources that name them are recorded
  // only (resources/AWS-ECS.ts). The construct that made the image says so once.
}

/**
 * Runs `deploy` for every stack, each as soon as the stacks it depends on are done, so
 * independent stacks deploy side by side — as SST v2 deploys them. The seed app's Auth and
 * Web stacks each wait for a custom resource's function to start and answer; one after
 * the other they were the longest part of a first `sst dev`. After a failure no further
 * stack starts; those under way finish, then the first failure is thrown.
 */
export async function deployInDependencyOrder<T>(stacks: StackArtifact[], deploy: (s: StackArtifact) => Promise<T>): Promise<Map<string, T>> {
  const selected = new Set(stacks.map((s) => s.id));
  const results = new Map<string, T>();
  const started = new Set<string>();
  let failure: { error: unknown } | undefined;
  let running = 0;
  return new Promise((resolve, reject) => {
    const startReady = () => {
      if (!failure) {
        for (const s of stacks) {
          if (started.has(s.id) || !s.dependencies.every((d) => !selected.has(d) || results.has(d))) continue;
          started.add(s.id);
          running++;
          deploy(s).then(
            (r) => {
              results.set(s.id, r);
              running--;
              startReady();
            },
            (error) => {
              failure ??= { error };
              running--;
              startReady();
            },
          );
        }
      }
      if (running > 0) return;
      if (failure) reject(failure.error);
      else resolve(results);
    };
    startReady();
  });
}

export async function deployAssembly(
  deps: { cloud: CloudLike; engine: StackEngine; store: StackStore; api: CloudFormationApi },
  assemblyDir: string,
  opts: DeployAssemblyOptions = {},
): Promise<DeployAssemblyResult> {
  const { cloud, engine, store, api } = deps;
  const stacks = orderStacks(readAssembly(assemblyDir), opts.stacks);
  await bootstrap(cloud);
  const deployOne = async (s: StackArtifact): Promise<DeployAssemblyResult["stacks"][string]> => {
    for (const m of s.assetManifests) await publishAssets(cloud, assemblyDir, m);
    const body = fs.readFileSync(path.join(assemblyDir, s.templateFile), "utf8");
    // A stack without resources cannot exist in CloudFormation: like the CDK toolkit,
    // remove it if it was deployed before, otherwise skip it.
    let resources: unknown = { unknown: true };
    try { resources = JSON.parse(body).Resources; } catch { /* not JSON: the engine reports it */ }
    if (!resources || Object.keys(resources as object).length === 0) {
      const existing = store.find(s.stackName);
      if (existing) await engine.withLock(s.stackName, () => engine.deleteStack(existing));
      return { status: "SKIPPED_EMPTY", outputs: {} };
    }
    const params = Object.entries(s.parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }));
    const onEvent = opts.onEvent
      ? (e: StackEvent) => opts.onEvent!({ stackName: e.StackName, logicalId: e.LogicalResourceId, type: e.ResourceType, status: e.ResourceStatus, reason: e.ResourceStatusReason })
      : undefined;
    const final = await engine.withLock(s.stackName, async () => {
      let existing = store.find(s.stackName);
      // A stack whose first create failed can only be deleted; the toolkit deletes it and starts over.
      if (existing && ["ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "CREATE_FAILED"].includes(existing.status)) {
        await engine.deleteStack(existing, onEvent);
        existing = undefined;
      }
      if (existing?.status === "REVIEW_IN_PROGRESS") existing = undefined;
      const stackId = existing?.stackId ?? store.find(s.stackName)?.stackId ?? engine.newStackId(s.stackName);
      let prepared;
      try {
        prepared = await engine.prepare(s.stackName, stackId, body, params, existing);
      } catch (e) {
        throw new Error(`Stack ${s.stackName} failed: ${(e as Error).message}`);
      }
      if (existing && api.unchanged(existing, prepared)) return existing;
      return engine.deploy({ stackName: s.stackName, templateBody: body, parameters: params, onEvent, capabilities: ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"] }, prepared, existing, stackId);
    });
    if (final.status.includes("ROLLBACK") || final.status.endsWith("FAILED")) {
      const f = (final as StackState & { failure?: { logicalId?: string; path?: string; reason: string } }).failure;
      const where = f?.logicalId ? ` ${f.logicalId}${f.path ? ` (${f.path})` : ""}` : "";
      throw new Error(`Stack ${s.stackName} failed (${final.status}):${where} ${f?.reason ?? final.statusReason ?? "unknown error"}`);
    }
    return { status: final.status, outputs: Object.fromEntries(final.outputs.map((o) => [o.OutputKey, o.OutputValue])) };
  };
  const done = await deployInDependencyOrder(stacks, deployOne);
  // In the assembly's order, whichever finished first.
  const result: DeployAssemblyResult = { stacks: {} };
  for (const s of stacks) result.stacks[s.stackName] = done.get(s.id)!;
  return result;
}
