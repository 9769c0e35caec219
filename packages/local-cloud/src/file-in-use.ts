import path from "node:path";

/**
 * The error for a store's SQLite file held by another process: another local cloud on the
 * same state directory (the DynamoDB and S3 stores keep their files locked for their whole life: sqlite-exclusive.ts).
 */
export function fileInUse(file: string): Error {
  return new Error(`${file} is in use by another process: is another local cloud (sst dev, sst local) running on ${path.dirname(file)}?`);
}
