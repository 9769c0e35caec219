/**
 * KMS (AWS::KMS::Key, AWS::KMS::Alias): recorded, not served. Locally data is not
 * encrypted with customer keys; the key's id and ARN are what templates reference.
 */
import { randomUUID } from "node:crypto";
import { recordedProvider } from "./recorded.js";
import { arn, type ResourceProvider } from "../provider.js";

export const kmsProviders: Record<string, ResourceProvider> = {
  "AWS::KMS::Key": recordedProvider({
    replacementProps: ["KeySpec", "KeyUsage", "MultiRegion", "Origin"],
    id: () => randomUUID(),
    attributes: (id, _p, ctx) => ({ KeyId: id, Arn: arn(ctx, "kms", `key/${id}`) }),
  }),
  "AWS::KMS::Alias": recordedProvider({ replacementProps: ["AliasName"], nameProperty: "AliasName", id: (p) => String(p.AliasName) }),
};
