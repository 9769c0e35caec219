/**
 * Durable state of AppSync: each GraphQL API, and its schema, API keys, data sources,
 * resolvers and pipeline functions, in the API services' shared document shape
 * (kernel/api-documents.ts).
 */
import type { Database } from "better-sqlite3";
import { ApiDocuments } from "../../kernel/api-documents.js";

/** "function" is a pipeline function (AWS::AppSync::FunctionConfiguration). */
export type AppSyncKind = "api" | "schema" | "apikey" | "datasource" | "resolver" | "function";

export class AppSyncStore extends ApiDocuments<AppSyncKind> {
  constructor(db: Database) {
    super(db, "appsync_resources");
  }
}
