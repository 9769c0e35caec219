/**
 * CUSTOM_AUTH: a sign-in whose steps the pool's own Lambda functions decide. Each round,
 * DefineAuthChallenge sees the challenges so far (`session`: name, result, metadata) and
 * answers with the next `challengeName`, `issueTokens` or `failAuthentication`;
 * CreateAuthChallenge makes a CUSTOM_CHALLENGE (`publicChallengeParameters` go to the
 * client, `privateChallengeParameters` stay on the server), and
 * VerifyAuthChallengeResponse judges the client's ANSWER (`answerCorrect`). A sign-in
 * that starts with `CHALLENGE_NAME: SRP_A` may be asked for the password first
 * (PASSWORD_VERIFIER, answered over SRP as in USER_SRP_AUTH). Every round's Session lives
 * three minutes and is good once. A client with PreventUserExistenceErrors runs the rounds
 * for a name no user has, with `userNotFound: true` (so the functions can make a plausible
 * challenge), and never signs it in.
 */
import { AwsError } from "../../server/aws-error.js";
import type { ChallengeSessions } from "./challenge-sessions.js";
import { hidesUserExistence, type Client, type Directory, type Pool, type User } from "./directory.js";
import { invalidParameter, notAuthorized, userNotFound } from "./errors.js";
import { validClientPublic } from "./srp.js";
import { runTrigger, type TriggerName } from "./triggers.js";

type Metadata = Record<string, string> | undefined;
type Answer = Record<string, unknown>;

export interface ChallengeResult {
  challengeName: string;
  challengeResult: boolean;
  challengeMetadata: string | null;
}

/** What a custom sign-in carries from round to round. */
export interface CustomAuthState {
  results: ChallengeResult[];
  /** The client's SRP_A, when the sign-in started with `CHALLENGE_NAME: SRP_A`. */
  srpA?: string;
  privateChallengeParameters?: Record<string, string>;
  challengeMetadata?: string | null;
  /** The name signed in with, when no such user exists and the client hides that (PreventUserExistenceErrors). */
  notFound?: string;
}

/** The sign-in steps auth.ts owns that a custom sign-in reaches. */
export interface SignInSteps {
  preAuthentication(pool: Pool, client: Client, user: User, clientMetadata: Metadata): Promise<void>;
  checkCanSignIn(user: User): void;
  /** The PASSWORD_VERIFIER challenge for `srpA`; its answer comes back through `afterPasswordVerifier`. */
  passwordVerifier(pool: Pool, client: Client, user: User, srpA: string, clientMetadata: Metadata, custom: CustomAuthState): Answer;
  /** Tokens (or the MFA challenge that comes first). */
  finish(pool: Pool, client: Client, user: User, clientMetadata: Metadata): Promise<Answer>;
}

const NOT_CONFIGURED = () => invalidParameter("Custom auth lambda trigger is not configured for the user pool.");

export class CustomAuth {
  constructor(
    private readonly dir: Directory,
    private readonly sessions: ChallengeSessions,
    private readonly steps: SignInSteps,
  ) {}

  /** Users that do not exist, stood in for while a hiding client's sign-in runs its rounds. */
  private readonly phantoms = new WeakSet<User>();

  private phantom(pool: Pool, name: string): User {
    const user = this.dir.newUserRow(pool, name, {}, "CONFIRMED");
    user.attributes = {};
    this.phantoms.add(user);
    return user;
  }

  private run(pool: Pool, client: Client, user: User, trigger: TriggerName, request: Record<string, unknown>, response: Record<string, unknown>) {
    const notFound = this.phantoms.has(user);
    return runTrigger(this.dir.kernel, {
      lambdaConfig: pool.lambdaConfig, trigger, source: `${trigger}_Authentication`, region: this.dir.region, userPoolId: pool.id,
      userName: user.row.username, clientId: client.id,
      request: { userAttributes: notFound ? {} : { ...user.attributes, "cognito:user_status": user.row.status }, ...request, userNotFound: notFound }, response,
    });
  }

