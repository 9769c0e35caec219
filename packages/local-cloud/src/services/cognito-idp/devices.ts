/**
 * Remembered devices, for pools with a DeviceConfiguration (CDK's `deviceTracking`). A
 * sign-in from a new device gets `NewDeviceMetadata` (DeviceKey, DeviceGroupKey); the
 * client confirms it with ConfirmDevice, giving an SRP verifier of a random device password
 * (pool name = group key, user id = device key). A later sign-in that names its
 * DEVICE_KEY proves the device after the password — and after MFA, which a remembered
 * device skips: DEVICE_SRP_AUTH (the client's SRP_A) → DEVICE_PASSWORD_VERIFIER (signed as
 * PASSWORD_VERIFIER is), then tokens. Management: ListDevices, GetDevice, UpdateDeviceStatus, ForgetDevice and their
 * Admin* forms. Devices are keyed by the user's `sub`, so a re-created user has none.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type Database from "better-sqlite3";
import { AwsError } from "../../server/aws-error.js";
import type { ChallengeSessions } from "./challenge-sessions.js";
import type { Client, Directory, Pool, User } from "./directory.js";
import { invalidParameter, notAuthorized, userNotFound } from "./errors.js";
import { page } from "./pagination.js";
import { claimSignature, sameSignature, serverEphemeral, sessionKey, validClientPublic, type ServerEphemeral } from "./srp.js";

interface DeviceRow {
  pool_id: string;
  sub: string;
  device_key: string;
  group_key: string;
  name: string | null;
  /** Hex, as SRP uses them; null until ConfirmDevice. */
  salt: string | null;
  verifier: string | null;
  status: "remembered" | "not_remembered";
  created: number;
  modified: number;
  last_authenticated: number | null;
}

type Metadata = Record<string, string> | undefined;
type Answer = Record<string, unknown>;
/** The sign-in's tokens once the device is proven (auth.ts). */
export type AfterDevice = (pool: Pool, client: Client, user: User, clientMetadata: Metadata, deviceKey: string) => Promise<Answer>;

interface DeviceSessionData {
  deviceKey: string;
  srp?: { ephemeral: ServerEphemeral; a: string; secretBlock: string };
}

const deviceNotFound = () => new AwsError("ResourceNotFoundException", "Device does not exist.");

