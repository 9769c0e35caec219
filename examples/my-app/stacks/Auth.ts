import { StackContext, Auth, use } from "sst/constructs";
import { API } from "./API";

export function AuthStack({ stack }: StackContext) {
  const { api } = use(API);

  const auth = new Auth(stack, "Auth", {
    authenticator: {
      handler: "packages/functions/src/auth/authenticator.handler",
      // The authenticator reads these at runtime; unset, the stack still deploys and
      // only the Google sign-in answers with an error naming the missing variable.
      environment: {
        GOOGLE_CLIENT_ID: process.env.GOOGLE_CLIENT_ID ?? "",
        GOOGLE_ISSUER_URL: process.env.GOOGLE_ISSUER_URL ?? "",
        SITE_URL: process.env.SITE_URL ?? "http://localhost:3000",
      },
    },
  });

  auth.attach(stack, { api });
  return { auth };
}
