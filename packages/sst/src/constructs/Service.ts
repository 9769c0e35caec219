/**
 * SST v2's Service: a container app on ECS Fargate, built from the Dockerfile in its
 * folder, behind an Application Load Balancer and a CloudFront distribution, scaled on
 * CPU, memory and requests per container. The construct ids, defaults and error texts
 * are SST v2's, so the template is the one SST v2 writes (see SST v2's Service tests).
 *
 * Where it runs:
 * - `sst deploy` to AWS: the image is built with `docker build` while the app finishes
 *   (service/image.ts) and referenced from the task definition as a CDK asset.
 * - `sst build`, and deploys to the local cloud: the same asset, not built. The local
 *   cloud records the VPC, cluster, task definition, service, load balancer and scaling
 *   as written but runs no containers, and says so once.
 * - `sst dev` (unless `dev.deploy`): nothing is deployed for it but SST v2's placeholder
 *   function `ServerFunction`, which carries the service's environment, bindings and
 *   permissions. `sst dev` runs `dev.command` (in `dev.directory`) as a local process
 *   with that function's environment and role — `sst bind` in the service's folder
 *   does the same — and a function bound to the service gets `dev.url` as its URL.
 *   (`dev.command` / `dev.directory` are this SST's: SST v2 leaves starting the process
 *   to `sst bind`.)
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as cdk from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as ecs from "aws-cdk-lib/aws-ecs";
import * as elbv2 from "aws-cdk-lib/aws-elasticloadbalancingv2";
import * as logs from "aws-cdk-lib/aws-logs";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import { HttpOrigin } from "aws-cdk-lib/aws-cloudfront-origins";
import { Platform } from "aws-cdk-lib/aws-ecr-assets";
import { Construct } from "constructs";
import { App } from "./App.js";
import { Stack } from "./Stack.js";
import { Function } from "./Function.js";
import { Distribution, type DistributionDomainProps } from "./Distribution.js";
import { writeDevMetadataParameter } from "./BaseSite.js";
import { addSiteNotice } from "./site/notice.js";
import { addLocalNotice } from "./util/local-notice.js";
import {
  SST_CONSTRUCT, bindingEnvironment, bindingReferencedSecrets, bindingStatements,
  type BindingProps, type SSTConstruct,
} from "./util/binding.js";
import { attachPermissionsToRole, type BindingResource, type Permissions } from "./util/permission.js";
import { callSite, propError, sentenceError, type ConstructRef } from "./util/construct-error.js";
import { checkKnownProps } from "./util/props-check.js";
import { serverResponseCachePolicy } from "./util/server-cache-policy.js";
import { urlBinding } from "./util/url-binding.js";
import {
  SERVICE_CPUS, STORAGE_MAX_GIB, STORAGE_MIN_GIB, isServiceCpu, memoryChoices, memoryMiB, storageGiB, type ServiceCpu,
} from "./service/sizes.js";
import { MissingToolError, buildImage, generateNixpacksDockerfile } from "./service/image.js";
import { LIVE_LAMBDA_CONTEXT } from "../dev/bridge/names.js";

const SUPPORT = fileURLToPath(new URL("../../support/", import.meta.url));

export interface ServiceDomainProps extends DistributionDomainProps {}
export interface ServiceCdkDistributionProps extends Omit<cloudfront.DistributionProps, "defaultBehavior"> {}
export interface ServiceContainerCacheProps extends cdk.DockerCacheOption {}

export interface ServiceProps {
  /** The service's folder (the Docker build context), relative to the app's root. @default "." */
  path?: string;
  /** The port the container listens on. */
  port: number;
  /** The Dockerfile, relative to `path`. @default "Dockerfile" (without one SST v2 generates one with Nixpacks) */
  file?: string;
  /** @default "x86_64" */
  architecture?: "x86_64" | "arm64";
  /** @default "0.25 vCPU" */
  cpu?: ServiceCpu;
  /** One of the sizes Fargate pairs with `cpu`. @default "0.5 GB" */
  memory?: `${number} GB`;
  /** Ephemeral storage, "20 GB" to "200 GB". @default "20 GB" */
  storage?: `${number} GB`;
  scaling?: {
    /** @default 1 */
    minContainers?: number;
    /** @default 1 */
    maxContainers?: number;
    /** Target CPU utilization, percent. @default 70 */
    cpuUtilization?: number;
    /** Target memory utilization, percent. @default 70 */
    memoryUtilization?: number;
    /** Target requests per container (with the load balancer only). @default 500 */
    requestsPerContainer?: number;
  };
  /** Resources bound to the service: their `SST_*` variables in the container and their permissions on the task role. @default none */
  bind?: BindingResource[];
  /** The distribution's domain (Route 53 hosted or external). @default none */
  customDomain?: string | ServiceDomainProps;
  /** Permissions of the task role. @default none */
  permissions?: Permissions;
  /** Environment variables of the container. @default none */
  environment?: Record<string, string>;
  /** How long CloudWatch keeps the service's logs. @default "infinite" */
  logRetention?: Lowercase<keyof typeof logs.RetentionDays>;
  /** Wait for the CloudFront invalidation to finish when deploying. @default false */
  waitForInvalidation?: boolean;
  build?: {
    /** `--build-arg`s. @default none */
    buildArgs?: Record<string, string>;
    /** `--ssh` (needs BuildKit). @default none */
    buildSsh?: string;
    /** `--cache-from` options. @default none */
    cacheFrom?: ServiceContainerCacheProps[];
    /** `--cache-to` option. @default none */
    cacheTo?: ServiceContainerCacheProps;
  };
  dev?: {
    /** Deploy the service under `sst dev` too. @default false */
    deploy?: boolean;
    /** The URL the local process answers on: the service's `url` and its binding under `sst dev`. @default "localhost" in the binding */
    url?: string;
    /** A shell command `sst dev` runs for the service, with its bindings in the environment (this SST's; SST v2 has `sst bind`). @default none */
    command?: string;
    /** Where `dev.command` runs, relative to the app's root. @default the service's `path` */
    directory?: string;
  };
  cdk?: {
    /** Overrides for the CloudFront distribution, or false for none. @default true */
    cloudfrontDistribution?: boolean | ServiceCdkDistributionProps;
    /** Overrides for the Application Load Balancer, or false for none (and no distribution). @default true */
    applicationLoadBalancer?: boolean | Omit<elbv2.ApplicationLoadBalancerProps, "vpc">;
    /** Overrides for the load balancer's listener. @default port 80 */
    applicationLoadBalancerListener?: elbv2.BaseApplicationListenerProps;
    /** Overrides for the load balancer's target group. @default port 80 */
    applicationLoadBalancerTargetGroup?: elbv2.ApplicationTargetGroupProps;
    /** Overrides for the Fargate service. @default none */
    fargateService?: Omit<ecs.FargateServiceProps, "cluster" | "taskDefinition">;
    /** Overrides for the container; `image` replaces the image built from `path`. @default none */
    container?: Omit<ecs.ContainerDefinitionOptions, "image"> & { image?: ecs.ContainerImage };
    /** An existing cluster. @default a new cluster */
    cluster?: ecs.ICluster;
    /** An existing VPC. @default a new VPC with one NAT gateway */
    vpc?: ec2.IVpc;
    /** The distribution's cache policy. @default SST v2's server response cache policy */
    cachePolicy?: cloudfront.ICachePolicy;
  };
}

