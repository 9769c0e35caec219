/**
 * A kernel for call()-level S3 tests (kernel/test-kernel.ts: SQLite and data dirs in a
 * temp dir, an IAM check driven by an allow-list) with recording stand-ins for the
 * Lambda and SQS notification destinations.
 */
import { testKernel, type TestKernel } from "../../kernel/test-kernel.js";
import type { Principal } from "../../types.js";

export interface FakeCloud extends TestKernel {
  lambdaCalls: Array<{ operation: string; input: any }>;
  sqsCalls: Array<{ operation: string; input: any }>;
  cleanup(): void;
}

export function fakeCloud(): FakeCloud {
  const kernel = testKernel() as FakeCloud;
  kernel.lambdaCalls = [];
  kernel.sqsCalls = [];
  kernel.services.set("lambda", {
    async call(operation: string, input: any) {
      kernel.lambdaCalls.push({ operation, input });
      return { StatusCode: 202 };
    },
  });
  kernel.services.set("sqs", {
    async call(operation: string, input: any) {
      kernel.sqsCalls.push({ operation, input });
      if (operation === "GetQueueUrl") return { QueueUrl: `http://127.0.0.1/000000000000/${input.QueueName}` };
      return { MessageId: "m-1" };
    },
  });
  kernel.cleanup = () => kernel.dispose();
  return kernel;
}

export const ROLE_SESSION: Principal = {
  accessKeyId: "ASIAROLE",
  arn: "arn:aws:sts::000000000000:assumed-role/fn-role/session",
  admin: false,
  roleArn: "arn:aws:iam::000000000000:role/fn-role",
};
export const ANONYMOUS_CALLER: Principal = { accessKeyId: "", arn: "anonymous", admin: false };