  /** InitiateAuth / AdminInitiateAuth with AuthFlow CUSTOM_AUTH (flow and SECRET_HASH already checked). */
  async initiate(pool: Pool, client: Client, params: Record<string, string>, clientMetadata: Metadata): Promise<Answer> {
    if (!pool.lambdaConfig?.DefineAuthChallenge) throw NOT_CONFIGURED();
    if (!params.USERNAME) throw invalidParameter("Missing required parameter USERNAME");
    const state: CustomAuthState = { results: [] };
    if (params.CHALLENGE_NAME !== undefined) {
      if (params.CHALLENGE_NAME !== "SRP_A") throw invalidParameter(`Invalid CHALLENGE_NAME ${params.CHALLENGE_NAME}: only SRP_A may start a custom sign-in.`);
      if (!params.SRP_A) throw invalidParameter("Missing required parameter SRP_A");
      if (!validClientPublic(params.SRP_A)) throw invalidParameter("Invalid SRP_A value.");
      state.srpA = params.SRP_A;
      state.results.push({ challengeName: "SRP_A", challengeResult: true, challengeMetadata: null });
    }
    const found = this.dir.findForSignIn(pool, params.USERNAME);
    if (!found && !hidesUserExistence(client)) throw userNotFound();
    if (!found) return this.nextRound(pool, client, this.phantom(pool, params.USERNAME), { ...state, notFound: params.USERNAME }, clientMetadata);
    await this.steps.preAuthentication(pool, client, found, clientMetadata);
    this.steps.checkCanSignIn(found);
    return this.nextRound(pool, client, found, state, clientMetadata);
  }

  /** Asks DefineAuthChallenge what comes next, and does it. */
  private async nextRound(pool: Pool, client: Client, user: User, state: CustomAuthState, clientMetadata: Metadata): Promise<Answer> {
    const define = await this.run(pool, client, user, "DefineAuthChallenge", { session: state.results, clientMetadata: clientMetadata ?? {} }, { challengeName: null, issueTokens: null, failAuthentication: null });
    if (!define) throw NOT_CONFIGURED();
    if (define.failAuthentication === true) throw notAuthorized();
    // No such user: however the rounds went, the answer is the one a wrong answer gets.
    if (define.issueTokens === true) {
      if (state.notFound !== undefined) throw notAuthorized();
      return this.steps.finish(pool, client, user, clientMetadata);
    }
    switch (define.challengeName) {
      case "CUSTOM_CHALLENGE":
        return this.customChallenge(pool, client, user, state, clientMetadata);
      case "PASSWORD_VERIFIER":
        if (state.notFound !== undefined) throw notAuthorized();
        if (!state.srpA) throw new AwsError("InvalidLambdaResponseException", "DefineAuthChallenge asked for PASSWORD_VERIFIER, but the sign-in did not start with CHALLENGE_NAME SRP_A and SRP_A.");
        return this.steps.passwordVerifier(pool, client, user, state.srpA, clientMetadata, { ...state, srpA: undefined });
      case null:
      case undefined:
        throw new AwsError("InvalidLambdaResponseException", "Unrecognizable lambda output");
      default:
        throw new AwsError("InvalidLambdaResponseException", `DefineAuthChallenge answered challengeName ${JSON.stringify(define.challengeName)}, which the local cloud's Cognito does not serve in a custom sign-in (it serves CUSTOM_CHALLENGE and PASSWORD_VERIFIER).`);
    }
  }