const SERVICE_PROPS = new Set([
  "path", "port", "file", "architecture", "cpu", "memory", "storage", "scaling", "bind", "customDomain",
  "permissions", "environment", "logRetention", "waitForInvalidation", "build", "dev", "cdk",
]);
const SCALING_PROPS = new Set(["minContainers", "maxContainers", "cpuUtilization", "memoryUtilization", "requestsPerContainer"]);
const BUILD_PROPS = new Set(["buildArgs", "buildSsh", "cacheFrom", "cacheTo"]);
const DEV_PROPS = new Set(["deploy", "url", "command", "directory"]);
const CDK_PROPS = new Set([
  "cloudfrontDistribution", "applicationLoadBalancer", "applicationLoadBalancerListener", "applicationLoadBalancerTargetGroup",
  "fargateService", "container", "cluster", "vpc", "cachePolicy",
]);

/** The props with SST v2's defaults filled in. */
type NormalizedProps = ServiceProps & Required<Pick<ServiceProps, "path" | "architecture" | "cpu" | "memory" | "storage" | "logRetention">>;

/** A container image for the template before the real one is known (SST v2 writes "placeholder"). */
class PlaceholderImage extends ecs.ContainerImage {
  bind(): ecs.ContainerImageConfig {
    return { imageName: "placeholder" };
  }
}

