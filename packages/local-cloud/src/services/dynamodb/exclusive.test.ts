/**
 * The DynamoDB store keeps its SQLite file locked for the life of the local cloud (which
 * is what makes its reads cheap). A second local cloud on the same state directory must
 * be refused at start with a message that says why, and start once the first stopped.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { LocalCloud } from "../../cloud.js";

test("a second local cloud on the same directory is refused while the first runs", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ddb-exclusive-"));
  try {
    const first = await LocalCloud.start({ dir, port: 0 });
    try {
      await first.dynamodb.call("CreateTable", {
        TableName: "Kept", BillingMode: "PAY_PER_REQUEST",
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      });
      await assert.rejects(LocalCloud.start({ dir, port: 0 }), (err: Error) => {
        assert.match(err.message, /dynamodb\.sqlite is in use by another process: is another local cloud \(sst dev, sst local\) running on /);
        return true;
      });
      // The refused start did not disturb the running one.
      const { TableNames } = await first.dynamodb.call("ListTables", {});
      assert.deepEqual(TableNames, ["Kept"]);
    } finally {
      await first.stop();
    }
    const second = await LocalCloud.start({ dir, port: 0 });
    try {
      assert.deepEqual((await second.dynamodb.call("ListTables", {})).TableNames, ["Kept"]);
    } finally {
      await second.stop();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
