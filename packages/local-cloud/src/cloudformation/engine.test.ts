import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { StackEngine } from "./engine.js";
import { StackStore } from "./store.js";
import type { ResourceProvider, CloudLike } from "./provider.js";

/** A fake world the fake provider provisions into, so tests can see what exists. */
let world: Map<string, Record<string, any>>;
let calls: string[];
let counter = 0;

const thing: ResourceProvider = {
  replacementProps: ["Name", "Kind"],
  nameProperty: "Name",
  async create(props, ctx) {
    if (props.Fail) throw new Error(`cannot create ${ctx.logicalId}`);
    const id = props.Name ?? ctx.physicalName({ maxLength: 40 });
    if (world.has(id)) throw new Error(`${id} already exists`);
    world.set(id, props);
    calls.push(`create ${ctx.logicalId}`);
    return { physicalId: id, attributes: { Arn: `arn:thing:${id}`, Serial: String(++counter) } };
  },
  async update(id, props, _old, ctx) {
    if (props.Fail) throw new Error(`cannot update ${ctx.logicalId}`);
    world.set(id, props);
    calls.push(`update ${ctx.logicalId}`);
    return { Arn: `arn:thing:${id}`, Serial: String(++counter) };
  },
  async delete(id, _props, ctx) {
    world.delete(id);
    calls.push(`delete ${ctx.logicalId}`);
  },
};

function setup() {
  const db = new Database(":memory:");
  const ssm = new Map<string, string>([["/cdk-bootstrap/hnb659fds/version", "30"]]);
  const cloud: CloudLike = {
    region: "us-east-1", accountId: "000000000000", endpoint: "http://127.0.0.1:1",
    openDatabase: () => db,
    ssm: { call: async (_op: string, input: any) => {
      if (!ssm.has(input.Name)) throw Object.assign(new Error("ParameterNotFound"), { code: "ParameterNotFound" });
      return { Parameter: { Name: input.Name, Value: ssm.get(input.Name) } };
    } },
  };
  const store = new StackStore(db);
  const engine = new StackEngine(cloud, store, (t) => (t === "Test::Thing" ? thing : undefined));
  const deploy = async (stackName: string, template: unknown, parameters?: any[]) => {
    const body = JSON.stringify(template);
    const existing = store.find(stackName);
    const stackId = existing?.stackId ?? engine.newStackId(stackName);
    const prepared = await engine.prepare(stackName, stackId, body, parameters, existing);
    return engine.deploy({ stackName, templateBody: body, parameters }, prepared, existing, stackId);
  };
  return { engine, store, deploy, ssm };
}

beforeEach(() => { world = new Map(); calls = []; });

const base = {
  Parameters: { Env: { Type: "String", Default: "dev", AllowedValues: ["dev", "prod"] } },
  Conditions: { IsProd: { "Fn::Equals": [{ Ref: "Env" }, "prod"] } },
  Resources: {
    A: { Type: "Test::Thing", Properties: { Size: 1 } },
    B: { Type: "Test::Thing", Properties: { Parent: { "Fn::GetAtt": ["A", "Arn"] }, Label: { "Fn::Sub": "${AWS::StackName}-${Env}" } } },
    P: { Type: "Test::Thing", Condition: "IsProd", Properties: { Size: 9 } },
  },
  Outputs: { BArn: { Value: { "Fn::GetAtt": ["B", "Arn"] }, Export: { Name: "shared-b" } } },
};

test("create provisions in dependency order, honours conditions and records outputs", async () => {
  const { deploy } = setup();
  const s = await deploy("s1", base);
  assert.equal(s.status, "CREATE_COMPLETE");
  assert.deepEqual(calls, ["create A", "create B"]);
  assert.equal(world.size, 2);
  assert.equal(s.resources.B.properties.Label, "s1-dev");
  assert.match(s.resources.B.properties.Parent, /^arn:thing:s1-A-/);
  assert.equal(s.outputs[0].OutputValue, s.resources.B.attributes.Arn);
  assert.equal(s.outputs[0].ExportName, "shared-b");
});

test("update skips unchanged resources, updates in place, replaces, and deletes removed ones", async () => {
  const { deploy } = setup();
  const first = await deploy("s1", base);
  calls = [];
  const t2 = structuredClone(base) as any;
  t2.Resources.A.Properties.Size = 2; // in place
  const again = await deploy("s1", t2);
  assert.equal(again.status, "UPDATE_COMPLETE");
  // A updated; B's properties reference A's Arn which did not change, so B is untouched.
  assert.deepEqual(calls, ["update A"]);
  assert.equal(again.resources.A.physicalId, first.resources.A.physicalId);

  calls = [];
  const t3 = structuredClone(t2) as any;
  t3.Resources.A.Properties.Name = "fixed-name"; // replacement → B changes too (its Parent)
  delete t3.Outputs;
  t3.Resources.C = { Type: "Test::Thing", Properties: {} };
  const third = await deploy("s1", t3);
  assert.equal(third.status, "UPDATE_COMPLETE");
  assert.equal(third.resources.A.physicalId, "fixed-name");
  assert.ok(!world.has(first.resources.A.physicalId), "old A deleted in cleanup");
  assert.equal(world.get(third.resources.B.physicalId)!.Parent, "arn:thing:fixed-name");
  assert.ok(calls.indexOf("create A") < calls.indexOf("update B"));
  assert.equal(calls.at(-1), "delete A");

  calls = [];
  const t4 = structuredClone(t3) as any;
  delete t4.Resources.B;
  t4.Resources.C.DeletionPolicy = "Retain";
  const fourth = await deploy("s1", t4);
  assert.deepEqual(calls, ["delete B"]);
  assert.equal(Object.keys(fourth.resources).sort().join(), "A,C");
});