export class Service extends Construct implements SSTConstruct {
  readonly id: string;
  readonly constructType = "Service";
  /** @internal */
  readonly ref: ConstructRef;
  private readonly props: NormalizedProps;
  /** True when the service is not deployed: `sst dev` without `dev.deploy`, `sst remove`, a stack left out of `sst deploy <filter>`. */
  private readonly doNotDeploy: boolean;
  private readonly servicePath: string;
  private devFunction?: Function;
  private vpc?: ec2.IVpc;
  private cluster?: ecs.ICluster;
  private container?: ecs.ContainerDefinition;
  private taskDefinition?: ecs.FargateTaskDefinition;
  private service?: ecs.FargateService;
  private distribution?: Distribution;
  private alb?: elbv2.ApplicationLoadBalancer;

  constructor(scope: Construct, id: string, props: ServiceProps) {
    super(scope, id);
    (this as any)[SST_CONSTRUCT] = true;
    this.id = id;
    this.ref = { kind: "Service", id, site: callSite() };
    checkProps(this.ref, props);
    const app = App.of(this);
    const stack = Stack.of(this) as Stack;
    this.props = {
      path: ".",
      architecture: "x86_64",
      cpu: "0.25 vCPU",
      memory: "0.5 GB",
      storage: "20 GB",
      logRetention: "infinite",
      ...props,
    };
    this.servicePath = path.resolve(app.appPath, this.props.path);
    const stackIsActive = (stack as { isActive?: boolean }).isActive !== false;
    this.doNotDeploy = app.mode === "remove" || !stackIsActive || (app.mode === "dev" && !this.props.dev?.deploy);

    // `sst remove` must work after the service's folder is gone.
    if (app.mode !== "remove") this.validateServiceExists();
    this.validateMemoryCpuAndStorage();

    if (this.doNotDeploy) {
      this.devFunction = this.createDevFunction();
      if (app.mode === "dev") this.writeDevMetadata();
      if (app.mode === "dev" && !this.props.dev?.command) {
        addLocalNotice(this, {
          construct: `Service "${id}"`,
          prop: "dev",
          local: "sst dev does not deploy the service (as in SST v2); set dev.command to have sst dev run it on this machine, or run it with `sst bind <command>` in its folder",
        });
      }
      return;
    }

    const vpc = this.props.cdk?.vpc ?? new ec2.Vpc(this, "Vpc", { natGateways: 1 });
    const cluster = this.createCluster(vpc);
    const { taskDefinition, container, service } = this.createService(cluster);
    const { alb, target } = this.createLoadBalancer(vpc, service);
    this.createAutoScaling(service, target);
    this.vpc = vpc;
    this.cluster = cluster;
    this.taskDefinition = taskDefinition;
    this.container = container;
    this.service = service;
    this.alb = alb;
    this.distribution = this.createDistribution(alb);

    this.bindForService(this.props.bind ?? []);
    this.attachPermissionsForService(this.props.permissions ?? []);
    for (const [key, value] of Object.entries(this.props.environment ?? {})) this.addEnvironmentForService(key, value);

    if (deploysTo(app) === "local") {
      addSiteNotice(this, `Service "${id}"`, "ECS Fargate",
        "the local cloud records its VPC, cluster, task definition, service, load balancer and scaling as written but runs no containers (its URL has nothing behind it); to run it on this machine under sst dev, use dev.command instead of dev.deploy");
    }
    app.addDeferredTask(async () => {
      if (!this.props.cdk?.container?.image) await this.setContainerImage(taskDefinition, container);
      this.distribution?.createInvalidation({ wait: this.props.waitForInvalidation });
    });
  }

