/**
 * Custom::AuthKeys — the Auth construct's signing key pair, kept in SSM as SST v2 keeps
 * it: an RSA-2048 pair (SPKI / PKCS#8 PEM) written as SecureStrings at `publicPath`
 * and `privatePath` on create; on update, moved to new paths when they change (the keys
 * themselves survive, so sessions stay valid); deleted with the resource.
 */
import { generateKeyPair, generateKeyPairSync, type RSAKeyPairOptions } from "node:crypto";
import { promisify } from "node:util";
import type { CloudFormationCustomResourceEvent } from "aws-lambda";
import type * as SsmSdk from "@aws-sdk/client-ssm";
import { awsSdk } from "./aws-sdk.js";

/** The SSM client package, loaded on first use: a Create starts its key pair first (see authKeys). */
let sdk: typeof SsmSdk | undefined;
const ssmSdk = () => (sdk ??= awsSdk<typeof SsmSdk>("@aws-sdk/client-ssm"));

export interface AuthKeysProps {
  publicPath: string;
  privatePath: string;
}

const KEY_PAIR: RSAKeyPairOptions<"pem", "pem"> = {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
};

export function generateAuthKeyPair(): { publicKey: string; privateKey: string } {
  return generateKeyPairSync("rsa", KEY_PAIR);
}

export async function authKeys(event: CloudFormationCustomResourceEvent, client?: SsmSdk.SSMClient): Promise<void> {
  const props = pathsOf(event.ResourceProperties);
  // The key pair is generated on libuv's thread pool while this thread loads the SDK
  // (each ~100 ms of CPU, on the path of the first deploy of an app with Auth).
  const pair = event.RequestType === "Create" ? promisify(generateKeyPair)("rsa", KEY_PAIR) : undefined;
  pair?.catch(() => {});
  const { DeleteParametersCommand, PutParameterCommand, SSMClient } = ssmSdk();
  const ssm = client ?? new SSMClient({});
  const put = (Name: string, Value: string) => ssm.send(new PutParameterCommand({ Name, Value, Type: "SecureString", Overwrite: true }));

  if (pair) {
    const { publicKey, privateKey } = await pair;
    await Promise.all([put(props.privatePath, privateKey), put(props.publicPath, publicKey)]);
    return;
  }
  if (event.RequestType === "Update") {
    const old = pathsOf(event.OldResourceProperties);
    for (const [from, to] of [[old.privatePath, props.privatePath], [old.publicPath, props.publicPath]]) {
      if (from === to) continue;
      const value = await read(ssm, from);
      if (value !== undefined) await put(to, value);
    }
    return;
  }
  await ssm.send(new DeleteParametersCommand({ Names: [props.publicPath, props.privatePath] }));
}

async function read(ssm: SsmSdk.SSMClient, name: string): Promise<string | undefined> {
  try {
    const out = await ssm.send(new (ssmSdk().GetParameterCommand)({ Name: name, WithDecryption: true }));
    return out.Parameter?.Value;
  } catch (e) {
    if ((e as Error).name === "ParameterNotFound") return undefined;
    throw e;
  }
}

function pathsOf(props: Record<string, unknown>): AuthKeysProps {
  const { publicPath, privatePath } = props as Partial<AuthKeysProps>;
  if (typeof publicPath !== "string" || typeof privatePath !== "string" || !publicPath || !privatePath) {
    throw new Error(`Custom::AuthKeys needs "publicPath" and "privatePath" (SSM parameter names), got ${JSON.stringify({ publicPath, privatePath })}`);
  }
  return { publicPath, privatePath };
}