export class Devices {
  constructor(
    private readonly dir: Directory,
    private readonly db: Database.Database,
    private readonly sessions: ChallengeSessions,
    private readonly afterDevice: AfterDevice,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS devices (pool_id TEXT NOT NULL, sub TEXT NOT NULL, device_key TEXT NOT NULL, group_key TEXT NOT NULL, name TEXT,
      salt TEXT, verifier TEXT, status TEXT NOT NULL, created REAL NOT NULL, modified REAL NOT NULL, last_authenticated REAL,
      PRIMARY KEY (pool_id, device_key))`);
  }

  private row(pool: Pool, user: User, deviceKey: string): DeviceRow | undefined {
    return this.db.prepare("SELECT * FROM devices WHERE pool_id = ? AND device_key = ? AND sub = ?").get(pool.id, deviceKey, user.row.sub) as DeviceRow | undefined;
  }

  private save(row: DeviceRow): void {
    this.db.prepare(`INSERT OR REPLACE INTO devices VALUES (@pool_id, @sub, @device_key, @group_key, @name, @salt, @verifier, @status, @created, @modified, @last_authenticated)`).run(row);
  }

  private tracking(pool: Pool): boolean {
    const c = pool.description.DeviceConfiguration;
    return !!c && (c.ChallengeRequiredOnNewDevice !== undefined || c.DeviceOnlyRememberedOnUserPrompt !== undefined);
  }

  /** A confirmed device of this user, by the DEVICE_KEY a sign-in names (unknown keys are a new device). */
  knownDevice(pool: Pool, user: User, deviceKey: string | undefined): string | undefined {
    if (!deviceKey || !this.tracking(pool)) return undefined;
    const row = this.row(pool, user, deviceKey);
    return row?.verifier ? row.device_key : undefined;
  }

  /** A remembered device skips MFA. */
  remembered(pool: Pool, user: User, deviceKey: string): boolean {
    return this.row(pool, user, deviceKey)?.status === "remembered";
  }

  /** `NewDeviceMetadata` for a sign-in that did not come from a known device, when the pool tracks devices. */
  newDeviceMetadata(pool: Pool, user: User, deviceKey: string | undefined): { DeviceKey: string; DeviceGroupKey: string } | undefined {
    if (!this.tracking(pool) || this.knownDevice(pool, user, deviceKey)) return undefined;
    const now = Date.now() / 1000;
    const row: DeviceRow = {
      pool_id: pool.id, sub: user.row.sub, device_key: `${this.dir.region}_${randomUUID()}`, group_key: `-${randomBytes(6).toString("base64url")}`,
      name: null, salt: null, verifier: null, status: "not_remembered", created: now, modified: now, last_authenticated: now,
    };
    this.save(row);
    return { DeviceKey: row.device_key, DeviceGroupKey: row.group_key };
  }

  // ---- the device challenges

  /** DEVICE_SRP_AUTH: asked after the password (and MFA, unless remembered) when the sign-in named a known device. */
  deviceChallenge(pool: Pool, client: Client, user: User, deviceKey: string, clientMetadata: Metadata, reuseKey?: string): Answer {
    const session = this.sessions.start({ poolId: pool.id, clientId: client.id, usernameKey: user.row.username_key, challenge: "DEVICE_SRP_AUTH", clientMetadata, data: { deviceKey } satisfies DeviceSessionData }, reuseKey);
    return { ChallengeName: "DEVICE_SRP_AUTH", Session: session, ChallengeParameters: {} };
  }

  async respond(pool: Pool, client: Client, input: { ChallengeName: string; Session?: string; ChallengeResponses: Record<string, string>; ClientMetadata?: Metadata }): Promise<Answer> {
    const r = input.ChallengeResponses;
    if (!r.DEVICE_KEY) throw invalidParameter("Missing required parameter DEVICE_KEY");
    const session = this.sessions.get<DeviceSessionData>(input.Session, client.id, input.ChallengeName);
    const user = this.dir.toUser(this.dir.store.user(pool.id, session.usernameKey));
    if (!user || session.data.deviceKey !== r.DEVICE_KEY) throw notAuthorized("Invalid session for the user.");
    const device = this.row(pool, user, r.DEVICE_KEY);
    if (!device?.verifier) throw deviceNotFound();
    const metadata = input.ClientMetadata ?? session.clientMetadata;
    if (input.ChallengeName === "DEVICE_SRP_AUTH") {
      if (!r.SRP_A) throw invalidParameter("Missing required parameter SRP_A");
      if (!validClientPublic(r.SRP_A)) throw invalidParameter("Invalid SRP_A value.");
      const ephemeral = serverEphemeral(device.verifier);
      const secretBlock = randomBytes(96).toString("base64");
      this.sessions.end(input.Session);
      const next = this.sessions.start({ ...session, challenge: "DEVICE_PASSWORD_VERIFIER", data: { deviceKey: device.device_key, srp: { ephemeral, a: r.SRP_A, secretBlock } } satisfies DeviceSessionData });
      return {
        ChallengeName: "DEVICE_PASSWORD_VERIFIER", Session: next,
        ChallengeParameters: { SRP_B: ephemeral.public, SALT: device.salt!, SECRET_BLOCK: secretBlock, USERNAME: user.row.username, DEVICE_KEY: device.device_key },
      };
    }
    for (const name of ["PASSWORD_CLAIM_SECRET_BLOCK", "PASSWORD_CLAIM_SIGNATURE", "TIMESTAMP"]) if (!r[name]) throw invalidParameter(`Missing required parameter ${name}`);
    const srp = session.data.srp!;
    const key = sessionKey(srp.a, srp.ephemeral, device.verifier);
    const expected = claimSignature(key, device.group_key, device.device_key, srp.secretBlock, r.TIMESTAMP!);
    if (r.PASSWORD_CLAIM_SECRET_BLOCK !== srp.secretBlock || !sameSignature(expected, r.PASSWORD_CLAIM_SIGNATURE!)) throw notAuthorized("Incorrect username or password.");
    this.sessions.end(input.Session);
    this.save({ ...device, last_authenticated: Date.now() / 1000 });
    return this.afterDevice(pool, client, user, metadata, device.device_key);
  }

  // ---- the operations

  private view(row: DeviceRow) {
    const attributes = [{ Name: "device_status", Value: row.status }, ...(row.name ? [{ Name: "device_name", Value: row.name }] : []), { Name: "last_ip_used", Value: "127.0.0.1" }];
    return {
      DeviceKey: row.device_key, DeviceAttributes: attributes, DeviceCreateDate: row.created, DeviceLastModifiedDate: row.modified,
      ...(row.last_authenticated ? { DeviceLastAuthenticatedDate: row.last_authenticated } : {}),
    };
  }

  private confirmed(pool: Pool, user: User, deviceKey: string): DeviceRow {
    const row = this.row(pool, user, deviceKey);
    if (!row?.verifier) throw deviceNotFound();
    return row;
  }

  private adminUser(input: { UserPoolId: string; Username: string }) {
    const pool = this.dir.pool(input.UserPoolId);
    const user = this.dir.findByUsername(pool, input.Username);
    if (!user) throw userNotFound();
    return { pool, user };
  }

  ConfirmDevice(input: { AccessToken: string; DeviceKey: string; DeviceSecretVerifierConfig?: { PasswordVerifier?: string; Salt?: string }; DeviceName?: string }) {
    const { pool, user } = this.dir.userOfAccessToken(input.AccessToken);
    const row = this.row(pool, user, input.DeviceKey);
    if (!row) throw deviceNotFound();
    const config = input.DeviceSecretVerifierConfig;
    if (!config?.PasswordVerifier || !config.Salt) throw invalidParameter("DeviceSecretVerifierConfig must carry a PasswordVerifier and a Salt.");
    if (row.verifier) throw new AwsError("UsernameExistsException", "Device already confirmed.");
    const userMustConfirm = pool.description.DeviceConfiguration?.DeviceOnlyRememberedOnUserPrompt === true;
    this.save({
      ...row, name: input.DeviceName ?? null, salt: Buffer.from(config.Salt, "base64").toString("hex"), verifier: Buffer.from(config.PasswordVerifier, "base64").toString("hex"),
      status: userMustConfirm ? "not_remembered" : "remembered", modified: Date.now() / 1000,
    });
    return { UserConfirmationNecessary: userMustConfirm };
  }

  private list(pool: Pool, user: User, limit: number | undefined, token: string | undefined) {
    const rows = (this.db.prepare("SELECT * FROM devices WHERE pool_id = ? AND sub = ? AND verifier IS NOT NULL ORDER BY created, device_key").all(pool.id, user.row.sub) as DeviceRow[]);
    const { items, next } = page(rows, limit ?? 60, token);
    return { Devices: items.map((r) => this.view(r)), ...(next ? { PaginationToken: next } : {}) };
  }

  ListDevices(input: { AccessToken: string; Limit?: number; PaginationToken?: string }) {
    const { pool, user } = this.dir.userOfAccessToken(input.AccessToken);
    return this.list(pool, user, input.Limit, input.PaginationToken);
  }
  AdminListDevices(input: { UserPoolId: string; Username: string; Limit?: number; PaginationToken?: string }) {
    const { pool, user } = this.adminUser(input);
    return this.list(pool, user, input.Limit, input.PaginationToken);
  }

  GetDevice(input: { AccessToken: string; DeviceKey: string }) {
    const { pool, user } = this.dir.userOfAccessToken(input.AccessToken);
    return { Device: this.view(this.confirmed(pool, user, input.DeviceKey)) };
  }
  AdminGetDevice(input: { UserPoolId: string; Username: string; DeviceKey: string }) {
    const { pool, user } = this.adminUser(input);
    return { Device: this.view(this.confirmed(pool, user, input.DeviceKey)) };
  }

  private setStatus(pool: Pool, user: User, deviceKey: string, status: string | undefined) {
    const row = this.confirmed(pool, user, deviceKey);
    if (status !== "remembered" && status !== "not_remembered") throw invalidParameter("DeviceRememberedStatus must be remembered or not_remembered.");
    this.save({ ...row, status, modified: Date.now() / 1000 });
    return {};
  }
  UpdateDeviceStatus(input: { AccessToken: string; DeviceKey: string; DeviceRememberedStatus?: string }) {
    const { pool, user } = this.dir.userOfAccessToken(input.AccessToken);
    return this.setStatus(pool, user, input.DeviceKey, input.DeviceRememberedStatus);
  }
  AdminUpdateDeviceStatus(input: { UserPoolId: string; Username: string; DeviceKey: string; DeviceRememberedStatus?: string }) {
    const { pool, user } = this.adminUser(input);
    return this.setStatus(pool, user, input.DeviceKey, input.DeviceRememberedStatus);
  }

  private forget(pool: Pool, user: User, deviceKey: string) {
    this.confirmed(pool, user, deviceKey);
    this.db.prepare("DELETE FROM devices WHERE pool_id = ? AND device_key = ?").run(pool.id, deviceKey);
    return {};
  }
  ForgetDevice(input: { AccessToken?: string; DeviceKey: string }) {
    if (!input.AccessToken) throw invalidParameter("Missing required parameter AccessToken");
    const { pool, user } = this.dir.userOfAccessToken(input.AccessToken);
    return this.forget(pool, user, input.DeviceKey);
  }
  AdminForgetDevice(input: { UserPoolId: string; Username: string; DeviceKey: string }) {
    const { pool, user } = this.adminUser(input);
    return this.forget(pool, user, input.DeviceKey);
  }
}
