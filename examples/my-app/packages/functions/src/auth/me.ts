import { ApiHandler } from "sst/node/api";
import { useSession } from "sst/node/auth";
import { json } from "../users/user-key";
import "./session";

/** The signed-in user's session properties; 401 without a valid session token. */
export const handler = ApiHandler(async () => {
  const session = useSession();
  if (session.type !== "user") return json(401, { error: "Not signed in" });
  return json(200, session.properties);
});
