/**
 * AWS::CertificateManager::Certificate: recorded, not issued. The local cloud serves
 * plain HTTP on `*.localhost`; a custom domain's certificate is kept for AWS. Ref is
 * the certificate's ARN.
 */
import { randomUUID } from "node:crypto";
import { recordedProvider } from "./recorded.js";
import { arn } from "../provider.js";

export const acmCertificate = recordedProvider({
  replacementProps: ["DomainName", "SubjectAlternativeNames", "ValidationMethod", "KeyAlgorithm", "CertificateAuthorityArn"],
  id: (_p, ctx) => arn(ctx, "acm", `certificate/${randomUUID()}`),
  attributes: (id) => ({ Id: id }),
});
