/**
 * Role-session credentials (what STS AssumeRole and the Lambda runtime hand out),
 * stored durably so a request signed with them authenticates after a restart.
 */
import { assumedRoleArn } from "../../iam/principals.js";
import type Database from "better-sqlite3";
import { ACCOUNT_ID, type Principal, type WebIdentity } from "../../types.js";
import { awsId, secretKey, sessionToken } from "./ids.js";
import type { SessionRow } from "./store.js";

export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export class SessionStore {
  constructor(private readonly db: Database.Database) {}

  issue(roleArn: string, sessionName: string, durationSeconds = 3600, webIdentity?: WebIdentity): SessionCredentials {
    const row: SessionRow = {
      access_key_id: awsId("ASIA", 20),
      secret: secretKey(),
      token: sessionToken(),
      role_arn: roleArn,
      session_name: sessionName,
      expiration: new Date(Date.now() + durationSeconds * 1000).toISOString(),
      web_identity: webIdentity ? JSON.stringify(webIdentity) : null,
    };
    this.db
      .prepare("INSERT INTO sessions (access_key_id, secret, token, role_arn, session_name, expiration, web_identity) VALUES (@access_key_id, @secret, @token, @role_arn, @session_name, @expiration, @web_identity)")
      .run(row);
    // Drop long-expired sessions so the table does not grow without bound.
    this.db.prepare("DELETE FROM sessions WHERE expiration < ?").run(new Date(Date.now() - 86400_000).toISOString());
    return { accessKeyId: row.access_key_id, secretAccessKey: row.secret, sessionToken: row.token, expiration: new Date(row.expiration) };
  }

  lookup(accessKeyId: string): { secretAccessKey: string; sessionToken?: string; principal: Principal; expiration: Date } | undefined {
    const row = this.db.prepare("SELECT * FROM sessions WHERE access_key_id = ?").get(accessKeyId) as SessionRow | undefined;
    if (!row) return undefined;
    const expiration = new Date(row.expiration);
    if (expiration.getTime() <= Date.now()) return undefined;
    // An empty role ARN marks an admin session from GetSessionToken.
    const principal: Principal = row.role_arn
      ? { accessKeyId, arn: assumedRoleArn(row.role_arn, row.session_name), admin: false, roleArn: row.role_arn, ...(row.web_identity ? { webIdentity: JSON.parse(row.web_identity) as WebIdentity } : {}) }
      : { accessKeyId, arn: `arn:aws:iam::${ACCOUNT_ID}:root`, admin: true };
    return { secretAccessKey: row.secret, sessionToken: row.token, expiration, principal };
  }
}
