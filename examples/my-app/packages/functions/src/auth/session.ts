/** The session types of this app: `useSession()` and `Session.*` are typed by them. */
declare module "sst/node/auth" {
  export interface SessionTypes {
    user: {
      userId: string;
      email: string;
    };
  }
}

export {};
