/** The step a request asks of its provider: the last path segment (`…/google/authorize`). */
import { usePath } from "../../api/index.js";
import { AuthError } from "../errors.js";

export type Step = "authorize" | "callback";

export function useStep(): Step {
  const [last] = usePath().slice(-1);
  // "connect" starts a flow like "authorize" in SST v2.
  if (last === "authorize" || last === "connect") return "authorize";
  if (last === "callback") return "callback";
  throw new AuthError(404, "unknown_step", `Unknown auth step "${last ?? ""}": use .../authorize to sign in; the provider returns to .../callback`);
}
