/**
 * API keys, usage plans and the keys a plan admits (AWS::ApiGateway::ApiKey, UsagePlan,
 * UsagePlanKey; what CDK's `addApiKey`/`addUsagePlan` and SST's ApiGatewayV1Api
 * `cdk.restApi` apps write). They belong to the account, not to one REST API, so they
 * are kept under ACCOUNT_SCOPE. Inputs use the CloudFormation property names, as the
 * other in-process REST API operations do (rest/management.ts); the wire operations
 * (rest/wire-api.ts) read the same documents.
 */
import { randomBytes } from "node:crypto";
import { AwsError } from "../../../server/aws-error.js";
import { badRequest, conflict } from "../errors.js";
import { randomId } from "../ids.js";
import { ACCOUNT_SCOPE, type ApiGatewayStore } from "../store.js";

type Doc = Record<string, any>;

const KEY_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const PERIODS = new Set(["DAY", "WEEK", "MONTH"]);

/** A generated key value: 40 letters and digits, as AWS makes them. */
function newKeyValue(): string {
  return [...randomBytes(40)].map((b) => KEY_ALPHABET[b % KEY_ALPHABET.length]).join("");
}

const truthy = (v: unknown) => v === true || v === "true";

export const apiKeyNotFound = () => new AwsError("NotFoundException", "Invalid API Key identifier specified", 404);
export const usagePlanNotFound = () => new AwsError("NotFoundException", "Invalid Usage Plan ID specified", 404);

export class ApiKeys {
  constructor(private readonly store: ApiGatewayStore) {}

  readonly operations: Record<string, (input: Doc) => Doc> = {
    CreateApiKey: (i) => this.createApiKey(i),
    UpdateApiKey: (i) => this.updateApiKey(i),
    DeleteApiKey: (i) => this.deleteApiKey(i),
    CreateUsagePlan: (i) => this.putUsagePlan(i, randomId(6)),
    UpdateUsagePlan: (i) => this.putUsagePlan(i, this.usagePlan(i.UsagePlanId).Id),
    DeleteUsagePlan: (i) => this.deleteUsagePlan(i),
    CreateUsagePlanKey: (i) => this.createUsagePlanKey(i),
    DeleteUsagePlanKey: (i) => this.deleteUsagePlanKey(i),
  };

  apiKey(id: unknown): Doc {
    const key = typeof id === "string" ? this.store.get<Doc>(ACCOUNT_SCOPE, "apikey", id) : undefined;
    if (!key) throw apiKeyNotFound();
    return key;
  }

  usagePlan(id: unknown): Doc {
    const plan = typeof id === "string" ? this.store.get<Doc>(ACCOUNT_SCOPE, "usageplan", id) : undefined;
    if (!plan) throw usagePlanNotFound();
    return plan;
  }

  apiKeys(): Doc[] {
    return this.store.list<Doc>(ACCOUNT_SCOPE, "apikey");
  }

  usagePlans(): Doc[] {
    return this.store.list<Doc>(ACCOUNT_SCOPE, "usageplan");
  }

  /** The keys of a plan, as { Id (the key's id), UsagePlanId }. */
  usagePlanKeys(planId?: string): Doc[] {
    const all = this.store.list<Doc>(ACCOUNT_SCOPE, "usageplankey");
    return planId === undefined ? all : all.filter((k) => k.UsagePlanId === planId);
  }

  private createApiKey(i: Doc): Doc {
    const value = i.Value === undefined ? newKeyValue() : String(i.Value);
    if (value.length < 20) throw badRequest("API Key value should be at least 20 characters");
    if (this.apiKeys().some((k) => k.Value === value)) throw conflict("API Key already exists");
    const id = randomId(10);
    const now = new Date().toISOString();
    const key = {
      Id: id, Value: value, Name: i.Name ?? id, Description: i.Description, CustomerId: i.CustomerId,
      // CloudFormation's default; CDK writes Enabled: true unless told otherwise
      Enabled: truthy(i.Enabled), StageKeys: this.stageKeys(i.StageKeys), CreatedDate: now, LastUpdatedDate: now,
    };
    this.store.insert(ACCOUNT_SCOPE, "apikey", id, key);
    return key;
  }

  private updateApiKey(i: Doc): Doc {
    const key = this.apiKey(i.ApiKeyId);
    const next = {
      ...key, Name: i.Name ?? key.Name, Description: i.Description, CustomerId: i.CustomerId, Enabled: truthy(i.Enabled),
      StageKeys: this.stageKeys(i.StageKeys), LastUpdatedDate: new Date().toISOString(),
    };
    this.store.update(ACCOUNT_SCOPE, "apikey", key.Id, next);
    return next;
  }

