import path from "node:path";

/**
 * The error for a store's SQLite file held by another process: another local cloud on the
 * same state directory (DynamoDB's store keeps its file locked for its whole life).
 */
export function fileInUse(file: string): Error {
  return new Error(`${file} is in use by another process: is another local cloud (sst dev, sst local) running on ${path.dirname(file)}?`);
}
