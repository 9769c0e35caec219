/**
 * CodeBuild state in SQLite: projects and builds, each kept as the JSON document the
 * API returns (camelCase, times in epoch seconds), so BatchGet* answers are the rows.
 */
import type Database from "better-sqlite3";

export interface EnvironmentVariable {
  name: string;
  value: string;
  type?: "PLAINTEXT" | "PARAMETER_STORE" | "SECRETS_MANAGER";
}

export interface Project {
  name: string;
  arn: string;
  description?: string;
  source: { type: string; location?: string; buildspec?: string };
  artifacts: { type: string; location?: string };
  environment: { type: string; image: string; computeType: string; environmentVariables?: EnvironmentVariable[]; [k: string]: unknown };
  serviceRole: string;
  timeoutInMinutes: number;
  queuedTimeoutInMinutes: number;
  tags?: { key: string; value: string }[];
  logsConfig?: { cloudWatchLogs?: { status?: string; groupName?: string; streamName?: string } };
  vpcConfig?: unknown;
  created: number;
  lastModified: number;
  [k: string]: unknown;
}

export type BuildStatus = "IN_PROGRESS" | "SUCCEEDED" | "FAILED" | "FAULT" | "TIMED_OUT" | "STOPPED";

export interface BuildPhase {
  phaseType: string;
  phaseStatus?: BuildStatus;
  startTime: number;
  endTime?: number;
  durationInSeconds?: number;
  contexts?: { statusCode: string; message: string }[];
}

export interface Build {
  id: string;
  arn: string;
  buildNumber: number;
  startTime: number;
  endTime?: number;
  currentPhase: string;
  buildStatus: BuildStatus;
  projectName: string;
  phases: BuildPhase[];
  source: Project["source"];
  environment: Project["environment"];
  serviceRole: string;
  logs: { groupName: string; streamName: string };
  timeoutInMinutes: number;
  buildComplete: boolean;
  initiator: string;
}

export class CodeBuildStore {
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS projects (name TEXT PRIMARY KEY, doc TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS builds (id TEXT PRIMARY KEY, project TEXT NOT NULL, number INTEGER NOT NULL, doc TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS builds_by_project ON builds (project, number);
    `);
    this.stmts = {
      getProject: db.prepare("SELECT doc FROM projects WHERE name = ?"),
      putProject: db.prepare("INSERT OR REPLACE INTO projects (name, doc) VALUES (?, ?)"),
      deleteProject: db.prepare("DELETE FROM projects WHERE name = ?"),
      listProjects: db.prepare("SELECT name FROM projects ORDER BY name"),
      getBuild: db.prepare("SELECT doc FROM builds WHERE id = ?"),
      putBuild: db.prepare("INSERT OR REPLACE INTO builds (id, project, number, doc) VALUES (?, ?, ?, ?)"),
      lastNumber: db.prepare("SELECT MAX(number) AS n FROM builds WHERE project = ?"),
      buildsOf: db.prepare("SELECT id FROM builds WHERE project = ? ORDER BY number DESC"),
      unfinished: db.prepare("SELECT doc FROM builds WHERE json_extract(doc, '$.buildComplete') = 0"),
    };
  }

  project(name: string): Project | undefined {
    const row = this.stmts.getProject.get(name) as { doc: string } | undefined;
    return row ? JSON.parse(row.doc) : undefined;
  }

  putProject(p: Project): void {
    this.stmts.putProject.run(p.name, JSON.stringify(p));
  }

  deleteProject(name: string): void {
    this.stmts.deleteProject.run(name);
  }

  projectNames(): string[] {
    return (this.stmts.listProjects.all() as { name: string }[]).map((r) => r.name);
  }

  build(id: string): Build | undefined {
    const row = this.stmts.getBuild.get(id) as { doc: string } | undefined;
    return row ? JSON.parse(row.doc) : undefined;
  }

  putBuild(b: Build): void {
    this.stmts.putBuild.run(b.id, b.projectName, b.buildNumber, JSON.stringify(b));
  }

  nextBuildNumber(project: string): number {
    const row = this.stmts.lastNumber.get(project) as { n: number | null };
    return (row.n ?? 0) + 1;
  }

  buildIds(project: string): string[] {
    return (this.stmts.buildsOf.all(project) as { id: string }[]).map((r) => r.id);
  }

  unfinishedBuilds(): Build[] {
    return (this.stmts.unfinished.all() as { doc: string }[]).map((r) => JSON.parse(r.doc));
  }
}
