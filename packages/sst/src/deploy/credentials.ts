/** The local cloud's admin credentials (local-cloud/src/types.ts: ADMIN_ACCESS_KEY_ID / ADMIN_SECRET_ACCESS_KEY). */
export const ADMIN_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" } as const;
