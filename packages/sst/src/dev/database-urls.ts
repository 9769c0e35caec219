/**
 * `sst dev` prints each local Postgres cluster's connection string once, as it prints the
 * Console's link: what `psql`, drizzle-kit or a `DATABASE_URL` need to reach the cluster's
 * wire endpoint on 127.0.0.1 (docs/local-cloud.md, "Postgres wire endpoint"). The
 * password is the cluster's local master password, from its local secret.
 */
import type { LocalClusterEndpoint } from "local-cloud/services/rdsdata/index.js";

/** A cluster as the local cloud lists it (services/rdsdata's LocalListDBClusters). */
export type LocalDatabase = LocalClusterEndpoint;

export function connectionString(db: LocalDatabase): string {
  return `postgresql://${encodeURIComponent(db.username)}:${encodeURIComponent(db.password)}@${db.host}:${db.port}/${encodeURIComponent(db.database)}`;
}

/** The lines for the clusters not printed yet (by ARN and endpoint: a cluster that moved port is printed again). */
export function newDatabaseLines(databases: LocalDatabase[], printed: Set<string>): string[] {
  const lines: string[] = [];
  for (const db of databases) {
    const url = connectionString(db);
    const key = `${db.arn}\u0000${url}`;
    if (printed.has(key)) continue;
    printed.add(key);
    lines.push(`   Postgres ${db.identifier}: ${url}`);
  }
  return lines;
}

/** The local cloud's clusters, or none when it has no RDS service (or cannot list them). */
export async function localDatabases(cloud: { rdsdata?: { call(operation: string, input: unknown): Promise<any> } }): Promise<LocalDatabase[]> {
  try {
    return (await cloud.rdsdata?.call("LocalListDBClusters", {}))?.clusters ?? [];
  } catch {
    return [];
  }
}
