/**
 * Resource servers: an API's identifier and the custom scopes it defines
 * (`<identifier>/<scope>`), which app clients may be allowed (`AllowedOAuthScopes`) and
 * the token endpoint grants, above all to `client_credentials`. Kept in the user pools'
 * database, in a table of their own.
 */
import { AwsError } from "../../server/aws-error.js";
import type { Directory } from "./directory.js";
import { invalidParameter } from "./errors.js";
import { page } from "./pagination.js";

export interface ResourceServer {
  UserPoolId: string;
  Identifier: string;
  Name: string;
  Scopes: { ScopeName: string; ScopeDescription: string }[];
}

const SCOPE_NAME = /^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+$/;

function ensureTable(dir: Directory): void {
  dir.store.db.exec(`CREATE TABLE IF NOT EXISTS resource_servers (pool_id TEXT NOT NULL, identifier TEXT NOT NULL, description TEXT NOT NULL, PRIMARY KEY (pool_id, identifier))`);
}

/** A pool's resource servers (none when the pool is gone). */
export function resourceServersOf(dir: Directory, poolId: string): ResourceServer[] {
  if (!dir.findPool(poolId)) return [];
  ensureTable(dir);
  const rows = dir.store.db.prepare("SELECT description FROM resource_servers WHERE pool_id = ? ORDER BY rowid").all(poolId) as { description: string }[];
  return rows.map((r) => JSON.parse(r.description) as ResourceServer);
}

/** Every custom scope a pool defines, as `<identifier>/<scope>`. */
export function customScopesOf(dir: Directory, poolId: string): Set<string> {
  return new Set(resourceServersOf(dir, poolId).flatMap((s) => s.Scopes.map((x) => `${s.Identifier}/${x.ScopeName}`)));
}

export class ResourceServerOperations {
  constructor(private readonly dir: Directory) {
    ensureTable(dir);
  }

  all(poolId: string): ResourceServer[] {
    return resourceServersOf(this.dir, poolId);
  }

  private find(poolId: string, identifier: string): ResourceServer | undefined {
    const row = this.dir.store.db.prepare("SELECT description FROM resource_servers WHERE pool_id = ? AND identifier = ?").get(poolId, identifier) as { description: string } | undefined;
    return row && (JSON.parse(row.description) as ResourceServer);
  }

  private save(server: ResourceServer): void {
    this.dir.store.db.prepare("INSERT OR REPLACE INTO resource_servers VALUES (?, ?, ?)").run(server.UserPoolId, server.Identifier, JSON.stringify(server));
  }

  private checked(input: { UserPoolId: string; Identifier: string; Name: string; Scopes?: { ScopeName: string; ScopeDescription: string }[] }): ResourceServer {
    const scopes = input.Scopes ?? [];
    const seen = new Set<string>();
    for (const s of scopes) {
      if (!SCOPE_NAME.test(s.ScopeName)) throw invalidParameter(`Invalid scope name ${s.ScopeName}.`);
      if (seen.has(s.ScopeName)) throw invalidParameter(`Duplicate scope name ${s.ScopeName}.`);
      seen.add(s.ScopeName);
    }
    return { UserPoolId: input.UserPoolId, Identifier: input.Identifier, Name: input.Name, Scopes: scopes.map((s) => ({ ScopeName: s.ScopeName, ScopeDescription: s.ScopeDescription })) };
  }

  CreateResourceServer(input: { UserPoolId: string; Identifier: string; Name: string; Scopes?: { ScopeName: string; ScopeDescription: string }[] }) {
    this.dir.pool(input.UserPoolId);
    if (this.find(input.UserPoolId, input.Identifier)) throw invalidParameter(`${input.Identifier} already exists in pool ${input.UserPoolId}.`);
    const server = this.checked(input);
    this.save(server);
    return { ResourceServer: server };
  }

  DescribeResourceServer(input: { UserPoolId: string; Identifier: string }) {
    this.dir.pool(input.UserPoolId);
    const server = this.find(input.UserPoolId, input.Identifier);
    if (!server) throw new AwsError("ResourceNotFoundException", `Resource server ${input.Identifier} does not exist.`);
    return { ResourceServer: server };
  }

  ListResourceServers(input: { UserPoolId: string; MaxResults?: number; NextToken?: string }) {
    this.dir.pool(input.UserPoolId);
    const { items, next } = page(this.all(input.UserPoolId), input.MaxResults ?? 50, input.NextToken);
    return { ResourceServers: items, ...(next ? { NextToken: next } : {}) };
  }

  UpdateResourceServer(input: { UserPoolId: string; Identifier: string; Name: string; Scopes?: { ScopeName: string; ScopeDescription: string }[] }) {
    this.dir.pool(input.UserPoolId);
    if (!this.find(input.UserPoolId, input.Identifier)) throw new AwsError("ResourceNotFoundException", `Resource server ${input.Identifier} does not exist.`);
    const server = this.checked(input);
    this.save(server);
    return { ResourceServer: server };
  }

  DeleteResourceServer(input: { UserPoolId: string; Identifier: string }) {
    this.dir.pool(input.UserPoolId);
    if (!this.find(input.UserPoolId, input.Identifier)) throw new AwsError("ResourceNotFoundException", `Resource server ${input.Identifier} does not exist.`);
    this.dir.store.db.prepare("DELETE FROM resource_servers WHERE pool_id = ? AND identifier = ?").run(input.UserPoolId, input.Identifier);
    return {};
  }
}
