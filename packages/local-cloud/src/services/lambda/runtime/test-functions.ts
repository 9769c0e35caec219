/**
 * For the runtime's tests: writes handler files into a fresh code directory under
 * `root` and returns a FunctionDefinition for them (names fn1, fn2, … with `prefix`).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FunctionDefinition } from "./runtime.js";

export function functionMaker(root: string, prefix: string, defaults: Partial<FunctionDefinition> = {}) {
  let n = 0;
  return (files: Record<string, string>, over: Partial<FunctionDefinition> = {}): FunctionDefinition => {
    const name = `${prefix}${++n}`;
    const dir = join(root, name);
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(join(dir, file, ".."), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    return {
      functionName: name,
      functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
      version: "$LATEST",
      runtime: "nodejs20.x",
      handler: "index.handler",
      codeDir: dir,
      codeSha256: "sha",
      revisionId: "r1",
      timeoutSeconds: 3,
      memoryMb: 128,
      role: "arn:aws:iam::000000000000:role/my-role",
      environment: {},
      ...defaults,
      ...over,
    };
  };
}
