/**
 * The CloudFormation service: the awsQuery API (CreateStack, change sets, Describe*),
 * the in-process deploy of a CDK cloud assembly (`deployAssembly`), and the internal
 * endpoint custom resources answer on. State lives in SQLite and survives restarts.
 */
import { AwsError } from "../../server/aws-error.js";
import type { ServiceDeps } from "../../kernel/kernel.js";
import type { AwsRequest, AwsResponse, CallContext, Service } from "../../types.js";
import { OperationHost } from "../../wire/host.js";
import cloudformationModel from "../../wire/models/cloudformation.js";
import { StackEngine } from "../../cloudformation/engine.js";
import { StackStore } from "../../cloudformation/store.js";
import { CustomResourceBroker } from "../../cloudformation/custom-resource-broker.js";
import { providerLookup } from "../../cloudformation/resources/index.js";
import { nestedStackProvider } from "../../cloudformation/resources/AWS-CloudFormation-Stack.js";
import { templateFrom } from "./template-source.js";
import { cloudOfKernel, type CloudLike } from "../../cloudformation/provider.js";
import { CloudFormationApi } from "./operations.js";
import { moveStacksToEndpoint } from "./endpoint-move.js";
import { bootstrap, deployAssembly, type DeployAssemblyOptions, type DeployAssemblyResult } from "./assembly.js";


export class CloudFormationService implements Service {
  readonly signingName = "cloudformation";
  readonly store: StackStore;
  readonly engine: StackEngine;
  readonly api: CloudFormationApi;
  private readonly broker: CustomResourceBroker;
  private readonly cloud: CloudLike;
  private readonly host: OperationHost<CallContext>;

  constructor({ kernel }: ServiceDeps) {
    this.cloud = cloudOfKernel(kernel);
    this.store = new StackStore(this.cloud.openDatabase("cloudformation"));
    this.broker = new CustomResourceBroker(() => this.cloud.endpoint);
    const nested = nestedStackProvider({ engine: () => this.engine, store: this.store, readTemplateUrl: (url) => templateFrom(this.cloud, { TemplateURL: url }) });
    const providers = providerLookup(this.broker, { "AWS::CloudFormation::Stack": nested });
    this.engine = new StackEngine(this.cloud, this.store, providers, (e) => this.cloud.events?.emit("cloudformation:event", e));
    this.api = new CloudFormationApi(this.cloud, this.store, this.engine, providers);
    const operations = Object.fromEntries(
      Object.entries(this.api.operations).map(([name, op]) => [
        name,
        {
          // `cloudformation:<Op>` on the stack the input names (a name or an id), or on every stack.
          iam: (i: { StackName?: string }, ctx: CallContext) => {
            const stack = typeof i.StackName === "string" ? i.StackName : "*";
            return { action: `cloudformation:${name}`, resource: stack.startsWith("arn:") ? stack : `arn:aws:cloudformation:${ctx.region}:${kernel.accountId}:stack/${stack}/*` };
          },
          run: (i: any, ctx: CallContext) => op(this.api.normalize(i), ctx),
        },
      ]),
    );
    this.host = new OperationHost<CallContext>(kernel, {
      signingName: this.signingName,
      models: [cloudformationModel],
      operations,
      context: (ctx) => ctx,
      errors: {
        validation: (message) => new AwsError("ValidationError", message, 400),
        unknownOperation: (_req, { name }) => new AwsError("InvalidAction", `The action ${name} is not valid for this web service.`, 400),
        malformedBody: (message) => new AwsError("MalformedInput", message, 400),
        internal: () => new AwsError("InternalFailure", "The request processing has failed because of an unknown error, exception or failure.", 500),
      },
    });
  }

  handle(req: AwsRequest): Promise<AwsResponse> {
    return this.host.handle(req);
  }

  call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any> {
    return this.host.call(operation, input, ctx);
  }

  /** `/_aws/cloudformation/custom-resource/{token}`: where custom resource handlers PUT their response. */
  async handleInternal(req: AwsRequest, subPath: string): Promise<AwsResponse> {
    const m = /^\/custom-resource\/([A-Za-z0-9-]+)\/?$/.exec(subPath);
    if (!m || (req.method !== "PUT" && req.method !== "POST")) {
      return { status: 404, headers: { "content-type": "text/plain" }, body: "Not Found" };
    }
    const delivered = this.broker.deliver(m[1], req.body.toString("utf8"));
    return delivered
      ? { status: 200, headers: { "content-length": "0" }, body: "" }
      : { status: 404, headers: { "content-type": "text/plain" }, body: "No custom resource is waiting for this response" };
  }

  /**
   * What `cdk bootstrap` leaves behind: the assets bucket `cdk-hnb659fds-assets-{account}-{region}`
   * and the SSM parameter `/cdk-bootstrap/hnb659fds/version`. Idempotent; deployAssembly calls it.
   */
  bootstrap(): Promise<void> {
    return bootstrap(this.cloud);
  }

  /** Deploy the stacks of a CDK cloud assembly (all, or `stacks` and what they depend on). */
  deployAssembly(assemblyDir: string, opts?: DeployAssemblyOptions): Promise<DeployAssemblyResult> {
    return deployAssembly({ cloud: this.cloud, engine: this.engine, store: this.store, api: this.api }, assemblyDir, opts);
  }

  /**
   * Delete stacks. Importers go before the stacks whose exports they use (otherwise the
   * order given is kept); throws naming the stack that could not be deleted.
   */
  async removeStacks(stackNames: string[]): Promise<void> {
    const remaining = stackNames.map((n) => this.store.find(n)).filter((s): s is NonNullable<typeof s> => !!s && s.status !== "DELETE_COMPLETE");
    while (remaining.length > 0) {
      const exportsOf = (s: (typeof remaining)[number]) => s.outputs.map((o) => o.ExportName).filter(Boolean) as string[];
      const next = remaining.find((s) => !remaining.some((o) => o !== s && o.imports.some((i) => exportsOf(s).includes(i)))) ?? remaining[0];
      remaining.splice(remaining.indexOf(next), 1);
      const final = await this.engine.withLock(next.stackName, () => this.engine.deleteStack(this.store.find(next.stackId)!));
      if (final.status !== "DELETE_COMPLETE") throw new Error(`Stack ${next.stackName} could not be deleted: ${final.statusReason ?? final.status}`);
    }
  }

  /** Settle stacks a previous process left in progress (it was killed mid-deploy). */
  async start(): Promise<void> {
    await this.engine.recover();
    // Fake clouds in unit tests have no data dir; a real one always does.
    if (this.cloud.dataDir) moveStacksToEndpoint(this.store, this.cloud.dataDir("cloudformation"), this.cloud.endpoint);
  }

  close(): void {
    this.broker.close();
  }
}