  private async customChallenge(pool: Pool, client: Client, user: User, state: CustomAuthState, clientMetadata: Metadata): Promise<Answer> {
    if (!pool.lambdaConfig?.CreateAuthChallenge) throw NOT_CONFIGURED();
    const created = await this.run(pool, client, user, "CreateAuthChallenge",
      { challengeName: "CUSTOM_CHALLENGE", session: state.results, clientMetadata: clientMetadata ?? {} },
      { publicChallengeParameters: null, privateChallengeParameters: null, challengeMetadata: null });
    const publicParameters = stringMap(created?.publicChallengeParameters, "publicChallengeParameters");
    const privateParameters = stringMap(created?.privateChallengeParameters, "privateChallengeParameters");
    const metadata = typeof created?.challengeMetadata === "string" ? created.challengeMetadata : null;
    const session = this.sessions.start({
      poolId: pool.id, clientId: client.id, usernameKey: user.row.username_key, challenge: "CUSTOM_CHALLENGE", clientMetadata,
      data: { ...state, privateChallengeParameters: privateParameters, challengeMetadata: metadata } satisfies CustomAuthState,
    });
    return { ChallengeName: "CUSTOM_CHALLENGE", Session: session, ChallengeParameters: { ...publicParameters, USERNAME: user.row.username } };
  }

  /** RespondToAuthChallenge with CUSTOM_CHALLENGE: VerifyAuthChallengeResponse judges ANSWER, then the next round. */
  async respond(pool: Pool, client: Client, input: { Session?: string; ChallengeResponses: Record<string, string>; ClientMetadata?: Metadata }): Promise<Answer> {
    const responses = input.ChallengeResponses;
    if (responses.ANSWER === undefined) throw invalidParameter("Missing required parameter ANSWER");
    const session = this.sessions.get<CustomAuthState>(input.Session, client.id, "CUSTOM_CHALLENGE");
    this.sessions.end(input.Session);
    const notFound = session.data.notFound;
    const user = notFound !== undefined ? this.phantom(pool, notFound) : this.dir.toUser(this.dir.store.user(pool.id, session.usernameKey));
    const sameUser = notFound !== undefined ? responses.USERNAME === notFound : this.dir.findForSignIn(pool, responses.USERNAME!)?.row.username_key === user?.row.username_key;
    if (!user || !sameUser) throw notAuthorized("Invalid session for the user.");
    if (!pool.lambdaConfig?.VerifyAuthChallengeResponse) throw NOT_CONFIGURED();
    if (notFound === undefined) this.steps.checkCanSignIn(user);
    const metadata = input.ClientMetadata ?? session.clientMetadata;
    const verdict = await this.run(pool, client, user, "VerifyAuthChallengeResponse",
      { privateChallengeParameters: session.data.privateChallengeParameters ?? {}, challengeAnswer: responses.ANSWER, clientMetadata: metadata ?? {} },
      { answerCorrect: null });
    const state: CustomAuthState = {
      results: [...session.data.results, { challengeName: "CUSTOM_CHALLENGE", challengeResult: verdict?.answerCorrect === true, challengeMetadata: session.data.challengeMetadata ?? null }],
      ...(notFound !== undefined ? { notFound } : {}),
    };
    return this.nextRound(pool, client, user, state, metadata);
  }

  /** The password was proven over SRP inside a custom sign-in: record it and ask DefineAuthChallenge again. */
  afterPasswordVerifier(pool: Pool, client: Client, user: User, state: CustomAuthState, clientMetadata: Metadata): Promise<Answer> {
    return this.nextRound(pool, client, user, { results: [...state.results, { challengeName: "PASSWORD_VERIFIER", challengeResult: true, challengeMetadata: null }] }, clientMetadata);
  }
}

/** A trigger's parameter map: string values only, as Cognito requires of challenge parameters. */
function stringMap(value: unknown, field: string): Record<string, string> {
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new AwsError("InvalidLambdaResponseException", `Invalid lambda response: ${field} must be a map of strings`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "string") throw new AwsError("InvalidLambdaResponseException", `Invalid lambda response: ${field}.${k} must be a string`);
    out[k] = v;
  }
  return out;
}
