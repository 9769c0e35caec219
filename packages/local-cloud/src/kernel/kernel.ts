/**
 * The kernel: everything a service may use of the cloud it runs in. Services depend on
 * this interface, never on LocalCloud (which implements it) nor on each other's insides;
 * they reach other services through `clients`, by their public operations.
 */
import type { Database } from "better-sqlite3";
import type { AwsError } from "../server/aws-error.js";
import type { CallContext, Principal } from "../types.js";
import type { ServiceClients } from "./clients.js";
import type { CloudEvents } from "./events.js";
import type { IamPort } from "./iam-port.js";

export interface Kernel {
  readonly region: string;
  readonly accountId: string;
  /** `http://127.0.0.1:<port>`: set before any service is constructed. */
  readonly endpoint: string;
  /** What happened (lambda:*, sqs:message …), typed by CloudEventMap. */
  readonly events: CloudEvents;
  /** A SQLite database at `<state dir>/<name>.sqlite` (WAL), shared by everyone who opens `name`. */
  openDatabase(name: string): Database;
  /** A directory `<state dir>/<name>` for a service's files. */
  dataDir(name: string): string;
  /**
   * IAM check: the admin may do anything; anyone else needs an identity-based policy
   * allowing `action` on every resource. Throws `deny(message)` (default DynamoDB-style
   * AccessDeniedException, 400) with AWS's "User: … is not authorized to perform: …".
   * `conditions` adds condition keys the service knows (`aws:ResourceTag/<key>`).
   */
  authorize(ctx: CallContext, action: string, resources: string | string[], deny?: (message: string) => AwsError, conditions?: Record<string, string>): void;
  /** The call context of an admin request in this cloud's region. */
  adminContext(requestId?: string): CallContext;
  /** Other services, by their public operations. */
  readonly clients: ServiceClients;
  /** IAM beyond `authorize`: policy decisions, sessions, roles. */
  readonly identity: IamPort;
  /**
   * The principal and secret behind an access key (SigV4 checks a data plane makes
   * itself). Given the request's headers, a request a web page sent never gets the admin.
   */
  lookupAccessKey(accessKeyId: string, headers?: Record<string, string>): { secretAccessKey: string; sessionToken?: string; principal: Principal } | undefined;
}

/** What a service is constructed with. */
export interface ServiceDeps {
  kernel: Kernel;
}
