/**
 * SSM Parameter Store (awsJson1_1, X-Amz-Target "AmazonSSM.<Operation>"). What sst
 * binds and `sst secrets` writes; SecureStrings are encrypted at rest.
 */
import { AwsError } from "../../server/aws-error.js";
import { jsonErrorResponse, jsonResponse, jsonTarget, parseJsonBody } from "../../server/protocols/json.js";
import { ACCOUNT_ID, DEFAULT_REGION, type AwsRequest, type AwsResponse, type CallContext, type Service, type ServiceDeps } from "../../types.js";
import { datesToEpochSeconds } from "./json-dates.js";
import { SsmOperations } from "./operations.js";
import { SecureStringCipher } from "./secure-string.js";

const CONTENT_TYPE = "application/x-amz-json-1.1";

const OPERATIONS = [
  "PutParameter", "GetParameter", "GetParameters", "GetParametersByPath", "DeleteParameter", "DeleteParameters",
  "DescribeParameters", "GetParameterHistory", "AddTagsToResource", "RemoveTagsFromResource", "ListTagsForResource",
  "LabelParameterVersion",
] as const;
type Operation = (typeof OPERATIONS)[number];
const OPERATION_SET = new Set<string>(OPERATIONS);

export class SsmService implements Service {
  readonly signingName = "ssm";
  readonly ops: SsmOperations;

  constructor(private readonly deps: ServiceDeps) {
    const cloud = deps.cloud;
    this.ops = new SsmOperations({
      db: cloud.openDatabase("ssm"),
      cipher: new SecureStringCipher(cloud.dataDir("ssm")),
      authorize: (ctx, action, resources) => cloud.authorize(ctx, action, resources),
      changed: (name) => cloud.events.emit("ssm:changed", { name }),
    });
  }

  async handle(req: AwsRequest): Promise<AwsResponse> {
    try {
      const { prefix, operation } = jsonTarget(req);
      if (prefix !== "AmazonSSM") throw new AwsError("UnknownOperationException", "", 400);
      const input = parseJsonBody(req);
      const output = await this.call(operation, input, { region: req.region, principal: req.principal, requestId: req.requestId });
      return jsonResponse(datesToEpochSeconds(output), CONTENT_TYPE);
    } catch (err) {
      const e = err instanceof AwsError ? err : new AwsError("InternalServerError", String((err as Error)?.message ?? err), 500);
      return jsonErrorResponse(e, { contentType: CONTENT_TYPE });
    }
  }

  async call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any> {
    if (!OPERATION_SET.has(operation)) throw new AwsError("UnknownOperationException", "", 400);
    const context: CallContext = {
      region: ctx?.region ?? this.deps.cloud.region ?? DEFAULT_REGION,
      principal: ctx?.principal ?? { accessKeyId: "test", arn: `arn:aws:iam::${ACCOUNT_ID}:root`, admin: true },
      requestId: ctx?.requestId ?? "internal",
    };
    return this.ops[operation as Operation](input && typeof input === "object" ? input : {}, context);
  }
}
