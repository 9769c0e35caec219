/**
 * A stage's local cloud for one-off commands (secrets, bind): the running `sst dev`
 * server if server.json names a live one — so the dev loop hears about changes —
 * otherwise an in-process LocalCloud on the same state directory, on a free port,
 * stopped by `close()`.
 */
import { ADMIN_CREDENTIALS } from "./credentials.js";
import { startCloud } from "./local-cloud.js";
import { findLiveServer } from "./server-file.js";

/** Runs one SSM operation with AWS SDK v3 input/output shapes. */
export type SsmCall = (operation: string, input: any) => Promise<any>;

export interface LocalTarget {
  endpoint: string;
  region: string;
  /** True when talking to a running `sst dev` over HTTP. */
  remote: boolean;
  ssm: SsmCall;
  close(): Promise<void>;
}

/** SSM through the AWS SDK v3 client, for any endpoint and credentials (a running `sst dev`, or AWS). */
export function sdkSsm(config: Record<string, unknown>): SsmCall {
  let client: any;
  let sdk: any;
  return async (operation, input) => {
    if (!client) {
      sdk = await import("@aws-sdk/client-ssm");
      client = new sdk.SSMClient(config);
    }
    const CommandClass = sdk[`${operation}Command`];
    if (!CommandClass) throw new Error(`Unknown SSM operation ${operation}`);
    return client.send(new CommandClass(input));
  };
}

export function remoteSsm(endpoint: string, region: string): SsmCall {
  return sdkSsm({ endpoint, region, credentials: ADMIN_CREDENTIALS, maxAttempts: 1 });
}

export async function openLocalTarget(opts: { stateDir: string; region: string }): Promise<LocalTarget> {
  const live = await findLiveServer(opts.stateDir);
  if (live) {
    return { endpoint: live.endpoint, region: opts.region, remote: true, ssm: remoteSsm(live.endpoint, opts.region), close: async () => {} };
  }
  const { cloud } = await startCloud({ dir: opts.stateDir, port: 0, region: opts.region });
  return {
    endpoint: cloud.endpoint,
    region: cloud.region ?? opts.region,
    remote: false,
    ssm: (operation, input) => cloud.ssm.call(operation, input),
    close: () => cloud.stop(),
  };
}