test("a failed first create rolls back to ROLLBACK_COMPLETE with nothing left", async () => {
  const { deploy, store } = setup();
  const t = structuredClone(base) as any;
  t.Resources.B.Properties.Fail = true;
  const s = await deploy("s2", t);
  assert.equal(s.status, "ROLLBACK_COMPLETE");
  assert.equal(world.size, 0);
  assert.deepEqual(calls, ["create A", "delete A"]);
  assert.match(s.statusReason!, /The following resource\(s\) failed to create: \[B\]/);
  const events = store.events(s.stackId).map((e) => `${e.LogicalResourceId} ${e.ResourceStatus}`);
  assert.ok(events.includes("B CREATE_FAILED"));
  assert.equal(events[0], "s2 ROLLBACK_COMPLETE");
});

test("a failed update restores the previous state (undo creates, re-apply old properties, drop replacements)", async () => {
  const { deploy } = setup();
  const first = await deploy("s3", base);
  const before = new Map(world);
  const t = structuredClone(base) as any;
  t.Resources.A.Properties.Size = 5; // updated in place, then undone
  t.Resources.N = { Type: "Test::Thing", Properties: {} }; // created, then deleted
  t.Resources.Z = { Type: "Test::Thing", DependsOn: ["A", "N"], Properties: { Fail: true } };
  const s = await deploy("s3", t);
  assert.equal(s.status, "UPDATE_ROLLBACK_COMPLETE");
  assert.deepEqual(new Map(world), before);
  assert.deepEqual(Object.keys(s.resources).sort(), ["A", "B"]);
  assert.equal(s.templateBody, first.templateBody);
});

test("parameters: allowed values, missing values, SSM-typed parameters and rules", async () => {
  const { deploy, ssm } = setup();
  await assert.rejects(deploy("p1", base, [{ ParameterKey: "Env", ParameterValue: "qa" }]), /Parameter 'Env' must be one of AllowedValues/);
  await assert.rejects(deploy("p1", base, [{ ParameterKey: "Nope", ParameterValue: "x" }]), /Parameters: \[Nope\] do not exist in the template/);
  const cdkLike = {
    Parameters: { BootstrapVersion: { Type: "AWS::SSM::Parameter::Value<String>", Default: "/cdk-bootstrap/hnb659fds/version" } },
    Rules: { CheckBootstrapVersion: { Assertions: [{ Assert: { "Fn::Not": [{ "Fn::Contains": [["1", "2", "3", "4", "5"], { Ref: "BootstrapVersion" }] }] }, AssertDescription: "CDK bootstrap stack version 6 required." }] } },
    Resources: { A: { Type: "Test::Thing", Properties: { V: { Ref: "BootstrapVersion" } } } },
  };
  const ok = await deploy("p2", cdkLike);
  assert.equal(ok.status, "CREATE_COMPLETE");
  assert.equal(ok.resources.A.properties.V, "30");
  assert.equal(ok.parameters[0].ResolvedValue, "30");
  ssm.set("/cdk-bootstrap/hnb659fds/version", "4");
  await assert.rejects(deploy("p3", cdkLike), /CDK bootstrap stack version 6 required/);
  ssm.delete("/cdk-bootstrap/hnb659fds/version");
  await assert.rejects(deploy("p3", cdkLike), /Unable to fetch parameters \[\/cdk-bootstrap\/hnb659fds\/version\]/);
});

test("unknown resource types fail before anything is provisioned, naming type, id and construct path", async () => {
  const { deploy } = setup();
  const t = structuredClone(base) as any;
  t.Resources.MyThing1234 = { Type: "AWS::Foo::Bar", Metadata: { "aws:cdk:path": "dev-my-app-API/MyThing/Resource" } };
  await assert.rejects(deploy("u1", t), /Unsupported resource type AWS::Foo::Bar for MyThing1234 \(dev-my-app-API\/MyThing\/Resource\)/);
  assert.equal(world.size, 0);
});

