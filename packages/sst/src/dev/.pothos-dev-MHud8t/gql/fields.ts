export const fields = (t: any) => ({ hello: t.string({ resolve: () => "hi" }) });