  /** The CloudFront URL; under `sst dev` (not deployed) `dev.url`. */
  get url(): string | undefined {
    if (this.doNotDeploy) return this.props.dev?.url;
    return this.distribution?.url;
  }

  /** `https://{customDomain}` when deployed with one. */
  get customDomainUrl(): string | undefined {
    const d = this.props.customDomain;
    if (this.doNotDeploy || !d || !this.distribution || this.distribution.servesCustomDomain === false) return undefined;
    return `https://${typeof d === "string" ? d : d.domainName}`;
  }

  /** The CDK resources the service created (undefined when it is not deployed). */
  get cdk() {
    if (this.doNotDeploy) return undefined;
    return {
      vpc: this.vpc,
      cluster: this.cluster,
      fargateService: this.service,
      taskDefinition: this.taskDefinition,
      distribution: this.distribution?.distribution,
      applicationLoadBalancer: this.alb,
      hostedZone: this.distribution?.hostedZone,
      certificate: this.distribution?.certificate,
    };
  }

  getConstructMetadata() {
    return {
      type: "Service" as const,
      data: {
        mode: this.doNotDeploy ? ("placeholder" as const) : ("deployed" as const),
        path: this.props.path,
        customDomainUrl: this.customDomainUrl,
        url: this.url,
        devFunction: this.devFunction?.functionArn,
        task: this.taskDefinition?.taskDefinitionArn,
        container: this.container?.containerName,
        secrets: (this.props.bind ?? [])
          .filter((c): c is SSTConstruct => (c as SSTConstruct).constructType === "Secret")
          .map((c) => (c as unknown as { name: string }).name),
      },
    };
  }

  /**
   * @internal `Service.<id>.url`. Deployed: the distribution's URL through SSM, so a bound
   * function does not depend on the service's stack; no distribution, nothing to bind.
   * Not deployed: `dev.url` (default "localhost") — SST v2 binds nothing then, since it
   * has no distribution; binding the dev URL is what its docs describe.
   */
  getBindings(): BindingProps {
    if (!this.doNotDeploy && !this.distribution) return { clientPackage: "service", variables: {}, permissions: {} };
    return urlBinding(this, "service", { doNotDeploy: this.doNotDeploy, devUrl: this.props.dev?.url, deployedUrl: this.customDomainUrl || this.url });
  }

  /** Binds resources to the service (and, under `sst dev`, to its local process). */
  bind(constructs: BindingResource[]): void {
    this.devFunction?.bind(constructs);
    this.bindForService(constructs);
  }

  /** Adds permissions to the task role (and, under `sst dev`, to the local process's role). */
  attachPermissions(permissions: Permissions): void {
    this.devFunction?.attachPermissions(permissions);
    this.attachPermissionsForService(permissions);
  }

  /** Adds an environment variable to the container (and, under `sst dev`, to the local process). */
  addEnvironment(name: string, value: string): void {
    this.devFunction?.addEnvironment(name, value);
    this.addEnvironmentForService(name, value);
  }

  // Validation --------------------------------------------------------------------