test("exports: duplicates fail, imports resolve, in-use exports cannot go", async () => {
  const { deploy, engine, store } = setup();
  await deploy("exp", base);
  const dup = await deploy("dup", base);
  assert.equal(dup.status, "ROLLBACK_COMPLETE");
  assert.match(dup.statusReason!, /Export with name shared-b is already exported by stack exp/);
  const importer = await deploy("imp", { Resources: { X: { Type: "Test::Thing", Properties: { From: { "Fn::ImportValue": "shared-b" } } } } });
  assert.equal(importer.status, "CREATE_COMPLETE");
  assert.deepEqual(importer.imports, ["shared-b"]);
  await assert.rejects(engine.deleteStack(store.find("exp")!), /Export shared-b cannot be deleted as it is in use by imp/);
  const t = structuredClone(base) as any;
  delete t.Outputs;
  const upd = await deploy("exp", t);
  assert.equal(upd.status, "UPDATE_ROLLBACK_COMPLETE");
  assert.match(upd.statusReason!, /Cannot delete export shared-b as it is in use by imp/);
  const missing = await deploy("imp2", { Resources: { X: { Type: "Test::Thing", Properties: { From: { "Fn::ImportValue": "nope" } } } } });
  assert.equal(missing.status, "ROLLBACK_COMPLETE");
  assert.match((missing as any).failure.reason, /No export named nope found/);
  assert.equal((missing as any).failure.logicalId, "X");
});

test("delete removes resources in reverse dependency order, keeping Retain ones", async () => {
  const { deploy, engine, store } = setup();
  const t = structuredClone(base) as any;
  t.Resources.A.DeletionPolicy = "Retain";
  delete t.Outputs;
  await deploy("d1", t);
  calls = [];
  const s = await engine.deleteStack(store.find("d1")!);
  assert.equal(s.status, "DELETE_COMPLETE");
  assert.deepEqual(calls, ["delete B"]);
  assert.equal(world.size, 1);
  assert.equal(store.find("d1"), undefined);
  assert.equal(store.find(s.stackId)!.status, "DELETE_COMPLETE");
});

test("cycles are rejected", async () => {
  const { deploy } = setup();
  await assert.rejects(deploy("c1", { Resources: {
    A: { Type: "Test::Thing", Properties: { X: { Ref: "B" } } },
    B: { Type: "Test::Thing", Properties: { X: { Ref: "A" } } },
  } }), /Circular dependency between resources: \[A, B\]/);
});

test("recover() after a crash undoes the saved journal of an interrupted deploy", async () => {
  const { deploy, engine, store } = setup();
  const first = await deploy("r1", { Resources: { A: { Type: "Test::Thing", Properties: { Size: 1 } } } });
  // Simulate a process killed mid-update: A was updated, N created, then nothing more.
  world.set(first.resources.A.physicalId, { Size: 2 });
  world.set("orphan-n", {});
  const crashed = structuredClone(first);
  crashed.status = "UPDATE_IN_PROGRESS";
  crashed.pending = [
    { kind: "update", logicalId: "A", before: first.resources.A, after: { ...first.resources.A, properties: { Size: 2 } } },
    { kind: "create", logicalId: "N", after: { ...first.resources.A, logicalId: "N", physicalId: "orphan-n", properties: {} } },
  ];
  store.save(crashed);
  await engine.recover();
  const s = store.find("r1")!;
  assert.equal(s.status, "UPDATE_ROLLBACK_COMPLETE");
  assert.equal(s.pending, undefined);
  assert.ok(!world.has("orphan-n"));
  assert.deepEqual(world.get(first.resources.A.physicalId), { Size: 1 });
});

test("replacing a custom-named resource fails with CloudFormation's message and rolls back", async () => {
  const { deploy } = setup();
  await deploy("n1", { Resources: { A: { Type: "Test::Thing", Properties: { Name: "fixed", Kind: 1 } } } });
  const s = await deploy("n1", { Resources: { A: { Type: "Test::Thing", Properties: { Name: "fixed", Kind: 2 } } } });
  assert.equal(s.status, "UPDATE_ROLLBACK_COMPLETE");
  assert.match((s as any).failure.reason, /CloudFormation cannot update a stack when a custom-named resource requires replacing\. Rename fixed and update the stack again\./);
  assert.deepEqual(world.get("fixed"), { Name: "fixed", Kind: 1 });
});

test("UpdateReplacePolicy Retain keeps the old resource on replacement; conditional outputs", async () => {
  const { deploy } = setup();
  const tpl = (name: string, env: string) => ({
    Parameters: { Env: { Type: "String", Default: env } },
    Conditions: { IsProd: { "Fn::Equals": [{ Ref: "Env" }, "prod"] } },
    Resources: { A: { Type: "Test::Thing", UpdateReplacePolicy: "Retain", Properties: { Name: name } } },
    Outputs: {
      Always: { Value: { Ref: "A" } },
      ProdOnly: { Condition: "IsProd", Value: { "Fn::Join": ["-", [{ Ref: "A" }, "prod"]] } },
    },
  });
  const first = await deploy("rp", tpl("one", "dev"));
  assert.deepEqual(first.outputs.map((o) => o.OutputKey), ["Always"]);
  const second = await deploy("rp", tpl("two", "prod"));
  assert.equal(second.status, "UPDATE_COMPLETE");
  assert.ok(world.has("one") && world.has("two"), "old resource retained");
  assert.deepEqual(second.outputs.map((o) => `${o.OutputKey}=${o.OutputValue}`), ["Always=two", "ProdOnly=two-prod"]);
});
