export declare function warmUpSdk(modules: unknown[]): Promise<{ requests: number; emitHeldWarnings: () => void }>;