  private validateServiceExists(): void {
    const { file, dev } = this.props;
    const abs = this.servicePath;
    if (App.of(this).mode === "dev" && dev?.directory !== undefined) {
      const dir = path.resolve(App.of(this).appPath, dev.directory);
      if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw propError(this.ref, "dev.directory", `is not a folder: ${dir}`);
    }
    if (!fs.existsSync(abs)) {
      throw sentenceError(this.ref, "path", `In the "${this.id}" Service, path is not found at "${abs}"`);
    }
    if (fs.statSync(abs).isFile()) {
      throw sentenceError(this.ref, "path", [
        `In the "${this.id}" Service, the path "${abs}" should be a directory.`,
        `Did you mean:`,
        ``,
        `  {`,
        `    path: "${path.dirname(this.props.path)}",`,
        `    file: "${path.basename(this.props.path)}",`,
        `  }`,
      ].join("\n"));
    }
    if (file && !fs.existsSync(path.join(abs, file))) {
      throw sentenceError(this.ref, "file",
        `In the "${this.id}" Service, no Dockerfile is found at "${path.join(abs, file)}". Make sure to set the "file" property to the path of the Dockerfile relative to "${this.props.path}".`);
    }
  }

  private validateMemoryCpuAndStorage(): void {
    const { cpu, memory, storage } = this.props;
    if (!isServiceCpu(cpu)) {
      throw sentenceError(this.ref, "cpu", `In the "${this.id}" Service, only the following "cpu" settings are supported: ${Object.keys(SERVICE_CPUS).join(", ")}`);
    }
    if (memoryMiB(cpu, memory) === undefined) {
      throw sentenceError(this.ref, "memory", `In the "${this.id}" Service, only the following "memory" settings are supported with "${cpu}": ${memoryChoices(cpu).join(", ")}`);
    }
    const gib = storageGiB(storage);
    if (gib === undefined || gib < STORAGE_MIN_GIB || gib > STORAGE_MAX_GIB) {
      throw sentenceError(this.ref, "storage", `In the "${this.id}" Service, the supported value for storage is between "${STORAGE_MIN_GIB} GB" and "${STORAGE_MAX_GIB} GB"`);
    }
  }

  // Resources ---------------------------------------------------------------------

  private createCluster(vpc: ec2.IVpc): ecs.ICluster {
    if (this.props.cdk?.cluster) return this.props.cdk.cluster;
    return new ecs.Cluster(this, "Cluster", { clusterName: App.of(this).logicalPrefixedName(this.node.id), vpc });
  }

  private createService(cluster: ecs.ICluster) {
    const { architecture, cpu, memory, storage, port, logRetention, cdk: overrides } = this.props;
    const app = App.of(this);
    const retention = logs.RetentionDays[logRetention.toUpperCase() as keyof typeof logs.RetentionDays];
    if (retention === undefined) throw propError(this.ref, "logRetention", `"${logRetention}" is not a retention (e.g. "one_week", "one_month", "infinite")`);
    const logRetentionResource = new logs.LogRetention(this, "LogRetention", {
      logGroupName: `/sst/service/${cluster.clusterName}`,
      retention,
      logRetentionRetryOptions: { maxRetries: 100 },
    });
    const gib = storageGiB(storage)!;
    const taskDefinition = new ecs.FargateTaskDefinition(this, "TaskDefinition", {
      memoryLimitMiB: memoryMiB(cpu, memory),
      cpu: SERVICE_CPUS[cpu],
      // CloudFormation's minimum is 21: 20 (the default) is written as nothing.
      ephemeralStorageGiB: gib === STORAGE_MIN_GIB ? undefined : gib,
      runtimePlatform: { cpuArchitecture: architecture === "arm64" ? ecs.CpuArchitecture.ARM64 : ecs.CpuArchitecture.X86_64 },
    });
    const container = taskDefinition.addContainer("Container", {
      logging: new ecs.AwsLogDriver({
        logGroup: logs.LogGroup.fromLogGroupArn(this, "LogGroup", logRetentionResource.logGroupArn),
        streamPrefix: "service",
      }),
      portMappings: [{ containerPort: port }],
      environment: { SST_APP: app.name, SST_STAGE: app.stage, SST_SSM_PREFIX: app.ssmPrefix },
      ...overrides?.container,
      image: overrides?.container?.image ?? new PlaceholderImage(),
    });
    const service = new ecs.FargateService(this, "Service", { cluster, taskDefinition, ...overrides?.fargateService });
    return { taskDefinition, container, service };
  }

