/**
 * The seed app's Auth stack against the template SST v2 (sst@2.49.8) writes for it
 * (fixtures/sst-v2-my-app, how it was made is in its README): the Auth construct's own
 * resources with the same logical ids and properties, the authenticator routes with
 * the same Auth bindings and permissions, and every route of the attached Api given
 * the public key.
 *
 * Not compared here, because other constructs own them: the `sst:app`/`sst:stage` tags
 * SST v2 puts on every resource, the logical ids of Api routes and their functions, the
 * Function defaults (tracing, ephemeral storage), the SSTMetadata output and the AWS-only
 * SourcemapUploader.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadProject, synth, type SynthResult } from "../project/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const exampleDir = path.resolve(here, "../../../../examples/my-app");
const reference = (stack: string) => JSON.parse(fs.readFileSync(path.join(here, "fixtures/sst-v2-my-app", `dev-my-app-${stack}.template.json`), "utf8"));

type Template = { Resources: Record<string, any>; Outputs?: Record<string, any> };

let tmp: string;
let result: SynthResult;
const ours = (stack: string): Template => JSON.parse(fs.readFileSync(result.stacks.find((s) => s.stackName === `dev-my-app-${stack}`)!.templateFile, "utf8"));

before(async () => {
  process.env.CDK_VALIDATION = "false";
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sst-auth-parity-"));
  for (const k of ["GOOGLE_CLIENT_ID", "GOOGLE_ISSUER_URL", "SITE_URL"]) delete process.env[k];
  const project = await loadProject({ cwd: exampleDir, stage: "dev" });
  const paths = { ...project.paths, dist: path.join(tmp, "dist"), artifacts: path.join(tmp, "artifacts"), types: path.join(tmp, "types") };
  result = await synth({ ...project, paths }, { mode: "dev" });
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A resource without what other constructs own (tags) or what differs by design (the handler's code). */
function comparable(resource: any): any {
  const copy = structuredClone(resource);
  delete copy.Properties?.Tags;
  if (copy.Type === "AWS::Lambda::Function" && copy.Properties?.Code?.S3Key) copy.Properties.Code.S3Key = "<asset>";
  return copy;
}

/** The function a route key runs: Route → Integration → Function, whatever their logical ids. */
function routeFunction(t: Template, routeKey: string): { id: string; fn: any; statements: any[] } {
  const route = Object.values<any>(t.Resources).find((r) => r.Type === "AWS::ApiGatewayV2::Route" && r.Properties.RouteKey === routeKey);
  assert.ok(route, `route ${routeKey}`);
  const integrationId = route.Properties.Target["Fn::Join"][1][1].Ref;
  const id = t.Resources[integrationId].Properties.IntegrationUri["Fn::GetAtt"][0];
  const fn = t.Resources[id];
  const roleId = fn.Properties.Role["Fn::GetAtt"][0];
  const statements = Object.values<any>(t.Resources)
    .filter((r) => r.Type === "AWS::IAM::Policy" && r.Properties.Roles.some((x: any) => x.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
  return { id, fn, statements };
}

const authEnv = (fn: any) => Object.fromEntries(Object.entries<any>(fn.Properties.Environment.Variables).filter(([k]) => k.startsWith("SST_Auth_")));
const ssmStatements = (statements: any[]) => statements.filter((s) => JSON.stringify(s.Action).includes("ssm:"));

describe("the seed app's Auth stack, against SST v2's template", () => {
  it("has the Auth construct's resources with SST v2's logical ids and properties", () => {
    const theirs = reference("AuthStack").Resources;
    const mine = ours("AuthStack").Resources;
    const owned = Object.keys(theirs).filter((id) => /^(CustomResourceHandler|Auth)/.test(id));
    assert.deepEqual(owned.sort(), [
      "AuthCloudFrontInvalidatorPolicy5DBD83DD", "AuthStackMetadata8B639D1A", "Authprefix12CF67F2",
      "CustomResourceHandlerE8FB56BA", "CustomResourceHandlerServiceRole41AEC181",
    ]);
    for (const id of owned) {
      assert.ok(mine[id], `${id} is in our template`);
      assert.deepEqual(comparable(mine[id]), comparable(theirs[id]), id);
    }
  });

  it("routes GET /auth and ANY /auth/{proxy+} to the authenticator with the prefix, both keys and SST v2's permissions", () => {
    for (const routeKey of ["GET /auth", "ANY /auth/{proxy+}"]) {
      const theirs = routeFunction(reference("AuthStack"), routeKey);
      const mine = routeFunction(ours("AuthStack"), routeKey);
      assert.deepEqual(authEnv(mine.fn), authEnv(theirs.fn), `${routeKey} env`);
      assert.deepEqual(authEnv(mine.fn), {
        SST_Auth_prefix_Auth: "/auth", SST_Auth_publicKey_Auth: "__FETCH_FROM_SSM__", SST_Auth_privateKey_Auth: "__FETCH_FROM_SSM__",
      });
      assert.deepEqual(ssmStatements(mine.statements), ssmStatements(theirs.statements), `${routeKey} SSM permissions`);
      for (const k of ["GOOGLE_CLIENT_ID", "GOOGLE_ISSUER_URL", "SITE_URL"]) {
        assert.equal(mine.fn.Properties.Environment.Variables[k], theirs.fn.Properties.Environment.Variables[k], k);
      }
      const route = (t: Template) => Object.values<any>(t.Resources).find((r) => r.Type === "AWS::ApiGatewayV2::Route" && r.Properties.RouteKey === routeKey);
      assert.equal(route(ours("AuthStack")).Properties.AuthorizationType, route(reference("AuthStack")).Properties.AuthorizationType);
    }
  });

  it("adds no outputs of its own (SST v2's Auth stack has only SSTMetadata)", () => {
    assert.deepEqual(Object.keys(reference("AuthStack").Outputs ?? {}), ["SSTMetadata"]);
    assert.deepEqual(Object.keys(ours("AuthStack").Outputs ?? {}).filter((k) => k !== "SSTMetadata"), []);
  });

  it("binds the public key to every route of the attached Api, as SST v2 does", () => {
    const routes = Object.values<any>(reference("API").Resources)
      .filter((r) => r.Type === "AWS::ApiGatewayV2::Route").map((r) => r.Properties.RouteKey).sort();
    assert.ok(routes.includes("GET /session"));
    for (const routeKey of routes) {
      const theirs = routeFunction(reference("API"), routeKey);
      const mine = routeFunction(ours("API"), routeKey);
      assert.deepEqual(authEnv(mine.fn), { SST_Auth_publicKey_Auth: "__FETCH_FROM_SSM__" }, routeKey);
      assert.deepEqual(authEnv(mine.fn), authEnv(theirs.fn), routeKey);
      const publicKeyRead = (s: any[]) => ssmStatements(s).filter((x) => JSON.stringify(x.Resource).includes("/Auth/Auth/"));
      assert.deepEqual(publicKeyRead(mine.statements), publicKeyRead(theirs.statements), routeKey);
    }
  });
});