  private deleteApiKey(i: Doc): Doc {
    const key = this.apiKey(i.ApiKeyId);
    for (const pk of this.usagePlanKeys()) if (pk.KeyId === key.Id) this.store.remove(ACCOUNT_SCOPE, "usageplankey", pk.Id);
    this.store.remove(ACCOUNT_SCOPE, "apikey", key.Id);
    return {};
  }

  /** StageKeys as "restApiId/stage" strings (what GetApiKey answers). */
  private stageKeys(stageKeys: unknown): string[] {
    if (stageKeys === undefined) return [];
    if (!Array.isArray(stageKeys)) throw badRequest("StageKeys must be a list of { RestApiId, StageName }");
    return stageKeys.map((s: Doc) => {
      this.restApiOf(s?.RestApiId);
      return `${s.RestApiId}/${s.StageName ?? ""}`;
    });
  }

  private restApiOf(id: unknown): void {
    if (typeof id !== "string" || !this.store.get(id, "restapi", id)) {
      throw new AwsError("NotFoundException", `Invalid REST API identifier specified`, 404);
    }
  }

  private putUsagePlan(i: Doc, id: string): Doc {
    const apiStages: Doc[] = (i.ApiStages ?? []).map((s: Doc) => {
      this.restApiOf(s?.ApiId);
      if (s.Stage !== undefined && !this.store.get(s.ApiId, "reststage", String(s.Stage))) {
        throw new AwsError("NotFoundException", `Invalid stage identifier specified`, 404);
      }
      const throttle = s.Throttle && Object.fromEntries(Object.entries<Doc>(s.Throttle).map(([m, t]) => [m, throttleOf(t)]));
      return { ApiId: s.ApiId, Stage: s.Stage, Throttle: throttle };
    });
    const quota = i.Quota;
    if (quota !== undefined) {
      if (!PERIODS.has(String(quota.Period))) throw badRequest(`Invalid quota period ${quota.Period}: one of DAY, WEEK, MONTH`);
      if (!(Number(quota.Limit) >= 0)) throw badRequest("The quota limit must be a number of requests, 0 or more");
    }
    const plan = {
      Id: id, Name: i.UsagePlanName ?? id, Description: i.Description, ApiStages: apiStages,
      Throttle: i.Throttle === undefined ? undefined : throttleOf(i.Throttle),
      Quota: quota === undefined ? undefined : { Limit: Number(quota.Limit), Offset: Number(quota.Offset ?? 0), Period: String(quota.Period) },
    };
    if (this.store.get(ACCOUNT_SCOPE, "usageplan", id)) this.store.update(ACCOUNT_SCOPE, "usageplan", id, plan);
    else this.store.insert(ACCOUNT_SCOPE, "usageplan", id, plan);
    return plan;
  }

  private deleteUsagePlan(i: Doc): Doc {
    const plan = this.usagePlan(i.UsagePlanId);
    for (const pk of this.usagePlanKeys(plan.Id)) this.store.remove(ACCOUNT_SCOPE, "usageplankey", pk.Id);
    this.store.remove(ACCOUNT_SCOPE, "usageplan", plan.Id);
    return {};
  }

  private createUsagePlanKey(i: Doc): Doc {
    const plan = this.usagePlan(i.UsagePlanId);
    if ((i.KeyType ?? "API_KEY") !== "API_KEY") throw badRequest(`Invalid key type ${i.KeyType}: only API_KEY`);
    const key = this.apiKey(i.KeyId);
    const id = `${plan.Id}:${key.Id}`;
    if (this.store.get(ACCOUNT_SCOPE, "usageplankey", id)) throw conflict("Usage Plan Key already exists");
    const doc = { Id: id, UsagePlanId: plan.Id, KeyId: key.Id, Type: "API_KEY" };
    this.store.insert(ACCOUNT_SCOPE, "usageplankey", id, doc);
    return doc;
  }

  private deleteUsagePlanKey(i: Doc): Doc {
    const plan = this.usagePlan(i.UsagePlanId);
    const id = `${plan.Id}:${i.KeyId}`;
    if (!this.store.get(ACCOUNT_SCOPE, "usageplankey", id)) throw new AwsError("NotFoundException", "Invalid Usage Plan Key identifier specified", 404);
    this.store.remove(ACCOUNT_SCOPE, "usageplankey", id);
    return {};
  }
}

/** A throttle with numbers (templates may hold "100"). */
function throttleOf(t: Doc): { BurstLimit?: number; RateLimit?: number } {
  const n = (v: unknown) => (v === undefined ? undefined : Number(v));
  return { BurstLimit: n(t?.BurstLimit), RateLimit: n(t?.RateLimit) };
}