  private createLoadBalancer(vpc: ec2.IVpc, service: ecs.FargateService): { alb?: elbv2.ApplicationLoadBalancer; target?: elbv2.ApplicationTargetGroup } {
    const overrides = this.props.cdk;
    if (overrides?.applicationLoadBalancer === false) {
      for (const prop of ["applicationLoadBalancerListener", "applicationLoadBalancerTargetGroup"] as const) {
        if (overrides[prop]) {
          throw sentenceError(this.ref, `cdk.${prop}`, `In the "${this.id}" Service, the "cdk.${prop}" cannot be applied if the Application Load Balancer is disabled.`);
        }
      }
      return {};
    }
    const alb = new elbv2.ApplicationLoadBalancer(this, "LoadBalancer", {
      vpc,
      internetFacing: true,
      ...(overrides?.applicationLoadBalancer === true ? {} : overrides?.applicationLoadBalancer),
    });
    const listener = alb.addListener("Listener", { port: 80, ...overrides?.applicationLoadBalancerListener });
    const target = listener.addTargets("TargetGroup", { port: 80, targets: [service], ...overrides?.applicationLoadBalancerTargetGroup });
    return { alb, target };
  }

  private createAutoScaling(service: ecs.FargateService, target?: elbv2.ApplicationTargetGroup): void {
    const s = this.props.scaling ?? {};
    const scaling = service.autoScaleTaskCount({ minCapacity: s.minContainers ?? 1, maxCapacity: s.maxContainers ?? 1 });
    scaling.scaleOnCpuUtilization("CpuScaling", { targetUtilizationPercent: s.cpuUtilization ?? 70, scaleOutCooldown: cdk.Duration.seconds(300) });
    scaling.scaleOnMemoryUtilization("MemoryScaling", { targetUtilizationPercent: s.memoryUtilization ?? 70, scaleOutCooldown: cdk.Duration.seconds(300) });
    if (target) scaling.scaleOnRequestCount("RequestScaling", { requestsPerTarget: s.requestsPerContainer ?? 500, targetGroup: target });
  }

  /** SST v2's distribution in front of the load balancer: nothing cached by default, every method, every viewer header to the origin. */
  private createDistribution(alb?: elbv2.ApplicationLoadBalancer): Distribution | undefined {
    const { cdk: overrides, customDomain } = this.props;
    if (!alb || overrides?.cloudfrontDistribution === false) return undefined;
    const cachePolicy = overrides?.cachePolicy ?? serverResponseCachePolicy(this, "CachePolicy");
    return new Distribution(this, "CDN", {
      owner: `Service "${this.id}"`,
      customDomain,
      cdk: {
        distribution: {
          defaultRootObject: "",
          defaultBehavior: {
            viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
            origin: new HttpOrigin(alb.loadBalancerDnsName, {
              protocolPolicy: cloudfront.OriginProtocolPolicy.HTTP_ONLY,
              readTimeout: cdk.Duration.seconds(60),
            }),
            allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
            cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD_OPTIONS,
            compress: true,
            cachePolicy,
            originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER,
          },
          ...(overrides?.cloudfrontDistribution === true ? {} : overrides?.cloudfrontDistribution),
        },
      },
    });
  }

