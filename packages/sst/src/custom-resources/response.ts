/**
 * How a Lambda-backed custom resource answers CloudFormation: a PUT of the result to
 * the request's pre-signed ResponseURL (on AWS an S3 URL, locally the local cloud's).
 */
import type { CloudFormationCustomResourceEvent } from "aws-lambda";

export interface CustomResourceResult {
  Status: "SUCCESS" | "FAILED";
  Reason?: string;
  PhysicalResourceId: string;
  Data?: Record<string, unknown>;
}

/** The physical id to report: the request id on create (as SST v2), the existing id afterwards. */
export function physicalIdOf(event: CloudFormationCustomResourceEvent): string {
  return event.RequestType === "Create" ? event.RequestId : event.PhysicalResourceId;
}

export async function sendResponse(event: CloudFormationCustomResourceEvent, result: CustomResourceResult): Promise<void> {
  const body = JSON.stringify({
    ...result,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  });
  // S3 pre-signed URLs refuse a content type they were not signed with: send none.
  const res = await fetch(event.ResponseURL, { method: "PUT", body, headers: { "content-type": "" } });
  if (!res.ok) throw new Error(`CloudFormation's response URL answered ${res.status}: ${await res.text()}`);
}

/**
 * Runs a custom resource's work and always answers CloudFormation: SUCCESS with the
 * physical id and attributes the work returns, or FAILED with the reason it threw.
 */
export async function answer(
  event: CloudFormationCustomResourceEvent,
  work: () => Promise<{ physicalId: string; data?: Record<string, unknown> }>,
): Promise<void> {
  console.log(`${event.RequestType} ${event.ResourceType} ${event.LogicalResourceId}`);
  try {
    const { physicalId, data } = await work();
    await sendResponse(event, { Status: "SUCCESS", PhysicalResourceId: physicalId, Data: data });
  } catch (e) {
    console.error(e);
    // A create that failed has no resource: its physical id is the request's, and the
    // delete CloudFormation sends next finds nothing to delete.
    await sendResponse(event, { Status: "FAILED", Reason: (e as Error).message ?? String(e), PhysicalResourceId: physicalIdOf(event) });
  }
}
