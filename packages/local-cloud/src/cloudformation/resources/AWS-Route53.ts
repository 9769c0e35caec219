/**
 * Route 53 (AWS::Route53::RecordSet, RecordSetGroup, HostedZone): recorded, not
 * served. Names resolve locally through `*.localhost`, not DNS; a custom domain's
 * records are kept for AWS. Ref of a record set is its name.
 */
import { createHash } from "node:crypto";
import { recordedProvider } from "./recorded.js";
import type { ResourceProvider } from "../provider.js";

export const route53Providers: Record<string, ResourceProvider> = {
  "AWS::Route53::RecordSet": recordedProvider({
    replacementProps: ["Name", "HostedZoneId", "HostedZoneName", "Type", "SetIdentifier"],
    id: (p) => String(p.Name ?? ""),
  }),
  "AWS::Route53::RecordSetGroup": recordedProvider({
    replacementProps: ["HostedZoneId", "HostedZoneName"],
    id: (_p, ctx) => ctx.physicalName({ maxLength: 128 }),
  }),
  "AWS::Route53::HostedZone": recordedProvider({
    replacementProps: ["Name", "VPCs"],
    id: (p) => "Z" + createHash("sha256").update(String(p.Name)).digest("hex").slice(0, 20).toUpperCase(),
    attributes: (id) => ({ Id: id, NameServers: ["ns-1.awsdns-00.com", "ns-2.awsdns-00.net"] }),
  }),
};