  /**
   * SST v2's placeholder function for a service that is not deployed: it holds the
   * service's environment, bindings and permissions (its role is assumable by the
   * account, for 12 hours), which the local process runs with.
   */
  private createDevFunction(): Function {
    const app = App.of(this);
    const role = new iam.Role(this, "ServerFunctionRole", {
      assumedBy: new iam.CompositePrincipal(new iam.AccountPrincipal(app.account), new iam.ServicePrincipal("lambda.amazonaws.com")),
      maxSessionDuration: cdk.Duration.hours(12),
    });
    return new Function(this, "ServerFunction", {
      description: "Service dev function",
      handler: path.join(SUPPORT, "service-dev-function", "index.handler"),
      runtime: "nodejs18.x",
      memorySize: "512 MB",
      timeout: "10 seconds",
      role,
      bind: this.props.bind,
      environment: this.props.environment,
      permissions: this.props.permissions,
      _doNotAllowOthersToBind: true,
    });
  }

  /** What `sst dev` needs to run the service locally, and `sst bind` in its folder (see BaseSite.ts). */
  private writeDevMetadata(): void {
    const dev = this.props.dev;
    writeDevMetadataParameter(this, "Service", this.id, {
      path: this.props.path,
      environment: this.props.environment ?? {},
      server: () => this.devFunction?.functionArn,
      ...(dev?.command ? { service: { command: dev.command, directory: dev.directory ?? this.props.path, ...(dev.url ? { url: dev.url } : {}) } } : {}),
    });
  }

  private bindForService(constructs: BindingResource[]): void {
    const all = [...constructs, ...constructs.flatMap((c) => bindingReferencedSecrets(c))];
    for (const c of all) {
      for (const [key, value] of Object.entries(bindingEnvironment(c))) this.addEnvironmentForService(key, value);
      const statements = bindingStatements(c);
      if (statements.length) this.attachPermissionsForService(statements);
    }
  }

  private addEnvironmentForService(name: string, value: string): void {
    this.container?.addEnvironment(name, value);
  }

  private attachPermissionsForService(permissions: Permissions): void {
    if (this.taskDefinition) attachPermissionsToRole(this.taskDefinition.taskRole, permissions);
  }

  // The image ------------------------------------------------------------------------

  /**
   * Points the container at the image built from `path`, as SST v2 does once the app
   * finishes: a CDK image asset. Only a deploy to AWS builds it (with Docker, which
   * must then be installed); without a Dockerfile the image needs Nixpacks, so outside
   * such a deploy the template keeps SST v2's "placeholder" image and says so.
   */
  private async setContainerImage(taskDefinition: ecs.FargateTaskDefinition, container: ecs.ContainerDefinition): Promise<void> {
    const app = App.of(this);
    const toAws = deploysTo(app) === "aws";
    let dockerfile = this.props.file ?? (fs.existsSync(path.join(this.servicePath, "Dockerfile")) ? "Dockerfile" : undefined);
    if (toAws) console.log(`➜  Building the container image for the "${this.id}" service...`);
    if (!dockerfile) {
      if (!toAws) {
        const local = `there is no Dockerfile in "${this.props.path}": the image is generated with Nixpacks when deploying to AWS, so this template names a placeholder image`;
        if (deploysTo(app) === "local") addSiteNotice(this, `Service "${this.id}"`, "path", local);
        else console.warn(`Service "${this.id}": ${local}`);
        return;
      }
      dockerfile = await this.imageStep("nixpacks", () => generateNixpacksDockerfile(this.servicePath));
    }
    if (toAws) {
      const { architecture, build } = this.props;
      await this.imageStep("docker", () => buildImage({
        context: this.servicePath, dockerfile: dockerfile!, tag: `sst-build:service-${this.id}`, architecture,
        buildArgs: build?.buildArgs, buildSsh: build?.buildSsh, cacheFrom: build?.cacheFrom, cacheTo: build?.cacheTo,
      }));
    }
    const { architecture, build } = this.props;
    const image = ecs.ContainerImage.fromAsset(this.servicePath, {
      platform: architecture === "arm64" ? Platform.LINUX_ARM64 : Platform.LINUX_AMD64,
      file: dockerfile,
      buildArgs: build?.buildArgs,
      buildSsh: build?.buildSsh,
      cacheFrom: build?.cacheFrom,
      cacheTo: build?.cacheTo,
      exclude: [".sst/dist", ".sst/artifacts"],
      ignoreMode: cdk.IgnoreMode.GLOB,
    });
    (taskDefinition.node.defaultChild as ecs.CfnTaskDefinition).addPropertyOverride("ContainerDefinitions.0.Image", image.bind(this, container).imageName);
  }

