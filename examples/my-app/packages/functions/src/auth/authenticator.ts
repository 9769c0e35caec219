import { AuthHandler, GoogleAdapter, LinkAdapter } from "sst/node/auth";
import { Session } from "sst/node/auth";
import "./session";

export const handler = AuthHandler({
  providers: {
    google: GoogleAdapter({
      mode: "oidc",
      clientID: process.env.GOOGLE_CLIENT_ID!,
      onSuccess: async (tokenset) => {
        const claims = tokenset.claims();

        return Session.parameter({
          redirect: process.env.SITE_URL!,
          type: "user",
          properties: {
            userId: claims.sub,
            email: claims.email!,
          },
        });
      },
    }),
    link: LinkAdapter({
      // A real app e-mails the link; here it goes to the function's log, where
      // `sst dev` prints it.
      onLink: async (link, claims) => {
        console.log(`Sign-in link for ${claims.email}: ${link}`);
        return {
          statusCode: 200,
          headers: { "Content-Type": "text/plain" },
          body: "Check the sst dev output for your sign-in link.",
        };
      },
      onSuccess: async (claims) =>
        Session.parameter({
          redirect: process.env.SITE_URL!,
          type: "user",
          properties: {
            userId: `email:${claims.email}`,
            email: claims.email,
          },
        }),
      onError: async () => ({
        statusCode: 401,
        headers: { "Content-Type": "text/plain" },
        body: "This sign-in link is invalid or has expired.",
      }),
    }),
  },
});