  /** Runs a step of the image build, its failure told as this service's. */
  private async imageStep<T>(tool: "docker" | "nixpacks", step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (e) {
      if (e instanceof MissingToolError && e.tool === "docker") {
        throw propError(this.ref, "path", `the container image is built with Docker when deploying to AWS, and "docker" is not installed (not found on the PATH). Install Docker, or set "cdk.container.image" to an image built elsewhere`);
      }
      if (e instanceof MissingToolError) {
        throw propError(this.ref, "file", `there is no Dockerfile in "${this.props.path}", and generating one needs Nixpacks ("nixpacks" is not on the PATH; SST v2 downloads it, this SST does not). Add a Dockerfile, install Nixpacks, or set "cdk.container.image"`);
      }
      throw propError(this.ref, "path", `${tool === "docker" ? "Failed to build the container image" : "Failed to run the Nixpacks build"}: ${(e as Error).message}`);
    }
  }
}

/**
 * Where this synth goes: `sst dev --aws` (Live Lambda) synthesizes in dev mode, which
 * otherwise means the local cloud, so its context decides; undefined for `sst build`
 * and `sst diff`, which build no image.
 */
function deploysTo(app: App): "local" | "aws" | undefined {
  if (app.mode === "dev" && app.node.tryGetContext(LIVE_LAMBDA_CONTEXT) === true) return "aws";
  return app.target;
}

/** Unknown props, and nested ones, fail synth naming the prop. */
function checkProps(ref: ConstructRef, props: ServiceProps | undefined): void {
  if (!props || typeof props !== "object") throw propError(ref, "", `needs props with a "port"`);
  checkKnownProps(ref, props, SERVICE_PROPS);
  checkKnownProps(ref, props.scaling, SCALING_PROPS, "scaling.");
  checkKnownProps(ref, props.build, BUILD_PROPS, "build.");
  checkKnownProps(ref, props.dev, DEV_PROPS, "dev.");
  checkKnownProps(ref, props.cdk, CDK_PROPS, "cdk.");
  if (!Number.isInteger(props.port) || props.port < 1 || props.port > 65535) {
    throw propError(ref, "port", `must be the port the container listens on (1-65535), got ${JSON.stringify(props.port)}`);
  }
  if (props.architecture !== undefined && props.architecture !== "x86_64" && props.architecture !== "arm64") {
    throw propError(ref, "architecture", `must be "x86_64" or "arm64", got ${JSON.stringify(props.architecture)}`);
  }
  if (props.dev?.command !== undefined && (typeof props.dev.command !== "string" || !props.dev.command.trim())) {
    throw propError(ref, "dev.command", `must be a shell command line, e.g. "npm run dev"`);
  }
  if (props.dev?.command && props.dev.deploy) {
    throw propError(ref, "dev.command", `runs the service on this machine instead of deploying it under sst dev, so it cannot go with "dev.deploy": true`);
  }
  if (props.dev?.directory !== undefined && !props.dev.command) {
    throw propError(ref, "dev.directory", `is where "dev.command" runs; set "dev.command" too`);
  }
}
